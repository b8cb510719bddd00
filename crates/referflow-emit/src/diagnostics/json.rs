//! `check --format json`: the stable, versioned shape of docs/ci.md ("JSON diagnostics").

use referflow_check::Diagnostic;
use referflow_syntax::{LineIndex, Span};
use serde::Serialize;

use super::{Each, FileReport, Summary, write_pretty};

#[derive(Serialize)]
struct Output<D> {
    version: u32,
    diagnostics: D,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    span: JsonSpan,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
    /// The stage's number, when the chart numbers its stages.
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// Secondary spans: the other definition, the stages of an offending path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    span: JsonSpan,
    label: &'a str,
    /// Another file of the chart (an included one); the diagnostic's own file otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
}

/// One JSON object for the whole run, with a trailing newline.
pub fn render_json(reports: &[FileReport<'_>]) -> String {
    super::to_string(|sink| write_json(reports, sink))
}

/// [`render_json`] written to `sink` as it is made.
pub fn write_json<'a>(reports: &'a [FileReport<'a>], sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let summary = Summary::of(reports);
    let diagnostics = Each {
        reports,
        prepare: |report: &FileReport<'_>| LineIndex::new(report.source.text),
        element: |report: &FileReport<'a>, index: &LineIndex, d: &'a Diagnostic| {
            let span = |s: Span| {
                let at = index.line_col(report.source.text, s.start as usize);
                JsonSpan { start: s.start, end: s.end, line: at.line, column: at.column }
            };
            JsonDiagnostic {
                code: d.rule.code(),
                name: d.rule.name(),
                severity: d.severity.as_str(),
                message: &d.message,
                file: report.source.name,
                span: span(d.span),
                stage: d.stage.as_deref(),
                step: d.step,
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| match &r.file {
                        Some(other) => JsonRelated {
                            span: JsonSpan {
                                start: r.span.start,
                                end: r.span.end,
                                line: other.start.0,
                                column: other.start.1,
                            },
                            label: &r.label,
                            file: Some(&other.name),
                        },
                        None => JsonRelated { span: span(r.span), label: &r.label, file: None },
                    })
                    .collect(),
            }
        },
    };
    let output = Output {
        version: 1,
        diagnostics,
        summary: JsonSummary { files: summary.files, errors: summary.errors, warnings: summary.warnings },
    };
    write_pretty(&output, sink)
}
