//! Everything referflow writes: diagnostics for people and machines, and the chart in each
//! publishing format. One file per format.

pub mod chart;
pub mod diagnostics;
pub(crate) mod diagram;
pub mod diff_report;
pub mod dot;
pub mod fonts;
pub mod graphviz;
pub mod hearing;
pub mod html;
pub mod markdown;
pub mod mermaid;
pub mod model_json;
mod out;
pub mod pages;
pub mod pdf;
pub mod png;
pub mod rules_doc;
pub mod scene;
pub mod wrap;

/// A checked source file, as the emitters need it: its name for messages, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path as the user gave it, or `<stdin>`.
    pub name: &'a str,
    pub text: &'a str,
    /// The file the text was read from, as given (relative to the current directory or
    /// absolute); `None` for standard input or a text that was never a file. SARIF names the
    /// file by it, byte for byte, where `name` has its control characters made visible.
    pub path: Option<&'a std::path::Path>,
}
