//! Byte offsets to lines and columns, as people and editors count them.

/// The start of every line of a text.
#[derive(Debug, Clone)]
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
        let mut long = Vec::new();
        let ends = starts.iter().skip(1).map(|&s| s as usize).chain([src.len()]);
        for (line, (&start, end)) in starts.iter().zip(ends).enumerate() {
            let line_bytes = &src.as_bytes()[start as usize..end];
            if line_bytes.len() > STEP {
                let mut count = 0;
                let marks = line_bytes.chunks_exact(STEP).map(|chunk| {
                    count += chars_in(chunk);
                    count as u32
                });
                long.push((line as u32, marks.collect()));
            }
        }
        LineIndex { starts, text_start: crate::text_start(src), long }
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
