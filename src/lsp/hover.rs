//! Hover: what an id stands for, from the checked model.

use std::fmt::Write;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use referflow_check::{Model, Texts};

use super::index::{Index, Kind};
use super::text::LineMap;

/// The hover of the id under byte `offset`, or `None` off an id or on one that names nothing.
pub fn hover(lines: &LineMap<'_>, offset: usize) -> Option<Hover> {
    let file = referflow_syntax::parse(lines.text());
    let index = Index::new(&file);
    let occurrence = index.at(offset)?;
    let checked = referflow_check::check(&file);
    let value = describe(&checked.model, occurrence.name)
        .or_else(|| index.definition(occurrence.name).map(|d| unresolved(occurrence.name, d.defines, d.label)))?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: Some(lines.range(occurrence.span)),
    })
}

/// Markdown about the stage, actor or phase called `name`.
fn describe(model: &Model<'_>, name: &str) -> Option<String> {
    let mut out = String::new();
    if let Some(stage) = model.stages.iter().find(|s| s.id == name) {
        let _ = write!(out, "**{}** `{}`", stage.kind.keyword(), stage.id);
        // The number the documents cite it by, in a chart that numbers its stages.
        match stage.number {
            Some(number) => {
                let _ = write!(out, " · step {}", number.value);
            }
            None if model.is_numbered() => out.push_str(" · no number yet (`referflow number` gives one)"),
            None => {}
        }
        if let Some(phase) = stage.phase.and_then(|p| model.phases.get(p.index())) {
            let _ = write!(out, " in phase `{}`", phase.id);
        }
        out.push_str("\n\n");
        texts(&mut out, model, &stage.label);
        if !stage.owners.is_empty() {
            let owners: Vec<String> = stage
                .owners
                .iter()
                .filter_map(|a| model.actors.get(a.index()))
                .map(|a| format!("{} (`{}`)", escape(a.name.get(0)), a.id))
                .collect();
            let _ = write!(out, "\n**Owners:** {}\n", owners.join(", "));
        }
        if let Some(within) = &stage.within {
            let _ = write!(out, "\n**Within:** {}\n", escape(within.text));
        }
        if !stage.refs.is_empty() {
            out.push_str("\n**References:**\n");
            for r in &stage.refs {
                let _ = writeln!(out, "- {}", escape(r.get(0)));
            }
        }
        if !stage.notes.is_empty() {
            out.push_str("\n**Notes:**\n");
            for note in &stage.notes {
                let _ = writeln!(out, "- {}", escape(note.get(0)));
            }
        }
    } else if let Some((i, actor)) = model.actors.iter().enumerate().find(|(_, a)| a.id == name) {
        let _ = write!(out, "**actor** `{}`\n\n", actor.id);
        texts(&mut out, model, &actor.name);
        let owned = model.stages.iter().filter(|s| s.owners.iter().any(|o| o.index() == i));
        let _ = write!(out, "\nowns {}\n", count(owned.count(), "stage"));
    } else if let Some(phase) = model.phases.iter().find(|p| p.id == name) {
        let _ = write!(out, "**phase** `{}`\n\n", phase.id);
        texts(&mut out, model, &phase.name);
        let _ = write!(out, "\nholds {}\n", count(phase.stages.len(), "stage"));
    } else {
        return None;
    }
    Some(out)
}

/// What the tree says of a definition that did not make it into the model (its statement has
/// an error).
fn unresolved(name: &str, kind: Option<Kind>, label: Option<&str>) -> String {
    let word = kind.map_or("id", Kind::word);
    let mut out = format!("**{word}** `{name}`");
    if let Some(label) = label {
        let _ = write!(out, "\n\n{}", escape(label));
    }
    out.push_str("\n\n*(its line has an error)*");
    out
}

/// One line per declared language.
fn texts(out: &mut String, model: &Model<'_>, texts: &Texts<'_>) {
    for (i, lang) in model.languages.iter().enumerate() {
        match texts.values.get(i).and_then(|v| v.as_deref()) {
            Some(text) => {
                let _ = writeln!(out, "- `{lang}` {}", escape(text));
            }
            None => {
                let _ = writeln!(out, "- `{lang}` *(no translation)*");
            }
        }
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// User text as literal Markdown: every ASCII punctuation character is escaped (CommonMark
/// allows a backslash before any of them), so a label never turns into markup or a link.
/// Line breaks in a text (`\n`) stay line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\\n"),
            '\r' => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::text::Encoding;

    const SRC: &str = "languages en th\nactor mdt \"Team *A*\" { th \"ทีม\" }\n\
                       start s \"Start\" by mdt { th \"เริ่ม\" }\n\
                       step screen \"Screen [x](y)\" by mdt within 24h {\n  ref \"Act, s. 29\"\n}\n\
                       end e \"End\" by mdt\ns -> screen -> e\n";

    fn at(word: &str, nth: usize) -> String {
        let offset = SRC.match_indices(word).nth(nth).unwrap().0;
        let lines = LineMap::new(SRC, Encoding::Utf16);
        match hover(&lines, offset).map(|h| h.contents) {
            Some(HoverContents::Markup(m)) => m.value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stage_shows_kind_labels_owners_limit_and_references() {
        let text = at("screen", 1);
        assert_eq!(
            text,
            "**step** `screen`\n\n- `en` Screen \\[x\\]\\(y\\)\n- `th` *(no translation)*\n\n\
             **Owners:** Team \\*A\\* (`mdt`)\n\n**Within:** 24h\n\n**References:**\n- Act\\, s\\. 29\n"
        );
    }

    #[test]
    fn an_actor_shows_its_names() {
        assert_eq!(at("mdt", 2), "**actor** `mdt`\n\n- `en` Team \\*A\\*\n- `th` ทีม\n\nowns 3 stages\n");
    }
}
