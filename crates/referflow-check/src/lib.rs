//! Checking a referflow chart: name resolution into the [`Model`], then the rules.
//!
//! The checker never sees pest types: it reads the typed tree of `referflow-syntax`.

mod diagnostic;
pub mod diff;
pub mod duration;
mod flow;
mod model;
mod registry;
mod resolve;
mod rules;
pub mod words;

/// The hash map of the checker: foldhash is several times faster than the standard SipHash on
/// short ids and, like it, seeded at random, so a chart cannot be written to make it collide.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use model::*;
pub use registry::{FixedRule, Level, Levels, Rule};
pub use rules::Verdict;

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

/// Checks a parsed file with every rule at its default level.
pub fn check<'s>(file: &File<'s>) -> Checked<'s> {
    check_with(file, &Levels::default())
}

/// Checks a parsed file with the given rule levels.
///
/// The flow rules (RF1xx, RF2xx) need a graph that says what the author meant: they run only
/// when the file has no syntax error, no duplicate, unknown or wrong-kind id, no invalid
/// duration and a start (RF001–RF005, RF007). Otherwise their findings would mostly echo those
/// errors (every stage is unreachable without a start).
pub fn check_with<'s>(file: &File<'s>, levels: &Levels) -> Checked<'s> {
    let mut diagnostics: Vec<Diagnostic> = file.errors.iter().map(Diagnostic::syntax).collect();
    let model = resolve::resolve(file, &mut diagnostics);
    run_rules(model, diagnostics, levels)
}

/// Parses and checks `src` a batch of statements at a time: the syntax tree of the whole
/// file never exists, which on a large chart saves most of the memory and the time spent
/// allocating it. The result is the one `check_with(&parse(src), levels)` gives.
pub fn check_source<'s>(src: &'s str, levels: &Levels) -> Checked<'s> {
    check_source_in_batches(src, levels, 256 << 10)
}

/// [`check_source`] with batches of about `batch_bytes` of text (tests try small ones).
#[doc(hidden)]
pub fn check_source_in_batches<'s>(src: &'s str, levels: &Levels, batch_bytes: usize) -> Checked<'s> {
    // About 200 bytes of text make a stage in a real chart.
    let mut resolver = resolve::Resolver::new(src.len() / 200);
    let mut header = true;
    let rest = referflow_syntax::parse_in_batches(src, batch_bytes, |statements| {
        if std::mem::take(&mut header) {
            resolver.header(&statements);
        }
        resolver.take(&statements);
    });
    let Ok(rest) = rest else {
        // A `languages` line after the stages: the texts read so far went to the wrong
        // languages. Rare enough to read the whole file again.
        drop(resolver);
        return check_with(&referflow_syntax::parse(src), levels);
    };
    let mut diagnostics: Vec<Diagnostic> = rest.errors.iter().map(Diagnostic::syntax).collect();
    let (model, found) = resolver.finish(rest.errors.is_empty());
    diagnostics.extend(found);
    run_rules(model, diagnostics, levels)
}

/// The checker's parts one at a time, for the benchmarks (`benches/check.rs`).
#[doc(hidden)]
pub mod parts {
    use super::*;

    /// Name resolution alone.
    pub fn resolve<'s>(file: &File<'s>) -> Model<'s> {
        resolve::resolve(file, &mut Vec::new())
    }

    /// The flow rules alone, at `levels` (the requirement rules always run: they give the
    /// verdicts).
    pub fn rules(model: &Model<'_>, levels: &Levels) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        rules::run(model, levels, &mut out);
        out
    }
}

fn run_rules<'s>(model: Model<'s>, mut diagnostics: Vec<Diagnostic>, levels: &Levels) -> Checked<'s> {
    let blocking = diagnostics.iter().any(|d| {
        matches!(
            d.rule,
            Rule::SyntaxError
                | Rule::DuplicateId
                | Rule::UnknownReference
                | Rule::WrongKindReference
                | Rule::InvalidDuration
                | Rule::NoStart
        )
    });
    let mut model = model;
    if !blocking {
        model.verdicts = rules::run(&model, levels, &mut diagnostics);
    }
    diagnostics.sort_by_key(|d| d.span.start);
    Checked { model, diagnostics }
}
