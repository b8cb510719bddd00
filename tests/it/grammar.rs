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
            "languages en TH",
            "expected a language code such as `th` or the end of the statement after `en`, but found `TH`",
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
