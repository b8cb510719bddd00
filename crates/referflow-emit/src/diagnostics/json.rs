//! `check --format json`: the stable, versioned shape of SPEC §4.

use referflow_syntax::{LineIndex, Span};
use std::io::Write;

use serde::Serialize;

use super::{FileReport, Summary};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Diagnostics<'a>,
    summary: JsonSummary,
}

/// Every diagnostic of the run, made one at a time as it is written: a report of 300,000
/// diagnostics never exists whole (see `docs/security.md`).
struct Diagnostics<'a>(&'a [FileReport<'a>]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for report in self.0 {
            if report.diagnostics.is_empty() {
                continue; // no line index to build for a clean file
            }
            let index = LineIndex::new(report.source.text);
            let span = |s: Span| {
                let at = index.line_col(report.source.text, s.start as usize);
                JsonSpan { start: s.start, end: s.end, line: at.line, column: at.column }
            };
            for d in report.diagnostics {
                seq.serialize_element(&JsonDiagnostic {
                    code: d.rule.code(),
                    name: d.rule.name(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    file: report.source.name,
                    span: span(d.span),
                    stage: d.stage.as_deref(),
                    help: d.help.as_deref(),
                    related: d.related.iter().map(|r| JsonRelated { span: span(r.span), label: &r.label }).collect(),
                })?;
            }
        }
        seq.end()
    }
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
    let mut out = Vec::new();
    write_json(reports, &mut out).unwrap_or_else(|e| unreachable!("a Vec takes every byte: {e}"));
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("serde_json writes UTF-8: {e}"))
}

/// [`render_json`] written to `sink` as it is made.
pub fn write_json(reports: &[FileReport<'_>], sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let summary = Summary::of(reports);
    let output = Output {
        version: 1,
        diagnostics: Diagnostics(reports),
        summary: JsonSummary { files: summary.files, errors: summary.errors, warnings: summary.warnings },
    };
    let mut sink = std::io::BufWriter::with_capacity(1 << 16, sink);
    serde_json::to_writer_pretty(&mut sink, &output).map_err(std::io::Error::from)?;
    sink.write_all(b"\n")?;
    sink.flush()
}
