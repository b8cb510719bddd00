//! The real binary: arguments, exit codes, output streams and formats.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::root;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn referflow(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_clean_chart_exits_0() {
    let run = referflow(&["check", "tests/fixtures/valid/spec-example.flow"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "no problems in 1 file\n");
    assert_eq!(run.stdout, "");
}

#[test]
fn errors_exit_1_and_are_shown_with_their_source_on_stderr() {
    let run = referflow(&["check", "tests/fixtures/invalid/RF003-unknown-reference.flow"], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("RF003 unknown-reference"), "{}", run.stderr);
    assert!(run.stderr.contains("[tests/fixtures/invalid/RF003-unknown-reference.flow:3:37]"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `police`?"));
    assert!(run.stderr.ends_with("4 errors in 1 file\n"), "{}", run.stderr);
    // Not a terminal: no colour.
    assert!(!run.stderr.contains('\u{1b}'));
}

#[test]
fn json_output_has_the_shape_documented_in_ci_md() {
    let run = referflow(&["check", "--format", "json", "tests/fixtures/invalid/RF002-duplicate-id.flow"], None);
    assert_eq!(run.code, 1);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "RF002");
    assert_eq!(d["name"], "duplicate-id");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "`screen` is defined twice");
    assert_eq!(d["file"], "tests/fixtures/invalid/RF002-duplicate-id.flow");
    assert_eq!(d["span"], serde_json::json!({"start": 160, "end": 166, "line": 5, "column": 6}));
    assert_eq!(d["stage"], "screen");
    assert!(d["help"].as_str().unwrap().contains("rename"));
    assert_eq!(d["related"][0]["span"]["line"], 4);
    assert_eq!(json["diagnostics"][1]["code"], "RF002");
    assert!(json["diagnostics"][1].get("stage").is_none(), "a phase is not a stage");
    assert_eq!(json["summary"], serde_json::json!({"files": 1, "errors": 2, "warnings": 0}));
}

#[test]
fn json_columns_count_characters() {
    let src = "languages en th\nactor a \"ก\" { th \"ข\" }\nstart s \"ส\" by a { th \"ส\"; fr \"x\" }\n";
    let run = referflow(&["check", "--format", "json", "-"], Some(src.as_bytes()));
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "RF006").unwrap();
    assert_eq!(d["file"], "<stdin>");
    // `fr` is the 28th character of line 3, and byte 74 of the file.
    assert_eq!(d["span"], serde_json::json!({"start": 74, "end": 76, "line": 3, "column": 28}));
}

#[test]
fn directories_mean_every_flow_file_below_in_sorted_order() {
    let dir = temp_dir("dirs");
    std::fs::create_dir_all(dir.join("b/nested")).unwrap();
    let bad = "step x \"X\"\n"; // RF007: no start
    for name in ["b/nested/z.flow", "a.flow", "b/c.flow", "ignored.txt"] {
        std::fs::write(dir.join(name), bad).unwrap();
    }
    let run = referflow(&["check", "--format", "json", dir.to_str().unwrap()], None);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let files: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().strip_prefix(dir.to_str().unwrap()).unwrap().to_string())
        .collect();
    assert_eq!(files, ["/a.flow", "/b/c.flow", "/b/nested/z.flow"]);
    assert_eq!(json["summary"]["files"], 3);
    assert_eq!(run.code, 1);
}

#[test]
fn standard_input_is_read_from_dash() {
    let src = std::fs::read(root().join("tests/fixtures/valid/spec-example.flow")).unwrap();
    let run = referflow(&["check", "-"], Some(&src));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = referflow(&["check", "-"], Some(b"step x \"X\"\n"));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("<stdin>:1:1"), "{}", run.stderr);
}

#[test]
fn a_file_that_is_not_utf8_is_one_line_naming_file_and_byte() {
    let dir = temp_dir("utf8");
    let path = dir.join("latin1.flow");
    std::fs::write(&path, b"title \"Caf\xe9\"\n").unwrap();
    let run = referflow(&["check", path.to_str().unwrap()], None);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("error: {}: not valid UTF-8 at byte 10; referflow reads UTF-8 text only\n", path.display())
    );
}

#[test]
fn an_unreadable_file_exits_2_but_the_others_are_still_checked() {
    let run = referflow(&["check", "no/such/file.flow", "tests/fixtures/invalid/RF007-no-start.flow"], None);
    assert_eq!(run.code, 2);
    let mut lines = run.stderr.lines();
    assert_eq!(lines.next(), Some("error: no/such/file.flow: cannot read: No such file or directory"));
    assert!(run.stderr.contains("RF007"));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(referflow(&["check"], None).code, 2);
    assert_eq!(referflow(&["check", "--format", "xml", "a.flow"], None).code, 2);
    assert_eq!(referflow(&["frobnicate"], None).code, 2);
    let help = referflow(&["--help"], None);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("check"));
}

#[test]
fn the_examples_check_clean() {
    let run = referflow(&["check", "examples"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "no problems in 3 files\n");
}

/// The codes and severities `check --format json` reports for `path` with `flags`.
fn findings(flags: &[&str], path: &str) -> (i32, Vec<String>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(flags);
    args.push(path);
    let run = referflow(&args, None);
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    (run.code, found)
}

#[test]
fn rule_levels_are_set_by_code_or_name_and_later_flags_win() {
    let path = "tests/fixtures/invalid/RF109-unused-actor.flow";
    assert_eq!(findings(&[], path), (0, vec!["RF109 warning".into(), "RF109 warning".into()]));
    assert_eq!(findings(&["-A", "RF109"], path), (0, vec![]));
    assert_eq!(findings(&["-A", "unused-actor"], path), (0, vec![]));
    assert_eq!(findings(&["-D", "unused-actor"], path).0, 1);
    assert_eq!(findings(&["-D", "warnings"], path), (1, vec!["RF109 error".into(), "RF109 error".into()]));
    assert_eq!(findings(&["-D", "warnings", "-A", "RF109"], path), (0, vec![]));
    assert_eq!(findings(&["-D", "RF109", "-W", "RF109"], path).0, 0);
    assert_eq!(findings(&["-A", "warnings"], path), (0, vec![]));
    // Errors that are not errors of the language can be lowered.
    assert_eq!(findings(&[], "tests/fixtures/invalid/RF201-requirement-violated.flow").0, 1);
    assert_eq!(
        findings(&["-W", "requirement-violated"], "tests/fixtures/invalid/RF201-requirement-violated.flow").0,
        0
    );
}

#[test]
fn errors_of_the_language_cannot_be_allowed() {
    let run = referflow(&["check", "-A", "RF002", "examples"], None);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: RF002 duplicate-id is an error of the language itself and is always reported as an error\n"
    );
    let run = referflow(&["check", "-W", "syntax-error", "examples"], None);
    assert_eq!(run.code, 2);
    let run = referflow(&["check", "-D", "no-such-rule", "examples"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown rule `no-such-rule`"));
}

#[test]
fn referflow_toml_in_the_directory_or_above_sets_levels_and_flags_override_it() {
    let dir = temp_dir("config");
    std::fs::create_dir_all(dir.join("charts/drafts")).unwrap();
    let chart = std::fs::read_to_string(root().join("tests/fixtures/invalid/RF109-unused-actor.flow")).unwrap();
    std::fs::write(dir.join("charts/drafts/a.flow"), &chart).unwrap();
    std::fs::write(dir.join("referflow.toml"), "[rules]\nunused-actor = \"deny\"\n").unwrap();
    let path = dir.join("charts/drafts/a.flow");
    let path = path.to_str().unwrap();
    assert_eq!(findings(&[], path), (1, vec!["RF109 error".into(), "RF109 error".into()]));
    assert_eq!(findings(&["-A", "RF109"], path), (0, vec![]));
    // The nearest file wins.
    std::fs::write(dir.join("charts/referflow.toml"), "[rules]\nRF109 = \"allow\"\n").unwrap();
    assert_eq!(findings(&[], path), (0, vec![]));
    // A bad file is one line with its place and cause.
    std::fs::write(
        dir.join("charts/referflow.toml"),
        "[rules]\nmissing-translation = \"allow\"\nnot-a-rule = \"deny\"\n",
    )
    .unwrap();
    let run = referflow(&["check", path], None);
    assert_eq!(run.code, 2);
    let config = dir.join("charts/referflow.toml");
    assert_eq!(
        run.stderr,
        format!("error: {}:3:1: unknown rule `not-a-rule`; `referflow explain` lists the rules\n", config.display())
    );
    std::fs::write(dir.join("charts/referflow.toml"), "[rules]\nRF001 = \"allow\"\n").unwrap();
    assert_eq!(referflow(&["check", path], None).code, 2);
    std::fs::write(dir.join("charts/referflow.toml"), "[rules]\nRF109 = \"loud\"\n").unwrap();
    assert!(referflow(&["check", path], None).stderr.contains("`loud` is not a level"));
}

#[test]
fn explain_prints_a_rule_by_code_or_name() {
    let run = referflow(&["explain", "RF103"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("RF103 no-way-out (default: warning)\n\n## What it finds\n"));
    assert!(run.stdout.contains("## Fix"));
    assert_eq!(referflow(&["explain", "no-way-out"], None).stdout, run.stdout);
    let run = referflow(&["explain", "RF999"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: unknown rule `RF999`; the rules are:\n  RF001 syntax-error\n"));
    assert!(run.stderr.contains("  RF204 requirement-vacuous\n"));
}

#[test]
fn github_format_gives_one_workflow_command_per_diagnostic() {
    let run =
        referflow(&["check", "--format", "github", "tests/fixtures/invalid/RF201-requirement-violated.flow"], None);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=tests/fixtures/invalid/RF201-requirement-violated.flow,line=22,col=1,endLine=22,endColumn=55,title=RF201 requirement-violated::`shelter` can be reached without passing `consent` or `child_protection`: tip_off → verify → shelter%0Ahelp: "
        ),
        "{}",
        lines[0]
    );
}

#[test]
fn the_examples_check_clean_even_with_warnings_denied() {
    let run = referflow(&["check", "-D", "warnings", "examples"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "no problems in 3 files\n");
}

#[test]
fn files_over_the_size_limit_are_refused_in_one_line() {
    let run = referflow(&["check", "--max-file-size", "1K", "examples/uk-nrm.flow"], None);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: examples/uk-nrm.flow: larger than the limit of 1K; raise it with --max-file-size\n");
    let run = referflow(&["check", "--max-file-size", "1K", "-"], Some(&[b'#'; 2000]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: <stdin>: larger than the limit"));
    assert_eq!(referflow(&["check", "--max-file-size", "1M", "examples/uk-nrm.flow"], None).code, 0);
    assert_eq!(referflow(&["check", "--max-file-size", "lots", "examples"], None).code, 2);
}

/// A chart larger than the piece `check` reads at a time (8 MiB) is never held whole: what
/// `check` says of it, in every format, is what it says of the same text read whole from
/// standard input, errors far past the first piece included.
#[test]
fn a_chart_larger_than_a_piece_is_checked_as_if_read_whole() {
    let dir = temp_dir("large");
    let path = dir.join("large.flow");
    let name = path.to_str().unwrap();
    let mut src = String::from(
        "title \"Large\" th \"ใหญ่\"\nlanguages en th\nactor police \"Police\" { th \"ตำรวจ\" }\n\n\
         start s0 \"Case received\" by police { th \"รับเรื่อง\"; -> s1 }\n",
    );
    let n = 33_000;
    for i in 1..n {
        src.push_str(&format!(
            "step s{i} \"Interview with an interpreter, step {i} of a long chart\" by police within 24h {{\n  \
             th \"สัมภาษณ์โดยมีล่าม ขั้นที่ {i} ของแผนผังยาว\"\n  note \"Up to 15 days\" th \"ไม่เกิน 15 วัน\"\n  -> s{}\n}}\n",
            i + 1
        ));
    }
    src.push_str(&format!("end s{n} \"Case closed\" by police {{ th \"ปิดเรื่อง\" }}\n"));
    assert!(src.len() > referflow_check::READ_WINDOW + (256 << 10), "{} bytes: not more than a piece", src.len());
    std::fs::write(&path, &src).unwrap();
    let clean = referflow(&["check", "-D", "warnings", name], None);
    assert_eq!((clean.code, clean.stderr.as_str()), (0, "no problems in 1 file\n"));

    // Past the first piece: an unknown owner.
    src.push_str("step late \"Late\" by polise\n");
    std::fs::write(&path, &src).unwrap();
    for format in ["human", "json", "sarif", "github"] {
        let file = referflow(&["check", "--format", format, name], None);
        let piped = referflow(&["check", "--format", format, "-"], Some(src.as_bytes()));
        assert_eq!(file.code, 1, "{format}: {}", file.stderr);
        assert_eq!(file.stderr.replace(name, "<stdin>"), piped.stderr, "{format}");
        if format == "sarif" {
            // The file, outside the current directory, is an absolute URI; standard input
            // is the URI `stdin`. Neither has a `%SRCROOT%` base.
            assert!(file.stdout.contains("RF003") && !file.stdout.contains("\"uriBaseId\""));
            assert_eq!(file.stdout.replace(&format!("file://{name}"), "stdin"), piped.stdout);
        } else {
            assert_eq!(file.stdout.replace(name, "<stdin>"), piped.stdout, "{format}");
        }
    }
    let human = referflow(&["check", name], None).stderr;
    assert!(human.contains(&format!("{name}:{}:21]", src.lines().count())), "{human}");

    // Not UTF-8 past the first piece: the byte is named as when the text is read whole.
    let mut bytes = src.into_bytes();
    let at = bytes.len() - 10;
    bytes[at] = 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let run = referflow(&["check", name], None);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, format!("error: {name}: not valid UTF-8 at byte {at}; referflow reads UTF-8 text only\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
