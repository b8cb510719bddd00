//! `check_source` parses and resolves a chart a batch of statements at a time, settling
//! references to ids defined later at the end. It must give exactly what checking the whole
//! parsed file gives: the same model and the same diagnostics, spans included, whatever the
//! batches are, and whatever the order, duplicates, errors and forward references.

use proptest::prelude::*;
use referflow_check::{HeaderNotFirst, Levels, check_in_pieces, check_source_in_batches, check_with};

/// The model and diagnostics, with every span (spans take no part in `==`).
fn checked(checked: &referflow_check::Checked<'_>) -> String {
    format!("{:#?}\n{:#?}", checked.model, checked.diagnostics)
}

fn assert_same(src: &str) -> Result<(), TestCaseError> {
    let levels = Levels::default();
    let whole = checked(&check_with(&referflow_syntax::parse(src), &levels));
    for batch_bytes in [1, 40, 1 << 20] {
        let batched = checked(&check_source_in_batches(src, &levels, batch_bytes));
        prop_assert!(batched == whole, "batches of {} bytes differ on\n{}", batch_bytes, src);
    }
    assert_same_read(src)
}

/// The diagnostics and verdicts: what a `Stream` must give as the whole file does (its
/// model holds no prose).
fn findings(checked: &referflow_check::Checked<'_>) -> String {
    format!("{:#?}\n{:#?}", checked.diagnostics, checked.model.verdicts)
}

/// A `Stream` fed pieces of every size from one byte on gives the whole file's findings,
/// or, where a header line comes after the stages, says so as the batches do.
fn assert_same_read(src: &str) -> Result<(), TestCaseError> {
    let levels = Levels::default();
    let whole = check_with(&referflow_syntax::parse(src), &levels);
    let late = referflow_syntax::parse_in_batches(src, 1 << 20, |_| {}).is_err();
    for window in [1, 2, 7, 64, 1000, 1 << 20] {
        let arena = bumpalo::Bump::new();
        match check_in_pieces(src, window, &arena, &levels) {
            Ok(read) => {
                prop_assert!(!late, "pieces of {} bytes missed a late header in\n{}", window, src);
                prop_assert!(findings(&read) == findings(&whole), "pieces of {} bytes differ on\n{}", window, src);
                prop_assert_eq!(read.model.stages.len(), whole.model.stages.len());
                prop_assert_eq!(read.model.edges.len(), whole.model.edges.len());
            }
            Err(HeaderNotFirst) => {
                prop_assert!(late, "pieces of {} bytes saw a late header that is not there in\n{}", window, src)
            }
        }
    }
    Ok(())
}

#[test]
fn batches_agree_with_the_whole_file_on_every_fixture_and_example() {
    for path in crate::chart_paths() {
        let Ok(src) = std::fs::read_to_string(&path) else { continue };
        assert_same(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// A file of more than 256 KB is split on one thread and parsed on two: every fixture one
/// after the other, many times over (a chart full of duplicates and errors of every kind).
#[test]
fn large_files_parsed_on_two_threads_agree_with_the_whole_file() {
    let texts: Vec<String> = crate::chart_paths().iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect();
    let mut src = String::from("languages en th\ntitle \"All\"\n");
    let mut round = 0;
    while src.len() < 600 << 10 {
        for text in &texts {
            // Every fixture's own header would come after the first stages: leave it out, and
            // rename the ids of each round so that most are not duplicates.
            for line in text.lines().filter(|l| !["title", "version", "languages"].iter().any(|k| l.starts_with(k))) {
                src.push_str(&line.replace("tip_off", &format!("tip_off{round}")));
                src.push('\n');
            }
        }
        round += 1;
    }
    let levels = Levels::default();
    let whole = checked(&check_with(&referflow_syntax::parse(&src), &levels));
    for batch_bytes in [1, 4096, 256 << 10] {
        let batched = checked(&check_source_in_batches(&src, &levels, batch_bytes));
        assert!(batched == whole, "batches of {batch_bytes} bytes differ");
    }
    // A header line after the stages: read as a whole file instead, with the same result.
    src.push_str("languages en th\n");
    let whole = checked(&check_with(&referflow_syntax::parse(&src), &levels));
    assert!(checked(&check_source_in_batches(&src, &levels, 4096)) == whole, "a late header");
}

/// A few ids of each kind, so that definitions collide and references cross.
fn stage_id() -> impl Strategy<Value = String> {
    prop_oneof![8 => (0..6u8).prop_map(|i| format!("s{i}")), 1 => Just("a0".into()), 1 => Just("p0".into()), 1 => Just("zz".into())]
}

fn actor_id() -> impl Strategy<Value = String> {
    prop_oneof![8 => (0..3u8).prop_map(|i| format!("a{i}")), 1 => Just("s0".into()), 1 => Just("zz".into())]
}

/// One item of a stage's block.
fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        stage_id().prop_map(|t| format!("-> {t}")),
        (stage_id(), stage_id()).prop_map(|(t, u)| format!("-> {t}, {u}")),
        stage_id().prop_map(|t| format!("yes -> {t}")),
        stage_id().prop_map(|t| format!("no -> {t}")),
        stage_id().prop_map(|t| format!("\"Maybe\" th \"อาจ\" -> {t}")),
        (actor_id(), actor_id()).prop_map(|(a, b)| format!("by {a}, {b}")),
        Just("within 2h".into()),
        Just("within 0h".into()),
        Just("th \"ไทย\"".into()),
        Just("fr \"x\"".into()),
        Just("note \"n\" th \"น\"".into()),
        Just("ref \"Act\"".into()),
        Just("-> ".into()),
    ]
}

fn stage() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(&["start", "step", "decision", "end"][..]);
    let by = prop::option::of((actor_id(), prop::option::of(actor_id())));
    let within = prop::option::of(prop::sample::select(&["24h", "3d", "5wd", "7x"][..]));
    (kind, stage_id(), by, within, prop::option::of(prop::collection::vec(item(), 0..4))).prop_map(
        |(kind, id, by, within, block)| {
            let mut s = format!("{kind} {id} \"Stage {id}\"");
            if let Some((a, b)) = by {
                s.push_str(&format!(" by {a}"));
                if let Some(b) = b {
                    s.push_str(&format!(", {b}"));
                }
            }
            if let Some(w) = within {
                s.push_str(&format!(" within {w}"));
            }
            if let Some(items) = block {
                s.push_str(" {\n");
                for item in items {
                    s.push_str(&format!("  {item}\n"));
                }
                s.push('}');
            }
            s
        },
    )
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => stage(),
        2 => (stage_id(), stage_id(), prop::option::of(stage_id()), prop::sample::select(&["", " : yes", " : \"L\" th \"ล\""][..]))
            .prop_map(|(a, b, c, l)| match c {
                Some(c) => format!("{a} -> {b} -> {c}{l}"),
                None => format!("{a} -> {b}{l}"),
            }),
        2 => actor_id().prop_map(|a| format!("actor {a} \"Agency {a}\" {{ th \"หน่วย\" }}")),
        1 => (0..2u8, prop::collection::vec(stage(), 0..4))
            .prop_map(|(p, stages)| format!("phase p{p} \"Phase\" {{\n  th \"ระยะ\"\n{}\n}}", stages.join("\n"))),
        1 => (stage_id(), stage_id(), prop::option::of(stage_id())).prop_map(|(a, b, u)| match u {
            Some(u) => format!("require {a} before {b} unless {u}"),
            None => format!("require {a} before {b}"),
        }),
        1 => (stage_id(), stage_id()).prop_map(|(a, b)| format!("require within 3d from {a} to {b}")),
        1 => prop::sample::select(&[
            "languages en th", "languages th en", "title \"T\" th \"ท\"", "title \"Again\"", "version \"1\"",
            "step s1 \"Broken\" by", "step s2 oops", "actor a1", "s3 ->", "phase p0 \"P\"", "decision s4 \"D\" {",
            "}", "end s5 \"E\" { -> s0 }",
        ][..])
        .prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn batches_agree_with_the_whole_file(statements in prop::collection::vec(statement(), 1..14)) {
        assert_same(&statements.join("\n"))?;
    }
}

/// The checker and the syntax crate take text and give diagnostics: no file, no network, no
/// process, no environment, no standard streams. What reads a file is `src/driver/`
/// (with its `input.rs`); this is what lets the checker run in a browser (`.ci/run` builds it for
/// wasm32-unknown-unknown).
#[test]
fn the_checker_does_no_io() {
    for krate in ["referflow-check", "referflow-syntax"] {
        let dir = crate::root().join("crates").join(krate).join("src");
        let mut files = vec![dir];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for banned in ["std::fs", "std::io", "std::net", "std::process", "std::env", "println!", "eprintln!"] {
                assert!(!text.contains(banned), "{} uses {banned}", path.display());
            }
        }
    }
}
