//! Completion: what may be written at the cursor.
//!
//! The line being typed rarely parses, so the context is read from the text itself: a small
//! scanner finds the blocks around the cursor and the start of the current statement (the same
//! structure `split.rs` finds: newlines and `;` outside texts and comments, `{ }`), and the
//! words typed so far in the statement say which slot the cursor is in. Ids and languages come
//! from the syntax tree of the rest of the file.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Range, TextEdit};
use referflow_syntax::Statement;
use referflow_syntax::language::{self, Place, Role};

use super::index::{Index, Kind};
use super::text::LineMap;

/// The completions at byte `offset`. `space_triggered` says the client asked because a space
/// was typed: then only a slot that needs an id or a language answers, so that indenting a line
/// does not open a list of keywords.
pub fn complete(lines: &LineMap<'_>, offset: usize, space_triggered: bool) -> Vec<CompletionItem> {
    let text = lines.text();
    let Some(context) = scan(text, offset) else {
        return Vec::new();
    };
    let statement = &text[context.statement_start..offset];
    let typed_start = statement.len() - trailing_word(statement).len();
    let tokens = tokenize(&statement[..typed_start]);
    let want = wanted(&tokens, context.block);
    if space_triggered && !want.slot {
        return Vec::new();
    }

    let file = referflow_syntax::parse(text);
    let index = Index::new(&file);
    let replace = lines.range(referflow_syntax::Span::new(context.statement_start + typed_start, offset));
    let mut items = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for definition in index.definitions() {
        let Some(kind) = definition.defines else { continue };
        let fits = (want.stages && kind.is_stage()) || (want.actors && kind == Kind::Actor);
        if !fits || seen.contains(&definition.name) || want.listed.contains(&definition.name) {
            continue;
        }
        seen.push(definition.name);
        let detail = match definition.label {
            Some(label) => format!("{} · {label}", kind.word()),
            None => kind.word().to_string(),
        };
        let item_kind = if kind == Kind::Actor { CompletionItemKind::CLASS } else { CompletionItemKind::FUNCTION };
        items.push(item(definition.name, item_kind, Some(detail), replace));
    }
    for keyword in want.keywords {
        // The keyword's meaning and, where it starts one, the shape of its line, as the
        // language table gives them.
        let detail = language::keyword(keyword).map(|k| {
            match language::SHAPES.iter().filter(|s| s.keyword == Some(keyword)).map(|s| s.syntax).collect::<Vec<_>>() {
                shapes if shapes.is_empty() => k.meaning.to_string(),
                shapes => format!("{} · {}", shapes.join("  |  "), k.meaning),
            }
        });
        items.push(item(keyword, CompletionItemKind::KEYWORD, detail, replace));
    }
    if want.languages {
        // Translations go into every declared language but the first: plain texts are in it.
        let declared = file.statements.iter().find_map(|s| match s {
            Statement::Languages(l) => Some(&l.langs),
            _ => None,
        });
        for lang in declared.into_iter().flatten().skip(1) {
            items.push(item(lang.code, CompletionItemKind::CONSTANT, Some("translation".into()), replace));
        }
    }
    items
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>, replace: Range) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        // The edit says which text the item replaces: clients' own idea of a word stops at
        // `-` and at Thai marks, which ids may hold.
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: replace, new_text: label.to_string() })),
        ..CompletionItem::default()
    }
}

/// The block the cursor is in, named by the statement that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Top,
    Actor,
    Phase,
    Stage,
    /// A block after something that takes none, or after a statement too broken to tell.
    Unknown,
}

#[derive(Debug)]
struct Context {
    block: Block,
    statement_start: usize,
}

/// Finds the block and the statement the cursor is in; `None` inside a text or a comment.
fn scan(text: &str, offset: usize) -> Option<Context> {
    let mut blocks = Vec::new();
    let mut statement_start = 0;
    let mut in_text = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text[..offset].char_indices() {
        if c == '\n' {
            // Texts and comments end with their line (an unclosed text is reported by the parser).
            (in_text, in_comment, escaped) = (false, false, false);
            statement_start = i + 1;
            continue;
        }
        if in_comment {
            continue;
        }
        if in_text {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_text = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_text = true,
            '#' => in_comment = true,
            ';' => statement_start = i + 1,
            '{' => {
                let head = text[statement_start..i].split_whitespace().next().unwrap_or("");
                blocks.push(match head {
                    "actor" => Block::Actor,
                    "phase" => Block::Phase,
                    word if is_stage_keyword(word) => Block::Stage,
                    _ => Block::Unknown,
                });
                statement_start = i + 1;
            }
            '}' => {
                blocks.pop();
                statement_start = i + 1;
            }
            _ => {}
        }
    }
    if in_text || in_comment {
        return None;
    }
    Some(Context { block: blocks.last().copied().unwrap_or(Block::Top), statement_start })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Arrow,
    Comma,
    Colon,
    Text,
    Other,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '"' | ',' | ';' | ':' | '{' | '}' | '#' | '>')
}

/// The word being typed at the end of `s` (ids may hold `-`, but not the one of an arrow).
fn trailing_word(s: &str) -> &str {
    let start = s.char_indices().rev().take_while(|&(_, c)| is_word_char(c)).last().map_or(s.len(), |(i, _)| i);
    &s[start..]
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '-' if chars.peek().map(|&(_, n)| n) == Some('>') => {
                chars.next();
                tokens.push(Token::Arrow);
            }
            ',' => tokens.push(Token::Comma),
            ':' => tokens.push(Token::Colon),
            '"' => {
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
                tokens.push(Token::Text);
            }
            c if is_word_char(c) => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = chars.peek() {
                    let arrow = n == '-' && s[j + 1..].starts_with('>');
                    if !is_word_char(n) || arrow {
                        break;
                    }
                    end = j + n.len_utf8();
                    chars.next();
                }
                tokens.push(Token::Word(&s[i..end]));
            }
            _ => tokens.push(Token::Other),
        }
    }
    tokens
}

/// What fits the slot after `tokens`.
#[derive(Debug, Default, PartialEq)]
struct Want<'a> {
    stages: bool,
    actors: bool,
    languages: bool,
    keywords: Vec<&'static str>,
    /// Ids already in the list being written (`by a, b, `), not offered again.
    listed: Vec<&'a str>,
    /// The cursor is in a slot that needs an id or a language (rather than at a line's start).
    slot: bool,
}

/// The keywords that start a line in `place`, from the language table.
fn line_starts(place: Place) -> Vec<&'static str> {
    language::line_starts(place).collect()
}

fn is_stage_keyword(word: &str) -> bool {
    language::keyword(word).is_some_and(|k| k.role == Role::Stage)
}

fn wanted<'a>(tokens: &[Token<'a>], block: Block) -> Want<'a> {
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(*w),
        _ => None,
    };
    let first = word(0);
    let Some(last) = tokens.last() else {
        return match block {
            Block::Top => Want { stages: true, keywords: line_starts(Place::Top), ..Want::default() },
            Block::Phase => {
                Want { stages: true, languages: true, keywords: line_starts(Place::Phase), ..Want::default() }
            }
            Block::Stage => Want { languages: true, keywords: line_starts(Place::Stage), ..Want::default() },
            Block::Actor => Want { languages: true, keywords: line_starts(Place::Actor), ..Want::default() },
            Block::Unknown => Want::default(),
        };
    };
    let slot = |stages: bool, actors: bool| Want { stages, actors, slot: true, ..Want::default() };

    // A list: `by a, b,`, `-> a, b,`, `unless a, b,`: walk back to the word that opened it.
    let mut start = tokens.len();
    while start >= 2 && tokens[start - 1] == Token::Comma && matches!(tokens[start - 2], Token::Word(_)) {
        start -= 2;
    }
    let listed: Vec<&'a str> =
        tokens[start..].iter().filter_map(|t| if let Token::Word(w) = t { Some(*w) } else { None }).collect();
    let opener = start.checked_sub(1).map(|i| tokens[i]);
    let require = first == Some("require");
    match opener {
        Some(Token::Arrow) => return slot(true, false),
        Some(Token::Word("by")) if !require => return Want { listed, ..slot(false, true) },
        Some(Token::Word("unless")) if require => return Want { listed, ..slot(true, false) },
        _ => {}
    }

    if require {
        let n = tokens.len();
        return match (n, *last) {
            (1, _) => Want { keywords: vec!["within"], ..slot(true, false) },
            (2, Token::Word(w)) if w != "within" => Want { keywords: vec!["before"], ..Want::default() },
            (_, Token::Word("before" | "from" | "to")) => slot(true, false),
            (4, Token::Word(_)) if word(2) == Some("before") => Want { keywords: vec!["unless"], ..Want::default() },
            (3, Token::Word(_)) if word(1) == Some("within") => Want { keywords: vec!["from"], ..Want::default() },
            (5, Token::Word(_)) if word(3) == Some("from") => Want { keywords: vec!["to"], ..Want::default() },
            _ => Want::default(),
        };
    }

    if first == Some("numbering") {
        let written = |kw: &str| tokens.contains(&Token::Word(kw));
        let keywords = match *last {
            Token::Word("last") => Vec::new(), // a number comes next
            _ => ["required", "last"].into_iter().filter(|kw| !written(kw)).collect(),
        };
        return Want { keywords, ..Want::default() };
    }

    // `leaflet hotline "…"`: the words that mean something only here.
    if first == Some("leaflet") && tokens.len() == 1 {
        return Want { keywords: referflow_syntax::language::LEAFLET_PARTS.to_vec(), ..Want::default() };
    }

    // `step screen "…"`, or with its number, `step 14 screen "…"`.
    let numbered = word(1).is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
    let label_at = if numbered { 3 } else { 2 };
    let header = first.is_some_and(is_stage_keyword) && tokens.get(label_at) == Some(&Token::Text);
    if header && matches!(last, Token::Text | Token::Word(_)) && word(tokens.len() - 1) != Some("within") {
        let written = |kw: &str| tokens.contains(&Token::Word(kw));
        let keywords = ["by", "within"].into_iter().filter(|kw| !written(kw)).collect();
        return Want { keywords, ..Want::default() };
    }

    // Translations follow a text on a title, a note, a branch label, an edge chain's label.
    let translatable = matches!(first, Some("title" | "version" | "note" | "ref" | "public" | "leaflet"))
        || (block == Block::Stage && tokens.first() == Some(&Token::Text))
        || tokens.contains(&Token::Colon);
    if *last == Token::Text && translatable {
        return Want { languages: true, slot: true, ..Want::default() };
    }
    if *last == Token::Colon {
        return Want { keywords: vec!["yes", "no"], ..Want::default() };
    }
    Want::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::text::Encoding;

    const CHART: &str = "languages en th\nactor police \"Police\"\nactor mdt \"Team\"\n\
                         start tip_off \"Tip\" by police\nend closed \"Closed\" by mdt\n";

    /// The labels offered where `|` is.
    fn labels(with_cursor: &str) -> Vec<String> {
        let offset = with_cursor.find('|').unwrap();
        let text = with_cursor.replace('|', "");
        let lines = LineMap::new(&text, Encoding::Utf16);
        complete(&lines, offset, false).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn slots_offer_ids_of_the_right_kind() {
        assert_eq!(labels(&format!("{CHART}tip_off -> |")), ["tip_off", "closed"]);
        assert_eq!(labels(&format!("{CHART}tip_off->cl|")), ["tip_off", "closed"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" by |")), ["police", "mdt"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" by police, m|")), ["mdt"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" {{\n  by |\n}}")), ["police", "mdt"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" {{\n  yes -> |\n}}")), ["tip_off", "closed", "s"]);
        assert_eq!(labels(&format!("{CHART}require tip_off before closed unless |")), ["tip_off", "closed"]);
        assert_eq!(labels(&format!("{CHART}require within 2d from tip_off to |")), ["tip_off", "closed"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" by police |")), ["within"]);
        assert_eq!(labels(&format!("{CHART}step 14 s \"S\" by |")), ["police", "mdt"]);
        assert_eq!(labels(&format!("{CHART}step 14 s \"S\" by police |")), ["within"]);
        assert_eq!(labels(&format!("{CHART}numbering |")), ["required", "last"]);
        assert_eq!(labels(&format!("{CHART}numbering required |")), ["last"]);
        assert!(labels(&format!("{CHART}numbering last |")).is_empty());
        assert_eq!(labels(&format!("{CHART}leaflet |")), ["hotline", "right"]);
        assert_eq!(labels(&format!("{CHART}leaflet hotline \"1300\" |")), ["th"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" {{\n  public \"We meet you.\" |\n}}")), ["th"]);
    }

    #[test]
    fn keywords_at_the_start_of_a_line_depend_on_the_block() {
        assert_eq!(
            labels(&format!("{CHART}st|")),
            [
                "tip_off",
                "closed",
                "title",
                "version",
                "languages",
                "actor",
                "phase",
                "start",
                "step",
                "decision",
                "end",
                "require",
                "include",
                "numbering",
                "retired",
                "glossary",
                "leaflet"
            ]
        );
        assert_eq!(
            labels(&format!("{CHART}step s \"S\" {{\n  |\n}}")),
            ["by", "within", "note", "ref", "public", "yes", "no", "th"]
        );
        assert_eq!(labels(&format!("{CHART}actor a \"A\" {{ | }}")), ["note", "th"]);
    }

    #[test]
    fn languages_follow_a_translatable_text() {
        assert_eq!(labels(&format!("title \"T\" |\n{CHART}")), ["th"]);
        assert_eq!(labels(&format!("{CHART}step s \"S\" {{\n  note \"n\" |\n}}")), ["th"]);
        assert_eq!(labels(&format!("{CHART}tip_off -> closed: |")), ["yes", "no"]);
    }

    #[test]
    fn nothing_inside_texts_and_comments() {
        assert!(labels(&format!("{CHART}step s \"by |")).is_empty());
        assert!(labels(&format!("{CHART}# by |")).is_empty());
    }
}
