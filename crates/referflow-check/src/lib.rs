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

pub use diagnostic::{Diagnostic, OtherFile, Related, Severity};
pub use model::*;
pub use registry::{FixedRule, Level, Levels, Rule};
pub use resolve::bad_include_path;
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

/// A `title`, `version` or `languages` line after the stages, found by [`Stream::push`]:
/// check the whole text with [`check_source`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderNotFirst;

/// The size of the pieces `referflow check` reads a large file in. A [`Stream`] holds about
/// two at a time, and the reader one more: one being parsed, one read ahead, one being read.
pub const READ_WINDOW: usize = 8 << 20;

/// A chart checked a piece of its text at a time, so that the whole text need never be in
/// memory: for a file too large to hold comfortably next to its model. The caller reads the
/// file (the checker does no I/O and starts no thread) and hands the text over in order with
/// [`Stream::push`], in pieces of any size; the diagnostics are those [`check_source`] gives
/// for the same text. The model holds no prose: its stage labels, notes and references are
/// empty, which keeps where a text or translation is given (RF110), not what it says; its
/// strings live in the arena.
pub struct Stream<'a> {
    arena: &'a bumpalo::Bump,
    resolver: resolve::Resolver<'a>,
    errors: Vec<referflow_syntax::SyntaxError>,
    /// What the pieces so far left unread (a statement cut by the end of the last one), and
    /// where it starts in the file.
    text: String,
    offset: u64,
    /// How long the text must be before it is parsed again.
    need: usize,
    after_header: bool,
    /// An `include` was read: the chart is more than this text.
    includes: bool,
}

impl std::fmt::Debug for Stream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream").field("offset", &self.offset).field("unread", &self.text.len()).finish_non_exhaustive()
    }
}

impl<'a> Stream<'a> {
    /// A stream whose strings go to `arena`; `size_hint`, the length of the text if known,
    /// only reserves room.
    pub fn new(arena: &'a bumpalo::Bump, size_hint: u64) -> Self {
        let resolver = resolve::Resolver::for_text(size_hint).without_prose();
        Stream {
            arena,
            resolver,
            errors: Vec::new(),
            text: String::new(),
            offset: 0,
            need: 0,
            after_header: false,
            includes: false,
        }
    }

    /// Hands over the next piece of the text; `last` says that it ends the file. The pieces may
    /// cut a statement (or a character's bytes never: they are `String`s) anywhere.
    pub fn push(&mut self, mut piece: String, last: bool) -> Result<(), HeaderNotFirst> {
        let mut text = std::mem::take(&mut self.text);
        if text.len() < piece.len() {
            // Usually a line or two: moved in front of the piece rather than the piece after it.
            piece.insert_str(0, &text);
            text = piece;
        } else {
            text.push_str(&piece);
        }
        if !last && text.len() < self.need {
            self.text = text;
            return Ok(());
        }
        let read = self.parse(&text, last)?;
        if !last {
            // Nothing could be read: the text ends inside a statement (or the header). Doubling
            // keeps reading a statement of any length linear.
            self.need = if read == 0 { text.len() * 2 } else { 0 };
            self.text = text.split_off(read);
        }
        Ok(())
    }

    /// Reads the statements `text` (the file from `self.offset` on) holds whole; how many
    /// bytes that was.
    fn parse(&mut self, text: &str, last: bool) -> Result<usize, HeaderNotFirst> {
        use referflow_syntax::{Statement, Window};

        let place = Window { first: self.offset == 0, last, after_header: self.after_header };
        if place.first {
            self.resolver.set_text_start(referflow_syntax::text_start(text));
        }
        let offset = u32::try_from(self.offset).unwrap_or(u32::MAX);
        let mut keep = InArena { arena: self.arena, offset, prose: false };
        let (resolver, includes) = (&mut self.resolver, &mut self.includes);
        let rest = referflow_syntax::parse_window(text, place, 256 << 10, |statements| {
            *includes |= statements.iter().any(|s| matches!(s, Statement::Include(_)));
            let statements: Vec<Statement<'a>> = statements.into_iter().map(|s| s.relocate(&mut keep)).collect();
            resolver.feed(&statements);
        })
        .map_err(|_| HeaderNotFirst)?;
        self.errors.extend(rest.errors.into_iter().map(|e| referflow_syntax::relocate_error(e, keep.offset)));
        self.after_header |= rest.read > 0;
        self.offset += rest.read as u64;
        Ok(rest.read)
    }

    /// Whether the text read so far has an `include`: the chart is then more than this text,
    /// and the files it includes must be read with it (the checker reads no file).
    pub fn includes(&self) -> bool {
        self.includes
    }

    /// The model and every diagnostic, once the last piece has been pushed.
    pub fn finish(self, levels: &Levels) -> Checked<'a> {
        finish(self.resolver, &self.errors, levels)
    }
}

/// Statements moved out of their text: spans moved by `offset` (where the text starts in the
/// chart), ids and texts copied into `arena`, prose kept only if asked. For a piece of a
/// large file (without prose) and for a file a chart includes (with it).
#[derive(Debug)]
pub struct InArena<'a> {
    pub arena: &'a bumpalo::Bump,
    pub offset: u32,
    pub prose: bool,
}

impl<'a> referflow_syntax::Keep<'a> for InArena<'a> {
    fn offset(&self) -> u32 {
        self.offset
    }
    fn keep(&mut self, s: &str) -> &'a str {
        self.arena.alloc_str(s)
    }
    fn prose(&self) -> bool {
        self.prose
    }
}

/// `src` pushed to a [`Stream`] in pieces of about `window` bytes (each ends between two
/// characters), as `referflow check` reads a large file: for the tests, the fuzz targets and
/// the benchmarks.
#[doc(hidden)]
pub fn check_in_pieces<'a>(
    src: &str,
    window: usize,
    arena: &'a bumpalo::Bump,
    levels: &Levels,
) -> Result<Checked<'a>, HeaderNotFirst> {
    let mut stream = Stream::new(arena, src.len() as u64);
    let mut rest = src;
    loop {
        let mut end = window.max(1).min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (piece, after) = rest.split_at(end);
        stream.push(piece.to_string(), after.is_empty())?;
        if after.is_empty() {
            return Ok(stream.finish(levels));
        }
        rest = after;
    }
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
            | Rule::BadInclude
    )
}

fn run_rules<'s>(model: Model<'s>, mut diagnostics: Vec<Diagnostic>, levels: &Levels) -> Checked<'s> {
    let blocking = diagnostics.iter().any(blocks_flow_rules);
    let mut model = model;
    if !blocking {
        model.verdicts = rules::run(&model, levels, &mut diagnostics);
    }
    number_stages(&model, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.span.start);
    Checked { model, diagnostics }
}

/// Gives each diagnostic about one stage that stage's number, and names the step next to the
/// stage's id in its message: "stage `screen` (step 14) cannot be reached".
fn number_stages(model: &Model<'_>, diagnostics: &mut [Diagnostic]) {
    if !model.is_numbered() {
        return;
    }
    let numbers: HashMap<&str, u32> = model.stages.iter().filter_map(|s| Some((s.id, s.number?.value))).collect();
    for d in diagnostics {
        let Some(&number) = d.stage.as_deref().and_then(|id| numbers.get(id)) else { continue };
        d.step = Some(number);
        let quoted = format!("`{}`", d.stage.as_deref().unwrap_or_default());
        let step = format!("step {number}");
        if d.message.contains(&step) {
            continue;
        }
        if let Some(at) = d.message.find(&quoted) {
            d.message.insert_str(at + quoted.len(), &format!(" ({step})"));
        }
    }
}
