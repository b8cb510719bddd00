//! Diagnostics for people: miette's graphical report, with the source shown.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use referflow_check::Diagnostic;
use referflow_syntax::LineIndex;

use super::{FileReport, Summary};

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

/// A borrowed source text with its file name (miette's `NamedSource` wants owned text).
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
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
        let text_start = referflow_syntax::text_start(self.text);
        let offset = span.offset().clamp(text_start, self.text.len());
        let first = self.lines.line_of(offset).saturating_sub(before);
        let last = self.lines.line_of((offset + span.len()).min(self.text.len())) + after + 1;
        let start = self.lines.line_start(first, self.text).max(text_start);
        let end = self.lines.line_start(last, self.text);
        let window = &self.text[start..end.max(start)];
        let inner = SourceSpan::new((offset - start).into(), span.len().min(window.len() - (offset - start)));
        let contents = window.read_span(&inner, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            SourceSpan::new((contents.span().offset() + start).into(), contents.span().len()),
            contents.line() + first,
            contents.column(),
            // miette's own reader counts lines from the start of the text; its handler relies on
            // that to decide which labels share a snippet.
            contents.line_count() + first,
        )))
    }
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
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
        self.diagnostic.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.diagnostic.labels()
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
        let lines = LineIndex::new(report.source.text);
        for diagnostic in report.diagnostics.iter().take(HUMAN_LIMIT) {
            let item = WithSource {
                diagnostic,
                source: Named { name: report.source.name, text: report.source.text, lines: &lines },
            };
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
