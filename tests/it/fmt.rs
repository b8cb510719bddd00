//! `referflow fmt`: the canonical layout keeps meaning and every comment, and is idempotent.

use std::fs;

use proptest::prelude::*;

/// Every chart the project has that parses.
fn charts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in
        ["examples", "tests/fixtures/valid", "tests/fixtures/invalid", "tests/fixtures/hostile", "tests/fixtures/fmt"]
    {
        let Ok(entries) = fs::read_dir(crate::root().join(dir)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "flow") {
                let src = fs::read_to_string(&path).unwrap();
                if referflow_syntax::parse(&src).errors.is_empty() {
                    out.push((crate::fixture_name(&path), src));
                }
            }
        }
    }
    out.sort();
    out
}

/// The comments of a chart, as written (trailing spaces aside).
fn comments(src: &str) -> Vec<String> {
    let file = referflow_syntax::parse(src);
    file.comments.iter().map(|c| src[c.range()].trim_end().to_string()).collect()
}

/// Formatting keeps the meaning, every comment in order, and a second pass changes nothing.
fn assert_faithful(name: &str, src: &str) {
    let formatted = referflow_fmt::format(src).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let before = referflow_check::check(&referflow_syntax::parse(src));
    let after_file = referflow_syntax::parse(&formatted);
    assert!(
        after_file.errors.is_empty(),
        "{name}: the formatted text does not parse: {:?}\n{formatted}",
        after_file.errors
    );
    let after = referflow_check::check(&after_file);
    assert_eq!(before.model, after.model, "{name}: the model changed\n{formatted}");
    let codes = |c: &referflow_check::Checked<'_>| c.diagnostics.iter().map(|d| d.rule.code()).collect::<Vec<_>>();
    assert_eq!(codes(&before), codes(&after), "{name}: the diagnostics changed");
    assert_eq!(comments(src), comments(&formatted), "{name}: comments were lost or reordered\n{formatted}");
    assert_eq!(referflow_fmt::format(&formatted).unwrap(), formatted, "{name}: formatting is not idempotent");
}

#[test]
fn every_chart_keeps_its_meaning_and_comments_and_formats_once() {
    let charts = charts();
    assert!(charts.len() > 20);
    for (name, src) in &charts {
        assert_faithful(name, src);
    }
}

#[test]
fn formatted_fixtures_and_examples() {
    for (name, src) in charts() {
        if name.starts_with("tests/fixtures/fmt/") || name.starts_with("examples/") {
            let formatted = referflow_fmt::format(&src).unwrap();
            insta::assert_snapshot!(format!("fmt@{}", name.rsplit('/').next().unwrap()), formatted);
        }
    }
}

/// Random layouts of random charts: extra blank lines, `;` or newlines, comments everywhere a
/// comment can go, blocks inline or expanded.
fn layout() -> impl Strategy<Value = String> {
    let stage = (0..4usize, 0..6usize, any::<bool>(), any::<bool>(), any::<bool>(), 0..3usize, "[a-z \"\\\\]{0,12}");
    prop::collection::vec(stage, 1..8).prop_map(|stages| {
        let mut src = String::from("languages en th\nactor p \"P\" # owner\n");
        let n = stages.len();
        for (i, (kind, target, inline_by, expanded, comment, blanks, label)) in stages.into_iter().enumerate() {
            let kind = ["start", "step", "decision", "end"][kind];
            let label = label.replace('\\', "\\\\").replace('"', "\\\"");
            src.push_str(&"\n".repeat(blanks));
            if comment {
                src.push_str(&format!("  # before s{i}\n"));
            }
            src.push_str(&format!("{kind} s{i} \"{label}\""));
            if inline_by {
                src.push_str(" by p");
            }
            let target = target % n;
            let items: Vec<String> = {
                let mut items = vec![format!("th \"ไทย {i}\"")];
                if !inline_by {
                    items.push("by p".into());
                }
                if kind != "end" {
                    items.push(format!("-> s{target}"));
                }
                items
            };
            if expanded {
                src.push_str(" {\n");
                for (j, item) in items.iter().enumerate() {
                    if comment && j == 0 {
                        src.push_str("    # inside\n");
                    }
                    src.push_str(&format!("    {item}"));
                    if comment && j == items.len() - 1 {
                        src.push_str(" # last item");
                    }
                    src.push('\n');
                }
                if comment {
                    src.push_str("  # before close\n");
                }
                src.push_str("}\n");
            } else {
                src.push_str(&format!(" {{ {} }}", items.join("; ")));
                if comment {
                    src.push_str(" # trailing");
                }
                src.push('\n');
            }
        }
        src.push_str("\n\n# the end\n");
        src
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn generated_layouts_format_faithfully(src in layout()) {
        assert_faithful("generated", &src);
    }
}

mod cli {
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn run(args: &[&str], dir: &std::path::Path, stdin: &[u8]) -> (i32, String, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("referflow-fmt-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const MESSY: &str = "actor p \"P\"{th \"x\"}  # c\nstart s \"S\"   by p;end e \"E\" by p\ns->e\n";
    const TIDY: &str = "actor p \"P\" { th \"x\" }  # c\nstart s \"S\" by p\nend e \"E\" by p\ns -> e\n";

    #[test]
    fn fmt_rewrites_files_in_place_keeping_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("in-place");
        let path = dir.join("a.flow");
        std::fs::write(&path, MESSY).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::write(dir.join("tidy.flow"), TIDY).unwrap();
        let (code, stdout, stderr) = run(&["fmt", "."], &dir, b"");
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "a temporary file was left behind");
    }

    #[test]
    fn check_lists_what_would_change_and_changes_nothing() {
        let dir = temp_dir("check");
        std::fs::write(dir.join("messy.flow"), MESSY).unwrap();
        std::fs::write(dir.join("tidy.flow"), TIDY).unwrap();
        let (code, stdout, _) = run(&["fmt", "--check", "."], &dir, b"");
        assert_eq!((code, stdout.as_str()), (1, "./messy.flow\n"));
        assert_eq!(std::fs::read_to_string(dir.join("messy.flow")).unwrap(), MESSY);
        let (code, stdout, _) = run(&["fmt", "--check", "--diff", "messy.flow"], &dir, b"");
        assert_eq!(code, 1);
        assert!(
            stdout.starts_with("--- messy.flow\n+++ messy.flow\n@@ -1,3 +1,4 @@\n-actor p \"P\"{th \"x\"}  # c\n"),
            "{stdout}"
        );
        assert!(stdout.contains("+s -> e\n"));
        let (code, stdout, _) = run(&["fmt", "--check", "tidy.flow"], &dir, b"");
        assert_eq!((code, stdout.as_str()), (0, ""));
    }

    #[test]
    fn dash_reads_standard_input_and_writes_standard_output() {
        let dir = temp_dir("stdin");
        let (code, stdout, _) = run(&["fmt", "-"], &dir, MESSY.as_bytes());
        assert_eq!((code, stdout.as_str()), (0, TIDY));
        let (code, stdout, _) = run(&["fmt", "--check", "-"], &dir, MESSY.as_bytes());
        assert_eq!((code, stdout.as_str()), (1, "<stdin>\n"));
    }

    #[test]
    fn a_file_with_syntax_errors_is_reported_and_left_untouched() {
        let dir = temp_dir("errors");
        let bad = "actor p \"P\"\nstart s \"S\" by p within soon\n";
        std::fs::write(dir.join("bad.flow"), bad).unwrap();
        std::fs::write(dir.join("messy.flow"), MESSY).unwrap();
        let (code, _, stderr) = run(&["fmt", "."], &dir, b"");
        assert_eq!(code, 1);
        assert!(stderr.contains("RF001 syntax-error"));
        assert!(stderr.contains("error: ./bad.flow: not formatted, because it has syntax errors"), "{stderr}");
        assert_eq!(std::fs::read_to_string(dir.join("bad.flow")).unwrap(), bad);
        // The other file is still formatted.
        assert_eq!(std::fs::read_to_string(dir.join("messy.flow")).unwrap(), TIDY);
    }

    fn is_link(path: &std::path::Path) -> bool {
        std::fs::symlink_metadata(path).unwrap().file_type().is_symlink()
    }

    /// `fmt` keeps a symlink a symlink: the file it leads to (through a link in another
    /// folder) is formatted, in its own folder, and both links stay links. Named on the
    /// command line or found in a folder.
    #[test]
    fn fmt_writes_through_symbolic_links_and_keeps_them_links() {
        let dir = temp_dir("links");
        std::fs::create_dir(dir.join("charts")).unwrap();
        let real = dir.join("charts/real.flow");
        std::fs::write(&real, MESSY).unwrap();
        std::os::unix::fs::symlink("charts/real.flow", dir.join("mid.flow")).unwrap();
        std::os::unix::fs::symlink("mid.flow", dir.join("link.flow")).unwrap();
        let (code, stdout, stderr) = run(&["fmt", "link.flow"], &dir, b"");
        assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
        assert_eq!(std::fs::read_to_string(&real).unwrap(), TIDY);
        assert!(is_link(&dir.join("link.flow")) && is_link(&dir.join("mid.flow")));
        assert_eq!(std::fs::read_dir(dir.join("charts")).unwrap().count(), 1, "a temporary file was left behind");
        // A folder: the link inside it is followed to a file inside it, and stays a link.
        std::fs::write(&real, MESSY).unwrap();
        let (code, _, stderr) = run(&["fmt", "."], &dir, b"");
        assert_eq!((code, stderr.as_str()), (0, ""));
        assert_eq!(std::fs::read_to_string(&real).unwrap(), TIDY);
        assert!(is_link(&dir.join("link.flow")) && is_link(&dir.join("mid.flow")));
    }

    /// A link that leads nowhere is one clear line, exit 2, and nothing is created.
    #[test]
    fn a_dangling_link_is_named_and_nothing_is_written() {
        let dir = temp_dir("dangling");
        std::os::unix::fs::symlink("gone.flow", dir.join("a.flow")).unwrap();
        let (code, _, stderr) = run(&["fmt", "a.flow"], &dir, b"");
        assert_eq!(code, 2);
        assert_eq!(stderr, "error: a.flow: cannot read: a symbolic link to gone.flow, which does not exist\n");
        assert!(!dir.join("gone.flow").exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    /// The mode (execute bits and all) and, where the system lets us, the owner and group.
    #[test]
    fn fmt_keeps_the_mode_and_the_owner() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = temp_dir("mode");
        let path = dir.join("a.flow");
        for mode in [0o755, 0o640, 0o600] {
            std::fs::write(&path, MESSY).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let (code, _, stderr) = run(&["fmt", "a.flow"], &dir, b"");
            assert_eq!((code, stderr.as_str()), (0, ""));
            assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777, mode);
        }
        // Another owner: only root can give a file away, so only root can test it.
        std::fs::write(&path, MESSY).unwrap();
        if std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_ok() {
            let (code, _, stderr) = run(&["fmt", "a.flow"], &dir, b"");
            assert_eq!((code, stderr.as_str()), (0, ""));
            let meta = std::fs::metadata(&path).unwrap();
            assert_eq!((meta.uid(), meta.gid(), meta.permissions().mode() & 0o7777), (4321, 4321, 0o600));
            assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
        }
    }

    /// Files that look like fmt's temporary files (a file, a link to the chart) are not
    /// fmt's: they are left as they are.
    #[test]
    fn files_named_like_temporary_files_are_left_alone() {
        let dir = temp_dir("lookalikes");
        std::fs::write(dir.join("a.flow"), MESSY).unwrap();
        let pid = std::process::id();
        std::fs::write(dir.join(format!(".a.flow.referflow-{pid}.tmp")), "theirs").unwrap();
        std::os::unix::fs::symlink("a.flow", dir.join(".a.flow.referflow-1.tmp")).unwrap();
        let (code, _, stderr) = run(&["fmt", "a.flow"], &dir, b"");
        assert_eq!((code, stderr.as_str()), (0, ""));
        assert_eq!(std::fs::read_to_string(dir.join("a.flow")).unwrap(), TIDY);
        assert_eq!(std::fs::read_to_string(dir.join(format!(".a.flow.referflow-{pid}.tmp"))).unwrap(), "theirs");
        assert!(is_link(&dir.join(".a.flow.referflow-1.tmp")));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    }

    /// A chart the user may not write is not rewritten, even in a folder they may write to.
    #[test]
    fn a_read_only_chart_is_not_rewritten() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("read-only");
        let path = dir.join("a.flow");
        std::fs::write(&path, MESSY).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        // Root may write anything: there fmt formats it like any file.
        let root = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
        let (code, _, stderr) = run(&["fmt", "a.flow"], &dir, b"");
        if root {
            assert_eq!((code, std::fs::read_to_string(&path).unwrap().as_str()), (0, TIDY));
        } else {
            assert_eq!(code, 2);
            assert_eq!(stderr, "error: a.flow: cannot write: Permission denied\n");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), MESSY);
        }
    }
}
