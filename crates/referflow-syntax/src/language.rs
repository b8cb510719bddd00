//! The words of the language, defined once: its keywords and what each starts, the shapes of
//! its statements, its duration units and its reserved words.
//!
//! Rust code that needs a list of words takes it from here (completion, the error messages,
//! the fast reader, the checker's durations). What cannot import Rust is checked against these
//! tables by tests that read it and name the difference: the pest grammar's `kw_*` rules,
//! `reserved` and `lang_reserved` tries (crates/referflow-syntax tests and tests/it/grammar.rs),
//! the TextMate grammar in editors/, docs/language.md's reserved words and units; the fuzz
//! dictionary is generated from them (`REFERFLOW_BLESS=1`). See docs/architecture.md, "The
//! language, defined once".

/// Where a line (a statement or an item of a block) stands; each place allows different lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// The top level of a file.
    Top,
    /// The block of a phase.
    Phase,
    /// The block of an actor.
    Actor,
    /// A stage: its own line after the label, or an item of its block.
    Stage,
}

/// What a keyword does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Starts a statement of its own: `title`, `actor`, `require`, …
    Statement,
    /// Starts a stage, and names its kind: `start`, `step`, `decision`, `end`.
    Stage,
    /// Starts an attribute of a stage or an actor: `by`, `within`, `note`, `ref`.
    Attribute,
    /// Joins the parts of a requirement: `before`, `unless`, `from`, `to`.
    Requirement,
    /// Says how the stages are numbered, in a `numbering` statement: `required`, `last`.
    Numbering,
    /// A branch label the tool translates: `yes`, `no`.
    Branch,
}

/// A keyword: a word with a meaning in the language. Every keyword is reserved: none can be an
/// id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    pub word: &'static str,
    pub role: Role,
    /// The places where a line may start with it.
    pub starts_line_in: &'static [Place],
    /// What it says, in the words of the guide (for completion and hover).
    pub meaning: &'static str,
}

const NOWHERE: &[Place] = &[];
const TOP: &[Place] = &[Place::Top];
const TOP_AND_PHASE: &[Place] = &[Place::Top, Place::Phase];
const STAGE: &[Place] = &[Place::Stage];
const ACTOR_AND_STAGE: &[Place] = &[Place::Actor, Place::Stage];

/// Every keyword, in the order of the guide's list of reserved words (docs/language.md), which
/// is also the order completion offers them in.
pub const KEYWORDS: [Keyword; 28] = [
    kw("title", Role::Statement, TOP, "the title of the chart, with its translations"),
    kw("version", Role::Statement, TOP, "which draft this is"),
    kw("languages", Role::Statement, TOP, "the languages of the chart; the first is that of plain texts"),
    kw("actor", Role::Statement, TOP, "an agency or role that owns stages"),
    kw("phase", Role::Statement, TOP, "a group of stages"),
    kw("start", Role::Stage, TOP_AND_PHASE, "a stage where a case enters the chart"),
    kw("step", Role::Stage, TOP_AND_PHASE, "a stage where something is done"),
    kw("decision", Role::Stage, TOP_AND_PHASE, "a stage whose branches say which way a case goes"),
    kw("end", Role::Stage, TOP_AND_PHASE, "a stage where a case leaves the chart"),
    kw("by", Role::Attribute, STAGE, "the owners of a stage, the lead first"),
    kw("within", Role::Attribute, STAGE, "the time limit of a stage, or of a requirement"),
    kw("note", Role::Attribute, ACTOR_AND_STAGE, "a note, with its translations"),
    kw("ref", Role::Attribute, STAGE, "the legal basis of a stage"),
    kw("require", Role::Statement, TOP, "a promise the checker tests on every path"),
    kw("include", Role::Statement, TOP, "the statements of another file of the chart, read in its place"),
    kw("numbering", Role::Statement, TOP, "how the stages are numbered: `numbering required last 38`"),
    kw("required", Role::Numbering, NOWHERE, "`numbering required`: every stage must carry a number"),
    kw("last", Role::Numbering, NOWHERE, "`numbering last 38`: the highest number ever given"),
    kw("retired", Role::Statement, TOP, "numbers of removed stages, never given again"),
    kw("glossary", Role::Statement, TOP, "words a label is never broken inside"),
    kw("leaflet", Role::Statement, TOP, "the person's leaflet, with its heading: what happens next, in plain words"),
    kw("public", Role::Attribute, STAGE, "what the leaflet tells the person about this stage, in plain words"),
    kw("before", Role::Requirement, NOWHERE, "`require A before B`: every case reaching B went through A"),
    kw("unless", Role::Requirement, NOWHERE, "`… unless C, D`: or through C or D instead"),
    kw("from", Role::Requirement, NOWHERE, "`require within D from A to B`: where the time starts"),
    kw("to", Role::Requirement, NOWHERE, "`require within D from A to B`: where the time stops"),
    kw("yes", Role::Branch, STAGE, "a branch, translated by the tool"),
    kw("no", Role::Branch, STAGE, "a branch, translated by the tool (in a block, `no \"…\"` is Norwegian)"),
];

const fn kw(word: &'static str, role: Role, starts_line_in: &'static [Place], meaning: &'static str) -> Keyword {
    Keyword { word, role, starts_line_in, meaning }
}

/// The words that mean something only after `leaflet` (`leaflet hotline "…"`): the grammar's
/// `leaflet_part`. They are not keywords, so not reserved: `actor hotline "1300 hotline"` is a
/// fine actor.
pub const LEAFLET_PARTS: [&str; 2] = ["hotline", "right"];

/// The reserved words: every keyword, and nothing else. None of them can be an id.
pub const RESERVED: [&str; KEYWORDS.len()] = {
    let mut words = [""; KEYWORDS.len()];
    let mut i = 0;
    while i < KEYWORDS.len() {
        words[i] = KEYWORDS[i].word;
        i += 1;
    }
    words
};

/// Whether `word` is reserved (cannot be an id).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// The keyword `word`, if it is one.
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word == word)
}

/// The keywords of one role, in table order.
pub fn words_of(role: Role) -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(move |k| k.role == role).map(|k| k.word)
}

/// The keywords a line may start with in `place`, in table order.
pub fn line_starts(place: Place) -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(move |k| k.starts_line_in.contains(&place)).map(|k| k.word)
}

/// Whether a reserved word that has the form of a language code is still not one. Only `no`
/// is both (Norwegian, and a branch): the items of a block tell the two apart by what follows.
pub fn reads_as_language(word: &str) -> bool {
    word == "no"
}

/// Reserved words with the form of a language code (two or three lowercase letters) that are
/// not language codes: the grammar's `lang_reserved`.
pub fn lang_reserved() -> impl Iterator<Item = &'static str> {
    RESERVED.into_iter().filter(|w| (2..=3).contains(&w.len()) && !reads_as_language(w))
}

/// The kinds of statement and block item, each with its shape as the guide's quick reference
/// card writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// A short name, as messages use it: "an actor", "a requirement".
    pub name: &'static str,
    /// The keyword it starts with, if any.
    pub keyword: Option<&'static str>,
    /// Its syntax, in the notation of the quick reference card.
    pub syntax: &'static str,
    /// Where it may stand.
    pub places: &'static [Place],
}

const fn shape(
    name: &'static str,
    keyword: Option<&'static str>,
    syntax: &'static str,
    places: &'static [Place],
) -> Shape {
    Shape { name, keyword, syntax, places }
}

/// Every statement and block item.
pub const SHAPES: [Shape; 26] = [
    shape("the title", Some("title"), "title \"TEXT\" [LANG \"TEXT\"]...", TOP),
    shape("the version", Some("version"), "version \"TEXT\" [LANG \"TEXT\"]...", TOP),
    shape("the languages", Some("languages"), "languages LANG LANG...", TOP),
    shape("an actor", Some("actor"), "actor ID \"NAME\" [{ ... }]", TOP),
    shape("a phase", Some("phase"), "phase ID \"NAME\" { ... }", TOP),
    shape(
        "a stage",
        None,
        "start|step|decision|end [NUMBER] ID \"LABEL\" [by ACTOR, ACTOR...] [within DURATION] [{ ... }]",
        TOP_AND_PHASE,
    ),
    shape("an edge", None, "ID -> ID [-> ID]... [: yes | : no | : \"LABEL\" [LANG \"TEXT\"]...]", TOP_AND_PHASE),
    shape("a requirement", Some("require"), "require ID before ID [unless ID, ID...]", TOP),
    shape("an include", Some("include"), "include \"PATH\"", TOP),
    shape("the numbering", Some("numbering"), "numbering [required] [last NUMBER]", TOP),
    shape("the glossary", Some("glossary"), "glossary \"TEXT\", \"TEXT\"...", TOP),
    shape("the leaflet", Some("leaflet"), "leaflet \"HEADING\" [LANG \"TEXT\"]...", TOP),
    shape("a hotline", Some("leaflet"), "leaflet hotline \"TEXT\" [LANG \"TEXT\"]...", TOP),
    shape("a right", Some("leaflet"), "leaflet right \"TEXT\" [LANG \"TEXT\"]...", TOP),
    shape("the retired numbers", Some("retired"), "retired NUMBER [\"TEXT\"], NUMBER [\"TEXT\"]...", TOP),
    shape("a requirement", Some("require"), "require within DURATION from ID to ID", TOP),
    shape("a translation", None, "LANG \"TEXT\" [from \"TEXT\"]", &[Place::Phase, Place::Actor, Place::Stage]),
    shape("a note", Some("note"), "note \"TEXT\" [LANG \"TEXT\"]...", ACTOR_AND_STAGE),
    shape("the owners", Some("by"), "by ACTOR, ACTOR...", STAGE),
    shape("the time limit", Some("within"), "within DURATION", STAGE),
    shape("a reference", Some("ref"), "ref \"TEXT\" [LANG \"TEXT\"]...", STAGE),
    shape("the public text", Some("public"), "public \"TEXT\" [LANG \"TEXT\"]...", STAGE),
    shape("the next stages", None, "-> ID, ID...", STAGE),
    shape("a yes branch", Some("yes"), "yes -> ID", STAGE),
    shape("a no branch", Some("no"), "no -> ID", STAGE),
    shape("a labelled branch", None, "\"LABEL\" [LANG \"TEXT\"]... -> ID", STAGE),
];

/// A unit of time in a duration (`24h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// What follows the number: `h`.
    pub suffix: &'static str,
    /// What it means: "hours".
    pub meaning: &'static str,
    /// Its length in minutes.
    pub minutes: u64,
    /// An example as the guide writes it: `24h`.
    pub example: &'static str,
}

/// One working day in minutes: 1.4 × 24 × 60 (5 working days = 7 days, the bound without
/// public holidays).
pub const WORKING_DAY_MINUTES: u64 = 2016;

/// The duration units, smallest first as the guide lists them.
pub const UNITS: [Unit; 5] = [
    Unit { suffix: "min", meaning: "minutes", minutes: 1, example: "30min" },
    Unit { suffix: "h", meaning: "hours", minutes: 60, example: "24h" },
    Unit { suffix: "d", meaning: "calendar days", minutes: 24 * 60, example: "7d" },
    Unit { suffix: "w", meaning: "weeks", minutes: 7 * 24 * 60, example: "2w" },
    Unit { suffix: "wd", meaning: "working days", minutes: WORKING_DAY_MINUTES, example: "5wd" },
];

/// The unit `suffix`, if it is one.
pub fn unit(suffix: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.suffix == suffix)
}

/// "`30min`, `24h`, `7d`, `2w` or `5wd` (working days)": the examples of every unit, for
/// messages. Working days are named, since `wd` says little on its own.
pub fn unit_examples() -> String {
    let items: Vec<String> = UNITS
        .iter()
        .map(|u| if u.suffix == "wd" { format!("`{}` ({})", u.example, u.meaning) } else { format!("`{}`", u.example) })
        .collect();
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_distinct_lowercase_words() {
        for (i, k) in KEYWORDS.iter().enumerate() {
            assert!(k.word.bytes().all(|b| b.is_ascii_lowercase()), "{}", k.word);
            assert!(!KEYWORDS[..i].iter().any(|o| o.word == k.word), "`{}` is listed twice", k.word);
        }
    }

    #[test]
    fn examples_are_their_units() {
        for u in UNITS {
            let digits = u.example.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty(), "{}", u.example);
            assert_eq!(&u.example[digits.len()..], u.suffix);
        }
        assert_eq!(unit_examples(), "`30min`, `24h`, `7d`, `2w` or `5wd` (working days)");
    }

    #[test]
    fn stage_kinds_are_the_stage_keywords() {
        use crate::ast::StageKind;
        let kinds = [StageKind::Start, StageKind::Step, StageKind::Decision, StageKind::End];
        assert_eq!(kinds.map(StageKind::keyword).to_vec(), words_of(Role::Stage).collect::<Vec<_>>());
    }

    #[test]
    fn shapes_start_with_their_keyword() {
        for s in SHAPES {
            if let Some(word) = s.keyword {
                assert!(keyword(word).is_some(), "{word}");
                assert!(s.syntax.starts_with(word), "{}", s.syntax);
            }
        }
    }

    // ------------------------------------------------------------------ the pest grammar

    const GRAMMAR: &str = include_str!("../../../grammar/referflow.pest");

    /// The body of rule `name`: from its `{` to the matching `}`.
    fn rule_body(name: &str) -> &'static str {
        let start = GRAMMAR
            .lines()
            .scan(0, |at, line| {
                let here = *at;
                *at += line.len() + 1;
                Some((here, line))
            })
            .find(|(_, line)| line.split_whitespace().next() == Some(name) && line.contains('='))
            .map(|(at, _)| at)
            .unwrap_or_else(|| panic!("grammar/referflow.pest has no rule `{name}`"));
        let open = start + GRAMMAR[start..].find('{').unwrap_or_else(|| panic!("rule `{name}` has no body"));
        let mut depth = 0;
        for (i, c) in GRAMMAR[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return &GRAMMAR[open + 1..open + i];
                    }
                }
                _ => {}
            }
        }
        panic!("rule `{name}` is not closed")
    }

    /// The words a rule made only of literals (`"abc"`, `'x'..'x'`), `~`, `|` and parentheses
    /// matches: the grammar's tries of reserved words, read back into words.
    fn literal_words(body: &str) -> Vec<String> {
        fn alternatives(tokens: &[&str], at: &mut usize) -> Vec<String> {
            let mut out = Vec::new();
            loop {
                let mut words = vec![String::new()];
                loop {
                    let part = match tokens.get(*at).copied() {
                        Some("(") => {
                            *at += 1;
                            let inner = alternatives(tokens, at);
                            assert_eq!(tokens.get(*at).copied(), Some(")"), "unbalanced parentheses");
                            inner
                        }
                        Some(token) => vec![token.to_string()],
                        None => panic!("a sequence ends early"),
                    };
                    *at += 1;
                    words = words.iter().flat_map(|w| part.iter().map(move |p| format!("{w}{p}"))).collect();
                    if tokens.get(*at).copied() != Some("~") {
                        break;
                    }
                    *at += 1;
                }
                out.extend(words);
                if tokens.get(*at).copied() != Some("|") {
                    return out;
                }
                *at += 1;
            }
        }
        let mut tokens = Vec::new();
        let mut rest = body.trim();
        while !rest.is_empty() {
            let (token, len) = if let Some(r) = rest.strip_prefix('"') {
                let end = r.find('"').unwrap_or_else(|| panic!("unclosed string in {body}"));
                (&r[..end], end + 2)
            } else if rest.starts_with('\'') {
                // `'x'..'x'`: one character.
                let range = &rest[..8];
                assert!(range[1..2] == range[6..7] && &range[3..5] == "..", "not a one-character range: {range}");
                (&rest[1..2], 8)
            } else if rest.starts_with(['(', ')', '|', '~']) {
                (&rest[..1], 1)
            } else {
                panic!("not a literal: {rest}");
            };
            tokens.push(token);
            rest = rest[len..].trim_start();
        }
        let mut at = 0;
        let words = alternatives(&tokens, &mut at);
        assert_eq!(at, tokens.len(), "left over in {body}");
        words
    }

    /// Names what one list has that the other has not.
    fn same_words(what: &str, grammar: &[String], table: &[&str]) {
        let missing: Vec<_> = table.iter().filter(|w| !grammar.iter().any(|g| g == *w)).collect();
        let extra: Vec<_> = grammar.iter().filter(|g| !table.contains(&g.as_str())).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{what} disagrees with language::KEYWORDS: missing {missing:?}, not in the table {extra:?}"
        );
    }

    #[test]
    fn the_grammar_reserves_the_words_of_the_table() {
        same_words("grammar/referflow.pest `reserved`", &literal_words(rule_body("reserved")), &RESERVED);
        let lang: Vec<&str> = lang_reserved().collect();
        same_words("grammar/referflow.pest `lang_reserved`", &literal_words(rule_body("lang_reserved")), &lang);
    }

    #[test]
    fn the_grammar_reads_the_leaflet_parts_of_the_table() {
        let body = rule_body("leaflet_part");
        let words = body.split("~").next().unwrap_or_default();
        same_words("grammar/referflow.pest `leaflet_part`", &literal_words(words), &LEAFLET_PARTS);
        assert!(!LEAFLET_PARTS.iter().any(|w| is_reserved(w)), "a leaflet part is not a reserved word");
    }

    #[test]
    fn the_grammar_has_a_keyword_rule_for_each_keyword() {
        let mut rules = Vec::new();
        for line in GRAMMAR.lines() {
            if let Some(rest) = line.strip_prefix("kw_") {
                let name = rest.split_whitespace().next().unwrap_or_default();
                let body = rule_body(&format!("kw_{name}"));
                let word = body.trim().strip_prefix('"').and_then(|b| b.split('"').next()).unwrap_or_default();
                assert_eq!(body.trim(), format!("\"{word}\" ~ !ident_char"), "kw_{name}");
                assert_eq!(name, word, "rule kw_{name} matches `{word}`");
                rules.push(word.to_string());
            }
        }
        same_words("the `kw_*` rules of grammar/referflow.pest", &rules, &RESERVED);
    }

    /// What the grammar does, not only what it says: an id is any word that is not reserved,
    /// and a language code any code that is not `lang_reserved`.
    #[test]
    fn the_grammar_reads_ids_and_codes_as_the_table_says() {
        use pest::Parser as _;

        use crate::parser::{Grammar, Rule};
        let whole = |rule: Rule, word: &str| {
            Grammar::parse(rule, word).is_ok_and(|mut p| p.as_str() == word && p.next().is_some())
        };
        let mut words: Vec<String> = Vec::new();
        let letters = || (b'a'..=b'z').map(char::from);
        for a in letters() {
            words.push(a.to_string());
            for b in letters() {
                words.push(format!("{a}{b}"));
                words.extend(letters().map(|c| format!("{a}{b}{c}")));
            }
        }
        for word in RESERVED.into_iter().chain(LEAFLET_PARTS) {
            words.push(word.to_string());
            words.push(format!("{word}s"));
            words.push(word[..word.len() - 1].to_string());
        }
        for word in &words {
            assert_eq!(whole(Rule::ident, word), !is_reserved(word), "the grammar's `ident` on `{word}`");
            if (2..=3).contains(&word.len()) {
                let code = !lang_reserved().any(|w| w == word);
                assert_eq!(whole(Rule::lang, word), code, "the grammar's `lang` on `{word}`");
            }
        }
    }
}
