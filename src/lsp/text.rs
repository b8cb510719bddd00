//! Byte offsets ↔ LSP positions, and edits to an open document.
//!
//! The checker counts in bytes; a client counts a line's characters in the encoding agreed at
//! `initialize` (UTF-16 code units unless it offers UTF-8 or UTF-32). Every conversion clamps:
//! clients send positions past the end of a line or of the document (after a quick edit, or just
//! because), and that must give a sensible place, never a panic.

use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};
use referflow_syntax::{LineIndex, Span};

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

/// A text with its line index, for converting in both directions in the negotiated encoding.
///
/// Lines end at `\n` only, as in the language; a `\r` before it belongs to the line break,
/// so a position past the end of a `\r\n` line lands before the `\r`. The server keeps each
/// document's [`LineIndex`] and updates it with each edit ([`apply_changes`]).
#[derive(Debug, Clone)]
pub struct LineMap<'t> {
    text: &'t str,
    index: std::borrow::Cow<'t, LineIndex>,
    encoding: Encoding,
}

impl<'t> LineMap<'t> {
    /// The map of a text, its lines found now.
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        LineMap { text, index: std::borrow::Cow::Owned(LineIndex::new(text)), encoding }
    }

    /// The map of a document's text with the line index kept with it (which must be its own).
    pub fn with_index(text: &'t str, index: &'t LineIndex, encoding: Encoding) -> Self {
        debug_assert_eq!(index.line_count(), LineIndex::new(text).line_count());
        LineMap { text, index: std::borrow::Cow::Borrowed(index), encoding }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The line index of the text, for counting lines and columns as `referflow check` does.
    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// The position of byte `offset`; an offset past the end or inside a character is moved
    /// back to the nearest character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset);
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line, self.text);
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
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let start = self.index.line_start(line, self.text);
        let end = if line + 1 < self.index.line_count() {
            self.index.line_start(line + 1, self.text) - 1
        } else {
            self.text.len()
        };
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
/// the changes before it left it. `lines` is the line index of `text`, and stays so.
pub fn apply_changes(
    text: &mut String,
    lines: &mut LineIndex,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => {
                *text = change.text;
                *lines = LineIndex::new(text);
            }
            Some(range) => {
                let span = LineMap::with_index(text, lines, encoding).span(range);
                text.replace_range(span.clone(), &change.text);
                lines.edit(text, span, change.text.len());
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
        let mut lines = LineIndex::new(&text);
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
        assert_eq!(lines, LineIndex::new(&text));
        apply_changes(&mut text, &mut lines, vec![change(None, "new\nline")], Encoding::Utf16);
        assert_eq!((text.as_str(), lines.line_start(1, &text)), ("new\nline", 4));
    }

    #[test]
    fn an_edit_moves_only_the_lines_it_must() {
        let mut text = String::from("a\nbb\nccc\nd");
        let mut lines = LineIndex::new(&text);
        text.replace_range(3..8, "X\nY\nZ");
        lines.edit(&text, 3..8, 5);
        assert_eq!(text, "a\nbX\nY\nZ\nd");
        assert_eq!(lines, LineIndex::new(&text));
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
                let mut lines = LineIndex::new(&text);
                for (a, b, inserted) in edits {
                    let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                    let (a, b) = (*a.get(&boundaries), *b.get(&boundaries));
                    let replaced = a.min(b)..a.max(b);
                    text.replace_range(replaced.clone(), &inserted);
                    lines.edit(&text, replaced, inserted.len());
                    prop_assert_eq!(&lines, &LineIndex::new(&text), "after an edit to {:?}", text);
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
                let mut lines = LineIndex::new(&text);
                let mut rebuilt = text.clone();
                for (l1, c1, l2, c2, inserted) in edits {
                    let range = Range { start: Position::new(l1, c1), end: Position::new(l2, c2) };
                    let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: inserted };
                    // The old way, a map made from the whole text for each change.
                    let span = LineMap::new(&rebuilt, encoding).span(range);
                    rebuilt.replace_range(span, &change.text);
                    apply_changes(&mut text, &mut lines, vec![change], encoding);
                    prop_assert_eq!(&text, &rebuilt);
                    prop_assert_eq!(&lines, &LineIndex::new(&text));
                }
            }
        }
    }
}
