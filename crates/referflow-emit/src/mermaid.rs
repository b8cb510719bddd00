//! Mermaid `flowchart`, for places that draw Mermaid themselves (GitHub, GitLab, wikis, the
//! Markdown narrative).
//!
//! # Layout
//!
//! `flowchart TB` (or `LR`). Every stage is declared first, in source order, with its shape and
//! label; then one `subgraph` per actor that leads at least one stage (in actor source order),
//! titled with the actor's name and listing its stages; then every edge in source order. Stages
//! without an owner belong to no subgraph. Declaring the nodes before the lanes keeps the file in
//! the order of the chart, and a node listed in a subgraph moves into it wherever it was declared.
//!
//! Shapes, one per kind, so the kind reads without colour:
//!
//! | kind       | Mermaid       | shape                                           |
//! | ---------- | ------------- | ----------------------------------------------- |
//! | `start`    | `s0(["…"])`   | stadium: the usual terminal of a flowchart      |
//! | `step`     | `s1["…"]`     | rectangle: the usual process box                |
//! | `decision` | `s2{"…"}`     | rhombus                                         |
//! | `end`      | `s3[["…"]]`   | framed rectangle: an outcome, holding long text |
//!
//! A circle would also say "outcome", but a circle grows with its label in both directions and
//! outcome labels are sentences. A stage's time limit is a second line of its label, in words in
//! the chosen language (`within 24 hours`, `ภายใน 24 ชั่วโมง`, from [`crate::i18n`]). A chart that writes step numbers (`step 14 screen …`) has
//! each number before its label, `14 · Screen with the national form`, as in the laid-out
//! diagram; a chart without them shows none (its narrative numbers steps in reading order,
//! which Mermaid never showed). Branch labels sit on their edges (`-->|"yes"|`), in the
//! chosen language, `yes`/`no` translated by the tool. The chart's title becomes `accTitle` (the
//! SVG's accessible title); Mermaid has no visible title for a flowchart other than YAML front
//! matter, which would be a second escaping context for the same text, and every page that shows
//! the diagram already has the title as a heading.
//!
//! Mermaid refuses, by default, diagrams longer than 50,000 characters or with more than 500
//! edges (`maxTextSize`, `maxEdges`); a chart that large needs a page that raises them, or the
//! SVG from Graphviz. The Thai example is about 6,000 characters.
//!
//! # Ids
//!
//! Node ids are `s{stage index}` and subgraph ids `a{actor index}`, never the author's ids: those
//! may be Mermaid keywords (`end`, `graph`, `subgraph`, `click`, `style`), hold `-` (which Mermaid
//! reads as part of an arrow) or be Thai. Synthetic ids also keep the text to one shape per line.
//!
//! # Escaping
//!
//! Mermaid's labels have a history of XSS through labels, `classDef`, `click` and icon syntax. The
//! rule here: no character of user text ever reaches Mermaid as anything but text.
//!
//! - Every user text sits inside a quoted string (`["…"]`, `|"…"|`, `subgraph a0 ["…"]`). Within
//!   quotes Mermaid's lexer stops only at `"`, and `"` is always escaped, so user text can never
//!   end the string, start a statement (`click`, `style`, `classDef`, `linkStyle`, `class`) or
//!   add a class (`:::`).
//! - Characters are escaped with Mermaid's entity syntax, which Mermaid turns into HTML entities
//!   only in the finished SVG (entities are text there, not markup): `#quot;`, `#lt;`, `#gt;`,
//!   `#amp;`, and `#NNN;` (decimal; Mermaid reads `#x41;` as a named entity) for every other ASCII
//!   character except letters, digits, space and `, . ? ! / + -`. So `<` never reaches the HTML
//!   label (no tags, no `<br>` from the author), `#` never starts an entity of the author's, `:`
//!   never forms Font Awesome's `fa:fa-…` (which Mermaid expands into an `<i class=…>`), `$` never
//!   forms KaTeX's `$$…$$`, a leading backtick never makes a Markdown string, `\` never forms the
//!   `\n` that Mermaid reads as a line break, `%` never forms a `%%` comment or directive, and
//!   `;` never feeds the `style…:…#…;` rewrite Mermaid runs over the whole text before parsing.
//! - Outside ASCII, text passes through (Thai stays readable in the file) except control
//!   characters, invisible and direction-changing characters (bidi overrides, zero-width
//!   characters, tag characters, variation selectors), which are escaped so that nothing hides in
//!   the file or in a review of its diff; they render as before. Mermaid's own placeholder
//!   characters `ﬂ`, `°`, `¶` and `ß` are escaped too: Mermaid encodes entities as `ﬂ°°N¶ß` while
//!   it works and decodes every such run in the finished SVG, so written raw they would turn into
//!   `&`, `&#` and `;` and garble the text.
//! - A line break in a user text becomes `<br>`, Mermaid's own line break in labels (both HTML
//!   and SVG labels split on it). It is the only markup in the output and it is written by this
//!   module: the author's `<` is always `#lt;`, so the author cannot write a `<br>`, or anything
//!   else in angle brackets.
//! - The output holds no `click`, `style`, `classDef`, `class` or `linkStyle` statement at all,
//!   and no `:` outside `accTitle:`.
//!
//! Brackets, parentheses, `'`, `;`, `=`, `|`, `*`, `_` and `~` are harmless inside quotes today;
//! they are escaped all the same because Mermaid keeps giving label text new meanings (Markdown
//! strings, icons, KaTeX, `@{…}` shapes), and a short list of what may pass through survives the
//! next one. The cost: Mermaid's SVG labels (`htmlLabels: false`, not the default) decode only
//! `&amp;`, `&lt;` and `&gt;`, so there an edge label or lane title shows `&#40;` where HTML labels
//! show `(` (and `&quot;` for `"`, which no escaping avoids).
//!
//! An empty text is written as `" "`: Mermaid's grammar refuses `""`, and trims the space.

use crate::chart::{Chart, Direction, RenderOptions};
use referflow_syntax::StageKind;

/// Indentation of a statement, and of a member inside a subgraph.
const INDENT: &str = "    ";

pub fn render_mermaid(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    let model = chart.model;
    let (catalogue, _) = crate::i18n::Catalogue::for_lang(chart.lang(options));
    let durations = crate::i18n::Durations::of_model(catalogue, model);
    let mut out = String::new();
    out.push_str(match options.direction {
        Direction::TopBottom => "flowchart TB\n",
        Direction::LeftRight => "flowchart LR\n",
    });

    if let Some(title) = &model.title {
        let title = chart.text(title, options);
        if !title.trim().is_empty() {
            out.push_str(INDENT);
            out.push_str("accTitle: ");
            // `accTitle` runs to the end of the line and becomes the SVG's `<title>`, where a
            // `<br>` would show as text: a line break in the title is a space.
            push_escaped(&mut out, title, " ");
            out.push('\n');
        }
    }

    for (index, stage) in model.stages.iter().enumerate() {
        let (open, close) = match stage.kind {
            StageKind::Start => ("([", "])"),
            StageKind::Step => ("[", "]"),
            StageKind::Decision => ("{", "}"),
            StageKind::End => ("[[", "]]"),
        };
        let mut label = String::new();
        // The number the chart writes, as the laid-out diagram shows it; a chart without numbers
        // of its own is drawn as before, without the reading-order numbers (crate::numbers).
        if let Some(number) = stage.number {
            label.push_str(&number.value.to_string());
            label.push_str(" · ");
        }
        push_escaped(&mut label, chart.text(&stage.label, options), "<br>");
        if let Some(limit) = &stage.within {
            if !label.is_empty() {
                label.push_str("<br>");
            }
            push_escaped(&mut label, &durations.within(limit.text), " ");
        }
        out.push_str(INDENT);
        out.push('s');
        out.push_str(&index.to_string());
        out.push_str(open);
        push_quoted(&mut out, &label);
        out.push_str(close);
        out.push('\n');
    }

    // One lane per lead actor; `lanes[a]` holds the stages actor `a` leads, in source order.
    let mut lanes: Vec<Vec<usize>> = vec![Vec::new(); model.actors.len()];
    for (index, stage) in model.stages.iter().enumerate() {
        if let Some(lane) = stage.owners.first().and_then(|lead| lanes.get_mut(lead.index())) {
            lane.push(index);
        }
    }
    for (actor, (lane, stages)) in model.actors.iter().zip(&lanes).enumerate() {
        if stages.is_empty() {
            continue;
        }
        let mut title = String::new();
        push_escaped(&mut title, chart.text(&lane.name, options), "<br>");
        out.push_str(INDENT);
        out.push_str("subgraph a");
        out.push_str(&actor.to_string());
        out.push_str(" [");
        push_quoted(&mut out, &title);
        out.push_str("]\n");
        for stage in stages {
            out.push_str(INDENT);
            out.push_str(INDENT);
            out.push('s');
            out.push_str(&stage.to_string());
            out.push('\n');
        }
        out.push_str(INDENT);
        out.push_str("end\n");
    }

    for edge in &model.edges {
        out.push_str(INDENT);
        out.push('s');
        out.push_str(&edge.from.index().to_string());
        out.push_str(" -->");
        let label = edge.label.as_ref().map(|label| chart.label(label, options));
        if let Some(label) = label.filter(|label| !label.trim().is_empty()) {
            let mut text = String::new();
            push_escaped(&mut text, &label, "<br>");
            out.push('|');
            push_quoted(&mut out, &text);
            out.push('|');
        }
        out.push_str(" s");
        out.push_str(&edge.to.index().to_string());
        out.push('\n');
    }
    out
}

/// `"escaped"`, or `" "` for an empty text (Mermaid's grammar has no empty string).
fn push_quoted(out: &mut String, escaped: &str) {
    out.push('"');
    out.push_str(if escaped.is_empty() { " " } else { escaped });
    out.push('"');
}

/// Appends `text` escaped for the inside of a Mermaid string (see the module doc), writing
/// `line_break` for each line break (`\n`, `\r\n` or `\r`).
fn push_escaped(out: &mut String, text: &str, line_break: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(line_break);
            }
            'a'..='z' | 'A'..='Z' | '0'..='9' | ' ' | ',' | '.' | '?' | '!' | '/' | '+' | '-' => out.push(c),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            c if c.is_ascii() || needs_escape(c) => {
                out.push('#');
                out.push_str(&u32::from(c).to_string());
                out.push(';');
            }
            c => out.push(c),
        }
    }
}

/// Characters outside ASCII that are written as `#NNN;`: controls, characters that are invisible
/// or change the direction of text (so nothing hides in the file), and Mermaid's own entity
/// placeholders.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Mermaid's entity placeholders: ﬂ ° ¶ ß.
            '\u{FB02}' | '\u{B0}' | '\u{B6}' | '\u{DF}'
            // Soft hyphen, combining grapheme joiner, Arabic letter mark.
            | '\u{AD}' | '\u{34F}' | '\u{61C}'
            // Hangul and Khmer fillers, Mongolian variation selectors and vowel separator.
            | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{3164}' | '\u{FFA0}'
            // Zero-width characters, direction marks, line and paragraph separators, bidi
            // embeddings and overrides, word joiner, invisible operators, bidi isolates.
            | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            // Variation selectors, byte order mark, interlinear annotations, specials.
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF0}'..='\u{FFFF}'
            // Tag characters and variation selectors supplement.
            | '\u{E0000}'..='\u{E0FFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::{push_escaped, render_mermaid};
    use crate::chart::{Chart, Direction, RenderOptions};

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text, "<br>");
        out
    }

    #[test]
    fn plain_text_and_thai_pass_through() {
        assert_eq!(escaped("Screen within 24h, then refer."), "Screen within 24h, then refer.");
        assert_eq!(escaped("พบข้อบ่งชี้หรือไม่"), "พบข้อบ่งชี้หรือไม่");
    }

    #[test]
    fn markup_and_syntax_become_entities() {
        assert_eq!(escaped("<b>\"x\" & y</b>"), "#lt;b#gt;#quot;x#quot; #amp; y#lt;/b#gt;");
        assert_eq!(
            escaped("fa:fa-car #1; $$x$$ `c` a|b"),
            "fa#58;fa-car #35;1#59; #36;#36;x#36;#36; #96;c#96; a#124;b"
        );
        assert_eq!(escaped("[](){}%\\=_*~'"), "#91;#93;#40;#41;#123;#125;#37;#92;#61;#95;#42;#126;#39;");
    }

    #[test]
    fn line_breaks_are_ours_and_the_authors_br_is_text() {
        assert_eq!(escaped("one\ntwo\r\nthree\rfour"), "one<br>two<br>three<br>four");
        assert_eq!(escaped("a<br>b"), "a#lt;br#gt;b");
        assert_eq!(escaped("tab\there"), "tab#9;here");
    }

    #[test]
    fn invisible_characters_and_mermaid_placeholders_are_escaped() {
        assert_eq!(escaped("\u{202E}evil\u{202C}"), "#8238;evil#8236;");
        assert_eq!(escaped("ﬂ°°60¶ß"), "#64258;#176;#176;60#182;#223;");
        assert_eq!(escaped("a\u{200B}b\u{E0041}"), "a#8203;b#917569;");
    }

    #[test]
    fn keyword_ids_empty_texts_and_unowned_stages() {
        let src = r#"title "T"
languages en th
actor click ""
start graph "" by click within 30min
step subgraph "Sub\ngraph" { th "ย่อย" }
decision style "Style?" by click {
  yes -> classDef
  no -> subgraph
}
end classDef "Done"
graph -> style
subgraph -> classDef
"#;
        let checked = referflow_check::check(&referflow_syntax::parse(src));
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let chart = Chart::new(&checked.model, &checked.diagnostics);
        let options = RenderOptions { lang: 1, direction: Direction::LeftRight, diagram: true };
        let expected = r#"flowchart LR
    accTitle: T
    s0(["ภายใน 30 นาที"])
    s1["ย่อย"]
    s2{"Style?"}
    s3[["Done"]]
    subgraph a0 [" "]
        s0
        s2
    end
    s2 -->|"ใช่"| s3
    s2 -->|"ไม่ใช่"| s1
    s0 --> s2
    s1 --> s3
"#;
        assert_eq!(render_mermaid(&chart, &options), expected);
        let english = render_mermaid(&chart, &RenderOptions::default());
        assert!(english.starts_with("flowchart TB\n"), "{english}");
        assert!(english.contains("s1[\"Sub<br>graph\"]"), "{english}");
    }
}
