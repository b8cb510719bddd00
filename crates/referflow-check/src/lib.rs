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
    finish(resolver, &rest.errors, levels)
}

/// What kept [`check_reader`] from checking a file.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// The text is not UTF-8 from this byte on.
    NotUtf8 {
        at: u64,
    },
    /// A `title`, `version` or `languages` line after the stages: check the whole text with
    /// [`check_source`] instead.
    HeaderNotFirst,
}

/// Bytes of text [`check_reader`] holds at a time, about.
pub const READ_WINDOW: usize = 16 << 20;

/// Checks the chart `reader` gives, about `window` bytes at a time, so that the whole text
/// is never in memory: for a file too large to hold comfortably next to its model. The
/// diagnostics are those [`check_source`] gives for the same text (a statement longer than
/// the window makes the window longer). The model holds no prose: its stage labels, notes
/// and references are empty, which keeps where a text or translation is given (RF110), not
/// what it says; its strings live in `arena`. `size_hint`, the length of the text if known,
/// only reserves room.
pub fn check_reader<'a>(
    mut reader: impl std::io::Read,
    arena: &'a bumpalo::Bump,
    levels: &Levels,
    window: usize,
    size_hint: u64,
) -> Result<Checked<'a>, ReadError> {
    use referflow_syntax::{Keep, Statement, Window};
    use std::io::Read;

    /// Ids and short texts copied into the arena; prose left behind.
    struct Arena<'a> {
        arena: &'a bumpalo::Bump,
        offset: u32,
    }
    impl<'a> Keep<'a> for Arena<'a> {
        fn offset(&self) -> u32 {
            self.offset
        }
        fn keep(&mut self, s: &str) -> &'a str {
            self.arena.alloc_str(s)
        }
        fn prose(&self) -> bool {
            false
        }
    }

    let window = window.max(1);
    let mut resolver = resolve::Resolver::new(usize::try_from(size_hint / 200).unwrap_or(0)).without_prose();
    let (mut header, mut after_header) = (true, false);
    let mut errors = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    // Where `buf` starts in the file, and how much it should hold before the next parse.
    let (mut offset, mut want) = (0u64, window);
    loop {
        let missing = want.saturating_sub(buf.len()) as u64;
        buf.reserve(missing as usize);
        let eof = reader.by_ref().take(missing).read_to_end(&mut buf).map_err(ReadError::Io)? < missing as usize;
        let text = match std::str::from_utf8(&buf) {
            Ok(text) => text,
            // A character cut in two by the end of the piece: the next piece has it whole.
            Err(e) if e.error_len().is_none() && !eof => match std::str::from_utf8(&buf[..e.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => unreachable!("valid up to there"),
            },
            Err(e) => return Err(ReadError::NotUtf8 { at: offset + e.valid_up_to() as u64 }),
        };
        let place = Window { first: offset == 0, last: eof && text.len() == buf.len(), after_header };
        let mut keep = Arena { arena, offset: u32::try_from(offset).unwrap_or(u32::MAX) };
        let rest = referflow_syntax::parse_window(text, place, 256 << 10, |statements| {
            let statements: Vec<Statement<'a>> = statements.into_iter().map(|s| s.relocate(&mut keep)).collect();
            if std::mem::take(&mut header) {
                resolver.header(&statements);
            }
            resolver.take(&statements);
        })
        .map_err(|_| ReadError::HeaderNotFirst)?;
        errors.extend(rest.errors.into_iter().map(|e| referflow_syntax::relocate_error(e, keep.offset)));
        if place.last {
            break;
        }
        after_header |= rest.read > 0;
        // Nothing could be handed over: the piece ends inside a statement (or the header).
        // Doubling keeps reading a statement of any length linear.
        want = if rest.read == 0 { (buf.len() * 2).max(window) } else { window };
        buf.drain(..rest.read);
        offset += rest.read as u64;
    }
    Ok(finish(resolver, &errors, levels))
}

/// The syntax errors, the resolver's findings and the rules.
fn finish<'s>(
    resolver: resolve::Resolver<'s>,
    errors: &[referflow_syntax::SyntaxError],
    levels: &Levels,
) -> Checked<'s> {
    let mut diagnostics: Vec<Diagnostic> = errors.iter().map(Diagnostic::syntax).collect();
    let (model, found) = resolver.finish(errors.is_empty());
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
