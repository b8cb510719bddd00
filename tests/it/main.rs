//! Integration tests: fixtures with snapshots, the grammar, and the real binary.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod cli;
mod diff;
mod dot_output;
mod fixtures;
mod fmt;
mod grammar;
mod graph_props;
mod hostile;
mod lsp;
mod markdown_output;
mod mermaid_output;
mod model_output;
mod output_safety;
mod publish;
mod rules;
mod serve;

use std::path::Path;

use referflow_emit::Source;
use referflow_emit::diagnostics::{self, FileReport, HumanOptions};

/// The diagnostics of `src` as a person sees them: miette's report without colour, 100
/// columns wide, so snapshots are stable.
pub fn check_src(name: &str, src: &str) -> String {
    let parsed = referflow_syntax::parse(src);
    let checked = referflow_check::check(&parsed);
    let reports = [FileReport { source: Source { name, text: src }, diagnostics: &checked.diagnostics }];
    diagnostics::render_human(&reports, HumanOptions { color: false, width: Some(100) })
}

/// The codes of the diagnostics of `src`, in order.
pub fn codes(src: &str) -> Vec<&'static str> {
    let parsed = referflow_syntax::parse(src);
    referflow_check::check(&parsed).diagnostics.iter().map(|d| d.rule.code()).collect()
}

/// Whether Graphviz's `dot` is on PATH. Without it the tests that lay out charts are skipped,
/// except in CI (`CI=true`), where a missing Graphviz would silently skip them: there this
/// panics.
pub fn graphviz() -> bool {
    let found = std::process::Command::new("dot").arg("-V").output().is_ok_and(|out| out.status.success());
    if !found && std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("Graphviz's `dot` is not on PATH, and CI=true: install Graphviz (e.g. `apt-get install graphviz`)");
    }
    found
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture's name relative to the repository, with `/` separators.
pub fn fixture_name(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}
