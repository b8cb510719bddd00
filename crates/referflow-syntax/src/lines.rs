//! Byte offsets to lines and columns, as people and editors count them. The one line index of
//! the project: diagnostics, SARIF, the model's JSON and the preview count lines with it, and
//! the language server keeps one per open document, updated by each edit ([`LineIndex::edit`]).

use std::ops::Range;

/// The start of every line of a text. Lines end at `\n` only, as in the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// After a byte order mark, if any (see [`crate::text_start`]).
    text_start: usize,
    /// Each line longer than [`STEP`] bytes, in order: its number, and how many characters
    /// lie before each multiple of `STEP` bytes along it. A column is then counted from the
    /// nearest mark, so a report of every `}` on a 5 MB line stays linear.
    long: Vec<(u32, Vec<u32>)>,
}

/// The distance between two marks of a long line, in bytes.
const STEP: usize = 4096;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i as u32 + 1));
        let mut index = LineIndex { starts, text_start: crate::text_start(src), long: Vec::new() };
        index.long = index.measure(src, 0..index.starts.len());
        index
    }

    /// The marks of each long line among `lines` of `src`.
    fn measure(&self, src: &str, lines: Range<usize>) -> Vec<(u32, Vec<u32>)> {
        let mut long = Vec::new();
        for line in lines {
            let start = self.starts[line] as usize;
            let line_bytes = &src.as_bytes()[start..self.line_start(line + 1, src)];
            if line_bytes.len() > STEP {
                let mut count = 0;
                let marks = line_bytes.chunks_exact(STEP).map(|chunk| {
                    count += chars_in(chunk);
                    count as u32
                });
                long.push((line as u32, marks.collect()));
            }
        }
        long
    }

    /// After the bytes `replaced` of the text were replaced by `inserted` bytes, making `src`:
    /// the lines that began inside the replaced bytes are gone, those of the inserted bytes are
    /// new, and those after them move by the difference in length. Only the inserted bytes
    /// are scanned, and only the lines they touch are measured again, instead of the whole
    /// text for every keystroke.
    pub fn edit(&mut self, src: &str, replaced: Range<usize>, inserted: usize) {
        let at = replaced.start;
        // A line starts inside the replaced bytes when the `\n` before it was replaced: starts in
        // `at + 1 ..= replaced.end`.
        let first = self.starts.partition_point(|&s| s as usize <= at);
        let past = self.starts.partition_point(|&s| s as usize <= replaced.end);
        let new: Vec<u32> =
            memchr::memchr_iter(b'\n', &src.as_bytes()[at..at + inserted]).map(|i| (at + i + 1) as u32).collect();
        let added = new.len();
        self.starts.splice(first..past, new);
        // Every start moved is past the replaced bytes, so at least `replaced.end + 1`.
        let removed = (replaced.end - at) as u32;
        for start in &mut self.starts[first + added..] {
            *start = *start - removed + inserted as u32;
        }
        // The line holding `at` and the new ones are measured again; the lines that followed
        // the old last line of the edit are renumbered.
        let touched = first - 1..first + added;
        let old_last = past - 1;
        let (gone, added) = ((past - first) as u32, added as u32);
        self.long.retain(|(line, _)| !(touched.start as u32..=old_last as u32).contains(line));
        for (line, _) in &mut self.long {
            if *line > old_last as u32 {
                *line = *line - gone + added;
            }
        }
        let at_line = self.long.partition_point(|(line, _)| (*line as usize) < touched.start);
        let measured = self.measure(src, touched);
        self.long.splice(at_line..at_line, measured);
        self.text_start = crate::text_start(src);
    }

    /// How many lines the text has: one more than it has `\n`s.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= offset) - 1
    }

    /// The byte offset where 0-based `line` starts; the end of the text past the last line.
    pub fn line_start(&self, line: usize, src: &str) -> usize {
        self.starts.get(line).map_or(src.len(), |&s| s as usize)
    }

    /// The line and column of byte `offset` of `src` (the text this index was built from).
    /// A byte order mark takes no column.
    pub fn line_col(&self, src: &str, offset: usize) -> LineCol {
        let offset = offset.min(src.len());
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let mut column = self.chars_before(src, line, start, offset) + 1;
        if line == 0 {
            column -= self.chars_before(src, line, start, offset.min(self.text_start));
        }
        LineCol { line: line + 1, column }
    }

    /// The characters from `start`, where 0-based `line` starts, to byte `offset` on it.
    fn chars_before(&self, src: &str, line: usize, start: usize, offset: usize) -> usize {
        let bytes = src.as_bytes();
        let marks = match self.long.binary_search_by_key(&(line as u32), |(l, _)| *l) {
            Ok(i) => &self.long[i].1[..],
            Err(_) => &[],
        };
        match ((offset - start) / STEP).checked_sub(1).and_then(|m| marks.get(m).map(|&c| (m, c))) {
            Some((mark, count)) => count as usize + chars_in(&bytes[start + (mark + 1) * STEP..offset]),
            None => chars_in(&bytes[start..offset]),
        }
    }
}

/// The characters that start in `bytes` (UTF-8): every byte but the continuation bytes.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_long_lines_are_counted_from_the_marks() {
        let src = format!("x\n{}\n\u{FEFF}", "aก".repeat(5000));
        let index = LineIndex::new(&src);
        for (offset, c) in src.char_indices() {
            let line_start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = src[line_start..offset].chars().count() + 1;
            assert_eq!(index.line_col(&src, offset).column, expected, "at {offset} ({c:?})");
        }
        let bom = format!("\u{FEFF}{}", "ข".repeat(3000));
        let index = LineIndex::new(&bom);
        assert_eq!(index.line_col(&bom, 3).column, 1);
        assert_eq!(index.line_col(&bom, bom.len()).column, 3001);
    }

    #[test]
    fn an_edit_gives_the_index_of_the_text_it_made() {
        let long = "aก".repeat(3000);
        let mut src = format!("x\n{long}\ny\n{long}\nz");
        let mut index = LineIndex::new(&src);
        let edits: [(Range<usize>, String); 6] = [
            (3..5, "q".into()),                // inside the first long line
            (2..2, format!("{long}\n")),       // a long line added before it
            (0..src.len() / 2, "\n\n".into()), // the start and half the lines gone
            (1..1, format!("b\n{long}b\nc")),  // lines split and joined
            (0..0, "\u{FEFF}".into()),         // a byte order mark
            (3..8, String::new()),             // a long line no longer long
        ];
        for (replaced, inserted) in edits {
            let replaced = replaced.start..replaced.end.min(src.len());
            let mut fixed = replaced.clone();
            while !src.is_char_boundary(fixed.start) {
                fixed.start -= 1;
            }
            while !src.is_char_boundary(fixed.end) {
                fixed.end += 1;
            }
            src.replace_range(fixed.clone(), &inserted);
            index.edit(&src, fixed, inserted.len());
            assert_eq!(index, LineIndex::new(&src), "after an edit making {} bytes", src.len());
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "ab\nกขc\r\nx";
        let index = LineIndex::new(src);
        assert_eq!(index.line_col(src, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(src, 3), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(src, 9), LineCol { line: 2, column: 3 });
        assert_eq!(index.line_col(src, 12), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let src = "\u{FEFF}title";
        let index = LineIndex::new(src);
        assert_eq!(index.line_col(src, 3), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(src, 0), LineCol { line: 1, column: 1 });
    }
}
