//! Byte offsets to lines and columns, as people and editors count them.

/// The start of every line of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// After a byte order mark, if any (see [`crate::text_start`]).
    text_start: usize,
}

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
        LineIndex { starts, text_start: crate::text_start(src) }
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
        let mut start = self.starts[line] as usize;
        if line == 0 {
            start = start.max(self.text_start).min(offset.max(self.text_start));
        }
        let column = src.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        LineCol { line: line + 1, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
