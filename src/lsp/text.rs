//! Byte offsets ↔ LSP positions, and edits to an open document.
//!
//! The checker counts in bytes; a client counts a line's characters in the encoding agreed at
//! `initialize` (UTF-16 code units unless it offers UTF-8 or UTF-32). Every conversion clamps:
//! clients send positions past the end of a line or of the document (after a quick edit, or just
//! because), and that must give a sensible place, never a panic.

use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};
use referflow_syntax::Span;

/// What a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// Picks from what the client offers: UTF-8 first, because it is what the checker counts in,
    /// then UTF-32; UTF-16 is the protocol's default and every client understands it.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// The byte offset where each line of a document starts, kept with the document and updated
/// by each edit: an edit rescans only the text it replaces and inserts, and moves the starts
/// after it, instead of scanning the whole document again for every keystroke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineStarts(starts)
    }

    /// After the bytes `replaced` of the text were replaced by `inserted`: the lines that began
    /// inside the replaced bytes are gone, those of `inserted` are new, and those after it
    /// move by the difference in length.
    pub fn edit(&mut self, replaced: std::ops::Range<usize>, inserted: &str) {
        let starts = &mut self.0;
        // A line starts inside the replaced bytes when the `\n` before it was replaced:
        // starts in `start + 1 ..= end`.
        let first = starts.partition_point(|&s| s <= replaced.start);
        let past = starts.partition_point(|&s| s <= replaced.end);
        let new: Vec<usize> = memchr::memchr_iter(b'\n', inserted.as_bytes()).map(|i| replaced.start + i + 1).collect();
        let moved_from = first + new.len();
        starts.splice(first..past, new);
        // Every start moved is past the replaced bytes, so at least `replaced.end + 1`.
        let (removed, added) = (replaced.end - replaced.start, inserted.len());
        for start in &mut starts[moved_from..] {
            *start = *start - removed + added;
        }
    }
}

/// The start of every line of one text, for converting in both directions.
///
/// Lines end at `\n` only, as in the language; a `\r` before it belongs to the line break,
/// so a position past the end of a `\r\n` line lands before the `\r`.
#[derive(Debug, Clone)]
pub struct LineMap<'t> {
    text: &'t str,
    starts: std::borrow::Cow<'t, [usize]>,
    encoding: Encoding,
}

impl<'t> LineMap<'t> {
    /// The map of a text, its lines found now (the server keeps [`LineStarts`] instead).
    #[cfg(test)]
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        LineMap { text, starts: std::borrow::Cow::Owned(LineStarts::new(text).0), encoding }
    }

    /// The map of a document's text with the line starts kept with it (which must be its own).
    pub fn with_starts(text: &'t str, starts: &'t LineStarts, encoding: Encoding) -> Self {
        debug_assert_eq!(starts.0.len(), LineStarts::new(text).0.len());
        LineMap { text, starts: std::borrow::Cow::Borrowed(&starts.0), encoding }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The position of byte `offset`; an offset past the end or inside a character is moved
    /// back to the nearest character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = self.text.get(start..offset).map_or(0, |s| s.chars().map(|c| self.encoding.units(c)).sum());
        Position { line: to_u32(line), character }
    }

    pub fn range(&self, span: Span) -> Range {
        Range { start: self.position(span.start as usize), end: self.position(span.end as usize) }
    }

    /// The byte offset of a position. A line past the last is the end of the text; a
    /// character past the end of its line is the end of that line; a character in the middle
    /// of a UTF-16 surrogate pair or a UTF-8 sequence is the start of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self.starts.get(position.line as usize + 1).map_or(self.text.len(), |&next| next - 1);
        let line = self.text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let next = units + self.encoding.units(c);
            if next > position.character {
                return start + i;
            }
            units = next;
        }
        start + line.len()
    }

    /// The byte range of an LSP range, start before end whatever order the client sent.
    pub fn span(&self, range: Range) -> std::ops::Range<usize> {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        a.min(b)..a.max(b)
    }

    /// The position just after the last character: where an edit of the whole text ends.
    pub fn end(&self) -> Position {
        self.position(self.text.len())
    }
}

/// Applies the changes of one `didChange`, in order: each range is read against the text as
/// the changes before it left it. `lines` are the line starts of `text`, and stay so.
pub fn apply_changes(
    text: &mut String,
    lines: &mut LineStarts,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => {
                *text = change.text;
                *lines = LineStarts::new(text);
            }
            Some(range) => {
                let span = LineMap::with_starts(text, lines, encoding).span(range);
                text.replace_range(span.clone(), &change.text);
                lines.edit(span, &change.text);
            }
        }
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two_and_thai_as_one() {
        let text = "a😀b\nกข\r\nz";
        let map = LineMap::new(text, Encoding::Utf16);
        assert_eq!(map.position(5), pos(0, 3)); // after the emoji (4 bytes, 2 units)
        assert_eq!(map.offset(pos(0, 3)), 5);
        assert_eq!(map.offset(pos(0, 2)), 1, "inside the surrogate pair: the emoji's start");
        assert_eq!(map.position(13), pos(1, 2));
        assert_eq!(map.offset(pos(1, 99)), 13, "past the end of a \\r\\n line: before the \\r");
        assert_eq!(map.offset(pos(9, 0)), text.len());
        assert_eq!(map.position(999), pos(2, 1));
        assert_eq!(map.position(2), pos(0, 1), "inside a character: its start");
    }

    #[test]
    fn utf8_and_utf32_count_bytes_and_scalars() {
        let text = "กข";
        assert_eq!(LineMap::new(text, Encoding::Utf8).position(6), pos(0, 6));
        assert_eq!(LineMap::new(text, Encoding::Utf32).position(6), pos(0, 2));
        assert_eq!(LineMap::new(text, Encoding::Utf8).offset(pos(0, 4)), 3);
    }

    #[test]
    fn changes_apply_in_order_and_clamp() {
        let mut text = String::from("ab\ncd");
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        let mut lines = LineStarts::new(&text);
        apply_changes(
            &mut text,
            &mut lines,
            vec![
                change(Some(Range { start: pos(1, 0), end: pos(1, 1) }), "X"),
                change(Some(Range { start: pos(7, 7), end: pos(0, 2) }), "!"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(text, "ab!");
        assert_eq!(lines, LineStarts::new(&text));
        apply_changes(&mut text, &mut lines, vec![change(None, "new\nline")], Encoding::Utf16);
        assert_eq!((text.as_str(), lines.0.as_slice()), ("new\nline", &[0, 4][..]));
    }

    #[test]
    fn an_edit_moves_only_the_lines_it_must() {
        let mut text = String::from("a\nbb\nccc\nd");
        let mut lines = LineStarts::new(&text);
        text.replace_range(3..8, "X\nY\nZ");
        lines.edit(3..8, "X\nY\nZ");
        assert_eq!(text, "a\nbX\nY\nZ\nd");
        assert_eq!(lines, LineStarts::new(&text));
    }

    mod edits {
        use proptest::prelude::*;

        use super::super::*;

        /// Text made of the characters that matter here: line breaks (`\r\n` too), and
        /// characters of one to four bytes.
        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof!["\n", "\r\n", "a", "ก", "😀", " "], 0..40)
                .prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

            /// Line starts kept through any edits are the line starts of the text they made.
            #[test]
            fn kept_line_starts_are_those_of_a_full_scan(
                start in text(),
                edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), text()), 1..12),
            ) {
                let mut text = start;
                let mut lines = LineStarts::new(&text);
                for (a, b, inserted) in edits {
                    let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                    let (a, b) = (*a.get(&boundaries), *b.get(&boundaries));
                    let replaced = a.min(b)..a.max(b);
                    text.replace_range(replaced.clone(), &inserted);
                    lines.edit(replaced, &inserted);
                    prop_assert_eq!(&lines, &LineStarts::new(&text), "after an edit to {:?}", text);
                }
            }

            /// The same through `didChange` ranges, as a client sends them (in any encoding, past
            /// the end of lines, backwards).
            #[test]
            fn changes_keep_the_line_starts(
                start in text(),
                edits in proptest::collection::vec((0u32..12, 0u32..8, 0u32..12, 0u32..8, text()), 1..8),
                encoding in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
            ) {
                let mut text = start;
                let mut lines = LineStarts::new(&text);
                let mut rebuilt = text.clone();
                for (l1, c1, l2, c2, inserted) in edits {
                    let range = Range { start: Position::new(l1, c1), end: Position::new(l2, c2) };
                    let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: inserted };
                    // The old way, a map made from the whole text for each change.
                    let span = LineMap::new(&rebuilt, encoding).span(range);
                    rebuilt.replace_range(span, &change.text);
                    apply_changes(&mut text, &mut lines, vec![change], encoding);
                    prop_assert_eq!(&text, &rebuilt);
                    prop_assert_eq!(&lines, &LineStarts::new(&text));
                }
            }
        }
    }
}
