//! `check --format json`: the stable, versioned shape of SPEC §4.

use referflow_check::Diagnostic;
use referflow_syntax::{LineIndex, Span};
use serde::Serialize;

use super::{FileReport, Summary};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
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
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
}

/// One JSON object for the whole run, with a trailing newline.
pub fn render_json(reports: &[FileReport<'_>]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue; // no line index to build for a clean file
        }
        let index = LineIndex::new(report.source.text);
        let span = |s: Span| {
            let at = index.line_col(report.source.text, s.start as usize);
            JsonSpan { start: s.start, end: s.end, line: at.line, column: at.column }
        };
        diagnostics.extend(report.diagnostics.iter().map(|d: &Diagnostic| JsonDiagnostic {
            code: d.rule.code(),
            name: d.rule.name(),
            severity: d.severity.as_str(),
            message: &d.message,
            file: report.source.name,
            span: span(d.span),
            stage: d.stage.as_deref(),
            help: d.help.as_deref(),
            related: d.related.iter().map(|r| JsonRelated { span: span(r.span), label: &r.label }).collect(),
        }));
    }
    let summary = Summary::of(reports);
    let output = Output {
        version: 1,
        diagnostics,
        summary: JsonSummary { files: summary.files, errors: summary.errors, warnings: summary.warnings },
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}
