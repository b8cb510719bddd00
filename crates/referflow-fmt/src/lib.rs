//! `referflow fmt`: one canonical layout for every chart, so that reviewers see changes to the
//! flow and never to whitespace. The style is described in docs/language.md ("Canonical
//! layout"); in short:
//!
//! - one statement per line, two spaces of indentation per block level, `\n` line endings, no
//!   byte order mark, one newline at the end of the file;
//! - the author's order of statements and of block items is kept; runs of blank lines become
//!   one, and blank lines at the start or end of a block or file go;
//! - `by` and `within` go on the stage's own line, `by` first; a block of one short item with no
//!   comment is written on that line too (`{ th "…" }`), any other block one item per line;
//! - single spaces around `->`, after `,` and between words; `a -> b: yes` for a branch label;
//! - texts are re-escaped (`\"`, `\\`, `\n`), everything else is written as the author wrote it.
//!
//! Every comment survives in its place: a comment on its own line stays before the statement
//! that follows it (or before the `}` that closes its block, or at the end of the file), a
//! comment at the end of a line stays at the end of that statement's line. A `by` or `within`
//! that carries a comment stays in the block with it.
//!
//! The formatter works on the syntax tree and the comments' spans; the text between two
//! statements holds only blank space, `;` and comments, which is where comments and blank lines
//! are read from.

use referflow_syntax::*;

/// Lines wider than this are not joined: a block whose one item would make the stage's line
/// longer stays expanded.
const WIDTH: usize = 100;

/// Why a file cannot be formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HasSyntaxErrors(pub Vec<SyntaxError>);

/// Formats a chart; a chart with syntax errors is refused (its text might mean something else
/// once fixed).
pub fn format(src: &str) -> Result<String, HasSyntaxErrors> {
    let file = parse(src);
    if !file.errors.is_empty() {
        return Err(HasSyntaxErrors(file.errors));
    }
    Ok(format_file(src, &file))
}

/// Formats a parsed chart without syntax errors.
pub fn format_file(src: &str, file: &File<'_>) -> String {
    let mut printer = Printer { src, comments: &file.comments, next: 0, out: String::with_capacity(src.len()) };
    let start = referflow_syntax::text_start(src);
    let items: Vec<Item<'_, '_>> = file.statements.iter().map(Item::Statement).collect();
    printer.items(&items, start, src.len(), 0);
    let mut out = printer.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out == "\n" {
        out.clear();
    }
    out
}

/// Something printed on a line of its own: a statement or a block item.
#[derive(Clone, Copy)]
enum Item<'a, 's> {
    Statement(&'a Statement<'s>),
    Phase(&'a PhaseItem<'s>),
    Actor(&'a ActorItem<'s>),
    Stage(&'a StageItem<'s>),
}

impl Item<'_, '_> {
    fn span(&self) -> Span {
        match self {
            Item::Statement(s) => statement_span(s),
            Item::Phase(PhaseItem::Translation(t)) | Item::Actor(ActorItem::Translation(t)) => translation_span(t),
            Item::Phase(PhaseItem::Stage(s)) => s.span,
            Item::Phase(PhaseItem::Edge(e)) => e.span,
            Item::Phase(PhaseItem::Broken(b)) => b.span,
            Item::Actor(ActorItem::Note(n)) => n.span,
            Item::Stage(item) => stage_item_span(item),
        }
    }
}

fn statement_span(statement: &Statement<'_>) -> Span {
    match statement {
        Statement::Title(t) => t.span,
        Statement::Version(v) => v.span,
        Statement::Include(i) => i.span,
        Statement::Numbering(n) => n.span,
        Statement::Retired(r) => r.span,
        Statement::Glossary(g) => g.span,
        Statement::Leaflet(l) => l.span,
        Statement::Languages(l) => l.span,
        Statement::Actor(a) => a.span,
        Statement::Phase(p) => p.span,
        Statement::Stage(s) => s.span,
        Statement::Edge(e) => e.span,
        Statement::Require(r) => r.span(),
        Statement::Broken(b) => b.span,
    }
}

fn translation_span(t: &Translation<'_>) -> Span {
    t.lang.span.to(t.text.span)
}

fn stage_item_span(item: &StageItem<'_>) -> Span {
    match item {
        StageItem::By(b) => b.span,
        StageItem::Within(w) => w.span,
        StageItem::Translation(t) => translation_span(t),
        StageItem::Note(n) => n.span,
        StageItem::Ref(r) => r.span,
        StageItem::Public(p) => p.span,
        StageItem::Next(n) => n.span,
        StageItem::Branch(b) => b.span,
    }
}

/// What lies between two items: comments and blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trivia {
    Comment(String),
    Blank,
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Span],
    /// The first comment not yet printed.
    next: usize,
    out: String,
}

impl<'a> Printer<'a> {
    /// Prints the items of one level, with the comments and blank lines between them, up to
    /// `close` (the `}` of their block, or the end of the file).
    fn items(&mut self, items: &[Item<'_, '_>], open: usize, close: usize, depth: usize) {
        let mut cursor = open;
        let mut first = true;
        for (i, item) in items.iter().enumerate() {
            let span = item.span();
            let trivia = self.leading(cursor, span.start as usize);
            self.trivia(&trivia, depth, first);
            first = false;
            self.item(*item, depth);
            cursor = span.end as usize;
            // `a; b  # note`: the comment belongs to `b`, the last statement on its line.
            let limit = items.get(i + 1).map_or(close, |next| next.span().start as usize);
            if let Some(comment) = self.trailing(cursor, limit) {
                self.out.push_str("  ");
                self.out.push_str(&comment);
            }
            self.out.push('\n');
        }
        // Comments before the `}` (or at the end of the file).
        let trivia = self.leading(cursor, close);
        let trimmed: Vec<Trivia> = trim_blanks(trivia);
        self.trivia(&trimmed, depth, first);
    }

    /// Prints leading trivia: comments at `depth`, one blank line for any run of them (never at
    /// the start of a block or file).
    fn trivia(&mut self, trivia: &[Trivia], depth: usize, at_start: bool) {
        let mut blank = false;
        let mut printed_any = !at_start;
        for t in trivia {
            match t {
                Trivia::Blank => blank = true,
                Trivia::Comment(text) => {
                    if blank && printed_any {
                        self.out.push('\n');
                    }
                    blank = false;
                    printed_any = true;
                    self.indent(depth);
                    self.out.push_str(text);
                    self.out.push('\n');
                }
            }
        }
        if blank && printed_any {
            self.out.push('\n');
        }
    }

    /// The comments and blank lines in `from..to`, consuming the comments.
    fn leading(&mut self, from: usize, to: usize) -> Vec<Trivia> {
        let mut out = Vec::new();
        let mut cursor = from;
        while let Some(&comment) = self.comments.get(self.next) {
            let start = comment.start as usize;
            if start >= to {
                break;
            }
            if start < cursor {
                // Printed already (a comment inside a block printed on one line cannot happen:
                // such blocks are expanded).
                self.next += 1;
                continue;
            }
            if self.newlines(cursor, start) >= 2 {
                out.push(Trivia::Blank);
            }
            out.push(Trivia::Comment(self.src[comment.range()].trim_end().to_string()));
            cursor = comment.end as usize;
            self.next += 1;
        }
        if self.newlines(cursor, to) >= 2 {
            out.push(Trivia::Blank);
        }
        out
    }

    /// A comment that starts on the line where `end` is, before `limit`; consumed.
    fn trailing(&mut self, end: usize, limit: usize) -> Option<String> {
        let comment = *self.comments.get(self.next)?;
        let start = comment.start as usize;
        if start < end || start >= limit || self.newlines(end, start) > 0 {
            return None;
        }
        self.next += 1;
        Some(self.src[comment.range()].trim_end().to_string())
    }

    /// Whether any comment starts inside `span`.
    fn has_comment_in(&self, span: Span) -> bool {
        self.comments[self.next..].iter().take_while(|c| c.start < span.end).any(|c| c.start >= span.start)
    }

    fn newlines(&self, from: usize, to: usize) -> usize {
        self.src.get(from..to).map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count())
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn item(&mut self, item: Item<'_, '_>, depth: usize) {
        self.indent(depth);
        match item {
            Item::Statement(statement) => self.statement(statement, depth),
            Item::Phase(PhaseItem::Translation(t)) | Item::Actor(ActorItem::Translation(t)) => {
                self.out.push_str(&translation(t));
            }
            Item::Phase(PhaseItem::Stage(stage)) => self.stage(stage, depth),
            Item::Phase(PhaseItem::Edge(edge)) => self.out.push_str(&edge_chain(edge)),
            Item::Phase(PhaseItem::Broken(b)) => self.out.push_str(self.src[b.span.range()].trim()),
            Item::Actor(ActorItem::Note(note)) => self.out.push_str(&note_text(note)),
            Item::Stage(stage_item) => self.out.push_str(&stage_item_text(stage_item)),
        }
    }

    fn statement(&mut self, statement: &Statement<'_>, depth: usize) {
        match statement {
            Statement::Title(t) => {
                self.out.push_str("title ");
                self.out.push_str(&with_translations(&t.text, &t.translations));
            }
            Statement::Version(v) => {
                self.out.push_str("version ");
                self.out.push_str(&with_translations(&v.text, &v.translations));
            }
            Statement::Include(i) => {
                self.out.push_str("include ");
                self.out.push_str(&quote(&i.path.value));
            }
            Statement::Numbering(n) => {
                self.out.push_str("numbering");
                if n.required.is_some() {
                    self.out.push_str(" required");
                }
                if let Some(last) = n.last {
                    self.out.push_str(&format!(" last {}", last.value));
                }
            }
            Statement::Glossary(g) => {
                self.out.push_str("glossary ");
                let words: Vec<String> = g.words.iter().map(|w| quote(&w.value)).collect();
                self.out.push_str(&words.join(", "));
            }
            Statement::Leaflet(l) => {
                self.out.push_str(l.part.words());
                self.out.push(' ');
                self.out.push_str(&with_translations(&l.text, &l.translations));
            }
            Statement::Retired(r) => {
                self.out.push_str("retired ");
                let items: Vec<String> = r
                    .numbers
                    .iter()
                    .map(|n| match &n.text {
                        Some(text) => format!("{} {}", n.number.value, quote(&text.value)),
                        None => n.number.value.to_string(),
                    })
                    .collect();
                self.out.push_str(&items.join(", "));
            }
            // A line written wrongly (RF013) is kept as written: the fix is the author's to make,
            // and the formatter changes layout, never what a line says.
            Statement::Languages(l) if l.mistake.is_some() => {
                self.out.push_str(&self.src[l.span.range()].split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Statement::Languages(l) => {
                self.out.push_str("languages");
                for lang in &l.langs {
                    self.out.push(' ');
                    self.out.push_str(lang.code);
                }
            }
            Statement::Actor(actor) => {
                let line = format!("actor {} {}", actor.id.name, quote(&actor.name.value));
                let items: Vec<Item<'_, '_>> = actor.items.iter().map(Item::Actor).collect();
                self.block(line, actor.block, &items, depth);
            }
            Statement::Phase(phase) => {
                let line = format!("phase {} {}", phase.id.name, quote(&phase.name.value));
                let items: Vec<Item<'_, '_>> = phase.items.iter().map(Item::Phase).collect();
                // A phase is never written on one line: it holds stages.
                self.expanded(line, phase.block, &items, depth);
            }
            Statement::Stage(stage) => self.stage(stage, depth),
            Statement::Edge(edge) => self.out.push_str(&edge_chain(edge)),
            Statement::Require(require) => self.out.push_str(&requirement(require)),
            Statement::Broken(b) => self.out.push_str(self.src[b.span.range()].trim()),
        }
    }

    fn stage(&mut self, stage: &Stage<'_>, depth: usize) {
        let number = stage.number.map(|n| format!("{} ", n.value)).unwrap_or_default();
        let mut line = format!("{} {number}{} {}", stage.kind.keyword(), stage.id.name, quote(&stage.label.value));
        // `by` and `within` go on the stage's line, `by` first, unless a comment at the end of
        // their line in the block holds them there.
        let close = stage.block.map_or(0, |b| b.end as usize - 1);
        let mut head = Vec::new();
        let mut rest = Vec::new();
        for (k, item) in stage.items.iter().enumerate() {
            let inline = match item {
                StageItem::By(b) => Some((b.inline, b.span)),
                StageItem::Within(w) => Some((w.inline, w.span)),
                _ => None,
            };
            let limit = stage.items.get(k + 1).map_or(close, |next| stage_item_span(next).start as usize);
            match inline {
                Some((true, _)) => head.push(item),
                Some((false, span)) if !self.comment_after(span.end as usize, limit) => head.push(item),
                _ => rest.push(item),
            }
        }
        head.sort_by_key(|i| matches!(i, StageItem::Within(_)));
        for item in head {
            line.push(' ');
            line.push_str(&stage_item_text(item));
        }
        let items: Vec<Item<'_, '_>> = rest.into_iter().map(Item::Stage).collect();
        self.block(line, stage.block, &items, depth);
    }

    /// Whether a comment follows `end` on its line, before `limit`: the comment `trailing`
    /// would give the item ending at `end`.
    fn comment_after(&self, end: usize, limit: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .find(|c| c.start as usize >= end)
            .is_some_and(|c| (c.start as usize) < limit && self.newlines(end, c.start as usize) == 0)
    }

    /// A statement with an optional block: on one line when the block is one short item with
    /// no comment, else expanded.
    fn block(&mut self, line: String, block: Option<Span>, items: &[Item<'_, '_>], depth: usize) {
        if items.is_empty() && !block.is_some_and(|b| self.has_comment_in(b)) {
            self.out.push_str(&line);
            return;
        }
        if let ([only], Some(span)) = (items, block)
            && !self.has_comment_in(span)
        {
            let mut one = String::new();
            std::mem::swap(&mut one, &mut self.out);
            self.item(*only, 0);
            std::mem::swap(&mut one, &mut self.out);
            let joined = format!("{line} {{ {one} }}");
            if depth * 2 + joined.chars().count() <= WIDTH {
                self.out.push_str(&joined);
                return;
            }
        }
        self.expanded(line, block, items, depth);
    }

    fn expanded(&mut self, line: String, block: Option<Span>, items: &[Item<'_, '_>], depth: usize) {
        self.out.push_str(&line);
        let Some(block) = block else {
            self.out.push_str(" {}");
            return;
        };
        self.out.push_str(" {");
        let open = block.start as usize + 1;
        let close = (block.end as usize).saturating_sub(1);
        // A comment on the line of `{` stays there.
        let first = items.first().map_or(close, |i| i.span().start as usize);
        if let Some(comment) = self.trailing(open, first.min(close)) {
            self.out.push_str("  ");
            self.out.push_str(&comment);
        }
        self.out.push('\n');
        self.items(items, open, close, depth + 1);
        self.indent(depth);
        self.out.push('}');
    }
}

fn trim_blanks(mut trivia: Vec<Trivia>) -> Vec<Trivia> {
    while trivia.last() == Some(&Trivia::Blank) {
        trivia.pop();
    }
    trivia
}

/// A text in quotes, re-escaped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn translation(t: &Translation<'_>) -> String {
    match &t.from {
        Some(from) => format!("{} {} from {}", t.lang.code, quote(&t.text.value), quote(&from.value)),
        None => format!("{} {}", t.lang.code, quote(&t.text.value)),
    }
}

fn with_translations(text: &Text<'_>, translations: &[Translation<'_>]) -> String {
    let mut out = quote(&text.value);
    for t in translations {
        out.push(' ');
        out.push_str(&translation(t));
    }
    out
}

fn note_text(note: &Note<'_>) -> String {
    format!("note {}", with_translations(&note.text, &note.translations))
}

fn ids(ids: &[Ident<'_>]) -> String {
    ids.iter().map(|i| i.name).collect::<Vec<_>>().join(", ")
}

fn branch_label(label: &BranchLabel<'_>) -> String {
    match label {
        BranchLabel::Yes(_) => "yes".into(),
        BranchLabel::No(_) => "no".into(),
        BranchLabel::Text { text, translations } => with_translations(text, translations),
    }
}

fn stage_item_text(item: &StageItem<'_>) -> String {
    match item {
        StageItem::By(b) => format!("by {}", ids(&b.actors)),
        StageItem::Within(w) => format!("within {}", w.duration.text),
        StageItem::Translation(t) => translation(t),
        StageItem::Note(n) => note_text(n),
        StageItem::Ref(r) => format!("ref {}", with_translations(&r.text, &r.translations)),
        StageItem::Public(p) => format!("public {}", with_translations(&p.text, &p.translations)),
        StageItem::Next(n) => format!("-> {}", ids(&n.targets)),
        StageItem::Branch(b) => format!("{} -> {}", branch_label(&b.label), b.target.name),
    }
}

fn edge_chain(edge: &EdgeChain<'_>) -> String {
    let mut out = edge.stages.iter().map(|s| s.name).collect::<Vec<_>>().join(" -> ");
    if let Some(label) = &edge.label {
        out.push_str(": ");
        out.push_str(&branch_label(label));
    }
    out
}

fn requirement(require: &Require<'_>) -> String {
    match require {
        Require::Before { first, target, unless, .. } => {
            let mut out = format!("require {} before {}", first.name, target.name);
            if !unless.is_empty() {
                out.push_str(" unless ");
                out.push_str(&ids(unless));
            }
            out
        }
        Require::Within { limit, from, to, .. } => {
            format!("require within {} from {} to {}", limit.text, from.name, to.name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    fn fmt(src: &str) -> String {
        format(src).unwrap()
    }

    #[test]
    fn statements_get_one_line_each_and_blank_runs_collapse() {
        let src = "\n\ntitle   \"T\"  th \"ท\";version \"1\"\n\n\n\nlanguages  en   th\n\n";
        assert_eq!(fmt(src), "title \"T\" th \"ท\"\nversion \"1\"\n\nlanguages en th\n");
    }

    #[test]
    fn by_and_within_go_on_the_stage_line_and_short_blocks_join_it() {
        let src = "step a \"A\" {\n  within 2d\n  by p,q\n  th \"ก\"\n}\n";
        assert_eq!(fmt(src), "step a \"A\" by p, q within 2d { th \"ก\" }\n");
        let src = "step a \"A\" within 2d { th \"ก\"; -> b }\n";
        assert_eq!(fmt(src), "step a \"A\" within 2d {\n  th \"ก\"\n  -> b\n}\n");
    }

    #[test]
    fn comments_stay_in_their_places() {
        let src = "# head\n\n# before a\nactor a \"A\" # after a\nactor b \"B\"; actor c \"C\"   # after c\nstep s \"S\" {  # on the brace\n  # before th\n  th \"x\"  # after th\n  # before close\n}  # after close\n# end of file\n";
        let expected = "# head\n\n# before a\nactor a \"A\"  # after a\nactor b \"B\"\nactor c \"C\"  # after c\nstep s \"S\" {  # on the brace\n  # before th\n  th \"x\"  # after th\n  # before close\n}  # after close\n# end of file\n";
        assert_eq!(fmt(src), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn a_commented_by_stays_in_the_block() {
        let src = "step s \"S\" {\n  by p  # the lead agency\n  -> t\n}\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn texts_are_re_escaped() {
        assert_eq!(fmt("version \"a \\\"b\\\" \\\\ c\\nd\"\n"), "version \"a \\\"b\\\" \\\\ c\\nd\"\n");
    }

    #[test]
    fn syntax_errors_are_refused() {
        assert!(format("step a \"A\" within soon\n").is_err());
    }

    #[test]
    fn crlf_and_bom_become_plain_lines() {
        assert_eq!(fmt("\u{feff}title \"T\"\r\nversion \"1\"\r\n"), "title \"T\"\nversion \"1\"\n");
    }
}
