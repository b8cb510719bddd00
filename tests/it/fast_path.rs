//! The hand-written reader for stages (crates/referflow-syntax/src/fast.rs) against pest: on
//! any text, both give the same tree, spans and errors included. The reader may give up on a
//! statement (pest then reads it); it may never read one differently.

use proptest::prelude::*;
use referflow_syntax::{parse, parse_with_pest_only};

/// The tree and errors, with every span (`Span` takes no part in `==`, but shows in `Debug`).
fn both(src: &str) -> (String, String) {
    (format!("{:#?}", parse(src)), format!("{:#?}", parse_with_pest_only(src)))
}

#[test]
fn both_readers_agree_on_every_fixture_and_example() {
    for path in crate::chart_paths() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(src) = String::from_utf8(bytes) else { continue };
        let (fast, pest) = both(&src);
        assert!(fast == pest, "{}: the readers disagree", path.display());
    }
}

/// Each slot of a stage takes a well-formed choice most of the time, and otherwise one of the
/// near misses on the edges of the grammar: reserved words, `-` before `>`, non-ASCII letters,
/// marks and blank space, escapes, durations with trailing junk, codes that are keywords.
const KINDS: (&[&str], &[&str]) = (&["start", "step", "decision", "end"], &["stepx", "phase", "ste", "Step"]);
const IDS: (&[&str], &[&str]) = (
    &["a", "screen", "b-c", "_x", "a1", "a_b-2", "B0s1", "x--y"],
    &["ก", "aก", "a\u{0e31}", "to", "by", "no", "yes", "x-", "a-", "1a", "end", "é", "a.b", "-a"],
);
const TEXTS: (&[&str], &[&str]) = (
    &["\"Screen\"", "\"a # b ; { } -> x\"", "\"\"", "\"ไทย ข้อความ\"", "\"a\rb\""],
    &["\"a\\\"b\"", "\"a\\qb\"", "\"a\\\\\"", "\"open", "x"],
);
const BLANKS: (&[&str], &[&str]) = (&[" ", "  ", "\t", "", " \r"], &["\u{a0}", "\u{3000}", "\u{200b}"]);
const DURATIONS: (&[&str], &[&str]) = (
    &["24h", "5wd", "2", "30min", "7d", "99999999999999999999999h", "3x"],
    &["24h-", "24hx1", "h", "2_", "24h-x", "2ก"],
);
const LANGS: (&[&str], &[&str]) = (
    &["th", "en", "pt-BR", "no", "to-x", "zh-Hant-TW", "fil"],
    &["to", "yes", "ref", "thai", "EN", "zh-", "ab-_", "by"],
);
const SEPS: (&[&str], &[&str]) = (&["\n", ";", "; ", "\n\n", "\r\n", " ;\n"], &[" # a comment\n", "\n# c\n"]);

/// A choice from `good`, or now and then from `edge`.
fn pick((good, edge): (&'static [&'static str], &'static [&'static str])) -> impl Strategy<Value = &'static str> {
    prop_oneof![12 => prop::sample::select(good), 1 => prop::sample::select(edge)]
}

fn ids() -> impl Strategy<Value = String> {
    (prop::collection::vec(pick(IDS), 1..4), pick(BLANKS)).prop_map(|(ids, blank)| ids.join(&format!(",{blank}")))
}

fn translations() -> impl Strategy<Value = String> {
    prop::collection::vec((pick(LANGS), pick(BLANKS), pick(TEXTS)), 0..3)
        .prop_map(|ts| ts.iter().map(|(l, b, t)| format!(" {l}{b}{t}")).collect())
}

/// One item of a stage's block.
fn item() -> impl Strategy<Value = String> {
    let blank = || pick(BLANKS);
    prop_oneof![
        3 => (pick(LANGS), blank(), pick(TEXTS)).prop_map(|(l, b, t)| format!("{l}{b}{t}")),
        2 => (blank(), ids()).prop_map(|(b, ids)| format!("->{b}{ids}")),
        1 => (blank(), ids()).prop_map(|(b, ids)| format!("by{b}{ids}")),
        1 => (blank(), pick(DURATIONS)).prop_map(|(b, d)| format!("within{b}{d}")),
        1 => (blank(), pick(TEXTS), translations()).prop_map(|(b, t, ts)| format!("note{b}{t}{ts}")),
        1 => (blank(), pick(TEXTS)).prop_map(|(b, t)| format!("ref{b}{t}")),
        2 => (pick((&["yes", "no", "yes ", "no\t", "\"maybe\"", "\"อาจ\" th \"x\""], &["ye", "\"x\" th"])), blank(), pick(IDS))
            .prop_map(|(l, b, id)| format!("{l}->{b}{id}")),
        1 => prop::sample::select(&[
            "", "{ }", ",", "->", "note -> x", "th \"x\" th \"y\"", "ref \"x\" y", "-> a ->", "step x \"y\"", "by a,",
        ][..])
        .prop_map(String::from),
    ]
}

/// A stage statement: head, inline clauses, and perhaps a block.
fn stage() -> impl Strategy<Value = String> {
    let clause = prop_oneof![
        (pick(BLANKS), ids()).prop_map(|(b, ids)| format!(" by{b}{ids}")),
        (pick(BLANKS), pick(DURATIONS)).prop_map(|(b, d)| format!(" within{b}{d}")),
    ];
    let block = prop_oneof![
        1 => Just(String::new()),
        4 => (pick(SEPS), prop::collection::vec((item(), pick(SEPS)), 0..6), pick((&["}", " }"], &["} # c", "", "} x"])))
            .prop_map(|(first, items, close)| {
                let items: String = items.iter().map(|(item, sep)| format!("  {item}{sep}")).collect();
                format!(" {{{first}{items}{close}")
            }),
        1 => prop::collection::vec(item(), 0..3).prop_map(|items| format!(" {{ {} }}", items.join("; "))),
    ];
    (pick(KINDS), pick(BLANKS), pick(IDS), pick(BLANKS), pick(TEXTS), prop::collection::vec(clause, 0..3), block)
        .prop_map(|(kind, b1, id, b2, text, clauses, block)| {
            format!("{kind}{b1}{id}{b2}{text}{}{block}", clauses.concat())
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Stages at the top level and in a phase, near the edges of the grammar.
    #[test]
    fn both_readers_agree_on_generated_stages(stages in prop::collection::vec(stage(), 1..4), in_phase: bool) {
        let body = stages.join("\n");
        let src = if in_phase { format!("phase p \"P\" {{\n{body}\n}}\n") } else { format!("{body}\n") };
        let (fast, pest) = both(&src);
        prop_assert!(fast == pest, "{:?}\nfast: {}\npest: {}", src, fast, pest);
    }
}
