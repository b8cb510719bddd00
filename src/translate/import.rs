//! `referflow translate import PO FILE`: a translator's PO file written back into the chart.
//!
//! Each entry with a key the chart knows, a translation and no `fuzzy` flag sets that text's
//! translation, recording the English it was made from (`th "…" from "…"`), so that a later
//! change of the English is reported as stale (RF112) and exported as fuzzy. The chart is
//! edited as text: an existing translation is replaced where it is written, a new one goes
//! where docs/language.md says it goes, and nothing else changes. A chart that was in the
//! canonical layout (`referflow fmt`) is kept in it. Nothing is written when anything fails.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

use referflow_syntax::Span;

use super::{Place, Slot, po, translation_end};
use crate::driver::include::WholeChart;
use crate::edit::{self, Edit};
use crate::{Failure, Outcome, input};

pub fn run(po_path: &Path, chart_path: &Path, lang: Option<&str>) -> Result<Outcome, Failure> {
    let po_file = input::load(po_path)?;
    let po_name = &po_file.name;
    let entries = po::parse(&po_file.text).map_err(|(line, why)| Failure(format!("{po_name}:{line}: {why}")))?;
    let from_header = entries
        .iter()
        .find(|e| e.is_header())
        .and_then(|e| e.header_field("Language"))
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    let Some(lang) = lang.map(str::to_string).or(from_header) else {
        return Err(Failure(format!(
            "{po_name}: the PO file's header says no `Language`; give the language with `--lang`"
        )));
    };
    let chart = WholeChart::read(chart_path)?;
    let arena = bumpalo::Bump::new();
    let prepared = match super::prepare(&chart, &arena, "so no translation is imported") {
        Ok(prepared) => prepared,
        Err(outcome) => return Ok(outcome),
    };
    let name = &chart.file.name;
    // Tools write gettext's `pt_BR` where a chart declares `pt-BR`.
    let languages = &prepared.checked.model.languages;
    let lang = if !languages.contains(&lang.as_str()) && languages.contains(&lang.replace('_', "-").as_str()) {
        lang.replace('_', "-")
    } else {
        lang
    };
    super::target_language(&prepared.checked.model, &lang, name)?;
    let slots = super::chart_slots(&prepared);
    let by_key: HashMap<&str, &Slot<'_, '_>> = slots.iter().map(|s| (s.key.as_str(), s)).collect();
    let texts = edit::texts(&chart);
    let mut warnings = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut edits = Vec::new();
    let (mut unchanged, mut fuzzy) = (0, 0);
    for entry in &entries {
        if entry.is_header() || entry.msgstr.is_empty() {
            continue;
        }
        let at = format!("{po_name}:{}", entry.line);
        if entry.fuzzy {
            fuzzy += 1;
            continue;
        }
        let Some(key) = entry.msgctxt.as_deref() else {
            warnings.push(format!("{at}: an entry without `msgctxt` is not a text of this chart; skipped"));
            continue;
        };
        let Some(slot) = by_key.get(key) else {
            warnings.push(format!(
                "{at}: no text of the chart has the key `{}` (removed or renamed since the export?); skipped",
                key.escape_debug()
            ));
            continue;
        };
        if entry.plural {
            warnings.push(format!("{at}: `{key}` has plural forms, which no text of a chart has; skipped"));
            continue;
        }
        if let Some(first) = seen.insert(key, entry.line) {
            warnings.push(format!("{at}: `{key}` was imported already, from line {first}; skipped"));
            continue;
        }
        if entry.msgid != slot.source.value {
            warnings.push(format!(
                "{at}: `{key}` was translated from {:?}, but the chart now says {:?}: imported, and `check` reports \
                 it as stale (RF112) until it is translated again",
                entry.msgid, slot.source.value
            ));
        }
        match edit_for(slot, &lang, &entry.msgstr, &entry.msgid, &chart, &texts) {
            Some(edit) => edits.push(edit),
            None => unchanged += 1,
        }
    }
    let imported = edits.len();
    let mut changed = edit::apply(&chart, edits);
    for (k, text) in changed.iter_mut().enumerate() {
        let read = texts[k].0;
        if *text == read {
            continue;
        }
        let parsed = referflow_syntax::parse(text);
        if let Some(error) = parsed.errors.first() {
            return Err(Failure(format!(
                "{name}: the chart would not read back with these translations ({}); nothing was changed",
                error.message
            )));
        }
        // A chart in the canonical layout stays in it: the lines written here are laid out
        // as `fmt` lays them out, and a block they no longer fit on one line of is opened.
        if referflow_fmt::format(read).is_ok_and(|formatted| formatted == read) {
            let formatted = referflow_fmt::format_file(text, &parsed);
            drop(parsed);
            *text = formatted;
        }
    }
    let stdin = chart_path.as_os_str() == "-";
    if stdin {
        std::io::stdout()
            .lock()
            .write_all(changed[0].as_bytes())
            .map_err(|e| Failure(format!("standard output: {e}")))?;
    } else {
        edit::write(chart_path, &chart, &changed)?;
    }
    let mut stderr = std::io::stderr().lock();
    for warning in &warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut summary = format!("{name}: imported {imported} translation{} into `{lang}`", plural(imported));
    if unchanged > 0 {
        summary.push_str(&format!("; {unchanged} already as in the chart"));
    }
    if fuzzy > 0 {
        summary.push_str(&format!("; {fuzzy} fuzzy skipped (review them in the PO file first)"));
    }
    let _ = writeln!(stderr, "{summary}");
    Ok(Outcome::Clean)
}

/// The edit that makes `msgstr` the `lang` translation of the slot's text, made from `msgid`;
/// `None` when the chart says so already.
fn edit_for(
    slot: &Slot<'_, '_>,
    lang: &str,
    msgstr: &str,
    msgid: &str,
    chart: &WholeChart,
    texts: &[(&str, u32)],
) -> Option<Edit> {
    use referflow_fmt::quote;
    let written = format!("{lang} {} from {}", quote(msgstr), quote(msgid));
    if let Some(t) = slot.translation(lang) {
        // Unchanged, and made from the same text (a translation that records nothing is
        // taken as made from the current one: it is not given a `from` it did not ask for).
        let from = t.from.as_ref().map_or(slot.source.value.as_ref(), |f| f.value.as_ref());
        if t.text.value == msgstr && from == msgid {
            return None;
        }
        return Some(Edit { span: Span { start: t.lang.span.start, end: translation_end(t) }, text: written });
    }
    let at = |offset: usize| Span::new(offset, offset);
    match slot.place {
        Place::Inline => Some(Edit { span: at(slot.end() as usize), text: format!(" {written}") }),
        Place::Block { statement, block } => {
            let file = edit::file_of(chart, statement.start);
            let (text, base) = texts[file];
            let nl = edit::newline(text);
            let indent_at = |offset: u32| {
                let start = edit::line_start(texts, chart, offset) - base as usize;
                let line = &text[start..];
                line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
            };
            let indent = indent_at(statement.start);
            let Some(block) = block else {
                let text = format!(" {{{nl}{indent}  {written}{nl}{indent}}}");
                return Some(Edit { span: at(statement.end as usize), text });
            };
            let local = (block.start - base) as usize..(block.end - base) as usize;
            if !text[local].contains('\n') {
                // `{ th "…" }`: the new item after the label's translations, on that line.
                return Some(match slot.translations.last() {
                    Some(t) => Edit { span: at(translation_end(t) as usize), text: format!("; {written}") },
                    None => Edit { span: at(block.start as usize + 1), text: format!(" {written};") },
                });
            }
            // A line of its own, after the label's last translation, else first in the block.
            let (after, item_indent) = match slot.translations.last() {
                Some(t) if edit::line_start(texts, chart, t.lang.span.start) > block.start as usize => {
                    (translation_end(t), indent_at(t.lang.span.start))
                }
                Some(t) => (translation_end(t), format!("{indent}  ")),
                None => (block.start, format!("{indent}  ")),
            };
            let line = edit::line_end(texts, chart, after);
            Some(Edit { span: at(line), text: format!("{item_indent}{written}{nl}") })
        }
    }
}
