//! Diagnostics for people: miette's graphical report, with the source shown.

use std::borrow::Cow;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use referflow_check::Diagnostic;
use referflow_syntax::LineIndex;

use super::{FileReport, Summary};
use crate::{is_hidden, push_visible, visible};

#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Wrap width; `None` for miette's default (80).
    pub width: Option<usize>,
}

/// A diagnostic with its source, which is what miette renders.
struct WithSource<'a> {
    diagnostic: &'a Diagnostic,
    source: Named<'a>,
}

/// A source text as the report quotes it, with its file name (miette's `NamedSource` wants
/// owned text).
struct Named<'a> {
    name: &'a str,
    shown: &'a Shown<'a>,
}

/// A file's text as the report quotes it: a carriage return, an escape or any other hidden
/// character a line holds is made visible (`\r`, `\u{1b}`), so a quoted line can neither move
/// the cursor nor start a line of its own in a CI log; a line ends only at `\n` (`\r\n` is
/// shown as a plain line end). Spans and columns still count the original text.
struct Shown<'a> {
    original: &'a str,
    /// The lines of the original text, when it differs from the shown one.
    original_lines: Option<LineIndex>,
    text: Cow<'a, str>,
    lines: LineIndex,
    /// For each character replaced, in order: its offset in the original text and how much
    /// longer the shown text is than the original just after it.
    shifts: Vec<(usize, isize)>,
}

impl<'a> Shown<'a> {
    fn new(original: &'a str) -> Self {
        let quoted = |c: char| is_hidden(c) && c != '\n' && c != '\t';
        let mut shifts = Vec::new();
        let text = if original.chars().any(quoted) {
            let mut text = String::with_capacity(original.len() + 16);
            let mut chars = original.char_indices().peekable();
            while let Some((at, c)) = chars.next() {
                if !quoted(c) {
                    text.push(c);
                    continue;
                }
                if c != '\r' || chars.peek().is_none_or(|&(_, next)| next != '\n') {
                    push_visible(&mut text, c);
                }
                shifts.push((at, text.len() as isize - (at + c.len_utf8()) as isize));
            }
            Cow::Owned(text)
        } else {
            Cow::Borrowed(original)
        };
        let lines = LineIndex::new(&text);
        let original_lines = matches!(text, Cow::Owned(_)).then(|| LineIndex::new(original));
        Shown { original, original_lines, text, lines, shifts }
    }

    /// Where byte `offset` of the original text is in the shown text.
    fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|&(at, _)| at < offset);
        let shift = before.checked_sub(1).map_or(0, |i| self.shifts[i].1);
        offset.saturating_add_signed(shift)
    }

    /// `span` of the original text as a span of the shown text.
    fn span(&self, span: &SourceSpan) -> SourceSpan {
        let start = self.offset(span.offset());
        let end = self.offset(span.offset() + span.len());
        SourceSpan::new(start.into(), end - start)
    }
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // miette finds lines by scanning from the start of the text, which makes a file with
        // many diagnostics quadratic; hand it only the lines around the span.
        // Nor a byte order mark: it is not text, and miette would count it as a column.
        let (text, lines) = (&*self.shown.text, &self.shown.lines);
        let text_start = referflow_syntax::text_start(text);
        let offset = span.offset().clamp(text_start, text.len());
        let first = lines.line_of(offset).saturating_sub(before);
        let last = lines.line_of((offset + span.len()).min(text.len())) + after + 1;
        let start = lines.line_start(first, text).max(text_start);
        let end = lines.line_start(last, text);
        let window = &text[start..end.max(start)];
        let inner = SourceSpan::new((offset - start).into(), span.len().min(window.len() - (offset - start)));
        let contents = window.read_span(&inner, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            SourceSpan::new((contents.span().offset() + start).into(), contents.span().len()),
            contents.line() + first,
            // miette counts bytes; the header shows the column in characters of the original
            // line, as the other formats and editors do.
            if before == 0 { self.column(offset) } else { contents.column() },
            // miette's own reader counts lines from the start of the text; its handler relies on
            // that to decide which labels share a snippet.
            contents.line_count() + first,
        )))
    }
}

impl Named<'_> {
    /// The 0-based column, in characters of the original text, of byte `offset` of the shown
    /// text.
    fn column(&self, offset: usize) -> usize {
        let shown = self.shown;
        let before = shown.shifts.partition_point(|&(at, _)| shown.offset(at) < offset);
        let shift = before.checked_sub(1).map_or(0, |i| shown.shifts[i].1);
        let original = offset.saturating_add_signed(-shift).min(shown.original.len());
        shown.original_lines.as_ref().unwrap_or(&shown.lines).line_col(shown.original, original).column - 1
    }
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.diagnostic.to_string()))
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diagnostic)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // A related place in another file of the chart cannot be drawn in this file's lines:
        // it is named after the help.
        let elsewhere: Vec<String> = (self.diagnostic.related.iter())
            .filter_map(|r| r.file.as_ref().map(|f| format!("{}: {}:{}:{}", r.label, f.name, f.start.0, f.start.1)))
            .collect();
        let help = match (self.diagnostic.help.as_deref(), elsewhere.is_empty()) {
            (None, true) => return None,
            (Some(help), true) => help.to_string(),
            (None, false) => elsewhere.join("; "),
            (Some(help), false) => format!("{help} ({})", elsewhere.join("; ")),
        };
        Some(Box::new(visible(&help).into_owned()))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let shown = self.source.shown;
        // The primary label first, then one per related place: those in this file.
        let related = &self.diagnostic.related;
        let labels = (self.diagnostic.labels()?.enumerate())
            .filter(move |(i, _)| *i == 0 || related.get(i - 1).is_some_and(|r| r.file.is_none()))
            .map(|(_, label)| label);
        Some(Box::new(labels.map(move |label| {
            let text = label.label().map(|l| visible(l).into_owned());
            let span = shown.span(label.inner());
            if label.primary() {
                miette::LabeledSpan::new_primary_with_span(text, span)
            } else {
                miette::LabeledSpan::new_with_span(text, span)
            }
        })))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
}

/// Renders every diagnostic of every file, in order.
pub fn render_human(reports: &[FileReport<'_>], options: HumanOptions) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut handler = GraphicalReportHandler::new_themed(theme);
    if let Some(width) = options.width {
        handler = handler.with_width(width);
    }
    let mut out = String::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue; // no line index to build for a clean file
        }
        let shown = Shown::new(report.source.text);
        for diagnostic in report.diagnostics.iter().take(HUMAN_LIMIT) {
            let item = WithSource { diagnostic, source: Named { name: report.source.name, shown: &shown } };
            // Writing into a String cannot fail.
            let _ = handler.render_report(&mut out, &item);
        }
        if let Some(more) = report.diagnostics.len().checked_sub(HUMAN_LIMIT).filter(|n| *n > 0) {
            out.push_str(&format!(
                "{}: {more} more diagnostics not shown; fix the first ones, or use --format json to see them all\n",
                report.source.name
            ));
        }
    }
    out
}

/// At most this many diagnostics of a file are drawn with their source: past that, a reader
/// needs the first ones fixed, not more pages (the other formats report them all).
pub const HUMAN_LIMIT: usize = 200;

/// `2 errors and 1 warning in 3 files`, or `no problems in 3 files`.
pub fn summary_line(summary: Summary) -> String {
    let files = plural(summary.files, "file");
    match (summary.errors, summary.warnings) {
        (0, 0) => format!("no problems in {files}"),
        (e, 0) => format!("{} in {files}", plural(e, "error")),
        (0, w) => format!("{} in {files}", plural(w, "warning")),
        (e, w) => format!("{} and {} in {files}", plural(e, "error"), plural(w, "warning")),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
