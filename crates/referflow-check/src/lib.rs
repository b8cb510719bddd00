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
    finish(resolve::resolver_of(file), &file.errors, levels)
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
    let mut resolver = resolve::Resolver::for_text(src.len() as u64);
    resolver.set_text_start(referflow_syntax::text_start(src));
    let rest = referflow_syntax::parse_in_batches(src, batch_bytes, |statements| resolver.feed(&statements));
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

/// The size of the pieces `referflow check` reads a large file in. [`check_reader`] holds
/// three at a time, about: one it parses, one read ahead, one being read.
pub const READ_WINDOW: usize = 8 << 20;

/// Checks the chart `reader` gives, about `window` bytes at a time, so that the whole text
/// is never in memory: for a file too large to hold comfortably next to its model. The
/// diagnostics are those [`check_source`] gives for the same text (a statement longer than
/// the window makes the window longer). The model holds no prose: its stage labels, notes
/// and references are empty, which keeps where a text or translation is given (RF110), not
/// what it says; its strings live in `arena`. `size_hint`, the length of the text if known,
/// only reserves room.
pub fn check_reader<'a>(
    reader: impl std::io::Read + Send,
    arena: &'a bumpalo::Bump,
    levels: &Levels,
    window: usize,
    size_hint: u64,
) -> Result<Checked<'a>, ReadError> {
    use referflow_syntax::{Keep, Statement, Window};

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
    let mut resolver = resolve::Resolver::for_text(size_hint).without_prose();
    let mut after_header = false;
    let mut errors = Vec::new();
    std::thread::scope(|scope| {
        // The next piece is read, and checked to be UTF-8, on a thread of its own while this
        // one parses and resolves the piece before.
        let (send, pieces) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || read_pieces(reader, window, &send));
        // What the last piece left (the statement it ends inside), where it starts in the file,
        // and how long the text must be before it is parsed again.
        let (mut carry, mut offset, mut need) = (String::new(), 0u64, 0);
        loop {
            let mut text = std::mem::take(&mut carry);
            let (mut last, mut more) = (false, true);
            // At least one more piece, and as many as it takes to reach `need`.
            while !last && (more || text.len() < need) {
                more = false;
                let mut piece: Piece =
                    pieces.recv().map_err(|_| ReadError::Io(std::io::ErrorKind::BrokenPipe.into()))??;
                if text.len() < piece.text.len() {
                    // Usually a line or two: moved into the room the piece keeps for it.
                    piece.text.insert_str(0, &text);
                    text = piece.text;
                } else {
                    text.push_str(&piece.text);
                }
                last = piece.last;
            }
            let place = Window { first: offset == 0, last, after_header };
            if place.first {
                resolver.set_text_start(referflow_syntax::text_start(&text));
            }
            let mut keep = Arena { arena, offset: u32::try_from(offset).unwrap_or(u32::MAX) };
            let rest = referflow_syntax::parse_window(&text, place, 256 << 10, |statements| {
                let statements: Vec<Statement<'a>> = statements.into_iter().map(|s| s.relocate(&mut keep)).collect();
                resolver.feed(&statements);
            })
            .map_err(|_| ReadError::HeaderNotFirst)?;
            errors.extend(rest.errors.into_iter().map(|e| referflow_syntax::relocate_error(e, keep.offset)));
            if last {
                return Ok(());
            }
            after_header |= rest.read > 0;
            // Nothing could be handed over: the text ends inside a statement (or the header).
            // Doubling keeps reading a statement of any length linear.
            need = if rest.read == 0 { text.len() * 2 } else { 0 };
            carry = text.split_off(rest.read);
            offset += rest.read as u64;
        }
    })?;
    Ok(finish(resolver, &errors, levels))
}

/// A piece of a file, UTF-8, ending between two characters.
struct Piece {
    text: String,
    /// It ends the file.
    last: bool,
}

/// Reads `reader` in pieces of `size` bytes (give or take the bytes of a character cut in
/// two, which go to the next piece) and sends them on, until the end, an error or a byte
/// that is not UTF-8 (named by its offset in the file).
fn read_pieces(
    mut reader: impl std::io::Read,
    size: usize,
    send: &std::sync::mpsc::SyncSender<Result<Piece, ReadError>>,
) {
    use std::io::Read;
    let (mut cut, mut offset) = (Vec::new(), 0u64);
    loop {
        // With room for what the piece before leaves (see `check_reader`).
        let mut bytes = Vec::with_capacity(size + cut.len() + (64 << 10));
        bytes.append(&mut cut);
        let piece = match reader.by_ref().take(size as u64).read_to_end(&mut bytes) {
            Err(e) => Err(ReadError::Io(e)),
            Ok(n) => {
                let last = n < size;
                if !last {
                    cut = bytes.split_off(char_start(&bytes));
                }
                let len = bytes.len() as u64;
                let piece = String::from_utf8(bytes)
                    .map(|text| Piece { text, last })
                    .map_err(|e| ReadError::NotUtf8 { at: offset + e.utf8_error().valid_up_to() as u64 });
                offset += len;
                piece
            }
        };
        let done = piece.as_ref().map_or(true, |p| p.last);
        if send.send(piece).is_err() || done {
            return;
        }
    }
}

/// Where the character that the end of `bytes` cuts in two starts, or the end if none is
/// cut: the first byte of a character in UTF-8 says how many follow it.
fn char_start(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(3) {
        let b = bytes[n - back];
        if b & 0xC0 != 0x80 {
            let len = match b {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            return if len > back { n - back } else { n };
        }
    }
    n
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
        resolve::resolver_of(file).finish(file.errors.is_empty()).0
    }

    /// The flow rules alone, at `levels` (the requirement rules always run: they give the
    /// verdicts).
    pub fn rules(model: &Model<'_>, levels: &Levels) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        rules::run(model, levels, &mut out);
        out
    }
}

/// Whether a diagnostic keeps the flow rules from running (see [`check_with`]).
fn blocks_flow_rules(d: &Diagnostic) -> bool {
    matches!(
        d.rule,
        Rule::SyntaxError
            | Rule::DuplicateId
            | Rule::UnknownReference
            | Rule::WrongKindReference
            | Rule::InvalidDuration
            | Rule::NoStart
    )
}

fn run_rules<'s>(model: Model<'s>, mut diagnostics: Vec<Diagnostic>, levels: &Levels) -> Checked<'s> {
    let blocking = diagnostics.iter().any(blocks_flow_rules);
    let mut model = model;
    if !blocking {
        model.verdicts = rules::run(&model, levels, &mut diagnostics);
    }
    diagnostics.sort_by_key(|d| d.span.start);
    Checked { model, diagnostics }
}
