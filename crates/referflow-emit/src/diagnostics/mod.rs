//! Diagnostics in each output format of `referflow check`.

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::{HumanOptions, render_human, summary_line};
pub use json::{render_json, write_json};
pub use sarif::{file_uri, normalized, render_sarif, write_sarif};

use referflow_check::Diagnostic;
use serde::Serialize;
use serde::ser::SerializeSeq;

use crate::Source;

/// The diagnostics of one file.
#[derive(Debug)]
pub struct FileReport<'a> {
    pub source: Source<'a>,
    pub diagnostics: &'a [Diagnostic],
}

/// Counts over every file of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport<'_>]) -> Summary {
        let all = reports.iter().flat_map(|r| r.diagnostics.iter());
        let errors = all.clone().filter(|d| d.is_error()).count();
        Summary { files: reports.len(), errors, warnings: all.count() - errors }
    }
}

/// Every diagnostic of a run as a JSON array made one element at a time as it is written, so
/// that a report of 300,000 diagnostics never exists whole (see docs/security.md). `prepare`
/// makes what a file's elements share (its line index, its URI) once per file with
/// diagnostics; `element` makes each diagnostic's element from it.
struct Each<'a, P, E> {
    reports: &'a [FileReport<'a>],
    prepare: P,
    element: E,
}

impl<'a, C, T, P, E> Serialize for Each<'a, P, E>
where
    P: Fn(&FileReport<'a>) -> C,
    E: Fn(&FileReport<'a>, &C, &'a Diagnostic) -> T,
    T: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for report in self.reports {
            if report.diagnostics.is_empty() {
                continue; // nothing to prepare for a clean file
            }
            let shared = (self.prepare)(report);
            for d in report.diagnostics {
                seq.serialize_element(&(self.element)(report, &shared, d))?;
            }
        }
        seq.end()
    }
}

/// `value` pretty-printed to `sink` as it is serialized, with a trailing newline.
fn write_pretty(value: &impl Serialize, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut sink = std::io::BufWriter::with_capacity(1 << 16, sink);
    serde_json::to_writer_pretty(&mut sink, value).map_err(std::io::Error::from)?;
    sink.write_all(b"\n")?;
    sink.flush()
}

/// What a writer of this module writes, as a string.
fn to_string(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).unwrap_or_else(|e| unreachable!("a Vec takes every byte: {e}"));
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("serde_json writes UTF-8: {e}"))
}
