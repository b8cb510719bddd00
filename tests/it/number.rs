//! `referflow number`: numbers that survive revisions, and the checks that keep them unique.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use referflow_syntax::{PhaseItem, Stage, Statement};

use crate::root;

fn referflow(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-number-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every stage's number, by id (`None`: no number).
fn numbers(src: &str) -> BTreeMap<String, Option<u32>> {
    let file = referflow_syntax::parse(src);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let mut out = BTreeMap::new();
    let mut add = |s: &Stage<'_>| {
        out.insert(s.id.name.to_string(), s.number.map(|n| n.value));
    };
    for statement in &file.statements {
        match statement {
            Statement::Stage(s) => add(s),
            Statement::Phase(p) => p.items.iter().for_each(|i| {
                if let PhaseItem::Stage(s) = i {
                    add(s)
                }
            }),
            _ => {}
        }
    }
    out
}

/// The text of the stage statement `id` in `src` (the kind keyword to the end of its block).
fn without_stage(src: &str, id: &str) -> String {
    let file = referflow_syntax::parse(src);
    let mut span = None;
    for statement in &file.statements {
        match statement {
            Statement::Stage(s) if s.id.name == id => span = Some(s.span),
            Statement::Phase(p) => p.items.iter().for_each(|i| match i {
                PhaseItem::Stage(s) if s.id.name == id => span = Some(s.span),
                _ => {}
            }),
            _ => {}
        }
    }
    let span = span.unwrap();
    format!("{}{}", &src[..span.start as usize], &src[span.end as usize..])
}

/// The bundled Thai chart (49 stages) numbered, revised (a stage inserted, another removed,
/// edges rewired), and numbered again: every stage keeps its number, the new one gets a number
/// never used, the removed one is retired, and a stage that takes it is an error.
#[test]
fn numbers_survive_an_insertion_and_a_deletion() {
    let dir = temp_dir("revise");
    let chart = dir.join("nrm.flow");
    let original = std::fs::read_to_string(root().join("examples/thailand-nrm.flow")).unwrap();
    std::fs::write(&chart, &original).unwrap();

    let run = referflow(&dir, &["number", "nrm.flow"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let first = std::fs::read_to_string(&chart).unwrap();
    let given = numbers(&first);
    let count = given.len() as u32;
    let mut all: Vec<u32> = given.values().map(|n| n.expect("every stage numbered")).collect();
    all.sort_unstable();
    assert_eq!(all, (1..=count).collect::<Vec<_>>(), "1 to {count}, each once");
    assert!(first.contains(&format!("numbering last {count}\n")), "the last number given is recorded");
    // The numbers are those the documents gave the unnumbered chart, so its links stay valid.
    let checked = referflow_check::check(&referflow_syntax::parse(&original));
    let model = referflow_emit::chart::Chart::new(&checked.model, &checked.diagnostics);
    let reading = referflow_emit::numbers::reading_order_numbers(&model);
    for (stage, place) in checked.model.stages.iter().zip(reading) {
        assert_eq!(given[stage.id], Some(place as u32), "`{}`", stage.id);
    }
    // Nothing but the numbers and the numbering line changed: every comment is still there.
    let comments = |s: &str| s.lines().filter(|l| l.trim_start().starts_with('#')).count();
    assert_eq!(comments(&first), comments(&original));
    assert_eq!(first.lines().count(), original.lines().count() + 1);

    // Numbering again changes nothing; the formatter agrees with the layout; the chart is clean.
    let again = referflow(&dir, &["number", "nrm.flow"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(&chart).unwrap(), first);
    assert_eq!(referflow(&dir, &["number", "--check", "nrm.flow"]).status.code(), Some(0));
    let before_fmt = referflow(&dir, &["fmt", "--check", "nrm.flow"]);
    let original_fmt = referflow(root(), &["fmt", "--check", "examples/thailand-nrm.flow"]);
    assert_eq!(before_fmt.status.code(), original_fmt.status.code(), "{}", text(&before_fmt.stderr));
    let check = referflow(&dir, &["check", "nrm.flow"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    // Revise: remove the highest-numbered stage and another one, add a stage.
    let highest = given.iter().max_by_key(|(_, n)| *n).map(|(id, n)| (id.clone(), n.unwrap())).unwrap();
    let other = given.iter().find(|(_, n)| **n == Some(count / 2)).map(|(id, _)| id.clone()).unwrap();
    let mut revised = without_stage(&without_stage(&first, &highest.0), &other);
    // Edges that named the removed stages now name a new stage.
    for removed in [&highest.0, &other] {
        revised = revised
            .lines()
            .map(|l| {
                let words: Vec<&str> =
                    l.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
                if words.contains(&removed.as_str()) { format!("# was: {l}") } else { l.to_string() }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
    }
    revised.push_str("step extra_visit \"Follow-up visit\" by police within 7d\n");
    std::fs::write(&chart, &revised).unwrap();
    let run = referflow(&dir, &["number", "nrm.flow"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let second = std::fs::read_to_string(&chart).unwrap();
    let now = numbers(&second);
    for (id, number) in &now {
        if id != "extra_visit" {
            assert_eq!(number, &given[id], "`{id}` kept its number");
        }
    }
    assert_eq!(now["extra_visit"], Some(count + 1), "a number never used before, not {}", highest.1);
    assert!(second.contains(&format!("numbering last {}\n", count + 1)), "{second}");
    for retired in [highest.1, count / 2] {
        assert!(second.contains(&format!("\nretired {retired}\n")), "{retired} retired:\n{second}");
    }

    // A stage that takes a retired number is an error naming the step and the stage.
    let reuse = second.replace(&format!("step {} extra_visit", count + 1), &format!("step {} extra_visit", count / 2));
    std::fs::write(&chart, &reuse).unwrap();
    let check = referflow(&dir, &["check", "nrm.flow"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("RF012") && stderr.contains(&format!("step {} is retired", count / 2)), "{stderr}");
    // And `number` refuses to work around it.
    let run = referflow(&dir, &["number", "nrm.flow"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&chart).unwrap(), reuse, "nothing written");
}

/// The previous revision gives a retired number the text its stage had.
#[test]
fn a_retired_number_keeps_the_old_text_when_the_previous_revision_is_given() {
    let dir = temp_dir("previous");
    let old = "actor p \"P\"\nstart 1 a \"Alpha\" by p\nstep 2 b \"Beta step\" by p within 1d\nend 3 c \"Closed\" by p\na -> b -> c\n";
    std::fs::write(dir.join("old.flow"), old).unwrap();
    std::fs::write(dir.join("new.flow"), "actor p \"P\"\nstart 1 a \"Alpha\" by p\nend 3 c \"Closed\" by p\na -> c\n")
        .unwrap();
    let run = referflow(&dir, &["number", "--previous", "old.flow", "new.flow"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let new = std::fs::read_to_string(dir.join("new.flow")).unwrap();
    assert_eq!(
        new,
        "numbering last 3\nretired 2 \"Beta step\"\nactor p \"P\"\nstart 1 a \"Alpha\" by p\nend 3 c \"Closed\" by p\na -> c\n"
    );
}

/// `--check` writes nothing and says what would change; `-` reads standard input and writes
/// the numbered chart to standard output; a chart that does not parse is left alone.
#[test]
fn check_and_standard_input_change_no_file() {
    let dir = temp_dir("check");
    let src = "# the chart\nactor p \"P\"\nstart a \"A\" by p # where it starts\nend b \"B\" by p\na -> b\n";
    std::fs::write(dir.join("c.flow"), src).unwrap();
    let run = referflow(&dir, &["number", "--check", "c.flow"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("would change: numbered 2 stages (`a` 1, `b` 2)"), "{}", text(&run.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("c.flow")).unwrap(), src);

    let mut child = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["number", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), src.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "numbering last 2\n# the chart\nactor p \"P\"\nstart 1 a \"A\" by p # where it starts\nend 2 b \"B\" by p\na -> b\n"
    );

    let broken = "actor p \"P\"\nstart a \"A\" by p\nend b \"B by p\na -> b\n";
    std::fs::write(dir.join("broken.flow"), broken).unwrap();
    let run = referflow(&dir, &["number", "broken.flow"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("nothing was changed"), "{}", text(&run.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("broken.flow")).unwrap(), broken);
}

/// Stages of an included file are numbered in that file, in the chart's reading order.
#[test]
fn stages_of_included_files_are_numbered_where_they_are() {
    let dir = temp_dir("include");
    std::fs::write(dir.join("main.flow"), "title \"T\"\ninclude \"more.flow\"\nstart a \"A\" by p\na -> b\n").unwrap();
    std::fs::write(dir.join("more.flow"), "actor p \"P\"\nend b \"B\" by p\n").unwrap();
    let run = referflow(&dir, &["number", "main.flow"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("main.flow")).unwrap(),
        "title \"T\"\nnumbering last 2\ninclude \"more.flow\"\nstart 1 a \"A\" by p\na -> b\n"
    );
    assert_eq!(std::fs::read_to_string(dir.join("more.flow")).unwrap(), "actor p \"P\"\nend 2 b \"B\" by p\n");
}

/// Diagnostics about a numbered stage name its step; the JSON report carries it. A chart
/// that requires numbers warns about an unnumbered stage, and the hearing pack refuses it.
#[test]
fn diagnostics_name_the_step_and_the_hearing_requires_numbers() {
    let dir = temp_dir("diagnostics");
    let src = "numbering required last 3\nactor p \"P\"\nstart 1 a \"A\" by p\nstep 3 lost \"Lost\" by p within 1d\n\
               step loose \"Loose\" by p within 1d\nend 2 b \"B\" by p\na -> loose -> b\n";
    std::fs::write(dir.join("c.flow"), src).unwrap();
    let run = referflow(&dir, &["check", "--format", "json", "c.flow"]);
    assert_eq!(run.status.code(), Some(0), "warnings only");
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let unreachable = diagnostics.iter().find(|d| d["code"] == "RF101").unwrap();
    assert_eq!(unreachable["stage"], "lost");
    assert_eq!(unreachable["step"], 3);
    assert!(unreachable["message"].as_str().unwrap().contains("`lost` (step 3)"), "{unreachable}");
    let unnumbered = diagnostics.iter().find(|d| d["code"] == "RF111").unwrap();
    assert_eq!(unnumbered["severity"], "warning");
    assert_eq!(unnumbered["stage"], "loose");

    let run = referflow(&dir, &["build", "--hearing", "c.flow", "-o", "out"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(stderr.contains("RF111") && stderr.contains("the chart has errors"), "{stderr}");
    assert!(!dir.join("out").join("c.hearing.pdf").exists());
}

/// A mistyped `last` or a number at the top of the range is a clear error, and nothing is
/// written: numbering never loops over four billion numbers nor wraps around to 0.
#[test]
fn impossible_numbers_are_refused_without_writing() {
    let dir = temp_dir("hostile");
    for (src, cause) in [
        (
            "numbering last 4000000000\nactor p \"P\"\nstart a \"A\" by p\nend b \"B\" by p\na -> b\n",
            "`numbering last 4000000000` says 4000000000 numbers were given to stages no longer in the chart",
        ),
        (
            "actor p \"P\"\nstart 4294967295 a \"A\" by p\nend b \"B\" by p\na -> b\n",
            "no step number is left above 4294967295",
        ),
    ] {
        std::fs::write(dir.join("c.flow"), src).unwrap();
        let run = referflow(&dir, &["number", "c.flow"]);
        assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
        assert!(text(&run.stderr).contains(cause), "{}", text(&run.stderr));
        assert_eq!(std::fs::read_to_string(dir.join("c.flow")).unwrap(), src);
    }
    // Numbers missing below `last` are retired after the `retired` lines already there.
    let src = "numbering last 6\nretired 2\nactor p \"P\"\nstart 1 a \"A\" by p\nend 4 b \"B\" by p\na -> b\n";
    std::fs::write(dir.join("c.flow"), src).unwrap();
    assert_eq!(referflow(&dir, &["number", "c.flow"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("c.flow")).unwrap(),
        "numbering last 6\nretired 2\nretired 3\nretired 5\nretired 6\nactor p \"P\"\nstart 1 a \"A\" by p\nend 4 b \"B\" by p\na -> b\n"
    );
}
