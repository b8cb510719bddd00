//! Everything referflow writes: diagnostics for people and machines, and (next) the chart in
//! each publishing format. One file per format.

pub mod diagnostics;
pub mod rules_doc;

/// A checked source file, as the emitters need it: its name for messages, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path as the user gave it, or `<stdin>`.
    pub name: &'a str,
    pub text: &'a str,
}
