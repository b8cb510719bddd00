//! `referflow diff`: what changed in the flow, not in the text.

use std::io::Write;
use std::process::{Command, Stdio};

use referflow_check::diff;

fn referflow(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(crate::root().join("tests/fixtures/diff"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_kind_of_change_is_reported_in_markdown_and_json() {
    let cases = cases();
    assert!(cases.len() >= 9);
    for case in cases {
        let old = format!("tests/fixtures/diff/{case}/old.flow");
        let new = format!("tests/fixtures/diff/{case}/new.flow");
        let (code, md, stderr) = referflow(&["diff", &old, &new], b"");
        assert_eq!(code, if case == "same" { 0 } else { 1 }, "{case}: {stderr}");
        insta::assert_snapshot!(format!("diff-md@{case}"), md);
        let (code_json, json, _) = referflow(&["diff", "--format", "json", &old, &new], b"");
        assert_eq!(code_json, code);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["same"], case == "same");
        insta::assert_snapshot!(format!("diff-json@{case}"), json);
    }
}

#[test]
fn a_renamed_stage_is_a_rename_and_its_edges_do_not_change() {
    let (_, json, _) = referflow(
        &[
            "diff",
            "--format",
            "json",
            "tests/fixtures/diff/stage-renamed/old.flow",
            "tests/fixtures/diff/stage-renamed/new.flow",
        ],
        b"",
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["stages"], serde_json::json!([{"change": "renamed", "old": "tip_off", "new": "report"}]));
    assert_eq!(value["edges"], serde_json::json!([]));
    assert_eq!(value["requirements"], serde_json::json!([]));
}

#[test]
fn a_broken_requirement_is_reported_not_refused() {
    let (code, json, _) = referflow(
        &["diff", "--format", "json", "tests/fixtures/diff/problems/old.flow", "tests/fixtures/diff/problems/new.flow"],
        b"",
    );
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["diagnostics"]["introduced"][0]["code"], "RF201");
}

#[test]
fn a_chart_with_errors_of_the_language_is_reported_not_compared() {
    let (code, stdout, stderr) =
        referflow(&["diff", "examples/uk-nrm.flow", "tests/fixtures/invalid/RF003-unknown-reference.flow"], b"");
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("RF003 unknown-reference"));
    assert!(stderr.ends_with("the chart has errors of the language, so it is not compared\n"), "{stderr}");
    let (code, _, stderr) = referflow(&["diff", "examples/uk-nrm.flow", "no/such.flow"], b"");
    assert_eq!(code, 2);
    assert_eq!(stderr, "error: no/such.flow: cannot read: No such file or directory\n");
}

#[test]
fn one_side_may_come_from_standard_input() {
    let old = std::fs::read(crate::root().join("tests/fixtures/diff/stage-renamed/old.flow")).unwrap();
    let (code, md, _) = referflow(&["diff", "-", "tests/fixtures/diff/stage-renamed/new.flow"], &old);
    assert_eq!(code, 1);
    assert!(md.contains("- renamed `tip_off` → `report`"), "{md}");
    let (code, _, stderr) = referflow(&["diff", "-", "-"], b"");
    assert_eq!(code, 2);
    assert!(stderr.contains("only one side"));
}

/// A chart compared with itself, or with its formatted text, shows no change.
#[test]
fn unchanged_meaning_shows_no_change() {
    let mut charts = Vec::new();
    for dir in
        ["examples", "tests/fixtures/valid", "tests/fixtures/invalid", "tests/fixtures/hostile", "tests/fixtures/fmt"]
    {
        for entry in std::fs::read_dir(crate::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let src = std::fs::read_to_string(&path).unwrap();
            if referflow_syntax::parse(&src).errors.is_empty() {
                charts.push((path, src));
            }
        }
    }
    assert!(charts.len() > 20);
    for (path, src) in charts {
        let a = referflow_check::check(&referflow_syntax::parse(&src));
        let same = diff::compare(&a, &a, &Default::default());
        assert!(same.is_empty(), "{}: {same:?}", path.display());
        let formatted = referflow_fmt::format(&src).unwrap();
        let parsed = referflow_syntax::parse(&formatted);
        let b = referflow_check::check(&parsed);
        let after_fmt = diff::compare(&a, &b, &Default::default());
        assert!(after_fmt.is_empty(), "{}: {after_fmt:?}", path.display());
    }
}

#[test]
fn the_new_chart_shows_what_changed_for_a_public_hearing() {
    let (code, dot, _) = referflow(
        &[
            "diff",
            "--format",
            "dot",
            "tests/fixtures/diff/stages-added-removed/old.flow",
            "tests/fixtures/diff/stages-added-removed/new.flow",
        ],
        b"",
    );
    assert_eq!(code, 1);
    // Added stages and edges in green, the removed outcome as a red dashed ghost with its edge.
    let added = dot.lines().filter(|l| l.contains("color=\"#1A7F37\"")).count();
    assert_eq!(added, 4, "{dot}");
    assert!(dot.contains("removed0 [id=\"removed-assisted\""), "{dot}");
    assert!(dot.contains("-> removed0 [style=dashed, color=\"#CF222E\""), "{dot}");
    assert!(dot.contains("removed in this revision"));
    let (_, dot, _) = referflow(
        &[
            "diff",
            "--format",
            "dot",
            "tests/fixtures/diff/stage-changed/old.flow",
            "tests/fixtures/diff/stage-changed/new.flow",
        ],
        b"",
    );
    assert_eq!(dot.lines().filter(|l| l.contains("color=\"#BF8700\", penwidth=3.5")).count(), 2, "{dot}");
    // Graphviz accepts every case, and lays it out as SVG.
    if crate::graphviz() {
        for case in cases() {
            let old = format!("tests/fixtures/diff/{case}/old.flow");
            let new = format!("tests/fixtures/diff/{case}/new.flow");
            let (code, svg, stderr) = referflow(&["diff", "--format", "svg", &old, &new], b"");
            assert!(code <= 1, "{case}: {stderr}");
            assert!(svg.contains("<svg") && stderr.is_empty(), "{case}: {stderr}");
        }
    }
}

/// Only ids change (two stages and an actor, with every reference to them), in a chart whose
/// problems name those stages in every way a message does: in quotes, in a path
/// (`tip_off → shelter`), in a path with times and in a loop. A rename is a rename: no
/// problem is introduced or fixed, in any format.
#[test]
fn a_pure_rename_is_only_a_rename_even_where_problems_name_the_stage() {
    let old = "tests/fixtures/diff/renamed-with-problems/old.flow";
    let new = "tests/fixtures/diff/renamed-with-problems/new.flow";
    let (code, json, stderr) = referflow(&["diff", "--format", "json", old, new], b"");
    assert_eq!(code, 1, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["stages"],
        serde_json::json!([
            {"change": "renamed", "old": "tip_off", "new": "report"},
            {"change": "renamed", "old": "follow_up", "new": "after_care"}
        ])
    );
    assert_eq!(value["actors"], serde_json::json!([{"change": "renamed", "old": "police", "new": "rtp"}]));
    assert_eq!(value["diagnostics"], serde_json::json!({"introduced": [], "fixed": []}), "{json}");
    assert_eq!(value["summary"], "stages: 2 renamed; actors: 1 renamed");
    for key in ["edges", "requirements"] {
        assert_eq!(value[key], serde_json::json!([]), "{key}");
    }
    let (_, md, _) = referflow(&["diff", old, new], b"");
    assert!(!md.contains("Problems") && !md.contains("RF20"), "{md}");
    // The changed chart marks the renamed stages, and nothing as removed.
    let (code, dot, _) = referflow(&["diff", "--format", "dot", old, new], b"");
    assert_eq!(code, 1);
    assert!(!dot.contains("removed0"), "{dot}");
    // Both charts do have those problems: the rename hides none.
    let (_, md, _) = referflow(&["diff", old, "tests/fixtures/diff/renamed-with-problems/old.flow"], b"");
    assert!(md.contains("no change in the flow"), "{md}");
    let checked = |path: &str| {
        let src = std::fs::read_to_string(crate::root().join(path)).unwrap();
        crate::codes(&src).into_iter().filter(|c| c.starts_with("RF20")).count()
    };
    assert_eq!((checked(old), checked(new)), (3, 3));
}

/// A problem a revision does introduce is still reported through a rename, in the new ids.
#[test]
fn a_problem_introduced_next_to_a_rename_is_reported_in_the_new_ids() {
    let old =
        std::fs::read_to_string(crate::root().join("tests/fixtures/diff/renamed-with-problems/old.flow")).unwrap();
    let new = old.replace("tip_off", "report").replace("require consent before shelter", "require visit before closed");
    let a = referflow_check::check(&referflow_syntax::parse(&old));
    let b = referflow_check::check(&referflow_syntax::parse(&new));
    let changes = diff::compare(&a, &b, &Default::default());
    assert_eq!(
        changes.stages,
        [diff::StageChange::Renamed {
            old: "tip_off".into(),
            new: "report".into(),
            number: diff::Change { old: None, new: None }
        }]
    );
    let messages = |f: &[diff::Finding]| f.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
    assert_eq!(
        messages(&changes.fixed),
        ["`shelter` can be reached without passing `consent`: report → shelter"],
        "{changes:?}"
    );
    assert_eq!(
        messages(&changes.introduced),
        ["`closed` can be reached without passing `visit`: report → shelter → follow_up → closed"]
    );
}

/// A byte order mark is not text: a chart with one means what it means without, and a chart
/// that cannot be compared is reported with its diagnostics in the same order.
#[test]
fn a_byte_order_mark_changes_nothing() {
    let old = "tests/fixtures/diff/renamed-with-problems/old.flow";
    let with_bom = [&b"\xEF\xBB\xBF"[..], &std::fs::read(crate::root().join(old)).unwrap()].concat();
    let (code, md, stderr) = referflow(&["diff", "-", old], &with_bom);
    assert_eq!((code, stderr.as_str()), (0, ""), "{md}");
    // An edge on the first line and no `start`: RF008 and RF007 both on line 1, column 1.
    let broken = "e -> x\nend e \"E\"\nstep x \"X\"\n";
    fn order(stderr: &str) -> Vec<&str> {
        stderr.lines().filter_map(|l| l.split_whitespace().find(|w| w.starts_with("RF0"))).collect()
    }
    let (code, _, plain) = referflow(&["diff", "-", old], broken.as_bytes());
    assert_eq!(code, 2);
    let (_, _, bom) = referflow(&["diff", "-", old], format!("\u{FEFF}{broken}").as_bytes());
    assert_eq!(order(&plain), ["RF008", "RF007"], "{plain}");
    assert_eq!(order(&bom), order(&plain), "{bom}");
    assert_eq!(bom, plain);
}

/// The codes and severities of the problems a diff reports as introduced or fixed.
fn problems(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut found = Vec::new();
    for side in ["introduced", "fixed"] {
        for d in value["diagnostics"][side].as_array().unwrap() {
            found.push(format!("{side} {} {}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()));
        }
    }
    found
}

#[test]
fn problems_are_compared_at_the_levels_of_the_new_charts_referflow_toml() {
    let dir = std::env::temp_dir().join(format!("referflow-it-{}-diff-levels", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    let old = std::fs::read(crate::root().join("tests/fixtures/diff/problems/old.flow")).unwrap();
    let new = dir.join("charts/new.flow");
    std::fs::copy(crate::root().join("tests/fixtures/diff/problems/new.flow"), &new).unwrap();
    let new = new.to_str().unwrap();

    // The old side from standard input: the levels are those of the new chart's directory.
    let (code, json, stderr) = referflow(&["diff", "--format", "json", "-", new], &old);
    assert_eq!(code, 1, "{stderr}");
    let defaults = problems(&json);
    assert!(defaults.contains(&"fixed RF110 warning".to_string()), "{defaults:?}");
    assert!(defaults.contains(&"fixed RF101 warning".to_string()), "{defaults:?}");

    std::fs::write(dir.join("referflow.toml"), "[rules]\nmissing-translation = \"allow\"\nRF101 = \"deny\"\n").unwrap();
    let (code, json, stderr) = referflow(&["diff", "--format", "json", "-", new], &old);
    assert_eq!(code, 1, "{stderr}");
    let configured = problems(&json);
    assert!(!configured.iter().any(|p| p.contains("RF110")), "an allowed rule is not a problem: {configured:?}");
    assert!(configured.contains(&"fixed RF101 error".to_string()), "a denied rule is an error: {configured:?}");
    let (_, md, _) = referflow(&["diff", "-", new], &old);
    assert!(!md.contains("missing-translation"), "{md}");

    std::fs::write(dir.join("referflow.toml"), "[rules]\nno-such-rule = \"deny\"\n").unwrap();
    let (code, _, stderr) = referflow(&["diff", "-", new], &old);
    assert_eq!(code, 2, "a bad referflow.toml is trouble, as for check: {stderr}");
    assert!(stderr.contains("unknown rule `no-such-rule`"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A chart that numbers its stages is cited by those numbers: a stage given another number is a
/// change (a comment on "step 14" would point elsewhere), and every stage is named by its step.
#[test]
fn a_renumbered_stage_is_a_change_named_by_its_steps() {
    let old = std::fs::read_to_string(crate::root().join("tests/fixtures/diff/numbered/old.flow")).unwrap();
    let renumbered = old.replace("step 14 screen", "step 39 screen").replace("last 38", "last 39");
    let path = "tests/fixtures/diff/numbered/old.flow";
    let (code, md, stderr) = referflow(&["diff", path, "-"], renumbered.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    assert!(md.contains("stages: 1 changed; numbering: 1 changed."), "{md}");
    assert!(md.contains("- changed step 39 (`screen`)\n  - number: 14 → 39\n"), "{md}");
    let (code, json, _) = referflow(&["diff", "--format", "json", path, "-"], renumbered.as_bytes());
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["stages"],
        serde_json::json!([{
            "change": "changed",
            "id": "screen",
            "fields": [{"field": "number", "old": 14, "new": 39}],
            "number": {"old": 14, "new": 39}
        }])
    );
    // A number taken away, or given, is a change too.
    let unnumbered = old.replace("step 14 screen", "step screen").replace("numbering required last 38", "");
    let (code, md, _) = referflow(&["diff", path, "-"], unnumbered.as_bytes());
    assert_eq!(code, 1);
    assert!(md.contains("- changed step 14 (`screen`)\n  - number: 14 → none\n"), "{md}");
    assert!(md.contains("- numbering no longer required\n- last number given: 38 → none\n"), "{md}");
    // The same chart: no change.
    let (code, md, _) = referflow(&["diff", path, "-"], old.as_bytes());
    assert_eq!(code, 0, "{md}");
}

/// Added, removed, renamed and changed stages of a numbered chart are named by their steps.
#[test]
fn the_stages_of_a_numbered_chart_are_named_by_their_steps() {
    let (old, new) = ("tests/fixtures/diff/numbered/old.flow", "tests/fixtures/diff/numbered/new.flow");
    let (code, md, _) = referflow(&["diff", old, new], b"");
    assert_eq!(code, 1);
    for line in [
        "- renamed step 1: `tip_off` → `report`\n",
        "- changed step 20 (`shelter`)\n  - label:",
        "- added step 40 (`identified`, end): “Identified as a victim”\n",
        "- removed step 22 (`assisted`, end): “Assistance plan agreed”\n",
        "- step 22 retired: “Assistance plan agreed”\n",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    let (_, json, _) = referflow(&["diff", "--format", "json", old, new], b"");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let numbers: Vec<_> = value["stages"].as_array().unwrap().iter().map(|s| s["number"].clone()).collect();
    assert_eq!(
        numbers,
        [
            serde_json::json!({"old": 1, "new": 1}),
            serde_json::json!({"old": 14, "new": 39}),
            serde_json::json!({"old": 20, "new": 20}),
            serde_json::json!({"old": null, "new": 40}),
            serde_json::json!({"old": 22, "new": null}),
        ]
    );
    assert_eq!(
        value["numbering"][1],
        serde_json::json!({"change": "retired", "number": 22, "text": "Assistance plan agreed"})
    );
}
