//! pest parses one statement at a time; this module lowers its pairs into the typed tree.
//! pest's types stay in this module.

use std::borrow::Cow;

use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::*;
use crate::fast;
use crate::messages;
use crate::split::{self, Chunk};

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/referflow.pest"]
pub(crate) struct Grammar;

/// Where a statement stands; each place allows different statements.
pub(crate) use crate::language::Place as Context;

/// The entry rule for one line in `context`.
fn entry(context: Context) -> Rule {
    match context {
        Context::Top => Rule::top_line,
        Context::Phase => Rule::phase_line,
        Context::Actor => Rule::actor_line,
        Context::Stage => Rule::stage_line,
    }
}

/// Parses a whole file. Never fails: what could not be parsed is reported in `File::errors`
/// and kept as [`Statement::Broken`].
pub fn parse(src: &str) -> File<'_> {
    parse_with(src, true)
}

/// [`parse`] with pest reading every statement, even those the hand-written reader (`fast.rs`)
/// takes: the reference the fast path is tested against.
#[doc(hidden)]
pub fn parse_with_pest_only(src: &str) -> File<'_> {
    parse_with(src, false)
}

fn parse_with(src: &str, fast: bool) -> File<'_> {
    let split = split::split(src);
    let mut errors = split.errors;
    let mut statements = Vec::with_capacity(split.chunks.len());
    // Statements are independent once split, so a large file is parsed on every core, in
    // contiguous runs whose results are joined back in order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = if src.len() < PARALLEL_FROM || threads < 2 { 1 } else { threads };
    let run = (split.chunks.len() / parts).max(1);
    let lower = |chunks: &[Chunk]| lower_all(src, fast, chunks);
    let results: Vec<Batch<'_>> = if parts == 1 {
        vec![lower(&split.chunks)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = split.chunks.chunks(run).map(|chunks| scope.spawn(move || lower(chunks))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        })
    };
    for (part, part_errors) in results {
        statements.extend(part);
        errors.extend(part_errors);
    }
    errors.sort_by_key(|e| e.span.start);
    let start = crate::text_start(src);
    File { statements, comments: split.comments, errors, start: Span::new(start, start) }
}

/// What [`parse_in_batches`] gives back once every batch has been handed over.
#[derive(Debug, Default)]
pub struct Rest {
    /// Every comment, in source order.
    pub comments: Vec<Span>,
    /// Every syntax error, in source order.
    pub errors: Vec<SyntaxError>,
    /// How much of the text the statements handed over cover: all of it, except in a
    /// [`Window`] that does not end the file (see [`parse_window`]).
    pub read: usize,
}

/// Where a piece of a file given to [`parse_window`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The piece starts the file.
    pub first: bool,
    /// The piece ends the file.
    pub last: bool,
    /// Statements after the header were handed over from earlier pieces.
    pub after_header: bool,
}

impl Window {
    /// A whole file.
    pub const WHOLE: Window = Window { first: true, last: true, after_header: false };
}

/// [`parse_in_batches`] met a `title`, `version` or `languages` statement after other
/// statements, so it could not hand the header over first: it stopped handing statements
/// over. Parse the whole file instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderNotFirst;

/// Parses a file a batch of statements at a time, so that neither the syntax tree nor the
/// statement list of the whole file ever exists at once: on a large chart they are the biggest
/// structures there are. `each` gets first the `title`, `version` and `languages` statements
/// (perhaps none), then every other statement in source order, in batches of about
/// `batch_bytes` of text, each of which it may drop before the next. The statements are those
/// [`parse`] gives. A large file is split on this thread while two others parse, and `each`
/// works on the batches already parsed.
///
/// The header must come before every other statement (as it does in practice); otherwise the
/// result is `Err(HeaderNotFirst)`, after `each` has seen some of the statements.
pub fn parse_in_batches<'s>(
    src: &'s str,
    batch_bytes: usize,
    each: impl FnMut(Vec<Statement<'s>>),
) -> Result<Rest, HeaderNotFirst> {
    parse_window(src, Window::WHOLE, batch_bytes, each)
}

/// [`parse_in_batches`] on a piece of a file too large to hold at once: the pieces are given in
/// order, each starting where the statements of the one before ended (`Rest::read`), so that
/// only a piece at a time is in memory. Spans and offsets are counted from the start of the
/// piece. A piece that does not end the file hands over the statements that end before its
/// last top-level newline, and nothing while the header may go on (`read` is then 0: give a
/// longer piece).
pub fn parse_window<'s>(
    src: &'s str,
    window: Window,
    batch_bytes: usize,
    mut each: impl FnMut(Vec<Statement<'s>>),
) -> Result<Rest, HeaderNotFirst> {
    /// Batches handed out and not yet taken back, at most: this bounds the memory in flight.
    const WINDOW: usize = 4;
    let lower = |chunks: &[Chunk]| lower_all(src, true, chunks);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(2);
    let threaded = src.len() >= PARALLEL_FROM && threads == 2;
    let mut errors = Vec::new();
    let mut late = false;
    let split = std::thread::scope(|scope| {
        let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
        if threaded {
            for _ in 0..threads {
                let (send_chunks, chunks) = std::sync::mpsc::sync_channel::<Vec<Chunk>>(WINDOW);
                let (send_parsed, parsed) = std::sync::mpsc::channel::<Batch<'s>>();
                let lower = &lower;
                scope.spawn(move || {
                    for batch in chunks {
                        if send_parsed.send(lower(&batch)).is_err() {
                            return;
                        }
                    }
                });
                inputs.push(send_chunks);
                outputs.push(parsed);
            }
        }
        let (mut sent, mut taken) = (0usize, 0usize);
        // Takes back the oldest batch handed out. A worker stops early only by panicking; the
        // scope then passes the panic on.
        let take_back = |taken: &mut usize, each: &mut dyn FnMut(Vec<Statement<'s>>), errors: &mut Vec<SyntaxError>| {
            if let Ok((statements, batch_errors)) = outputs[*taken % threads].recv() {
                errors.extend(batch_errors);
                each(statements);
            }
            *taken += 1;
        };
        let mut deliver =
            |batch: Vec<Chunk>, each: &mut dyn FnMut(Vec<Statement<'s>>), errors: &mut Vec<SyntaxError>| {
                if !threaded {
                    let (statements, batch_errors) = lower(&batch);
                    errors.extend(batch_errors);
                    each(statements);
                    return;
                }
                let _ = inputs[sent % threads].send(batch);
                sent += 1;
                while sent - taken > WINDOW {
                    take_back(&mut taken, each, errors);
                }
            };
        let (mut header, mut batch, mut batch_len, mut body) = (Vec::new(), Vec::new(), 0, window.after_header);
        let place = split::Place { first: window.first, last: window.last };
        let mut split = split::split_window(src, place, |chunk| {
            if late {
                return;
            }
            if is_header(&src[chunk.head.range()]) {
                late = body;
                header.push(chunk);
                return;
            }
            if !body {
                body = true;
                deliver(std::mem::take(&mut header), &mut each, &mut errors);
            }
            batch_len += chunk.span().len();
            batch.push(chunk);
            if batch_len >= batch_bytes {
                deliver(std::mem::take(&mut batch), &mut each, &mut errors);
                batch_len = 0;
            }
        });
        if !late {
            if !body {
                if window.last {
                    deliver(std::mem::take(&mut header), &mut each, &mut errors);
                } else {
                    // The header may go on in the next piece: hand nothing over yet.
                    split = split::Split::default();
                }
            }
            if !batch.is_empty() {
                deliver(std::mem::take(&mut batch), &mut each, &mut errors);
            }
        }
        inputs.clear(); // the workers stop once they have parsed what they were given
        while taken < sent {
            take_back(&mut taken, &mut each, &mut errors);
        }
        split
    });
    if late {
        return Err(HeaderNotFirst);
    }
    // The scanner's errors first, as `parse` has them, where two start at the same place.
    let mut all = split.errors;
    all.extend(errors);
    all.sort_by_key(|e| e.span.start);
    Ok(Rest { comments: split.comments, errors: all, read: split.read })
}

/// Whether a statement is a `title`, `version` or `languages` line: its first word is one of
/// those keywords, followed by blank space, a text or nothing.
fn is_header(head: &str) -> bool {
    ["title", "version", "languages"].iter().any(|keyword| {
        head.strip_prefix(keyword)
            .is_some_and(|rest| matches!(rest.bytes().next(), None | Some(b' ' | b'\t' | b'\r' | b'"')))
    })
}

/// Statements parsed, with the errors found in them.
type Batch<'s> = (Vec<Statement<'s>>, Vec<SyntaxError>);

/// Parses top-level statements.
fn lower_all<'s>(src: &'s str, fast: bool, chunks: &[Chunk]) -> Batch<'s> {
    let mut lower = Lower { src, fast, errors: Vec::new() };
    let mut out = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        lower.top(chunk, &mut out);
    }
    (out, lower.errors)
}

/// Below this size a file is parsed on one thread: starting threads would cost more.
const PARALLEL_FROM: usize = 256 << 10;

struct Lower<'s> {
    src: &'s str,
    /// Whether stages go to the hand-written reader first.
    fast: bool,
    errors: Vec<SyntaxError>,
}

/// A parsed statement head, before its block is attached.
type Parsed<'s> = Result<Pair<'s, Rule>, ()>;

/// The pairs of the block of a statement parsed whole (see `parse_whole`).
type BlockPairs<'s> = Option<pest::iterators::Pairs<'s, Rule>>;

impl<'s> Lower<'s> {
    fn parse(&mut self, chunk: &Chunk, context: Context) -> Parsed<'s> {
        if chunk.reported {
            return Err(());
        }
        let src = self.src;
        let text = &src[chunk.head.range()];
        match Grammar::parse(entry(context), text) {
            Ok(mut pairs) => {
                let line = pairs.next().unwrap_or_else(|| unreachable!("entry rule always yields a pair"));
                Ok(line.into_inner().next().unwrap_or_else(|| unreachable!("entry rule holds a statement")))
            }
            Err(error) => {
                let mut error = messages::syntax_error(text, chunk.head.start, &error, context);
                // "Found the end": a span one past the last byte of the file shrinks to it.
                let len = u32::try_from(src.len()).unwrap_or(u32::MAX);
                error.span = Span { start: error.span.start.min(len), end: error.span.end.min(len) };
                self.errors.push(error);
                Err(())
            }
        }
    }

    fn fast_stage(&self, chunk: &Chunk) -> Option<Stage<'s>> {
        if self.fast { fast::stage(self.src, chunk) } else { None }
    }

    /// Parses an actor or a stage together with its block in one call to pest, which is much
    /// cheaper than one call per item. On any failure the caller parses item by item, which is
    /// what gives precise errors and recovery.
    fn parse_whole(&self, chunk: &Chunk) -> Option<(Pair<'s, Rule>, BlockPairs<'s>)> {
        if chunk.reported || chunk.block.as_ref().is_none_or(|b| b.close.is_none()) {
            return None;
        }
        let src = self.src;
        let head = &src[chunk.head.range()];
        let rule = match head.split(|c: char| !c.is_alphanumeric()).next()? {
            "start" | "step" | "decision" | "end" => Rule::stage_whole,
            "actor" => Rule::actor_whole,
            _ => return None,
        };
        let whole = Grammar::parse(rule, &src[chunk.span().range()]).ok()?.next()?;
        let mut inner = whole.into_inner();
        let statement = inner.next()?;
        let block = inner.next()?;
        Some((statement, Some(block.into_inner())))
    }

    fn top(&mut self, chunk: &Chunk, out: &mut Vec<Statement<'s>>) {
        if chunk.head.is_empty() {
            return; // A block with no statement; reported by the splitter.
        }
        if let Some(stage) = self.fast_stage(chunk) {
            out.push(Statement::Stage(stage));
            return;
        }
        let whole = self.parse_whole(chunk);
        let (parsed, block) = match whole {
            Some((pair, block)) => (Ok(pair), block),
            None => (self.parse(chunk, Context::Top), None),
        };
        let pair = match parsed {
            Ok(pair) => pair,
            Err(()) => {
                let defines = self.salvage(chunk);
                out.push(Statement::Broken(Broken { defines, span: chunk.span() }));
                // Keep what a broken statement's block defines, so that it is not reported
                // again as unknown further down.
                if let Some(block) = &chunk.block {
                    match defines {
                        Some((DefinitionKind::Phase, _)) => {
                            for item in &block.items {
                                match self.phase_item(item) {
                                    Some(PhaseItem::Stage(stage)) => out.push(Statement::Stage(stage)),
                                    Some(PhaseItem::Edge(edge)) => out.push(Statement::Edge(edge)),
                                    Some(PhaseItem::Broken(broken)) => out.push(Statement::Broken(broken)),
                                    Some(PhaseItem::Translation(_)) | None => {}
                                }
                            }
                        }
                        Some((DefinitionKind::Actor, _)) => {
                            self.actor_items(chunk);
                        }
                        _ => {
                            self.stage_items(chunk);
                        }
                    }
                }
                return;
            }
        };
        let statement = match pair.as_rule() {
            Rule::title_stmt => {
                self.no_block(chunk, "a title");
                let mut inner = pair.clone().into_inner();
                inner.next(); // kw_title
                let text = self.text(next(&mut inner));
                let translations = inner.map(|t| self.translation(t)).collect();
                Statement::Title(Title { text, translations, span: self.span(&pair, chunk) })
            }
            Rule::version_stmt => {
                self.no_block(chunk, "a version");
                let mut inner = pair.clone().into_inner();
                inner.next();
                let text = self.text(next(&mut inner));
                let translations = inner.map(|t| self.translation(t)).collect();
                Statement::Version(Version { text, translations, span: self.span(&pair, chunk) })
            }
            Rule::include_stmt => {
                self.no_block(chunk, "an `include`");
                let mut inner = pair.clone().into_inner();
                inner.next();
                let path = self.text(next(&mut inner));
                Statement::Include(Include { path, span: self.span(&pair, chunk) })
            }
            Rule::languages_stmt => {
                self.no_block(chunk, "a `languages` statement");
                let span = self.span(&pair, chunk);
                let words: Vec<Pair<'s, Rule>> = pair.into_inner().skip(1).collect();
                let commas = words.iter().any(|w| w.as_rule() == Rule::comma);
                let words = words.into_iter().filter(|w| w.as_rule() == Rule::lang_word).map(|w| self.lang(w));
                let (langs, mistake) = crate::languages::read(self.src, words.collect(), commas);
                Statement::Languages(Languages { langs, mistake, span })
            }
            Rule::actor_stmt => {
                let mut inner = pair.into_inner();
                inner.next();
                let id = self.ident(next(&mut inner));
                let name = self.text(next(&mut inner));
                let items = match block {
                    Some(pairs) => pairs.map(|p| self.actor_item(p)).collect(),
                    None => self.actor_items(chunk),
                };
                Statement::Actor(Actor {
                    id,
                    name,
                    items,
                    block: chunk.block.as_ref().map(|b| b.span()),
                    span: chunk.span(),
                })
            }
            Rule::phase_stmt => {
                let mut inner = pair.into_inner();
                inner.next();
                let id = self.ident(next(&mut inner));
                let name = self.text(next(&mut inner));
                let mut items = Vec::new();
                match &chunk.block {
                    Some(block) => items.extend(block.items.iter().filter_map(|i| self.phase_item(i))),
                    None => self.errors.push(SyntaxError {
                        span: chunk.head,
                        message: format!("phase `{}` has no block of stages", id.name),
                        label: "a `{` is missing at the end of this line".into(),
                        help: Some(format!(
                            "a phase holds its stages in a block: `phase {} \"…\" {{`, the stages on the following lines, then `}}`",
                            id.name
                        )),
                    }),
                }
                Statement::Phase(Phase {
                    id,
                    name,
                    items,
                    block: chunk.block.as_ref().map(|b| b.span()),
                    span: chunk.span(),
                })
            }
            Rule::stage_stmt => Statement::Stage(self.stage(pair, block, chunk)),
            Rule::numbering_stmt => {
                self.no_block(chunk, "a `numbering` statement");
                let span = self.span(&pair, chunk);
                let (mut required, mut last) = (None, None);
                let mut inner = pair.into_inner();
                inner.next(); // kw_numbering
                while let Some(word) = inner.next() {
                    match word.as_rule() {
                        Rule::kw_required => required = required.or(Some(self.pair_span(&word))),
                        Rule::kw_last => last = self.number(next(&mut inner)).or(last),
                        rule => unreachable!("rule {rule:?} in a numbering statement"),
                    }
                }
                Statement::Numbering(Numbering { required, last, span })
            }
            Rule::leaflet_stmt => {
                self.no_block(chunk, "a line of the leaflet");
                let span = self.span(&pair, chunk);
                let mut inner = pair.into_inner();
                inner.next(); // kw_leaflet
                let mut first = next(&mut inner);
                let part = match (first.as_rule(), first.as_str()) {
                    (Rule::leaflet_part, "hotline") => LeafletPart::Hotline,
                    (Rule::leaflet_part, _) => LeafletPart::Right,
                    _ => LeafletPart::Leaflet,
                };
                if part != LeafletPart::Leaflet {
                    first = next(&mut inner);
                }
                let text = self.text(first);
                let translations = inner.map(|t| self.translation(t)).collect();
                Statement::Leaflet(LeafletLine { part, text, translations, span })
            }
            Rule::glossary_stmt => {
                self.no_block(chunk, "a glossary");
                let span = self.span(&pair, chunk);
                let words = pair.into_inner().filter(|p| p.as_rule() == Rule::string).map(|p| self.text(p)).collect();
                Statement::Glossary(Glossary { words, span })
            }
            Rule::retired_stmt => {
                self.no_block(chunk, "a `retired` statement");
                let span = self.span(&pair, chunk);
                let mut numbers = Vec::new();
                for item in pair.into_inner().filter(|p| p.as_rule() == Rule::retired_item) {
                    let mut inner = item.into_inner();
                    let number = self.number(next(&mut inner));
                    let text = inner.next().map(|t| self.text(t));
                    numbers.extend(number.map(|number| RetiredNumber { number, text }));
                }
                Statement::Retired(Retired { numbers, span })
            }
            Rule::require_stmt => {
                self.no_block(chunk, "a requirement");
                Statement::Require(self.require(pair, chunk))
            }
            Rule::edge_stmt => {
                self.no_block(chunk, "an edge");
                Statement::Edge(self.edge(pair, chunk))
            }
            rule => unreachable!("rule {rule:?} is not a top-level statement"),
        };
        out.push(statement);
    }

    fn phase_item(&mut self, chunk: &Chunk) -> Option<PhaseItem<'s>> {
        if chunk.head.is_empty() {
            return None;
        }
        if let Some(stage) = self.fast_stage(chunk) {
            return Some(PhaseItem::Stage(stage));
        }
        let (parsed, block) = match self.parse_whole(chunk).filter(|(pair, _)| pair.as_rule() == Rule::stage_stmt) {
            Some((pair, block)) => (Ok(pair), block),
            None => (self.parse(chunk, Context::Phase), None),
        };
        let Ok(pair) = parsed else {
            self.stage_items(chunk); // report what is wrong inside its block too
            return Some(PhaseItem::Broken(Broken { defines: self.salvage(chunk), span: chunk.span() }));
        };
        Some(match pair.as_rule() {
            Rule::stage_stmt => PhaseItem::Stage(self.stage(pair, block, chunk)),
            Rule::edge_stmt => {
                self.no_block(chunk, "an edge");
                PhaseItem::Edge(self.edge(pair, chunk))
            }
            Rule::translation => {
                self.no_block(chunk, "a translation");
                PhaseItem::Translation(self.translation(pair))
            }
            rule => unreachable!("rule {rule:?} is not a phase item"),
        })
    }

    fn actor_items(&mut self, chunk: &Chunk) -> Vec<ActorItem<'s>> {
        let Some(block) = &chunk.block else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for item in &block.items {
            if item.head.is_empty() {
                continue;
            }
            let Ok(pair) = self.parse(item, Context::Actor) else {
                continue;
            };
            self.no_block(item, "an actor's translation or note");
            items.push(self.actor_item(pair));
        }
        items
    }

    fn actor_item(&mut self, pair: Pair<'s, Rule>) -> ActorItem<'s> {
        match pair.as_rule() {
            Rule::translation => ActorItem::Translation(self.translation(pair)),
            Rule::note_item => ActorItem::Note(self.note(pair)),
            rule => unreachable!("rule {rule:?} is not an actor item"),
        }
    }

    fn stage(&mut self, pair: Pair<'s, Rule>, block: BlockPairs<'s>, chunk: &Chunk) -> Stage<'s> {
        let mut inner = pair.into_inner();
        let kind = match next(&mut inner).into_inner().next().map(|k| k.as_rule()) {
            Some(Rule::kw_start) => StageKind::Start,
            Some(Rule::kw_step) => StageKind::Step,
            Some(Rule::kw_decision) => StageKind::Decision,
            Some(Rule::kw_end) => StageKind::End,
            rule => unreachable!("rule {rule:?} is not a stage kind"),
        };
        let mut first = next(&mut inner);
        let mut number = None;
        if first.as_rule() == Rule::number {
            number = self.number(first);
            first = next(&mut inner);
        }
        let id = self.ident(first);
        let label = self.text(next(&mut inner));
        let mut items: Vec<StageItem<'s>> = inner.map(|clause| self.stage_clause(clause, true)).collect();
        match block {
            Some(pairs) => items.extend(pairs.map(|p| self.stage_clause(p, false))),
            None => items.extend(self.stage_items(chunk)),
        }
        Stage { kind, number, id, label, items, block: chunk.block.as_ref().map(|b| b.span()), span: chunk.span() }
    }

    /// A step number, or `None` (reported) when it is zero or too large to be one.
    fn number(&mut self, pair: Pair<'s, Rule>) -> Option<Number> {
        let span = self.pair_span(&pair);
        match pair.as_str().parse::<u32>() {
            Ok(value) if value > 0 => Some(Number { value, span }),
            _ => {
                self.errors.push(SyntaxError {
                    span,
                    message: format!("`{}` is not a step number", pair.as_str()),
                    label: "not a step number".into(),
                    help: Some(format!("step numbers are whole numbers from 1 to {}", u32::MAX)),
                });
                None
            }
        }
    }

    fn stage_items(&mut self, chunk: &Chunk) -> Vec<StageItem<'s>> {
        let Some(block) = &chunk.block else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for item in &block.items {
            if item.head.is_empty() {
                continue;
            }
            let Ok(pair) = self.parse(item, Context::Stage) else {
                continue;
            };
            self.no_block(item, "a stage's attribute");
            items.push(self.stage_clause(pair, false));
        }
        items
    }

    fn stage_clause(&mut self, pair: Pair<'s, Rule>, inline: bool) -> StageItem<'s> {
        let span = self.pair_span(&pair);
        match pair.as_rule() {
            Rule::by_clause => {
                let actors = pair.into_inner().filter(|p| p.as_rule() == Rule::ident).map(|p| self.ident(p)).collect();
                StageItem::By(By { actors, inline, span })
            }
            Rule::within_clause => {
                let duration =
                    self.duration(pair.into_inner().nth(1).unwrap_or_else(|| unreachable!("within has a duration")));
                StageItem::Within(Within { duration, inline, span })
            }
            Rule::note_item => StageItem::Note(self.note(pair)),
            // `ref "…" th "…"` has the shape of a note: a keyword, a text, its translations.
            Rule::ref_item => StageItem::Ref(self.note(pair)),
            Rule::public_item => StageItem::Public(self.note(pair)),
            Rule::next_item => {
                let targets = pair.into_inner().filter(|p| p.as_rule() == Rule::ident).map(|p| self.ident(p)).collect();
                StageItem::Next(Next { targets, span })
            }
            Rule::branch_item => {
                let mut inner = pair.into_inner();
                let label = self.branch_label(next(&mut inner));
                inner.next(); // arrow
                let target = self.ident(next(&mut inner));
                StageItem::Branch(Branch { label, target, span })
            }
            Rule::translation => StageItem::Translation(self.translation(pair)),
            rule => unreachable!("rule {rule:?} is not a stage item"),
        }
    }

    fn edge(&mut self, pair: Pair<'s, Rule>, chunk: &Chunk) -> EdgeChain<'s> {
        let span = self.span(&pair, chunk);
        let mut stages = Vec::new();
        let mut label = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => stages.push(self.ident(part)),
                Rule::branch_label => label = Some(self.branch_label(part)),
                Rule::arrow | Rule::colon => {}
                rule => unreachable!("rule {rule:?} in an edge"),
            }
        }
        EdgeChain { stages, label, span }
    }

    fn require(&mut self, pair: Pair<'s, Rule>, chunk: &Chunk) -> Require<'s> {
        let span = self.span(&pair, chunk);
        let form = pair.into_inner().nth(1).unwrap_or_else(|| unreachable!("require has a form"));
        match form.as_rule() {
            Rule::require_before => {
                let ids: Vec<Ident<'s>> =
                    form.into_inner().filter(|p| p.as_rule() == Rule::ident).map(|p| self.ident(p)).collect();
                let mut ids = ids.into_iter();
                let first = ids.next().unwrap_or_else(|| unreachable!("require before has a first stage"));
                let target = ids.next().unwrap_or_else(|| unreachable!("require before has a target"));
                Require::Before { first, target, unless: ids.collect(), span }
            }
            Rule::require_within => {
                let mut limit = None;
                let mut ids = Vec::new();
                for part in form.into_inner() {
                    match part.as_rule() {
                        Rule::duration => limit = Some(self.duration(part)),
                        Rule::ident => ids.push(self.ident(part)),
                        Rule::kw_within | Rule::kw_from | Rule::kw_to => {}
                        rule => unreachable!("rule {rule:?} in require within"),
                    }
                }
                let limit = limit.unwrap_or_else(|| unreachable!("require within has a duration"));
                let [from, to] = ids[..] else { unreachable!("require within has two stages") };
                Require::Within { limit, from, to, span }
            }
            rule => unreachable!("rule {rule:?} is not a requirement"),
        }
    }

    /// A note, or a reference: a keyword, a text and its translations.
    fn note(&mut self, pair: Pair<'s, Rule>) -> Note<'s> {
        let span = self.pair_span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_note, kw_ref or kw_public
        let text = self.text(next(&mut inner));
        let translations = inner.map(|t| self.translation(t)).collect();
        Note { text, translations, span }
    }

    fn branch_label(&mut self, pair: Pair<'s, Rule>) -> BranchLabel<'s> {
        let mut inner = pair.into_inner();
        let first = next(&mut inner);
        let span = self.pair_span(&first);
        match first.as_rule() {
            Rule::kw_yes => BranchLabel::Yes(span),
            Rule::kw_no => BranchLabel::No(span),
            Rule::string => {
                let text = self.text(first);
                let translations = inner.map(|t| self.translation(t)).collect();
                BranchLabel::Text { text, translations }
            }
            rule => unreachable!("rule {rule:?} is not a branch label"),
        }
    }

    fn translation(&mut self, pair: Pair<'s, Rule>) -> Translation<'s> {
        let mut inner = pair.into_inner();
        let lang = self.lang(next(&mut inner));
        let text = self.text(next(&mut inner));
        let from = inner.nth(1).map(|source| self.text(source)); // after kw_from
        Translation { lang, text, from }
    }

    fn ident(&self, pair: Pair<'s, Rule>) -> Ident<'s> {
        Ident { name: pair.as_str(), span: self.pair_span(&pair) }
    }

    fn lang(&self, pair: Pair<'s, Rule>) -> Lang<'s> {
        Lang { code: pair.as_str(), span: self.pair_span(&pair) }
    }

    fn duration(&self, pair: Pair<'s, Rule>) -> Duration<'s> {
        Duration { text: pair.as_str(), span: self.pair_span(&pair) }
    }

    /// Lowers a string, resolving its escapes; an unknown escape is reported and kept as written.
    fn text(&mut self, pair: Pair<'s, Rule>) -> Text<'s> {
        let span = self.pair_span(&pair);
        let body = &pair.as_str()[1..pair.as_str().len() - 1];
        let value = if body.contains('\\') {
            let mut out = String::with_capacity(body.len());
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, other)) => {
                        let at = span.start as usize + 1 + i;
                        self.errors.push(SyntaxError {
                            span: Span::new(at, at + 1 + other.len_utf8()),
                            message: format!("unknown escape `\\{other}` in a text"),
                            label: "not an escape".into(),
                            help: Some(
                                "texts know `\\\"` (a quote), `\\\\` (a backslash) and `\\n` (a line break)".into(),
                            ),
                        });
                        out.push('\\');
                        out.push(other);
                    }
                    None => unreachable!("the grammar ends no string on a backslash"),
                }
            }
            Cow::Owned(out)
        } else {
            Cow::Borrowed(body)
        };
        Text { value, span }
    }

    /// Reports a block after a statement that takes none.
    fn no_block(&mut self, chunk: &Chunk, what: &str) {
        if let Some(block) = &chunk.block {
            self.errors.push(SyntaxError {
                span: block.span(),
                message: format!("{what} has no block"),
                label: "this block belongs to nothing".into(),
                help: Some("only actors, phases and stages have a `{ … }` block; remove it".into()),
            });
        }
    }

    /// What a statement that failed to parse still says it defines.
    fn salvage(&self, chunk: &Chunk) -> Option<(DefinitionKind, Ident<'s>)> {
        let src = self.src;
        let text = &src[chunk.head.range()];
        let mut words = text.split_whitespace();
        let kind = match words.next()? {
            "actor" => DefinitionKind::Actor,
            "phase" => DefinitionKind::Phase,
            "start" => DefinitionKind::Stage(StageKind::Start),
            "step" => DefinitionKind::Stage(StageKind::Step),
            "decision" => DefinitionKind::Stage(StageKind::Decision),
            "end" => DefinitionKind::Stage(StageKind::End),
            _ => return None,
        };
        let mut word = words.next()?;
        if matches!(kind, DefinitionKind::Stage(_)) && word.bytes().all(|b| b.is_ascii_digit()) {
            word = words.next()?; // the stage's number
        }
        let pair = Grammar::parse(Rule::ident, word).ok()?.next()?;
        if pair.as_str() != word {
            return None;
        }
        let offset = chunk.head.start as usize + (word.as_ptr() as usize - text.as_ptr() as usize);
        Some((kind, Ident { name: &src[offset..offset + word.len()], span: Span::new(offset, offset + word.len()) }))
    }

    fn pair_span(&self, pair: &Pair<'s, Rule>) -> Span {
        let base = pair.get_input().as_ptr() as usize - self.src.as_ptr() as usize;
        Span::new(base + pair.as_span().start(), base + content_end(pair))
    }

    /// The span of a statement: its head and its block.
    fn span(&self, pair: &Pair<'s, Rule>, chunk: &Chunk) -> Span {
        self.pair_span(pair).to(chunk.span())
    }
}

/// Where a pair's own text ends. A rule that ends in a repetition (`by a, b`, `note "…" th "…"`)
/// also spans the blank space and comments pest skipped looking for one more item, so the end
/// is that of its last token: the last child's, down to a token.
fn content_end(pair: &Pair<'_, Rule>) -> usize {
    match pair.as_rule() {
        Rule::string => pair.as_span().end(),
        _ => match pair.clone().into_inner().last() {
            Some(last) => content_end(&last),
            None => pair.as_span().end(),
        },
    }
}

fn next<'s>(inner: &mut pest::iterators::Pairs<'s, Rule>) -> Pair<'s, Rule> {
    inner.next().unwrap_or_else(|| unreachable!("the grammar guarantees this pair"))
}
