//! The grammar: what it accepts, how it reads it, and what it says when it cannot.

use referflow_syntax::*;

use crate::codes;

fn statements(src: &str) -> Vec<Statement<'_>> {
    let file = parse(src);
    assert!(file.errors.is_empty(), "{src:?}: {:?}", file.errors);
    file.statements
}

fn first_error(src: &str) -> String {
    let file = parse(src);
    assert!(!file.errors.is_empty(), "{src:?} parsed");
    file.errors[0].message.clone()
}

#[test]
fn both_readings_of_the_grammar_agree_on_every_fixture() {
    let dirs = ["tests/fixtures/valid", "tests/fixtures/invalid", "examples"];
    for dir in dirs {
        for entry in std::fs::read_dir(crate::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let src = std::fs::read_to_string(&path).unwrap();
            let syntax_errors = codes(&src).contains(&"RF001");
            // Errors found while lowering (an unknown escape) are not the grammar's business.
            let lowering_only = parse(&src).errors.iter().all(|e| e.message.starts_with("unknown escape"));
            if !syntax_errors || !lowering_only {
                assert_eq!(whole_file_grammar_accepts(&src), !syntax_errors, "{}", path.display());
            }
        }
    }
}

#[test]
fn arrows_end_ids_but_dashes_belong_to_them() {
    let s = statements("a->b-c -> c_d");
    let Statement::Edge(edge) = &s[0] else { panic!("{s:?}") };
    let names: Vec<_> = edge.stages.iter().map(|i| i.name).collect();
    assert_eq!(names, ["a", "b-c", "c_d"]);
}

#[test]
fn ids_may_be_thai_and_keywords_may_start_an_id() {
    let s = statements("end ปิดคดี \"Closed\"\nstep ending \"x\"\nstep _by \"x\"\nstep by2 \"x\"");
    let ids: Vec<_> = s
        .iter()
        .map(|s| match s {
            Statement::Stage(stage) => stage.id.name,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, ["ปิดคดี", "ending", "_by", "by2"]);
}

#[test]
fn reserved_words_are_not_ids() {
    for word in RESERVED {
        let message = first_error(&format!("step {word} \"x\""));
        assert_eq!(message, format!("`{word}` is a reserved word and cannot be used as an id"));
    }
}

#[test]
fn semicolons_comments_and_blank_lines_separate_statements() {
    let s = statements("\n\nversion \"1; # not a comment\" # a comment\n\nactor a \"A\"; actor b \"B\";;\n");
    assert_eq!(s.len(), 3);
    let Statement::Version(v) = &s[0] else { panic!() };
    assert_eq!(v.text.value, "1; # not a comment");
}

#[test]
fn escapes_resolve_and_unknown_ones_are_errors() {
    let s = statements(r#"version "a \"b\" \\ c\nd""#);
    let Statement::Version(v) = &s[0] else { panic!() };
    assert_eq!(v.text.value, "a \"b\" \\ c\nd");
    assert_eq!(first_error(r#"version "tab\there""#), "unknown escape `\\t` in a text");
}

#[test]
fn language_codes_take_subtags() {
    let s = statements("languages en th pt-BR zh-Hant-TW");
    let Statement::Languages(l) = &s[0] else { panic!() };
    let codes: Vec<_> = l.langs.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["en", "th", "pt-BR", "zh-Hant-TW"]);
}

#[test]
fn every_duration_unit_is_read() {
    for d in ["30min", "24h", "7d", "2w", "5wd"] {
        let src = format!("step a \"A\" within {d}");
        let s = statements(&src);
        let Statement::Stage(stage) = &s[0] else { panic!() };
        let StageItem::Within(w) = &stage.items[0] else { panic!() };
        assert_eq!(w.duration.text, d);
        assert!(w.inline);
    }
}

#[test]
fn by_and_within_go_inline_or_in_the_block() {
    let s = statements("step a \"A\" within 2d by x, y {\n  by z\n  within 1h\n}");
    let Statement::Stage(stage) = &s[0] else { panic!() };
    let inline: Vec<bool> = stage
        .items
        .iter()
        .map(|i| match i {
            StageItem::By(b) => b.inline,
            StageItem::Within(w) => w.inline,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(inline, [true, true, false, false]);
}

#[test]
fn branches_take_yes_no_and_translated_texts() {
    let s = statements("decision d \"D?\" {\n yes -> a\n no -> b\n \"Maybe\" th \"อาจจะ\" -> c\n no \"Nei\"\n}");
    let Statement::Stage(stage) = &s[0] else { panic!() };
    assert!(matches!(&stage.items[0], StageItem::Branch(Branch { label: BranchLabel::Yes(_), .. })));
    assert!(matches!(&stage.items[1], StageItem::Branch(Branch { label: BranchLabel::No(_), .. })));
    let StageItem::Branch(Branch { label: BranchLabel::Text { text, translations }, target, .. }) = &stage.items[2]
    else {
        panic!()
    };
    assert_eq!((text.value.as_ref(), translations[0].lang.code, target.name), ("Maybe", "th", "c"));
    // `no "…"` is a translation into Norwegian, not a branch.
    assert!(matches!(&stage.items[3], StageItem::Translation(t) if t.lang.code == "no"));
}

#[test]
fn edge_chains_take_an_optional_branch() {
    let s = statements("a -> b -> c : \"Adult\" th \"ผู้ใหญ่\"\nd -> e: yes");
    let Statement::Edge(chain) = &s[0] else { panic!() };
    assert_eq!(chain.stages.len(), 3);
    assert!(matches!(chain.label, Some(BranchLabel::Text { .. })));
    let Statement::Edge(chain) = &s[1] else { panic!() };
    assert!(matches!(chain.label, Some(BranchLabel::Yes(_))));
}

#[test]
fn requirements_have_two_forms() {
    let s = statements(
        "require consent before shelter unless child, emergency\nrequire within 7d from rescue to interview",
    );
    let Statement::Require(Require::Before { first, target, unless, .. }) = &s[0] else { panic!() };
    assert_eq!((first.name, target.name, unless.len()), ("consent", "shelter", 2));
    let Statement::Require(Require::Within { limit, from, to, .. }) = &s[1] else { panic!() };
    assert_eq!((limit.text, from.name, to.name), ("7d", "rescue", "interview"));
}

#[test]
fn a_bom_and_crlf_are_accepted() {
    let s = statements("\u{FEFF}title \"T\"\r\nactor a \"A\" {\r\n  note \"n\"\r\n}\r\n");
    assert_eq!(s.len(), 2);
}

#[test]
fn syntax_errors_say_in_words_what_was_expected() {
    let cases = [
        ("step a \"A\" within soon", "expected a duration such as `24h` or `7d` after `within`, but found `soon`"),
        ("step a \"A\" within 7 days", "expected a duration such as `24h` or `7d`, but found `7 days`"),
        ("step a A", "expected a text in quotes after `a`, but found `A`"),
        ("title \"T\" th", "expected a text in quotes after `th`, but the line ends"),
        ("stpe a \"A\"", "unknown statement `stpe`"),
        (
            "languages en \"th\"",
            "expected `,`, a language code such as `th` or the end of the statement after `en`, but found the text `\"th\"`",
        ),
        ("a -> b c", "expected `->`, `:` or the end of the statement after `b`, but found `c`"),
        ("require a before", "expected an id after `before`, but the line ends"),
        ("step a \"A\" {\n  owner x\n}", "expected a stage attribute, but found `owner`"),
        ("title \"T\n", "this text is not closed: a `\"` is missing before the end of the line"),
        ("}", "this `}` closes no block"),
        ("step a \"A\" {", "this `{` is never closed"),
        ("phase p \"P\" {\n phase q \"Q\" {\n }\n}", "phases cannot be nested"),
        ("step a \"A\" { } step b \"B\"", "expected a new line after the `}` that ends a block"),
        ("title \"T\" { }", "a title has no block"),
        ("phase p \"P\"", "phase `p` has no block of stages"),
    ];
    for (src, message) in cases {
        assert_eq!(first_error(src), message, "{src:?}");
    }
    // Never a pest rule name.
    for (src, _) in cases {
        for e in parse(src).errors {
            assert!(!e.message.contains('_') || e.message.contains("`"), "{}", e.message);
        }
    }
}

#[test]
fn three_bad_lines_give_three_syntax_errors_and_nothing_else() {
    let src = "actor p \"P\"\nstart s \"S\" by p within soon\nstep x \"X\" by p,\nend e \"E\" by p {\n  -> \n}\ns -> x -> e\n";
    assert_eq!(codes(src), ["RF001", "RF001", "RF001"]);
}

#[test]
fn a_broken_definition_still_defines_its_id() {
    // `screen` is misspelt nowhere: its own line is broken, so no "unknown" cascade follows.
    let src = "actor p \"P\"\nstart s \"S\" by p\nstep screen \"Screen by p\nend e \"E\" by p\ns -> screen -> e\n";
    assert_eq!(codes(src), ["RF001"]);
}

#[test]
fn deep_nesting_and_long_lines_do_not_overflow() {
    let src = format!("step a \"A\" {}", "{".repeat(200_000));
    assert!(codes(&src).contains(&"RF001"));
    let src = format!("title \"{}\"", "x".repeat(5_000_000));
    assert!(parse(&src).errors.is_empty());
}

// ------------------------------------------------------------------------------------------
// The files that cannot import the language table (referflow_syntax::language) are checked
// against it here, or generated from it.

/// Names what one list has that the other has not, and where they differ in order.
fn same_words(what: &str, found: &[String], table: &[&str]) {
    let missing: Vec<_> = table.iter().filter(|w| !found.iter().any(|f| f == *w)).collect();
    let extra: Vec<_> = found.iter().filter(|f| !table.contains(&f.as_str())).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what} disagrees with referflow_syntax::language: missing {missing:?}, not in the table {extra:?}"
    );
}

/// Every group `(a|b|c)` of lowercase words in a regular expression.
fn word_groups(regex: &str) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut rest = regex;
    while let Some(open) = rest.find('(') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(')') else { break };
        let inner = &rest[..close];
        let words: Vec<String> = inner.split('|').map(String::from).collect();
        if words.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())) {
            groups.push(words);
        }
    }
    groups
}

#[test]
fn the_textmate_grammar_colours_the_words_of_the_table() {
    use referflow_syntax::language::{Role, words_of};
    let path = crate::root().join("editors/vscode/syntaxes/referflow.tmLanguage.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let repository = &json["repository"];
    let regex = |pointer: &str| {
        repository
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{pointer} in {}", path.display()))
    };
    // Every keyword is coloured as one, and nothing else is.
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v.as_str()) {
                        ("match" | "begin", Some(regex)) => out.extend(word_groups(regex).into_iter().flatten()),
                        _ => walk(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut coloured = Vec::new();
    walk(repository, &mut coloured);
    coloured.sort();
    coloured.dedup();
    same_words("the keywords of editors/vscode/syntaxes/referflow.tmLanguage.json", &coloured, &RESERVED);
    // And in the right colour: the stage keywords as definitions, the branches as constants.
    let stages: Vec<&str> = words_of(Role::Stage).collect();
    same_words("its stage definitions (#definition)", &word_groups(regex("/definition/patterns/0/match"))[0], &stages);
    let branches: Vec<&str> = words_of(Role::Branch).collect();
    same_words("its branches (#branch)", &word_groups(regex("/branch/match"))[0], &branches);
}

/// The words of a fenced ```text block that follows `heading` in docs/language.md.
fn guide_block_after(guide: &str, heading: &str) -> Vec<String> {
    let from = guide.find(heading).unwrap_or_else(|| panic!("docs/language.md has no `{heading}`"));
    let block = &guide[from..];
    let open = block.find("```text\n").unwrap() + "```text\n".len();
    let close = open + block[open..].find("```").unwrap();
    block[open..close].split_whitespace().map(String::from).collect()
}

#[test]
fn the_guide_lists_the_reserved_words_and_units_of_the_table() {
    use referflow_syntax::language::UNITS;
    let guide = std::fs::read_to_string(crate::root().join("docs/language.md")).unwrap();
    let listed = guide_block_after(&guide, "### Reserved words");
    assert_eq!(listed, RESERVED, "docs/language.md, \"Reserved words\", disagrees with the language table");
    // The quick reference card: `RESERVED` and its continuation line.
    let card = &guide[guide.find("## Quick reference card").unwrap()..];
    let at = card.find("\nRESERVED").unwrap() + 1;
    let lines: Vec<&str> = card[at..].lines().take_while(|l| !l.trim().is_empty() && !l.starts_with("```")).collect();
    let words: Vec<String> =
        lines.iter().flat_map(|l| l.split_whitespace()).skip(1).map(String::from).collect::<Vec<_>>();
    assert_eq!(words, RESERVED, "docs/language.md, the quick reference card's RESERVED, disagrees with the table");
    let durations = card.lines().find(|l| l.starts_with("DURATION ")).unwrap();
    let examples: Vec<&str> = UNITS.iter().map(|u| u.example).collect();
    assert_eq!(durations.split_whitespace().skip(1).take(UNITS.len()).collect::<Vec<_>>(), examples, "{durations}");
    // The table of units in "Durations": | `min` | minutes | `30min` |
    let section = &guide[guide.find("\n## Durations").unwrap()..];
    let rows: Vec<(String, String, String)> = section
        .lines()
        .skip_while(|l| !l.starts_with("| unit"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l.split('|').map(|c| c.trim().trim_matches('`').to_string()).collect();
            (cells[1].clone(), cells[2].clone(), cells[3].clone())
        })
        .collect();
    let table: Vec<(String, String, String)> =
        UNITS.iter().map(|u| (u.suffix.into(), u.meaning.into(), u.example.into())).collect();
    assert_eq!(rows, table, "docs/language.md, \"Durations\", disagrees with language::UNITS");
}

/// libFuzzer's dictionary (fuzz/referflow.dict): the words and marks of the language, from the
/// table. `REFERFLOW_BLESS=1 cargo test --test it fuzz_dictionary` writes it.
fn fuzz_dictionary() -> String {
    use referflow_syntax::language::UNITS;
    let mut tokens: Vec<Vec<u8>> = RESERVED.iter().map(|w| w.as_bytes().to_vec()).collect();
    tokens.extend(referflow_syntax::language::LEAFLET_PARTS.map(|w| w.as_bytes().to_vec()));
    // Language codes, of both forms.
    tokens.extend(["en", "th", "pt-BR"].map(|c| c.as_bytes().to_vec()));
    // A duration of every unit, and a zero one (RF005).
    tokens.extend(UNITS.iter().map(|u| u.example.as_bytes().to_vec()));
    tokens.push(b"0d".to_vec());
    // The marks: arrow, label colon, blocks, separators, the escapes, comment, quote, CRLF, BOM.
    for mark in ["->", ": ", "{", "}", ";", ",", "\\\"", "\\\\", "\\n", "#", "\"", "\r\n", "\u{FEFF}"] {
        tokens.push(mark.as_bytes().to_vec());
    }
    let mut out = String::from(
        "# libFuzzer dictionary: the words and marks of the language (fuzz/run.sh passes it).\n\
         # Generated from referflow_syntax::language by tests/it/grammar.rs: do not edit; run\n\
         # `REFERFLOW_BLESS=1 cargo test --test it fuzz_dictionary`.\n",
    );
    for (i, token) in tokens.iter().enumerate() {
        let mut quoted = String::new();
        for &b in token {
            match b {
                b'\\' => quoted.push_str("\\\\"),
                b'"' => quoted.push_str("\\\""),
                0x20..=0x7e => quoted.push(char::from(b)),
                _ => quoted.push_str(&format!("\\x{b:02X}")),
            }
        }
        out.push_str(&format!("kw{i}=\"{quoted}\"\n"));
    }
    out
}

#[test]
fn fuzz_dictionary_is_current() {
    let path = crate::root().join("fuzz/referflow.dict");
    let expected = fuzz_dictionary();
    if std::env::var_os("REFERFLOW_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "fuzz/referflow.dict is stale: run `REFERFLOW_BLESS=1 cargo test --test it fuzz_dictionary`"
    );
}
