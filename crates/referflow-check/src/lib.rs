//! Checking a referflow chart: name resolution into the [`Model`], then the rules.
//!
//! The checker never sees pest types: it reads the typed tree of `referflow-syntax`.

mod diagnostic;
pub mod duration;
mod model;
mod registry;
mod resolve;
pub mod words;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use model::*;
pub use registry::{Level, Rule};

use referflow_syntax::File;

/// A checked file: its model (complete only when there are no errors) and every diagnostic,
/// in source order.
#[derive(Debug)]
pub struct Checked<'s> {
    pub model: Model<'s>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked<'_> {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a parsed file.
pub fn check<'s>(file: &File<'s>) -> Checked<'s> {
    let mut diagnostics: Vec<Diagnostic> = file
        .errors
        .iter()
        .map(|e| {
            let mut d = Diagnostic::new(
                Rule::SyntaxError,
                e.span,
                e.message.clone(),
                e.label.clone(),
            );
            d.help = e.help.clone();
            d
        })
        .collect();
    let model = resolve::resolve(file, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.span.start);
    Checked { model, diagnostics }
}
