//! Diagnostics in each output format of `referflow check`.

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::{HumanOptions, render_human, summary_line};
pub use json::{render_json, write_json};
pub use sarif::{render_sarif, write_sarif};

use referflow_check::Diagnostic;

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
