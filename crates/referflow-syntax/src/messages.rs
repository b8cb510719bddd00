//! Syntax errors in words. pest reports the rules it tried at the furthest position; this module
//! turns them into "expected a duration such as `24h` or `7d` after `within`, found `soon`",
//! with a help line, and recognises the common mistakes (a misspelt keyword, a reserved word
//! used as an id, a statement in the wrong place).

use pest::error::{ErrorVariant, InputLocation};

use crate::ast::{Span, SyntaxError};
use crate::language::{self, Place, Role, is_reserved};
use crate::parser::{Context, Rule};

/// Builds the error for a statement `text` starting at byte `base` of the file.
pub(crate) fn syntax_error(text: &str, base: u32, error: &pest::error::Error<Rule>, context: Context) -> SyntaxError {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((p, _)) => p,
    };
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = token_at(text, pos);
    let at = |start: usize, len: usize| Span::new(base as usize + start, base as usize + start + len.max(1));
    let first_word = leading_word(text);

    if let Some(misplaced) = misplaced(first_word, context) {
        return SyntaxError { span: at(0, first_word.len()), ..misplaced };
    }

    // An unknown first word: the statement was read as an edge `a -> b` that lacks its arrow.
    if pos == first_word.len() + text[first_word.len()..].len() - text[first_word.len()..].trim_start().len()
        && !first_word.is_empty()
        && positives.contains(&Rule::arrow)
        && pos > 0
        && !is_reserved(first_word)
    {
        let keywords: Vec<&str> = match context {
            Context::Top | Context::Phase => language::line_starts(context).collect(),
            Context::Actor | Context::Stage => Vec::new(),
        };
        if !keywords.is_empty() {
            let suggestion = nearest(first_word, &keywords);
            let help = match suggestion {
                Some(k) => {
                    format!("did you mean `{k}`? An edge is written `{first_word} -> other_stage`")
                }
                None => format!(
                    "a statement starts with {}, or is an edge such as `{first_word} -> other_stage`",
                    list(keywords.iter().map(|k| format!("`{k}`")).collect())
                ),
            };
            return SyntaxError {
                span: at(0, first_word.len()),
                message: format!("unknown statement `{first_word}`"),
                label: "not a statement keyword".into(),
                help: Some(help),
            };
        }
    }

    // A reserved word where an id belongs.
    if positives.contains(&Rule::ident) && is_reserved(found.text) {
        return SyntaxError {
            span: at(pos, found.text.len()),
            message: format!("`{}` is a reserved word and cannot be used as an id", found.text),
            label: "reserved word".into(),
            help: Some(format!("choose another id, such as `{}_stage`", found.text)),
        };
    }

    // `7 days`: a number, then a word.
    let previous = previous_token(text, pos);
    if previous.is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && found.text.starts_with(|c: char| c.is_alphabetic())
    {
        let number = previous.unwrap_or_default();
        let start = pos - (text[..pos].len() - text[..pos].trim_end().len()) - number.len();
        return SyntaxError {
            span: at(start, pos - start + found.text.len()),
            message: format!("expected a duration such as `24h` or `7d`, but found `{number} {}`", found.text),
            label: "not a duration".into(),
            help: Some(format!("write the number and its unit together: {}", language::unit_examples())),
        };
    }

    // `1.5d`: durations are whole numbers.
    if found.text == "." && previous.is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return SyntaxError {
            span: at(pos, 1),
            message: "durations are whole numbers".into(),
            label: "no fractions".into(),
            help: Some(
                "use a smaller unit instead of a fraction: `36h` rather than `1.5d`, `90min` rather than `1.5h`".into(),
            ),
        };
    }

    // `actor p "P" th "…"`: a translation on the line of a definition that has a block for it.
    let after_found = text[(pos + found.text.len()).min(text.len())..].trim_start();
    let looks_like_lang = found.text.len() >= 2
        && found
            .text
            .split('-')
            .next()
            .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    if looks_like_lang && after_found.starts_with('"') {
        let owner = match first_word {
            "actor" => Some("an actor's name"),
            "phase" => Some("a phase's name"),
            word if language::keyword(word).is_some_and(|k| k.role == Role::Stage) => Some("a stage's label"),
            _ => None,
        };
        if let Some(owner) = owner {
            let help = format!("put it in the block: `{} … {{ {} \"…\" }}`", first_word, found.text);
            return SyntaxError {
                span: at(pos, found.text.len()),
                message: format!("the translation of {owner} goes in its block, not on its line"),
                label: "translation".into(),
                help: Some(help),
            };
        }
    }

    let mut expected: Vec<&'static str> = Vec::new();
    // Where an id may follow a stage's kind, so may a number (`step 14 screen`); the id is
    // what is missing far more often, and "expected an id" says so.
    let optional_number = positives.contains(&Rule::ident);
    for rule in positives.iter().filter(|r| !(optional_number && **r == Rule::number)) {
        if let Some(words) = describe(*rule, context)
            && !expected.contains(&words)
        {
            expected.push(words);
        }
    }
    // "the end of the statement" reads best last.
    if let Some(i) = expected.iter().position(|e| *e == "the end of the statement") {
        let eoi = expected.remove(i);
        expected.push(eoi);
    }
    if expected.is_empty() {
        expected.push("something else");
    }
    let after = previous_token(text, pos).map(|p| format!(" after {}", show_token(p))).unwrap_or_default();
    let found_words =
        if found.text.is_empty() { "the line ends".to_string() } else { format!("found {}", show_token(found.text)) };
    let label =
        if found.text.is_empty() { "the line ends here".to_string() } else { format!("expected {}", expected[0]) };
    SyntaxError {
        span: at(pos, found.text.len()),
        message: format!(
            "expected {}{after}, but {found_words}",
            list(expected.iter().map(|s| s.to_string()).collect())
        ),
        label,
        help: help(&positives, context),
    }
}

/// A statement that is valid somewhere, but not here. Which keyword starts a line where comes
/// from the language table (`language::KEYWORDS`).
fn misplaced(word: &str, context: Context) -> Option<SyntaxError> {
    let keyword = language::keyword(word)?;
    let starts = |place: Place| keyword.starts_line_in.contains(&place);
    let (message, help) = match context {
        // `by`, `within`, `ref`, `yes`; not `no`, which is also a language code.
        Context::Top | Context::Phase | Context::Actor
            if keyword.starts_line_in == [Place::Stage] && !language::reads_as_language(word) =>
        {
            (
                "this belongs to a stage: on the stage's own line or in its block",
                "write it after the stage's label, or in the `{ … }` block of the stage",
            )
        }
        Context::Phase if word == "phase" => {
            ("phases cannot be nested", "close the current phase with `}` before starting another")
        }
        Context::Phase if starts(Place::Top) && !starts(Place::Phase) => {
            ("this statement belongs at the top level, not inside a phase", "move it out of the phase block")
        }
        Context::Actor | Context::Stage if starts(Place::Top) || starts(Place::Phase) => (
            "a statement cannot stand inside a block of an actor or a stage",
            "is the `}` that closes the block above missing?",
        ),
        _ => return None,
    };
    Some(SyntaxError {
        span: Span::default(),
        message: message.into(),
        label: format!("`{word}` cannot be here"),
        help: Some(help.into()),
    })
}

/// What a rule stands for, in words; `None` for rules that never show in a message.
fn describe(rule: Rule, context: Context) -> Option<&'static str> {
    Some(match rule {
        Rule::ident => "an id",
        Rule::string => "a text in quotes",
        Rule::lang | Rule::lang_word => "a language code such as `th`",
        Rule::duration => "a duration such as `24h` or `7d`",
        Rule::number => "a step number such as `14`",
        Rule::arrow | Rule::next_item => "`->`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::kw_title => "`title`",
        Rule::kw_version => "`version`",
        Rule::kw_include => "`include`",
        Rule::kw_languages => "`languages`",
        Rule::kw_actor => "`actor`",
        Rule::kw_phase => "`phase`",
        Rule::kw_start | Rule::kw_step | Rule::kw_decision | Rule::kw_end | Rule::stage_kind | Rule::stage_stmt => {
            "a stage (`start`, `step`, `decision` or `end`)"
        }
        Rule::kw_by | Rule::by_clause => "`by`",
        Rule::kw_within | Rule::within_clause | Rule::require_within => "`within`",
        Rule::kw_note | Rule::note_item => "`note`",
        Rule::kw_ref | Rule::ref_item => "`ref`",
        Rule::kw_require => "`require`",
        Rule::kw_before => "`before`",
        Rule::kw_unless => "`unless`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_yes => "`yes`",
        Rule::kw_no => "`no`",
        Rule::kw_numbering => "`numbering`",
        Rule::kw_required => "`required`",
        Rule::kw_last => "`last`",
        Rule::kw_retired => "`retired`",
        Rule::kw_glossary => "`glossary`",
        Rule::kw_leaflet => "`leaflet`",
        Rule::leaflet_part => "`hotline` or `right`",
        Rule::kw_public | Rule::public_item => "`public`",
        Rule::retired_item => "a step number such as `14`",
        Rule::translation => "a translation such as `th \"…\"`",
        Rule::branch_label | Rule::branch_item => "a branch (`yes`, `no` or a text in quotes)",
        Rule::require_before => "a stage id",
        Rule::edge_stmt => "an edge such as `a -> b`",
        Rule::title_stmt
        | Rule::version_stmt
        | Rule::include_stmt
        | Rule::languages_stmt
        | Rule::actor_stmt
        | Rule::phase_stmt
        | Rule::require_stmt
        | Rule::numbering_stmt
        | Rule::retired_stmt
        | Rule::glossary_stmt
        | Rule::leaflet_stmt => match context {
            Context::Top => "a statement",
            _ => "an item of this block",
        },
        Rule::top_line => "a statement",
        Rule::phase_line => "a stage, an edge or a translation",
        Rule::actor_line | Rule::actor_item => "a translation or a note",
        Rule::stage_line | Rule::stage_item => "a stage attribute",
        Rule::EOI => "the end of the statement",
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::ident_start
        | Rule::ident_char
        | Rule::reserved
        | Rule::string_body
        | Rule::text_run
        | Rule::actor_whole
        | Rule::stage_whole
        | Rule::lang_reserved
        | Rule::sep
        | Rule::file
        | Rule::top_statement
        | Rule::actor_block
        | Rule::stage_block
        | Rule::phase_block
        | Rule::phase_statement => return None,
    })
}

fn help(positives: &[Rule], context: Context) -> Option<String> {
    let has = |r: Rule| positives.contains(&r);
    if has(Rule::duration) {
        return Some(format!("a duration is a whole number and a unit: {}", language::unit_examples()));
    }
    if has(Rule::string) {
        return Some("texts are written in double quotes: `\"Screen with indicators\"`".into());
    }
    if has(Rule::lang) {
        return Some("language codes are lowercase, such as `en`, `th` or `pt-BR`".into());
    }
    if has(Rule::ident) {
        return Some("an id is a letter or `_` followed by letters, digits, `_` or `-`".into());
    }
    match context {
        Context::Stage => Some(
            "a stage block holds one per line: `by ACTOR`, `within DURATION`, `LANG \"TEXT\"`, `note \"TEXT\"`, `ref \"TEXT\"`, `-> ID`, `yes -> ID`, `no -> ID` or `\"LABEL\" -> ID`".into(),
        ),
        Context::Actor => Some("an actor block holds translations (`th \"…\"`) and notes (`note \"…\"`)".into()),
        _ if has(Rule::EOI) => Some("start a new line (or write `;`) before the next statement".into()),
        _ => None,
    }
}

struct Token<'a> {
    text: &'a str,
}

/// The token that starts at `pos`: a word, a quoted text, an arrow or one character.
fn token_at(text: &str, pos: usize) -> Token<'_> {
    let rest = &text[pos.min(text.len())..];
    let len = token_len(rest);
    Token { text: &rest[..len] }
}

fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    if first == '"' {
        let mut escaped = false;
        for (i, c) in chars {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return i + 1,
                _ => escaped = false,
            }
        }
        return rest.len();
    }
    if rest.starts_with("->") {
        return 2;
    }
    if is_word_char(first) {
        let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        // A `-` directly before `>` starts an arrow, not part of the word.
        return rest[..end].find("->").map_or(end, |arrow| arrow.min(end)).max(first.len_utf8());
    }
    first.len_utf8()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The last token before `pos`, if any.
fn previous_token(text: &str, pos: usize) -> Option<&str> {
    let before = text[..pos.min(text.len())].trim_end();
    if before.is_empty() {
        return None;
    }
    let mut start = 0;
    let mut i = 0;
    while i < before.len() {
        start = i;
        let len = token_len(&before[i..]).max(1);
        i += len;
        let ws = before[i..].len() - before[i..].trim_start().len();
        i += ws;
    }
    Some(&before[start..])
}

fn show_token(token: &str) -> String {
    // A control character would act on the terminal or CI log that shows the message: name it.
    let visible: String =
        token.chars().map(|c| if c.is_control() { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect();
    if visible.starts_with('"') {
        let chars: Vec<char> = visible.chars().collect();
        if chars.len() > 30 {
            return format!("the text `{}…\"`", chars[..25].iter().collect::<String>());
        }
        return format!("the text `{visible}`");
    }
    let chars: Vec<char> = visible.chars().collect();
    if chars.len() > 40 {
        return format!("`{}…`", chars[..30].iter().collect::<String>());
    }
    format!("`{visible}`")
}

fn leading_word(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

fn nearest<'k>(word: &str, candidates: &[&'k str]) -> Option<&'k str> {
    candidates
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// `a`, `a or b`, `a, b or c`.
fn list(items: Vec<String>) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}
