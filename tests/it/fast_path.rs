//! The hand-written reader for stages (crates/referflow-syntax/src/fast.rs) against pest: on
//! any text, both give the same tree, spans and errors included. The reader may give up on a
//! statement (pest then reads it); it may never read one differently.

use proptest::prelude::*;
use referflow_syntax::{PhaseItem, Statement, parse, parse_with_pest_only};

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
    &[
        "ก",
        "aก",
        "a\u{0e31}",
        "to",
        "by",
        "no",
        "yes",
        "x-",
        "a-",
        "1a",
        "end",
        "é",
        "a.b",
        "-a",
        "a\u{300}",
        "a٣",
        "Ⅻ",
        "end-x",
        "to-",
        "yes_",
        "byx",
        "A",
        "__",
        "a--",
    ],
);
const TEXTS: (&[&str], &[&str]) = (
    &["\"Screen\"", "\"a # b ; { } -> x\"", "\"\"", "\"ไทย ข้อความ\"", "\"a\rb\""],
    &["\"a\\\"b\"", "\"a\\qb\"", "\"a\\\\\"", "\"open", "x", "\"a\0b\"", "\"\\n\"", "\"\\\u{e01}\""],
);
const BLANKS: (&[&str], &[&str]) =
    (&[" ", "  ", "\t", "", " \r"], &["\u{a0}", "\u{3000}", "\u{200b}", "\x0b", "\x0c", "\u{85}"]);
const DURATIONS: (&[&str], &[&str]) = (
    &["24h", "5wd", "2", "30min", "7d", "99999999999999999999999h", "3x"],
    &["24h-", "24hx1", "h", "2_", "24h-x", "2ก", "0h", "24h_x", "2-3d", "1٣d"],
);
const LANGS: (&[&str], &[&str]) = (
    &["th", "en", "pt-BR", "no", "to-x", "zh-Hant-TW", "fil"],
    &["to", "yes", "ref", "thai", "EN", "zh-", "ab-_", "by", "th--x", "ab1", "no-x", "yes-x", "thก", "end"],
);
/// What may stand between a stage's kind and its id: nothing (most charts), or a number.
const NUMBERS: (&[&str], &[&str]) = (
    &["", "", "", "14 ", "1\t", "4294967295 "],
    &["0 ", "4294967296 ", "007 ", "14", "14x ", "1٣ ", "-1 ", "1.5 ", "99999999999999999999 ", "2 3 "],
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
        1 => (pick(LANGS), pick(TEXTS), blank(), pick(TEXTS)).prop_map(|(l, t, b, f)| format!("{l} {t} from{b}{f}")),
        1 => (blank(), pick(TEXTS), translations()).prop_map(|(b, t, ts)| format!("ref{b}{t}{ts}")),
        2 => (blank(), ids()).prop_map(|(b, ids)| format!("->{b}{ids}")),
        1 => (blank(), ids()).prop_map(|(b, ids)| format!("by{b}{ids}")),
        1 => (blank(), pick(DURATIONS)).prop_map(|(b, d)| format!("within{b}{d}")),
        1 => (blank(), pick(TEXTS), translations()).prop_map(|(b, t, ts)| format!("note{b}{t}{ts}")),
        1 => (blank(), pick(TEXTS)).prop_map(|(b, t)| format!("ref{b}{t}")),
        1 => (blank(), pick(TEXTS), translations()).prop_map(|(b, t, ts)| format!("public{b}{t}{ts}")),
        2 => (pick((&["yes", "no", "yes ", "no\t", "\"maybe\"", "\"อาจ\" th \"x\""], &["ye", "\"x\" th"])), blank(), pick(IDS))
            .prop_map(|(l, b, id)| format!("{l}->{b}{id}")),
        1 => prop::sample::select(&[
            "", "{ }", ",", "->", "note -> x", "th \"x\" th \"y\"", "ref \"x\" y", "-> a ->", "step x \"y\"", "by a,",
            "public", "public -> x",
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
    let head = (pick(KINDS), pick(BLANKS), pick(NUMBERS), pick(IDS), pick(BLANKS), pick(TEXTS));
    (head, prop::collection::vec(clause, 0..3), block).prop_map(|((kind, b1, number, id, b2, text), clauses, block)| {
        format!("{kind}{b1}{number}{id}{b2}{text}{}{block}", clauses.concat())
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

/// A small deterministic generator (xorshift64*): the same statements on every run and every
/// machine, so that a disagreement found once is found again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.below(of.len())]
    }

    /// Like `pick`: a choice from the good list, or one time in thirteen from the edge list.
    fn pick(&mut self, (good, edge): (&[&'static str], &[&'static str])) -> &'static str {
        if self.below(13) == 0 { self.one(edge) } else { self.one(good) }
    }

    fn ids(&mut self) -> String {
        let blank = self.pick(BLANKS);
        (0..1 + self.below(3)).map(|_| self.pick(IDS)).collect::<Vec<_>>().join(&format!(",{blank}"))
    }

    fn translations(&mut self) -> String {
        (0..self.below(3)).map(|_| format!(" {}{}{}", self.pick(LANGS), self.pick(BLANKS), self.pick(TEXTS))).collect()
    }

    fn label(&mut self) -> String {
        match self.below(4) {
            0 => "yes".into(),
            1 => "no".into(),
            2 => format!("{}{}", self.pick(TEXTS), self.translations()),
            _ => self.one(&["ye", "\"x\" th", "", "yes no"]).into(),
        }
    }

    /// One item of a stage's block, as `item()` makes them.
    fn stage_item(&mut self) -> String {
        let b = self.pick(BLANKS);
        match self.below(13) {
            0..=2 => format!("{}{b}{}", self.pick(LANGS), self.pick(TEXTS)),
            3 | 4 => format!("->{b}{}", self.ids()),
            5 => format!("by{b}{}", self.ids()),
            6 => format!("within{b}{}", self.pick(DURATIONS)),
            7 => format!("note{b}{}{}", self.pick(TEXTS), self.translations()),
            8 => format!("ref{b}{}", self.pick(TEXTS)),
            9 | 10 => format!("{}->{b}{}", self.label(), self.pick(IDS)),
            11 => format!("{}{b}->{b}{}", self.label(), self.pick(IDS)),
            _ => self
                .one(&[
                    "",
                    "{ }",
                    ",",
                    "->",
                    "note -> x",
                    "th \"x\" th \"y\"",
                    "ref \"x\" y",
                    "-> a ->",
                    "step x \"y\"",
                    "by a,",
                ])
                .into(),
        }
    }

    fn block(&mut self, item: fn(&mut Rng) -> String) -> String {
        match self.below(6) {
            0 | 1 => String::new(),
            2 => format!(" {{ {} }}", (0..self.below(3)).map(|_| item(self)).collect::<Vec<_>>().join("; ")),
            _ => {
                let mut block = format!(" {{{}", self.pick(SEPS));
                for _ in 0..self.below(6) {
                    block.push_str(&format!("  {}{}", item(self), self.pick(SEPS)));
                }
                block + self.pick((&["}", " }"], &["} # c", "", "} x"]))
            }
        }
    }

    fn stage(&mut self) -> String {
        let mut s = format!(
            "{}{}{}{}{}{}",
            self.pick(KINDS),
            self.pick(BLANKS),
            self.pick(NUMBERS),
            self.pick(IDS),
            self.pick(BLANKS),
            self.pick(TEXTS)
        );
        for _ in 0..self.below(3) {
            match self.below(2) {
                0 => s.push_str(&format!(" by{}{}", self.pick(BLANKS), self.ids())),
                _ => s.push_str(&format!(" within{}{}", self.pick(BLANKS), self.pick(DURATIONS))),
            }
        }
        s + &self.block(Rng::stage_item)
    }

    fn edge(&mut self) -> String {
        let mut s = self.pick(IDS).to_string();
        for _ in 0..1 + self.below(3) {
            s.push_str(&format!("{}->{}{}", self.pick(BLANKS), self.pick(BLANKS), self.pick(IDS)));
        }
        if self.below(3) == 0 {
            s.push_str(&format!(":{}{}", self.pick(BLANKS), self.label()));
        }
        s
    }

    fn actor_item(&mut self) -> String {
        match self.below(3) {
            0 => format!("note {}{}", self.pick(TEXTS), self.translations()),
            _ => format!("{} {}", self.pick(LANGS), self.pick(TEXTS)),
        }
    }

    /// A statement of any shape, at the top level; phases hold stages, edges and translations.
    fn statement(&mut self) -> (String, usize) {
        let b = self.pick(BLANKS);
        let s = match self.below(20) {
            0..=9 => self.stage(),
            10 | 11 => self.edge(),
            12 => format!("title{b}{}{}", self.pick(TEXTS), self.translations()),
            13 => format!("version{b}{}", self.pick(TEXTS)),
            14 => {
                format!("languages {}", (0..1 + self.below(3)).map(|_| self.pick(LANGS)).collect::<Vec<_>>().join(" "))
            }
            15 => format!("actor{b}{}{b}{}{}", self.pick(IDS), self.pick(TEXTS), self.block(Rng::actor_item)),
            16 => {
                format!("require {} before {}", self.pick(IDS), self.pick(IDS))
                    + &(if self.below(2) == 0 { format!(" unless {}", self.ids()) } else { String::new() })
            }
            17 => format!("require within {} from {} to {}", self.pick(DURATIONS), self.pick(IDS), self.pick(IDS)),
            _ => {
                let mut phase = format!("phase {} {} {{\n", self.pick(IDS), self.pick(TEXTS));
                let n = 1 + self.below(5);
                for _ in 0..n {
                    let item = match self.below(6) {
                        0 => format!("{} {}", self.pick(LANGS), self.pick(TEXTS)),
                        1 => self.edge(),
                        _ => self.stage(),
                    };
                    phase.push_str(&format!("  {item}{}", self.pick(SEPS)));
                }
                return (phase + "}", 1 + n);
            }
        };
        (s, 1)
    }
}

/// At least 100,000 generated statements of every shape, valid and near-valid, read by both
/// paths and compared tree for tree. What is compared is the whole `File` as `{:#?}` shows it:
/// every statement with its kind, id, label, items (owners, limits, translations, notes,
/// references, edges and branches), every span, every comment and every syntax error.
#[test]
fn both_readers_agree_on_100_000_generated_statements() {
    // REFERFLOW_DIFF_STATEMENTS=N (and REFERFLOW_DIFF_SEED) reads more, when hunting.
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let mut rng = Rng(env("REFERFLOW_DIFF_SEED", 0x5eed_0f16));
    let mut statements = 0;
    while statements < env("REFERFLOW_DIFF_STATEMENTS", 100_000) as usize {
        let mut parts = Vec::new();
        while parts.len() < 200 {
            let (statement, count) = rng.statement();
            statements += count;
            parts.push(statement);
        }
        let src: String = parts.iter().map(|s| format!("{s}{}", rng.pick(SEPS))).collect();
        let (fast, pest) = both(&src);
        if fast != pest {
            // Name the first statement the two read differently on its own, if there is one.
            let (src, (fast, pest)) =
                parts.iter().map(|s| (s.clone(), both(s))).find(|(_, (f, p))| f != p).unwrap_or((src, (fast, pest)));
            panic!("the readers disagree on {src:?}\nfast: {fast}\npest: {pest}");
        }
    }
}

/// Every stage of the project's charts, each mutated a few times at one byte or token: a
/// character inserted, deleted or doubled, or a token of the language dropped in. Each
/// mutant is read by both paths, alone and inside a phase.
#[test]
fn both_readers_agree_on_mutated_stages_of_every_chart() {
    const INSERTS: &[&str] = &[
        " ", "\t", "\r", "\n", ";", ",", ":", "{", "}", "\"", "\\", "#", "-", ">", "->", "_", "0", "9", "a", "Z", "ก",
        "\u{e31}", "\u{a0}", "é", "th", "no", "yes", "by", "within", "note", "ref", "public", "end", "24h", "5wd",
    ];
    let mutants: usize = std::env::var("REFERFLOW_DIFF_MUTANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let mut rng = Rng(0x0f16_5eed);
    let mut read = 0;
    for path in crate::chart_paths() {
        let Ok(chart) = std::fs::read_to_string(&path) else { continue };
        let file = parse(&chart);
        let stages = file.statements.iter().flat_map(|s| match s {
            Statement::Stage(stage) => vec![&chart[stage.span.range()]],
            Statement::Phase(phase) => phase
                .items
                .iter()
                .filter_map(|i| if let PhaseItem::Stage(stage) = i { Some(&chart[stage.span.range()]) } else { None })
                .collect(),
            _ => Vec::new(),
        });
        for stage in stages {
            for _ in 0..mutants {
                let mut at = rng.below(stage.len() + 1);
                while !stage.is_char_boundary(at) {
                    at -= 1;
                }
                let rest = &stage[at..];
                let next = rest.chars().next().map_or(0, char::len_utf8);
                let mutant = match rng.below(3) {
                    0 => format!("{}{}{rest}", &stage[..at], rng.one(INSERTS)),
                    1 => format!("{}{}", &stage[..at], &rest[next..]),
                    _ => format!("{}{}{rest}", &stage[..at], &rest[..next]),
                };
                for src in [mutant.clone(), format!("phase p \"P\" {{\n{mutant}\n}}\n")] {
                    let (fast, pest) = both(&src);
                    assert!(fast == pest, "the readers disagree on {src:?}\nfast: {fast}\npest: {pest}");
                }
                read += 1;
            }
        }
    }
    assert!(read > 1000, "{read} mutants");
}
