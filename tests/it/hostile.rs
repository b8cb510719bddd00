//! Hostile input (issue 8): each case against the real binary, which must exit 0, 1 or 2 with
//! a message naming the file, the line and the cause, within a time limit, and never panic or
//! overflow its stack; the crashes the fuzzers found, as regression fixtures; and the fuzz
//! targets' properties as proptest tests, so that CI checks them on every run.
//!
//! The properties are not copied: `fuzz/src/lib.rs` is compiled into this module as
//! `properties`, the same code the fuzz targets run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

#[path = "../../fuzz/src/lib.rs"]
mod properties;

/// A run that takes longer than this has hung. Generous: the slowest case (100 MB) takes a
/// few seconds in a debug build, and CI machines are shared.
const LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the binary in `dir` and checks what every run must do on any input: finish within
/// [`LIMIT`], exit 0, 1 or 2 (not 101 for a panic, not a signal for a stack overflow), and
/// print no panic message.
fn referflow(dir: &Path, args: &[&str]) -> Run {
    let what = format!("referflow {}", args.join(" "));
    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes while waiting: a large output would otherwise block the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{what}` did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        code: status.code().unwrap_or_else(|| panic!("`{what}` was killed by a signal: {status}")),
        stdout: stdout.join().unwrap(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
    };
    assert!((0..=2).contains(&run.code), "`{what}` exited {}:\n{}", run.code, head(&run.stderr));
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"), "`{what}` panicked");
    run
}

/// The start of a long text, for failure messages.
fn head(text: &str) -> &str {
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A folder for one test's files, removed afterwards (the 100 MB file with it).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("referflow-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Path {
        std::fs::write(self.0.join(name), bytes).unwrap();
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `stderr` shows a diagnostic with its source at `file:line:` (miette's `[file:line:col]`),
/// with `cause` in its message.
fn assert_reported(run: &Run, file: &str, line: usize, cause: &str) {
    let at = format!("[{file}:{line}:");
    assert!(run.stderr.contains(&at), "no diagnostic at {at}:\n{}", head(&run.stderr));
    assert!(run.stderr.contains(cause), "the cause `{cause}` is not named:\n{}", head(&run.stderr));
}

/// Every other command on the same file: each must cope too (exit 0, 1 or 2 in time).
fn every_command(root: &Path, file: &str) {
    for args in [
        &["check", "--format", "json", file][..],
        &["check", "--format", "sarif", file],
        &["check", "--format", "github", file],
        &["fmt", "--check", file],
        &["diff", file, file],
        &["render", "--to", "json", file],
        &["render", "--to", "mermaid", file],
    ] {
        referflow(root, args);
    }
}

/// A small valid chart for the hostile cases to extend.
const CHART: &str = "actor p \"Police\"\nstart a \"Tip-off\" by p { -> e }\nend e \"Closed\" by p\n";

#[test]
fn an_empty_file_has_no_start() {
    let dir = TempDir::new("empty");
    let root = dir.write("empty.flow", "");
    let run = referflow(root, &["check", "empty.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "empty.flow", 1, "the chart has no `start` stage");
    every_command(root, "empty.flow");
    assert_eq!(referflow(root, &["fmt", "--check", "empty.flow"]).code, 0, "an empty file is formatted");
    let run = referflow(root, &["render", "--to", "md", "empty.flow"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: empty.flow: the chart has errors"), "{}", run.stderr);
}

#[test]
fn nul_bytes_are_a_syntax_error_outside_texts_and_never_reach_the_outputs() {
    let dir = TempDir::new("nul");
    let root = dir.write("nul.flow", format!("{CHART}step b \"B\" by p\0\n"));
    let run = referflow(root, &["check", "nul.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "nul.flow", 4, "RF001 syntax-error");

    // A file of nothing but NUL bytes is one bad statement.
    let root = dir.write("zeros.flow", vec![0u8; 64 << 10]);
    let run = referflow(root, &["check", "zeros.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "zeros.flow", 1, "RF001 syntax-error");
    every_command(root, "zeros.flow");

    // Inside a text a NUL (or any control character) is text: every backend drops or escapes
    // it.
    let root = dir.write("label.flow", CHART.replace("Tip-off", "Tip\0off\u{1b}[31m\u{7}\u{8}\u{85}"));
    assert_eq!(referflow(root, &["check", "label.flow"]).code, 0);
    for format in ["dot", "md", "mermaid", "json", "html"] {
        let run = referflow(root, &["render", "--to", format, "label.flow"]);
        if format == "html" && run.code == 2 {
            continue; // no Graphviz here
        }
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
        for control in [0u8, 0x1b, 0x07, 0x08] {
            assert!(!run.stdout.contains(&control), "{format} output holds the control character {control:#04x}");
        }
    }
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_the_place() {
    let dir = TempDir::new("latin1");
    // "café" in Latin-1: byte 10 is 0xE9.
    let root = dir.write("latin1.flow", b"title \"caf\xe9\"\n");
    for args in [&["check", "latin1.flow"][..], &["fmt", "latin1.flow"], &["render", "--to", "md", "latin1.flow"]] {
        let run = referflow(root, args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("latin1.flow: not valid UTF-8 at byte 10"),
            "{args:?} does not name the file and the place:\n{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "one line:\n{}", run.stderr);
    }
    // UTF-16, as some editors save: its byte order mark is not UTF-8.
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("title \"T\"\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let root = dir.write("utf16.flow", utf16);
    let run = referflow(root, &["check", "utf16.flow"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("utf16.flow: not valid UTF-8 at byte 0"), "{}", run.stderr);
}

#[test]
fn a_bom_and_crlf_line_ends_are_accepted_and_lines_counted_right() {
    let dir = TempDir::new("bom");
    let src = format!("\u{FEFF}{}step b \"B\"\r\na -> b\r\n", CHART.replace('\n', "\r\n"));
    let root = dir.write("bom.flow", src);
    let run = referflow(root, &["check", "bom.flow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `b` has no owner (RF108): line 4, column 6, whatever the BOM and the `\r`s.
    assert!(run.stderr.contains("[bom.flow:4:6]"), "{}", run.stderr);
    every_command(root, "bom.flow");
    assert!(run.stderr.contains("RF108 unowned-stage"), "{}", run.stderr);
    let run = referflow(root, &["render", "--to", "md", "bom.flow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains(&b'\r') && !run.stdout.starts_with("\u{FEFF}".as_bytes()));
    // `fmt` writes `\n` and no BOM; the file has changed, so `--check` says so.
    assert_eq!(referflow(root, &["fmt", "--check", "bom.flow"]).code, 1);
}

/// A byte order mark is not text: the diagnostics of a chart with one are those of the chart
/// without, in the same order, at the same lines and columns, their byte offsets 3 more.
/// Before, a chart with no `start` (RF007, about the whole file, at offset 0) and an edge on
/// its first line (RF008 at offset 0, or 3 after a mark) listed them in the other order.
#[test]
fn a_byte_order_mark_moves_no_diagnostic() {
    let dir = TempDir::new("bom-order");
    let src = "e -> x\nend e \"E\"\nstep x \"X\"\n";
    dir.write("plain.flow", src);
    let root = dir.write("bom.flow", format!("\u{FEFF}{src}"));
    let json = |file: &str| {
        let run = referflow(root, &["check", "--format", "json", file]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let value: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        value["diagnostics"].as_array().unwrap().clone()
    };
    let (plain, bom) = (json("plain.flow"), json("bom.flow"));
    let at = |d: &serde_json::Value| {
        (d["code"].as_str().unwrap().to_string(), d["span"]["line"].clone(), d["span"]["column"].clone())
    };
    let order: Vec<_> = plain.iter().map(at).collect();
    assert_eq!(order[..2], [("RF008".into(), 1.into(), 1.into()), ("RF007".into(), 1.into(), 1.into())]);
    assert_eq!(bom.iter().map(at).collect::<Vec<_>>(), order);
    for (p, b) in plain.iter().zip(&bom) {
        assert_eq!(b["span"]["start"].as_u64().unwrap(), p["span"]["start"].as_u64().unwrap() + 3, "{b}");
    }
    // People see the same places: `[bom.flow:1:1]`, not the column after the mark.
    let run = referflow(root, &["check", "bom.flow"]);
    assert!(run.stderr.contains("[bom.flow:1:1]") && !run.stderr.contains("[bom.flow:1:4]"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{FEFF}'), "the mark is shown:\n{}", run.stderr);
    let sarif = |file: &str| {
        let run = referflow(root, &["check", "--format", "sarif", file]);
        let value: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let results = value["runs"][0]["results"].as_array().unwrap().clone();
        results
            .iter()
            .map(|r| (r["ruleId"].clone(), r["locations"][0]["physicalLocation"]["region"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(sarif("bom.flow"), sarif("plain.flow"));

    // Every chart of the project, in each way of checking it.
    let levels = referflow_check::Levels::default();
    for path in crate::chart_paths() {
        let Ok(src) = std::fs::read_to_string(&path) else { continue };
        if src.starts_with('\u{FEFF}') {
            continue;
        }
        let bom = format!("\u{FEFF}{src}");
        let seen = |text: &str, checked: &referflow_check::Checked<'_>| {
            let lines = referflow_syntax::LineIndex::new(text);
            checked
                .diagnostics
                .iter()
                .map(|d| (d.rule.code(), d.message.clone(), lines.line_col(text, d.span.start as usize), d.span.start))
                .collect::<Vec<_>>()
        };
        let ways = |text: &str| {
            let arena = bumpalo::Bump::new();
            let read = referflow_check::check_in_pieces(text, 64, &arena, &levels).ok().map(|c| seen(text, &c));
            [
                Some(seen(text, &referflow_check::check_with(&referflow_syntax::parse(text), &levels))),
                Some(seen(text, &referflow_check::check_source(text, &levels))),
                read,
            ]
        };
        for (plain, with_bom) in ways(&src).into_iter().zip(ways(&bom)) {
            let (Some(plain), Some(with_bom)) = (plain, with_bom) else { continue };
            let moved: Vec<_> = plain.into_iter().map(|(c, m, at, start)| (c, m, at, start + 3)).collect();
            assert_eq!(with_bom, moved, "{}", path.display());
        }
    }
}

#[test]
fn a_5mb_line_is_read_in_bounded_time() {
    let dir = TempDir::new("long-line");
    let words = "word ".repeat(1 << 20);
    let root = dir.write("title.flow", format!("title \"{}\"\n{CHART}", words.trim_end()));
    assert!(std::fs::metadata(root.join("title.flow")).unwrap().len() > 5_000_000);
    assert_eq!(referflow(root, &["check", "title.flow"]).code, 0);
    // Each run reads 5 MB in a debug build: a second or more apiece, so not every command.
    let run = referflow(root, &["render", "--to", "dot", "title.flow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.len() > 5_000_000, "the title was lost");
    assert_eq!(referflow(root, &["fmt", "--check", "title.flow"]).code, 0);
    // One 5 MB word where a statement belongs.
    let root = dir.write("word.flow", format!("{CHART}{}\n", "a".repeat(5 << 20)));
    let run = referflow(root, &["check", "word.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "word.flow", 4, "unknown statement");
}

#[test]
fn two_hundred_thousand_open_braces() {
    let dir = TempDir::new("braces");
    let root = dir.write("braces.flow", "{".repeat(200_000));
    let run = referflow(root, &["check", "braces.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "braces.flow", 1, "this `{` is never closed");
    every_command(root, "braces.flow");
    // Only the first two levels are read; the rest is skipped, not reported 200,000 times.
    assert!(run.stderr.matches("RF001 syntax-error").count() < 10, "{}", head(&run.stderr));

    // Their mirror image is 200,000 errors: people see the first 200, JSON gets them all.
    let root = dir.write("closing.flow", "}\n".repeat(200_000));
    let run = referflow(root, &["check", "closing.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "closing.flow", 200, "this `}` closes no block");
    assert!(run.stderr.contains("closing.flow: 199800 more diagnostics not shown"), "{}", head(&run.stderr));
}

#[test]
fn five_thousand_nested_phases() {
    let dir = TempDir::new("phases");
    let mut src = String::new();
    for i in 0..5000 {
        src.push_str(&format!("phase p{i} \"Phase {i}\" {{\n"));
    }
    src.push_str(&"}\n".repeat(5000));
    let root = dir.write("phases.flow", src);
    let run = referflow(root, &["check", "phases.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "phases.flow", 2, "phases cannot be nested");
    every_command(root, "phases.flow");
    assert!(run.stderr.matches("RF001 syntax-error").count() < 10, "{}", head(&run.stderr));
}

#[test]
fn a_duration_too_large_to_count() {
    let dir = TempDir::new("duration");
    let src = CHART.replace("by p {", "by p within 99999999999999999999999h {");
    let root = dir.write("huge.flow", src);
    let run = referflow(root, &["check", "huge.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "huge.flow", 2, "`99999999999999999999999h` is too large to count with");
    every_command(root, "huge.flow");

    // Durations that fit one by one but not added up: the worst case says so, no overflow.
    let mut src = String::from("actor p \"P\"\nstart s0 \"S\" by p { -> s1 }\n");
    for i in 1..=100 {
        src.push_str(&format!("step s{i} \"S\" by p within 200000000000000w {{ -> s{} }}\n", i + 1));
    }
    src.push_str("end s101 \"E\" by p\nrequire within 1w from s0 to s101\n");
    let root = dir.write("sum.flow", src);
    let run = referflow(root, &["check", "sum.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "sum.flow", 104, "longer than can be counted");
    every_command(root, "sum.flow");
    let run = referflow(root, &["render", "--to", "json", "sum.flow"]);
    assert_eq!(run.code, 1, "a failed requirement is an error: render refuses the chart");
}

#[test]
fn self_loops() {
    let dir = TempDir::new("self-loop");
    let src = "actor p \"P\"\nstart a \"A\" by p\ndecision d \"Again?\" by p within 1h\nend e \"E\" by p\n\
               a -> d\nd -> d: yes\nd -> e: no\nrequire within 1d from a to e\n";
    let root = dir.write("loop.flow", src);
    let run = referflow(root, &["check", "loop.flow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reported(&run, "loop.flow", 8, "RF203 deadline-unprovable");
    every_command(root, "loop.flow");
    for format in ["dot", "md", "mermaid", "json"] {
        assert_eq!(referflow(root, &["render", "--to", format, "loop.flow"]).code, 0, "{format}");
    }
    // A stage that only leads back to itself is a trap.
    let root = dir.write("trap.flow", format!("{CHART}step t \"Trap\" by p {{ -> t }}\na -> t\n"));
    let run = referflow(root, &["check", "trap.flow"]);
    assert_reported(&run, "trap.flow", 4, "RF103 no-way-out");
    assert_eq!(referflow(root, &["render", "--to", "md", "trap.flow"]).code, 0);
}

#[test]
fn a_100mb_file() {
    // Mostly comments, so that a debug build reads it in seconds: a chain of 10,000 stages,
    // 99 comment lines after each, and a syntax error on the last line, which must be named
    // by its line number. (100 MB of stages takes minutes and gigabytes in a debug build;
    // docs/security.md has the release build's numbers.)
    let dir = TempDir::new("100mb");
    let comment = format!("# {}\n", "padding ".repeat(13));
    let comments = comment.repeat(99);
    let mut src = String::with_capacity(101 << 20);
    src.push_str("actor p \"Police\"\nstart s0 \"Start\" by p { -> s1 }\n");
    let stages = 10_000;
    for i in 1..=stages {
        src.push_str(&comments);
        if i == stages {
            src.push_str(&format!("end s{i} \"End\" by p\n"));
        } else {
            src.push_str(&format!("step s{i} \"Stage {i}\" by p within 1d {{ -> s{} }}\n", i + 1));
        }
    }
    src.push_str("step late \"Late\" by p within soon\n");
    let last = src.lines().count();
    assert!(src.len() >= 100 << 20, "{} bytes", src.len());
    let root = dir.write("big.flow", src);
    let run = referflow(root, &["check", "big.flow"]);
    assert_eq!(run.code, 1);
    assert_reported(&run, "big.flow", last, "expected a duration such as `24h` or `7d` after `within`");
}

#[test]
fn a_chart_cannot_inject_workflow_commands_into_ci() {
    // `--format github` writes one workflow command per line; text that reaches a message must
    // not start a line of its own (`::add-mask::`, `::set-output::`, `::stop-commands::`).
    let dir = TempDir::new("github");
    let src = format!(
        "{CHART}x\r::add-mask::secret\nstep \"\r\n::stop-commands::t\r\"\nstep s \"S\" by p, q\u{2028}::error::x\n"
    );
    let root = dir.write("ci.flow", src);
    let run = referflow(root, &["check", "--format", "github", "ci.flow"]);
    assert_eq!(run.code, 1);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.lines().count() >= 3, "{stdout}");
    for line in stdout.lines() {
        assert!(line.starts_with("::error file=ci.flow,") || line.starts_with("::warning file=ci.flow,"), "{line:?}");
    }
    assert!(!stdout.contains('\r'));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    // The default limit is 256 MiB; a small one shows the refusal without writing that much.
    let dir = TempDir::new("limit");
    let root = dir.write("big.flow", format!("{CHART}{}", "# padding\n".repeat(200)));
    let run = referflow(root, &["--max-file-size", "1K", "check", "big.flow"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: big.flow: larger than the limit of 1K; raise it with --max-file-size\n");
    assert_eq!(referflow(root, &["--max-file-size", "4K", "check", "big.flow"]).code, 0);
}

/// The charts in `tests/fixtures/regressions/`: every crash the fuzzers found.
fn regressions() -> Vec<(String, String)> {
    let dir = crate::root().join("tests/fixtures/regressions");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .map(|p| (crate::fixture_name(&p), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Every fuzz property on one text.
fn all_properties(src: &str) {
    properties::parse_properties(src);
    properties::check_properties(src);
    properties::diagnostics_properties(src);
    for backend in properties::BACKENDS {
        properties::render_properties(src, backend);
    }
    properties::fmt_properties(src);
    properties::diff_properties(src);
}

#[test]
fn regressions_hold_every_property_and_the_binary_copes() {
    let regressions = regressions();
    assert!(regressions.len() >= 3);
    for (name, src) in &regressions {
        all_properties(src);
        for args in [&["check"][..], &["fmt", "--check"], &["render", "--to", "md"]] {
            let args: Vec<&str> = args.iter().copied().chain([name.as_str()]).collect();
            referflow(crate::root(), &args);
        }
    }
}

/// The `readers` fuzz target's property on every chart of the project and every regression,
/// each also read as a stage's block and as a phase's body.
#[test]
fn the_readers_agree_on_every_chart_and_regression() {
    for src in charts().iter().chain(regressions().iter().map(|(_, src)| src)) {
        properties::readers_properties(src);
    }
}

#[test]
fn an_actor_with_a_block_inside_a_phase_is_a_syntax_error() {
    // The fuzzers' first crash: the parser read a whole `actor … { … }` inside a phase and
    // reached `unreachable!` (exit 101) instead of reporting a misplaced statement.
    let name = "tests/fixtures/regressions/actor-block-in-phase.flow";
    let run = referflow(crate::root(), &["check", name]);
    assert_eq!(run.code, 1);
    assert_reported(&run, name, 5, "this statement belongs at the top level, not inside a phase");
}

#[test]
fn text_right_after_a_block_is_reported_on_its_line() {
    let name = "tests/fixtures/regressions/text-after-block.flow";
    let run = referflow(crate::root(), &["check", name]);
    assert_eq!(run.code, 1);
    assert_reported(&run, name, 4, "expected a new line after the `}` that ends a block");
}

#[test]
fn an_error_at_the_end_of_a_file_without_a_newline() {
    let name = "tests/fixtures/regressions/error-at-end-of-file.flow";
    let src = std::fs::read_to_string(crate::root().join(name)).unwrap();
    assert!(!src.ends_with('\n'), "the fixture must end without a newline");
    let run = referflow(crate::root(), &["check", name]);
    assert_eq!(run.code, 1);
    assert_reported(&run, name, src.lines().count(), "but the line ends");
    let run = referflow(crate::root(), &["check", "--format", "json", name]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["span"]["line"], src.lines().count());
}

/// Every chart of the project: the fixtures (all folders) and the examples.
fn charts() -> Vec<String> {
    crate::chart_paths().into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// Pieces of trouble beside the reserved words, for token soup and mutations.
const OTHER_TOKENS: &[&str] = &[
    "a",
    "b",
    "p",
    "ก",
    "x-y",
    "en",
    "th",
    "pt-BR",
    "\"T\"",
    "\"\"",
    "\"a\\nb\"",
    "\"<script>\"",
    "\"\\\"",
    "\"",
    "1h",
    "30min",
    "2wd",
    "0d",
    "7 days",
    "99999999999999999999h",
    "{",
    "}",
    "->",
    ":",
    ";",
    ",",
    "\n",
    "\r\n",
    "# c\n",
    " ",
    "\u{FEFF}",
    "\0",
];

/// The reserved words, then `OTHER_TOKENS`.
fn tokens() -> Vec<&'static str> {
    referflow_syntax::RESERVED.iter().chain(OTHER_TOKENS).copied().collect()
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens()), 0..60).prop_map(|tokens| {
        let mut src = String::new();
        for token in tokens {
            src.push_str(token);
            if token.chars().all(char::is_alphanumeric) {
                src.push(' ');
            }
        }
        src
    })
}

/// An edit of a chart: delete a run of characters, insert a token, or copy a run elsewhere.
#[derive(Debug, Clone)]
enum Edit {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, &'static str),
    Copy(prop::sample::Index, usize, prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1..40usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<prop::sample::Index>(), prop::sample::select(tokens())).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<prop::sample::Index>(), 1..200usize, any::<prop::sample::Index>())
            .prop_map(|(from, n, to)| Edit::Copy(from, n, to)),
    ]
}

fn mutate(src: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Delete(at, n) => {
                let at = at.index(len).min(chars.len());
                chars.drain(at..(at + n).min(chars.len()));
            }
            Edit::Insert(at, token) => {
                let at = at.index(len).min(chars.len());
                chars.splice(at..at, token.chars());
            }
            Edit::Copy(from, n, to) => {
                let from = from.index(len).min(chars.len());
                let run: Vec<char> = chars[from..(from + n).min(chars.len())].to_vec();
                let to = to.index(len).min(chars.len());
                chars.splice(to..to, run);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_hold_every_property(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        all_properties(&properties::text(&bytes));
        properties::read_properties(&bytes);
    }

    #[test]
    fn any_text_holds_every_property(src in "\\PC{0,200}") {
        all_properties(&src);
    }

    #[test]
    fn token_soup_holds_every_property(src in token_soup()) {
        all_properties(&src);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_charts_hold_every_property(
        chart in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let charts = charts();
        let src = mutate(&charts[chart.index(charts.len())], &edits);
        all_properties(&src);
        properties::read_properties(src.as_bytes());
        // And two versions of a chart compare: the diff target cuts at the NUL.
        let original = &charts[chart.index(charts.len())];
        properties::diff_properties(&format!("{original}\0{src}"));
    }
}

// ---- files and names from a stranger's revision (issue 15) --------------------------------

/// Whether a line of output is an annotation referflow wrote under `--format github`
/// (`::error file=…,line=…::message`), the only kind of line allowed to start with `::`.
fn is_own_annotation(line: &str) -> bool {
    ["::error file=", "::warning file=", "::notice file="].iter().any(|start| line.starts_with(start))
        && line.contains(",line=")
}

/// No line of `run`'s output could be read by GitHub as a workflow command it did not write.
fn assert_no_injected_command(run: &Run, what: &str) {
    let stdout = String::from_utf8_lossy(&run.stdout);
    for line in stdout.lines().chain(run.stderr.lines()) {
        assert!(!line.trim_start().starts_with("::") || is_own_annotation(line), "{what}: an injected line: {line:?}");
        assert!(!line.contains('\r'), "{what}: a carriage return reaches the terminal: {line:?}");
        // Publications keep reordering characters (balanced, as right-to-left text needs
        // them); no output lets a control character through.
        let control = line.chars().find(|&c| c != '\t' && c.is_control());
        assert_eq!(control, None, "{what}: a control character reaches the terminal: {line:?}");
    }
}

#[test]
fn text_in_a_chart_cannot_start_a_line_or_move_the_cursor_in_any_output() {
    // Escaped line breaks in every kind of text, and raw carriage returns, escapes, a bell and
    // a reordering character inside quoted lines that diagnostics quote.
    let chart = "title \"T\\n::error file=README.md::title\"\n\
        version \"v\\n::error::version\"\n\
        actor a \"A\\n::error::actor\" {\n  note \"N\\n::error::note\"\n}\n\
        actor b \"B\u{1b}[2J\u{202e}\"\n\
        phase p \"P\\n::error::phase\" {\n\
        start s \"S\\n::error::start\" by a within 1h\n\
        decision d \"D?\\n::error::decision\" by a {\n\
        \"x\\n::error::branch\u{1b}[2J\" -> e\n  \"x\\n::error::branch\u{1b}[2J\" -> e\n}\n\
        end e \"E\u{1b}]0;title\u{7}\" by b\n}\n\
        s -> d\n";
    let dir = TempDir::new("texts");
    dir.write("old.flow", chart.replace("start s", "start s0").replace("s -> d", "s0 -> d"));
    let root = dir.write("chart.flow", chart);
    let mut runs = Vec::new();
    for format in ["human", "json", "sarif", "github"] {
        runs.push(vec!["check", "--format", format, "chart.flow"]);
    }
    for to in ["md", "mermaid", "dot", "json", "html", "svg"] {
        runs.push(vec!["render", "chart.flow", "--to", to]);
    }
    for format in ["human", "markdown", "json"] {
        runs.push(vec!["diff", "--format", format, "old.flow", "chart.flow"]);
    }
    runs.push(vec!["fmt", "--check", "chart.flow"]);
    for args in runs {
        let run = referflow(root, &args);
        assert_no_injected_command(&run, &args.join(" "));
    }
    // The report still quotes the lines, with what they hide shown, at the right columns.
    dir.write(
        "quoted.flow",
        "start s \"S\"\nstep r \"CR\r::error::cr\" by nobody\nend e \"E\u{1b}]0;t\u{7}\" by ghost\n",
    );
    let run = referflow(root, &["check", "quoted.flow"]);
    assert_no_injected_command(&run, "quoted lines");
    // A diff of the layout quotes the lines too (the chart is written unformatted here).
    dir.write(
        "unformatted.flow",
        "start   s \"S\r::error::cr\u{1b}[2J\" by a\nactor a \"A\"\nend e \"E\" by a\ns -> e\n",
    );
    let diff = referflow(root, &["fmt", "--check", "--diff", "unformatted.flow"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert_no_injected_command(&diff, "fmt --diff");
    assert!(String::from_utf8_lossy(&diff.stdout).contains(r#"+start s "S\r::error::cr\u{1b}[2J" by a"#));
    assert!(run.stderr.contains("[quoted.flow:2:28]"), "{}", run.stderr);
    assert!(run.stderr.contains(r#"step r "CR\r::error::cr" by nobody"#), "{}", run.stderr);
    assert!(run.stderr.contains("[quoted.flow:3:20]"), "{}", run.stderr);
    assert!(run.stderr.contains(r#"end e "E\u{1b}]0;t\u{7}" by ghost"#), "{}", run.stderr);
    // A report quotes a reordering character as what it is, too.
    dir.write("bidi.flow", "start s \"S\u{202e}\" by ghost\n");
    let run = referflow(root, &["check", "bidi.flow"]);
    assert!(run.stderr.contains(r#"start s "S\u{202e}" by ghost"#), "{}", run.stderr);
}

#[test]
fn a_file_name_with_line_breaks_cannot_start_a_line_of_its_own() {
    let dir = TempDir::new("names");
    let name = "a\n::error file=README.md::pwned\r\u{1b}[2K.flow";
    dir.write(name, "start s \"S\"\nstep x \"X\" by nobody\ns -> x\n");
    dir.write("fine.flow", "title \"T\"\nstart s \"S\"\nend e \"E\"\ns -> e\n");
    let folder = dir.0.to_str().unwrap();
    let file = dir.0.join(name);
    let file = file.to_str().unwrap();
    for args in [
        vec!["check", folder],
        vec!["check", file],
        vec!["check", "--format", "json", folder],
        vec!["check", "--format", "sarif", folder],
        vec!["check", "--format", "github", folder],
        vec!["fmt", "--check", folder],
        vec!["render", file, "--to", "md"],
    ] {
        let run = referflow(&dir.0, &args);
        assert_no_injected_command(&run, &args.join(" "));
    }
    let run = referflow(&dir.0, &["check", folder]);
    assert!(run.stderr.contains("a\\n::error file=README.md::pwned\\r\\u{1b}[2K.flow"), "{}", run.stderr);
}

#[test]
fn a_key_of_referflow_toml_is_echoed_with_its_line_breaks_visible() {
    let dir = TempDir::new("toml-key");
    dir.write("referflow.toml", "[rules]\n\"x\\n::error file=README.md::pwned\" = \"deny\"\n");
    dir.write("chart.flow", "start s \"S\"\nend e \"E\"\ns -> e\n");
    let run = referflow(&dir.0, &["check", "chart.flow"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_no_injected_command(&run, "a hostile key");
    assert!(run.stderr.contains("x\\n::error"), "{}", run.stderr);
}

#[test]
fn a_folder_is_walked_without_leaving_it_or_reading_what_is_not_a_file() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("walk");
    let outside = TempDir::new("walk-outside");
    let secret = "SECRET_a7c1e9 must never be printed";
    outside.write("secret.flow", format!("start s \"S\"\n{secret}\n"));
    let charts = dir.0.join("charts");
    std::fs::create_dir_all(charts.join("sub")).unwrap();
    std::fs::write(charts.join("good.flow"), "start s \"S\"\nend e \"E\"\ns -> e\n").unwrap();
    std::fs::write(charts.join("sub/bad.flow"), "start s \"S\"\nstep x \"X\"\ns -> x\n").unwrap();
    // Links out of the folder: to a chart, to the environment, to a folder.
    symlink(outside.0.join("secret.flow"), charts.join("leak.flow")).unwrap();
    symlink("/proc/self/environ", charts.join("env.flow")).unwrap();
    symlink(&outside.0, charts.join("elsewhere")).unwrap();
    // A loop, and a second name for a chart inside.
    symlink(&charts, charts.join("sub/loop")).unwrap();
    symlink(charts.join("good.flow"), charts.join("again.flow")).unwrap();
    let run = referflow(&dir.0, &["check", "--format", "json", "charts"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(!stdout.contains("SECRET") && !run.stderr.contains("SECRET"), "{stdout}{}", run.stderr);
    assert!(!stdout.contains("PATH=") && !run.stderr.contains("PATH="), "the environment was read");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["files"], 2, "good.flow (once) and sub/bad.flow: {json}");
    let warning: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning: charts: skipped")).collect();
    assert_eq!(warning.len(), 1, "{}", run.stderr);
    for name in ["leak.flow", "env.flow", "elsewhere"] {
        assert!(warning[0].contains(name), "{}", warning[0]);
    }

    // A named pipe is refused at once, by name, instead of blocking the run.
    let fifo = dir.0.join("pipe.flow");
    let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if made {
        for args in [vec!["check", "pipe.flow"], vec!["fmt", "--check", "pipe.flow"]] {
            let started = Instant::now();
            let run = referflow(&dir.0, &args);
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(run.stderr.contains("pipe.flow: not a regular file (a named pipe)"), "{}", run.stderr);
            assert!(started.elapsed() < Duration::from_secs(10));
        }
    }
    let run = referflow(&dir.0, &["check", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/dev/zero: not a regular file (a device)"), "{}", run.stderr);
}

#[test]
fn json_and_sarif_report_every_diagnostic_of_a_hostile_file() {
    // Written as they are made (bench/hostile.sh measures the 300,000-line case); nothing is
    // cut short, and the result is still one document.
    let dir = TempDir::new("many");
    dir.write("braces.flow", "}\n".repeat(20_000));
    let run = referflow(&dir.0, &["check", "--format", "json", "braces.flow"]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), json["summary"]["errors"].as_u64().unwrap() as usize);
    assert!(json["summary"]["errors"].as_u64().unwrap() >= 20_000, "{}", json["summary"]);
    let run = referflow(&dir.0, &["check", "--format", "sarif", "braces.flow"]);
    let sarif: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), json["diagnostics"].as_array().unwrap().len());
}
