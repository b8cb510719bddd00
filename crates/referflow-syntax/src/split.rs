//! The structural scanner: cuts the text into statements before pest sees any of it.
//!
//! A statement ends at a newline or `;` outside strings, comments and blocks. A `{` opens the
//! block of the statement it follows; the block's own items are statements of the next level.
//! The scan is one pass over the bytes with an explicit stack, so neither deep nesting nor a huge
//! file can overflow the stack, and memory stays proportional to the number of statements.

use crate::ast::{Span, SyntaxError};

/// Blocks nest at most this deep: a stage block inside a phase block.
const MAX_DEPTH: usize = 2;

/// One statement: the text of its head (trimmed, without comments) and its block, if any.
#[derive(Debug)]
pub(crate) struct Chunk {
    pub head: Span,
    pub block: Option<Box<Block>>,
    /// The head has an error the scanner already reported (an unclosed text): parsing it
    /// again would only repeat that.
    pub reported: bool,
}

impl Chunk {
    /// The whole statement, from its first character to the end of its head or block.
    pub fn span(&self) -> Span {
        match &self.block {
            Some(block) if self.head.is_empty() => block.span(),
            Some(block) => self.head.to(block.span()),
            None => self.head,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Block {
    /// The offset of `{`.
    pub open: u32,
    /// The offset of `}`; `None` when the block is never closed.
    pub close: Option<u32>,
    pub items: Vec<Chunk>,
}

impl Block {
    pub fn span(&self) -> Span {
        Span { start: self.open, end: self.close.map_or(self.open + 1, |c| c + 1) }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Split {
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Span>,
    pub errors: Vec<SyntaxError>,
    /// Where the statements handed over end: the whole text, or in a window that is not the
    /// end of the file, just after the last newline that ended a top-level statement. From
    /// there a scan of the rest of the file starts as it would have gone on.
    pub read: usize,
}

/// Where a text given to [`split_window`] stands in its file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    /// It starts the file (which may then start with a byte-order mark).
    pub first: bool,
    /// It ends the file.
    pub last: bool,
}

impl Place {
    pub const WHOLE: Place = Place { first: true, last: true };
}

/// The statement being read at one level.
#[derive(Default)]
struct Pending {
    head_start: Option<usize>,
    head_end: usize,
    block: Option<Box<Block>>,
    /// Text after the block's `}` was already reported.
    reported_trailing: bool,
    /// The head holds an error already reported.
    reported: bool,
}

struct Frame {
    open: usize,
    items: Vec<Chunk>,
    pending: Pending,
}

pub(crate) fn split(src: &str) -> Split {
    let mut chunks = Vec::new();
    let mut out = split_window(src, Place::WHOLE, |chunk| chunks.push(chunk));
    out.chunks = chunks;
    out
}

/// Like [`split`], handing each top-level statement to `each` as soon as it is complete, so
/// that the statements of a large file need not all exist at once. The returned `Split` holds
/// the comments and errors, not the chunks.
///
/// `src` may be a piece of a file (see [`Place`]). A piece that does not end the file hands
/// over only the statements before its last top-level newline (`Split::read`), and keeps no
/// comment or error after it: the next piece starts there.
pub(crate) fn split_window(src: &str, place: Place, mut each: impl FnMut(Chunk)) -> Split {
    let bytes = src.as_bytes();
    let mut out = Split::default();
    let mut top = Frame { open: 0, items: Vec::new(), pending: Pending::default() };
    let mut stack: Vec<Frame> = Vec::new();
    // Depth of blocks opened where no block may open: skipped, with their contents.
    let mut skipping = 0usize;
    let mut i = if place.first { crate::text_start(src) } else { 0 };
    // Just after a newline that ended a top-level statement: nothing is open or pending.
    let mut fresh = false;

    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                let end = line_end(bytes, i);
                out.comments.push(Span::new(i, end));
                i = end;
                continue;
            }
            b'"' => {
                let (end, closed) = string_end(bytes, i);
                if !closed && skipping == 0 {
                    out.errors.push(SyntaxError {
                        span: Span::new(i, end),
                        message: "this text is not closed: a `\"` is missing before the end of the line".into(),
                        label: "text starts here".into(),
                        help: Some(
                            "texts stay on one line; write `\\n` for a line break and `\\\"` for a quote".into(),
                        ),
                    });
                }
                if skipping == 0 {
                    let frame = stack.last_mut().unwrap_or(&mut top);
                    touch(frame, i, end, &mut out.errors);
                    frame.pending.reported |= !closed;
                }
                i = end;
                continue;
            }
            b'\n' | b';' if skipping == 0 => {
                fresh = b == b'\n' && stack.is_empty();
                let frame = stack.last_mut().unwrap_or(&mut top);
                finish(frame);
            }
            b'{' if skipping > 0 => skipping += 1,
            b'}' if skipping > 0 => skipping -= 1,
            b'{' => {
                if stack.len() >= MAX_DEPTH {
                    out.errors.push(SyntaxError {
                        span: Span::new(i, i + 1),
                        message: "blocks nest at most two levels deep: a stage block inside a phase"
                            .into(),
                        label: "a block cannot open here".into(),
                        help: Some("only actors, phases and stages have blocks, and a stage block holds no other block; is a `}` missing above?".into()),
                    });
                    skipping = 1;
                } else {
                    let parent = stack.last_mut().unwrap_or(&mut top);
                    if parent.pending.block.is_some() {
                        report_trailing(&mut parent.pending, i, i + 1, &mut out.errors);
                    }
                    stack.push(Frame { open: i, items: Vec::new(), pending: Pending::default() });
                }
            }
            b'}' => match stack.pop() {
                Some(mut frame) => {
                    finish(&mut frame);
                    let parent = stack.last_mut().unwrap_or(&mut top);
                    attach(parent, frame, Some(i), &mut out.errors);
                }
                None => out.errors.push(SyntaxError {
                    span: Span::new(i, i + 1),
                    message: "this `}` closes no block".into(),
                    label: "no `{` before it".into(),
                    help: Some("remove it, or add the `{` it was meant to close".into()),
                }),
            },
            b' ' | b'\t' | b'\r' => {}
            _ if skipping > 0 => {}
            _ => {
                let frame = stack.last_mut().unwrap_or(&mut top);
                // A run of plain text at once: it ends at a byte that means something here,
                // all of them ASCII, so never inside a character. After a block, one character
                // (which `touch` reports as trailing text).
                let end = if frame.pending.block.is_some() {
                    i + utf8_len(b)
                } else {
                    i + bytes[i..].iter().position(|&b| SPECIAL[b as usize]).unwrap_or(bytes.len() - i)
                };
                touch(frame, i, end, &mut out.errors);
                i = end;
                continue;
            }
        }
        i += 1;
        if place.last {
            if stack.is_empty() && !top.items.is_empty() {
                top.items.drain(..).for_each(&mut each);
            }
        } else if std::mem::take(&mut fresh) {
            top.items.drain(..).for_each(&mut each);
            out.read = i;
        }
    }

    if !place.last {
        // What follows the last fresh start is read again with the next piece.
        let read = out.read;
        out.comments.retain(|c| (c.start as usize) < read);
        out.errors.retain(|e| (e.span.start as usize) < read);
        out.errors.sort_by_key(|e| e.span.start);
        return out;
    }
    out.read = src.len();
    while let Some(mut frame) = stack.pop() {
        finish(&mut frame);
        out.errors.push(SyntaxError {
            span: Span::new(frame.open, frame.open + 1),
            message: "this `{` is never closed".into(),
            label: "block opens here".into(),
            help: Some("add the `}` that ends this block".into()),
        });
        let parent = stack.last_mut().unwrap_or(&mut top);
        attach(parent, frame, None, &mut out.errors);
    }
    finish(&mut top);
    top.items.drain(..).for_each(&mut each);
    out.errors.sort_by_key(|e| e.span.start);
    out
}

/// Records statement text at `start..end`. Text after a block's `}` on the same line is
/// reported, then read as the next statement, so that nothing written is silently lost.
fn touch(frame: &mut Frame, start: usize, end: usize, errors: &mut Vec<SyntaxError>) {
    if frame.pending.block.is_some() {
        report_trailing(&mut frame.pending, start, end, errors);
        finish(frame);
    }
    frame.pending.head_start.get_or_insert(start);
    frame.pending.head_end = end;
}

/// Reports the text at `at..end` (a whole character or text) after a block's `}`.
fn report_trailing(pending: &mut Pending, at: usize, end: usize, errors: &mut Vec<SyntaxError>) {
    if !pending.reported_trailing {
        pending.reported_trailing = true;
        errors.push(SyntaxError {
            span: Span::new(at, end),
            message: "expected a new line after the `}` that ends a block".into(),
            label: "start a new line here".into(),
            help: Some("put the next statement on a line of its own".into()),
        });
    }
}

fn attach(parent: &mut Frame, frame: Frame, close: Option<usize>, errors: &mut Vec<SyntaxError>) {
    let block = Box::new(Block { open: frame.open as u32, close: close.map(|c| c as u32), items: frame.items });
    if parent.pending.head_start.is_none() {
        errors.push(SyntaxError {
            span: Span::new(frame.open, frame.open + 1),
            message: "a block must start on the line of the statement it belongs to".into(),
            label: "this `{` follows no statement".into(),
            help: Some("move the `{` to the end of the statement's line".into()),
        });
    }
    parent.pending.block = Some(block);
}

/// Ends the statement being read in `frame`, if there is one.
fn finish(frame: &mut Frame) {
    let pending = std::mem::take(&mut frame.pending);
    match pending.head_start {
        Some(start) => frame.items.push(Chunk {
            head: Span::new(start, pending.head_end),
            block: pending.block,
            reported: pending.reported,
        }),
        // A block that follows no statement was reported in `attach`; its items are dropped.
        None => drop(pending.block),
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |p| from + p)
}

/// The end of the string starting at `from` (just past its closing quote), and whether it was
/// closed on its line.
fn string_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut i = from + 1;
    while let Some(at) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[i..]) {
        i += at;
        match bytes[i] {
            b'"' => return (i + 1, true),
            b'\\' if i + 1 < bytes.len() && bytes[i + 1] != b'\n' => i += 2,
            b'\n' => return (unclosed_end(bytes, from, i), false),
            _ => i += 1,
        }
    }
    (unclosed_end(bytes, from, bytes.len()), false)
}

/// Where an unclosed text on the line `from..newline` ends: at the line end, or before a `{`
/// that ends the line, which most likely opens the statement's block.
fn unclosed_end(bytes: &[u8], from: usize, newline: usize) -> usize {
    let mut end = newline;
    while end > from + 1 && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    if end > from + 1 && bytes[end - 1] == b'{' { end - 1 } else { end }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The bytes that end a run of plain text: those the scanner acts on, and blank space.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"#\";\n{} \t\r";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(src: &str, chunks: &[Chunk]) -> Vec<String> {
        chunks
            .iter()
            .map(|c| {
                let mut s = src[c.head.range()].to_string();
                if let Some(block) = &c.block {
                    s.push_str(" {");
                    for h in heads(src, &block.items) {
                        s.push_str(&format!(" [{h}]"));
                    }
                    s.push_str(" }");
                }
                s
            })
            .collect()
    }

    #[test]
    fn statements_end_at_newlines_and_semicolons_outside_strings() {
        let src = "a -> b; c -> d\ntitle \"x; y # z\" # comment; here\n\n";
        let split = split(src);
        assert_eq!(heads(src, &split.chunks), ["a -> b", "c -> d", "title \"x; y # z\""]);
        assert_eq!(split.comments.len(), 1);
        assert!(split.errors.is_empty());
    }

    #[test]
    fn blocks_hold_their_items() {
        let src = "phase p \"P\" {\n  step a \"A\" { th \"x\"; -> b }\n  b -> c\n}\n";
        let split = split(src);
        assert_eq!(heads(src, &split.chunks), ["phase p \"P\" { [step a \"A\" { [th \"x\"] [-> b] }] [b -> c] }"]);
    }

    #[test]
    fn deep_nesting_is_one_error_and_no_recursion() {
        let src = format!("step a \"A\" {}", "{".repeat(200_000));
        let split = split(&src);
        assert!(split.errors.iter().any(|e| e.message.contains("nest at most")));
        assert!(split.errors.iter().any(|e| e.message.contains("never closed")));
    }

    #[test]
    fn unclosed_string_stops_at_the_line_end() {
        let src = "title \"abc\nversion \"1\"\n";
        let split = split(src);
        assert_eq!(heads(src, &split.chunks), ["title \"abc", "version \"1\""]);
        assert_eq!(split.errors.len(), 1);
    }

    #[test]
    fn a_piece_that_does_not_end_the_file_stops_after_its_last_top_level_newline() {
        let src = "a -> b\nstep s \"S\" {\n  -> t\n}\nc -> d";
        let mut chunks = Vec::new();
        let split = split_window(src, Place { first: true, last: false }, |c| chunks.push(c));
        assert_eq!(heads(src, &chunks), ["a -> b", "step s \"S\" { [-> t] }"]);
        assert_eq!(&src[split.read..], "c -> d");
        // Inside a block there is no such newline: nothing is handed over.
        let mut chunks = Vec::new();
        let split = split_window("step s \"S\" {\n  -> t\n", Place { first: true, last: false }, |c| chunks.push(c));
        assert!(chunks.is_empty() && split.read == 0 && split.errors.is_empty());
    }
}
