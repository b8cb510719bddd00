//! A hand-written reader for the shape most of a chart is made of: a stage with its block,
//! written in ASCII ids with plain texts. pest costs about 100 ns per token it tries, which
//! made it most of the time of `check` on large charts; this reads the same statements several
//! times faster.
//!
//! The grammar stays the definition of the language. This reader accepts a statement only
//! when it can read all of it with no doubt, and then builds exactly the tree the pest path
//! builds, spans included; on anything else (an error, an escape, a non-ASCII id, a block
//! where none belongs) it gives up and the statement goes to pest, which has the precise
//! error messages. A differential test and a fuzz target hold the two paths to the same trees.

use std::borrow::Cow;

use crate::ast::*;
use crate::language::RESERVED;
use crate::split::Chunk;

/// A stage statement with its block, or `None` for pest to read.
pub(crate) fn stage<'s>(src: &'s str, chunk: &Chunk) -> Option<Stage<'s>> {
    if chunk.reported {
        return None;
    }
    let mut head = Cursor::new(src, chunk.head)?;
    let kind = match head.word()? {
        "start" => StageKind::Start,
        "step" => StageKind::Step,
        "decision" => StageKind::Decision,
        "end" => StageKind::End,
        _ => return None,
    };
    let number = head.number();
    let id = head.ident()?;
    let label = head.text()?;
    let mut items = Vec::new();
    while !head.at_end() {
        let start = head.at;
        items.push(match head.word()? {
            "by" => head.by(start, true)?,
            "within" => head.within(start, true)?,
            _ => return None,
        });
    }
    if let Some(block) = chunk.block.as_deref() {
        block.close?;
        items.reserve(block.items.len());
        for item in &block.items {
            if item.head.is_empty() {
                continue;
            }
            if item.reported || item.block.is_some() {
                return None;
            }
            items.push(Cursor::new(src, item.head)?.stage_item()?);
        }
    }
    Some(Stage { kind, number, id, label, items, block: chunk.block.as_ref().map(|b| b.span()), span: chunk.span() })
}

/// Reads one statement head: the text of `span`, which the splitter trimmed and cut before
/// any comment.
struct Cursor<'s> {
    src: &'s str,
    bytes: &'s [u8],
    at: usize,
    end: usize,
}

impl<'s> Cursor<'s> {
    fn new(src: &'s str, span: Span) -> Option<Self> {
        let (at, end) = (span.start as usize, span.end as usize);
        (end <= src.len()).then_some(Cursor { src, bytes: src.as_bytes(), at, end })
    }

    fn peek(&self) -> Option<u8> {
        (self.at < self.end).then(|| self.bytes[self.at])
    }

    /// Skips the blank space pest skips between tokens (`WHITESPACE`; heads hold no comments).
    fn blank(&mut self) {
        while let Some(b' ' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.blank();
        self.at >= self.end
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.at)
    }

    /// A run of ASCII id characters: letters, digits, `_`, and `-` unless it starts an arrow.
    /// `None` when the run touches a non-ASCII character, which could be a letter or mark that
    /// belongs to it (pest's `LETTER`, `MARK`): those are left to pest.
    fn word(&mut self) -> Option<&'s str> {
        self.blank();
        let start = self.at;
        while let Some(b) = self.peek() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => self.at += 1,
                b'-' if self.bytes.get(self.at + 1) != Some(&b'>') => self.at += 1,
                _ => break,
            }
        }
        if self.peek().is_some_and(|b| b >= 0x80) || self.at == start {
            return None;
        }
        Some(&self.src[start..self.at])
    }

    /// A stage's number, if the next word is one that pest would read as a valid number; a
    /// word of digits that is not (zero, too large) leaves the cursor where it was, and the
    /// `ident` that follows then gives up.
    fn number(&mut self) -> Option<Number> {
        self.blank();
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        let value = self.src[start..self.at].parse::<u32>().ok().filter(|&v| v > 0);
        let ends = !matches!(self.peek(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'-' | 0x80..));
        match value {
            Some(value) if ends => Some(Number { value, span: Span::new(start, self.at) }),
            _ => {
                self.at = start;
                None
            }
        }
    }

    fn ident(&mut self) -> Option<Ident<'s>> {
        let name = self.word()?;
        let first = name.as_bytes()[0];
        if !(first.is_ascii_alphabetic() || first == b'_') || RESERVED.contains(&name) {
            return None;
        }
        Some(Ident { name, span: Span::new(self.at - name.len(), self.at) })
    }

    /// `a, b, c`
    fn idents(&mut self) -> Option<Vec<Ident<'s>>> {
        let mut ids = vec![self.ident()?];
        loop {
            let last = self.at;
            self.blank();
            if self.peek() != Some(b',') {
                self.at = last; // the span ends with the last id
                return Some(ids);
            }
            self.at += 1;
            ids.push(self.ident()?);
        }
    }

    /// A text without escapes (a backslash is left to pest, which checks the escape).
    fn text(&mut self) -> Option<Text<'s>> {
        self.blank();
        let start = self.at;
        if self.peek() != Some(b'"') {
            return None;
        }
        let body = start + 1;
        let close = body + memchr::memchr3(b'"', b'\\', b'\n', &self.bytes[body..self.end])?;
        if self.bytes[close] != b'"' {
            return None;
        }
        self.at = close + 1;
        Some(Text { value: Cow::Borrowed(&self.src[body..close]), span: self.span_from(start) })
    }

    fn arrow(&mut self) -> Option<()> {
        self.blank();
        if self.bytes[self.at..self.end].starts_with(b"->") {
            self.at += 2;
            Some(())
        } else {
            None
        }
    }

    /// After `by`.
    fn by(&mut self, start: usize, inline: bool) -> Option<StageItem<'s>> {
        let actors = self.idents()?;
        Some(StageItem::By(By { actors, inline, span: self.span_from(start) }))
    }

    /// After `within`: a duration, `ASCII_DIGIT+ ~ ASCII_ALPHA* ~ !ident_char`.
    fn within(&mut self, start: usize, inline: bool) -> Option<StageItem<'s>> {
        let text = self.word()?;
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !text.bytes().skip(digits).all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let duration = Duration { text, span: Span::new(self.at - text.len(), self.at) };
        Some(StageItem::Within(Within { duration, inline, span: self.span_from(start) }))
    }

    /// `LANG "TEXT"` where `code` is the word just read, which ends at `end`.
    fn translation(&mut self, code: &'s str, end: usize) -> Option<Translation<'s>> {
        if !is_lang(code) {
            return None;
        }
        let lang = Lang { code, span: Span::new(end - code.len(), end) };
        let text = self.text()?;
        // `from "…"`: the text it was translated from.
        let before = self.at;
        let from = match self.word() {
            Some("from") => Some(self.text()?),
            _ => {
                self.at = before;
                None
            }
        };
        Some(Translation { lang, text, from })
    }

    /// `translation*`, up to the end of the head or (in a branch label) an arrow.
    fn translations(&mut self) -> Option<Vec<Translation<'s>>> {
        let mut out = Vec::new();
        while !self.at_end() && !self.bytes[self.at..self.end].starts_with(b"->") {
            let code = self.word()?;
            out.push(self.translation(code, self.at)?);
        }
        Some(out)
    }

    /// One item of a stage's block, in the order `stage_item` tries them, and nothing after it.
    fn stage_item(mut self) -> Option<StageItem<'s>> {
        self.blank();
        let start = self.at;
        let item = match self.peek()? {
            b'-' => {
                self.arrow()?;
                StageItem::Next(Next { targets: self.idents()?, span: self.span_from(start) })
            }
            b'"' => {
                let text = self.text()?;
                let translations = self.translations()?;
                self.branch(BranchLabel::Text { text, translations }, start)?
            }
            _ => {
                let word = self.word()?;
                let word_end = self.at;
                let label_span = self.span_from(start);
                self.blank();
                if self.peek() == Some(b'"') {
                    return match word {
                        "note" | "ref" | "public" => {
                            let text = self.text()?;
                            let translations = self.translations()?;
                            let note = Note { text, translations, span: self.span_from(start) };
                            let item = match word {
                                "note" => StageItem::Note(note),
                                "ref" => StageItem::Ref(note),
                                _ => StageItem::Public(note),
                            };
                            self.at_end().then_some(item)
                        }
                        code => {
                            let translation = self.translation(code, word_end)?;
                            self.at_end().then_some(StageItem::Translation(translation))
                        }
                    };
                }
                match word {
                    "by" => self.by(start, false)?,
                    "within" => self.within(start, false)?,
                    "yes" => self.branch(BranchLabel::Yes(label_span), start)?,
                    "no" => self.branch(BranchLabel::No(label_span), start)?,
                    _ => return None,
                }
            }
        };
        self.at_end().then_some(item)
    }

    /// `-> TARGET` after a branch label.
    fn branch(&mut self, label: BranchLabel<'s>, start: usize) -> Option<StageItem<'s>> {
        self.arrow()?;
        let target = self.ident()?;
        Some(StageItem::Branch(Branch { label, target, span: self.span_from(start) }))
    }
}

/// A whole word that is a language code: `[a-z]{2,3}(-[A-Za-z0-9]+)*`, and not one of the
/// reserved words that would read as one (`to-x` is a code, `to` is not). The words are
/// `language::lang_reserved()`, written out for speed; a test holds them to the table.
pub(crate) fn is_lang(word: &str) -> bool {
    let mut parts = word.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !matches!(word, "by" | "end" | "ref" | "to" | "yes")
        && parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::{self, Role};

    /// The hand-written matches of the hot paths say what the language table says.
    #[test]
    fn hand_written_matches_agree_with_the_language_table() {
        for word in RESERVED {
            assert_eq!(is_lang(word), language::reads_as_language(word), "is_lang(`{word}`)");
            let src = format!("{word} s \"S\"");
            let kind = read(&src).map(|stage| stage.kind.keyword());
            let expected = language::keyword(word).filter(|k| k.role == Role::Stage).map(|k| k.word);
            assert_eq!(kind, expected, "{src}");
            // A reserved word is never an id, and a longer word that starts with one is.
            assert!(read(&format!("step {word} \"S\"")).is_none(), "`{word}` read as an id");
            assert!(read(&format!("step {word}x \"S\"")).is_some(), "`{word}x` not read as an id");
        }
        for word in language::lang_reserved() {
            assert!(is_lang(&format!("{word}-x")), "`{word}-x` is a language code");
        }
    }

    fn read(src: &str) -> Option<Stage<'_>> {
        stage(src, &crate::split::split(src).chunks[0])
    }

    /// The shapes a generated chart is made of are read here, not left to pest.
    #[test]
    fn reads_the_common_shapes() {
        for src in [
            "step b0s1 \"Interview (0.1)\" by labour within 2d {\n  th \"สัมภาษณ์\"\n  -> b0s2\n}",
            "decision d \"Consent?\" by mdt, ngo within 4h { th \"x\"; yes -> a; no -> b }",
            "step s \"S\" {\n  note \"n\" th \"น\"\n  ref \"Act, s. 29\"\n  \"maybe\" th \"อาจ\" -> c\n  by a\n  within 5wd\n}",
            "end e \"Closed\" by a\n",
            "start s\"S\"by a{->b-c,d}",
        ] {
            assert!(read(src).is_some(), "{src}");
        }
    }

    /// What it cannot be sure of goes to pest.
    #[test]
    fn leaves_the_rest_to_pest() {
        for src in [
            "step s \"a\\\"b\" { -> a }",
            "step ก \"S\" { -> a }",
            "step s \"S\" { -> end }",
            "step s \"S\" within 24h- { -> a }",
            "step s \"S\" { to \"x\" }",
            "step s \"S\" { -> a",
            "step s \"S\" {\n  -> a { }\n}",
        ] {
            assert!(read(src).is_none(), "{src}");
        }
    }
}
