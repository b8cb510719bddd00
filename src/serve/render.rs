//! One look at the chart: read, checked, laid out and narrated, as the JSON the page draws.
//!
//! The page is only as good as the last chart that checked clean, so the renderer keeps that
//! chart's diagram and narrative and sends them again, marked as not current, while the file
//! has errors: a committee watching the projector keeps its bearings while someone types.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use referflow_check::{Checked, Diagnostic, Levels};
use referflow_emit::chart::{Chart, RenderOptions};
use referflow_emit::html;
use referflow_emit::pages;
use referflow_syntax::LineIndex;
use serde::Serialize;

use crate::input;

/// What the page shows of the last chart without errors.
#[derive(Debug, Clone, Serialize)]
pub struct Good {
    /// The revision this chart was read at.
    revision: u64,
    /// When it was read, in milliseconds since the Unix epoch (the page shows local time).
    read_at: u64,
    /// The title in each declared language.
    titles: Vec<String>,
    version: Option<String>,
    /// Declared language codes; the page names them in their own language.
    languages: Vec<String>,
    /// The SVG of each language, or none when it could not be laid out (no fonts).
    svgs: Vec<Option<String>>,
    /// Why there is no diagram, for the page to say so.
    diagram_note: Option<String>,
    /// The narrative of each language as HTML.
    narratives: Vec<String>,
}

/// One update of the page.
#[derive(Debug, Serialize)]
struct Update<'a> {
    revision: u64,
    file: &'a str,
    read_at: u64,
    /// A problem that is not in the chart: the file cannot be read, `referflow.toml` is wrong.
    problem: Option<&'a str>,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<PageDiagnostic<'a>>,
    /// Whether `chart` is this revision (false: the last good one, shown while errors stand).
    current: bool,
    chart: Option<&'a Good>,
}

/// A diagnostic with the line it is about, for people who read the chart rather than a log.
#[derive(Debug, Serialize)]
struct PageDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    name: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    line: usize,
    column: usize,
    /// The source line of the primary span, and the part of it the span covers, in
    /// characters (so the page can mark it without parsing UTF-8 offsets).
    source: String,
    mark_start: usize,
    mark_end: usize,
    related: Vec<PageRelated<'a>>,
}

#[derive(Debug, Serialize)]
struct PageRelated<'a> {
    /// Another file of the chart; this one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: usize,
    column: usize,
    label: &'a str,
}

/// Renders the chart at `path` on demand and remembers its last good state.
#[derive(Debug)]
pub struct Renderer {
    path: PathBuf,
    /// The files the chart included when it was last rendered (resolved): the watcher
    /// watches them too.
    pub included: Vec<PathBuf>,
    name: String,
    revision: u64,
    last_good: Option<Good>,
}

impl Renderer {
    pub fn new(path: &Path) -> Self {
        Renderer {
            path: path.to_path_buf(),
            included: Vec::new(),
            name: crate::input::shown(path),
            revision: 0,
            last_good: None,
        }
    }

    /// The page update for the chart's `text`, as one line of JSON, and a summary for the
    /// terminal.
    pub fn render(&mut self, text: &str) -> (String, String) {
        self.revision += 1;
        let read_at = now_ms();
        // Read afresh each time: the committee may change rule levels while the preview runs.
        let (levels, problem) = match crate::config::levels_for(&self.path) {
            Ok(levels) => (levels, None),
            Err(failure) => (Levels::default(), Some(format!("{} (the rules run at their default levels)", failure.0))),
        };
        // A chart with includes is checked with its files, as `referflow check` does; the page
        // lists this file's diagnostics and counts all.
        let main = crate::input::Loaded { name: self.name.clone(), text: text.to_string() };
        let arena = bumpalo::Bump::new();
        let sources = crate::driver::include::chart_of(&self.path, &main).ok().flatten();
        self.included = sources.iter().flat_map(|s| s.files.iter().skip(1).map(|f| f.canonical.clone())).collect();
        let (checked, shown) = match sources {
            None => {
                let checked = referflow_check::check_with(&referflow_syntax::parse(text), &levels);
                let shown = checked.diagnostics.clone();
                (checked, shown)
            }
            Some(sources) => {
                let checked = sources.check(&arena, &levels);
                let shown = sources.split(checked.diagnostics.clone()).swap_remove(0);
                (checked, shown)
            }
        };
        let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = checked.diagnostics.len() - errors;
        let current = errors == 0;
        if current {
            self.last_good = Some(good(&checked, self.revision, read_at));
        }
        let update = Update {
            revision: self.revision,
            file: &self.name,
            read_at,
            problem: problem.as_deref(),
            errors,
            warnings,
            diagnostics: page_diagnostics(text, &shown),
            current,
            chart: self.last_good.as_ref(),
        };
        let summary = match (errors, warnings) {
            (0, 0) => "no problems".to_string(),
            (0, w) => plural(w, "warning"),
            (e, 0) => format!("{}; showing the last chart without errors", plural(e, "error")),
            (e, w) => {
                format!("{}, {}; showing the last chart without errors", plural(e, "error"), plural(w, "warning"))
            }
        };
        (to_json(&update), summary)
    }

    /// The page update for a file that cannot be read now: the last good chart stays.
    pub fn unreadable(&mut self, cause: &str) -> String {
        self.revision += 1;
        let update = Update {
            revision: self.revision,
            file: &self.name,
            read_at: now_ms(),
            problem: Some(cause),
            errors: 0,
            warnings: 0,
            diagnostics: Vec::new(),
            current: false,
            chart: self.last_good.as_ref(),
        };
        to_json(&update)
    }
}

/// Reads the chart as `referflow check` would, with one line for what went wrong.
pub fn read(path: &Path) -> Result<String, String> {
    input::load(path).map(|loaded| loaded.text).map_err(|failure| failure.0)
}

fn to_json(update: &Update<'_>) -> String {
    // Serializing plain strings and numbers cannot fail; an empty object keeps the page alive.
    serde_json::to_string(update).unwrap_or_else(|_| "{}".to_string())
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The diagram and narrative of a chart without errors, in every declared language.
fn good(checked: &Checked<'_>, revision: u64, read_at: u64) -> Good {
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    let model = chart.model;
    let options = RenderOptions { diagram: false, ..RenderOptions::default() };
    let languages: Vec<String> = model.languages.iter().map(|l| l.to_string()).collect();
    crate::warn_without_catalogue(languages.iter().map(String::as_str));
    let untitled = |code: &str| referflow_emit::i18n::Catalogue::for_lang(code).0.text("untitled");
    let titles = languages
        .iter()
        .enumerate()
        .map(|(lang, code)| model.title.as_ref().map_or_else(|| untitled(code), |t| t.get(lang).to_string()))
        .collect();

    // The same layout as `render --to svg`: lanes and phases come from the source, so a save
    // moves only what changed. Ids carry the language's index, unique on the page.
    let mut diagram_note = None;
    let svgs = (0..languages.len())
        .map(|lang| match pages::canvas(&chart, &RenderOptions { lang, ..options }) {
            Ok(page) => {
                Some(svg_element(&html::diagram_svg(&chart, &page, &RenderOptions { lang, ..options })).to_string())
            }
            Err(error) => {
                diagram_note.get_or_insert_with(|| format!("No diagram: {error}"));
                None
            }
        })
        .collect();
    Good {
        revision,
        read_at,
        titles,
        version: model.version.as_ref().map(|v| v.get(0).to_string()),
        svgs,
        diagram_note,
        narratives: narratives(&chart, &options),
        languages,
    }
}

/// The `<svg>` element of an SVG document, without any XML prolog or doctype, which mean
/// nothing inside an HTML page.
fn svg_element(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..]).trim_end()
}

/// The narrative of each language as HTML.
fn narratives(chart: &Chart<'_, '_>, options: &RenderOptions) -> Vec<String> {
    (0..chart.model.languages.len())
        .map(|lang| html::render_narrative(chart, &RenderOptions { lang, ..*options }))
        .collect()
}

fn page_diagnostics<'a>(text: &str, diagnostics: &'a [Diagnostic]) -> Vec<PageDiagnostic<'a>> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| {
            let start = index.line_col(text, d.span.start as usize);
            let end = index.line_col(text, d.span.end as usize);
            let source = line_text(text, d.span.start as usize);
            let width = source.chars().count();
            let mark_start = (start.column - 1).min(width);
            let mark_end = if end.line == start.line { (end.column - 1).clamp(mark_start, width) } else { width };
            PageDiagnostic {
                severity: d.severity.as_str(),
                code: d.rule.code(),
                name: d.rule.name(),
                message: &d.message,
                help: d.help.as_deref(),
                line: start.line,
                column: start.column,
                source,
                mark_start,
                mark_end,
                related: d
                    .related
                    .iter()
                    .map(|r| match &r.file {
                        // In an included file: the page names the file.
                        Some(other) => PageRelated {
                            file: Some(&other.name),
                            line: other.start.0,
                            column: other.start.1,
                            label: &r.label,
                        },
                        None => {
                            let at = index.line_col(text, r.span.start as usize);
                            PageRelated { file: None, line: at.line, column: at.column, label: &r.label }
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The line holding byte `offset`, without its line ending or a byte order mark, tabs as
/// spaces so the marked columns line up.
fn line_text(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let offset = (0..=offset).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim_end_matches('\r');
    line.strip_prefix('\u{FEFF}').unwrap_or(line).replace('\t', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_its_narrative() {
        let src = "title \"T\" th \"ท\"\nlanguages en th\nactor a \"A\" { th \"ก\" }\nstart s \"Go <b>\" by a { th \"ไป\" }\nend e \"Done\" by a { th \"เสร็จ\" }\ns -> e\n";
        let parsed = referflow_syntax::parse(src);
        let checked = referflow_check::check(&parsed);
        let chart = Chart::new(&checked.model, &checked.diagnostics);
        let got = narratives(&chart, &RenderOptions { diagram: false, ..RenderOptions::default() });
        assert_eq!(got.len(), 2);
        assert!(got[0].contains("Go &lt;b&gt;"), "{}", got[0]);
        assert!(got[1].contains("ไป"), "{}", got[1]);
        assert!(!got[0].contains("<section") && !got[0].contains("</section>"));
    }

    #[test]
    fn a_diagnostic_marks_its_span_on_its_line_in_characters() {
        let src = "title \"ท\"\nstep กข \"x\" by nobody\n";
        let parsed = referflow_syntax::parse(src);
        let checked = referflow_check::check(&parsed);
        let diagnostics = page_diagnostics(src, &checked.diagnostics);
        let unknown = diagnostics.iter().find(|d| d.code == "RF003").expect("an unknown reference");
        assert_eq!(unknown.line, 2);
        assert_eq!(unknown.source, "step กข \"x\" by nobody");
        let marked: String =
            unknown.source.chars().skip(unknown.mark_start).take(unknown.mark_end - unknown.mark_start).collect();
        assert_eq!(marked, "nobody");
    }

    #[test]
    fn line_text_drops_line_endings_and_the_byte_order_mark() {
        assert_eq!(line_text("\u{FEFF}a\r\nb", 3), "a");
        assert_eq!(line_text("a\r\nb", 3), "b");
        assert_eq!(line_text("a\tb", 99), "a b");
    }
}
