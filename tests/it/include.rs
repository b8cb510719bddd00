//! Charts of several files (`include`), against the real binary: the files are read by the
//! driver, checked as one chart, and every diagnostic is reported in the file it is about.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder of its own under the system's temporary folder, emptied first and removed when
/// the test ends.
struct Folder(PathBuf);

impl std::ops::Deref for Folder {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn folder(name: &str) -> Folder {
    let dir = std::env::temp_dir().join(format!("referflow-include-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Folder(dir)
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Exit code, stdout and stderr of the binary run in `dir`.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

const AGENCIES: &str = "actor police \"Royal Thai Police\"\nactor mdt \"Multidisciplinary team\"\n";
const CHART: &str = "title \"Chart\"\ninclude \"shared/agencies.flow\"\nstart tip \"Tip-off\" by police\nstep screen \"Screen\" by mdt\nend closed \"Closed\" by mdt\ntip -> screen -> closed\n";

#[test]
fn a_chart_of_two_files_checks_clean_and_renders() {
    let dir = folder("clean");
    write(&dir, "shared/agencies.flow", AGENCIES);
    write(&dir, "chart.flow", CHART);
    let (code, _, stderr) = run(&dir, &["check", "-D", "warnings", "chart.flow"]);
    assert_eq!(code, 0, "{stderr}");
    // The folder: the shared file is checked as part of the chart, not alone (it has no start).
    let (code, _, stderr) = run(&dir, &["check", "-D", "warnings", "."]);
    assert_eq!(code, 0, "{stderr}");
    let (code, md, stderr) = run(&dir, &["render", "chart.flow", "--to", "md"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(md.contains("Royal Thai Police") && md.contains("Multidisciplinary team"), "{md}");
}

#[test]
fn a_diagnostic_is_reported_in_the_file_and_on_the_line_it_is_about() {
    let dir = folder("where");
    write(
        &dir,
        "shared/agencies.flow",
        "actor police \"Royal Thai Police\"\nactor mdt \"MDT\" {\n  note \"x\" zz \"y\"\n}\n",
    );
    write(&dir, "chart.flow", &format!("{CHART}actor police \"Again\"\n"));
    let (code, json, _) = run(&dir, &["check", "--format", "json", "chart.flow"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(String, String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["file"].as_str().unwrap().into(),
                d["span"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(found.contains(&("RF006".into(), "shared/agencies.flow".into(), 3)), "{found:?}");
    assert!(found.contains(&("RF002".into(), "chart.flow".into(), 7)), "{found:?}");
    // The duplicate points at the first definition, in the other file, in every format.
    let (_, _, human) = run(&dir, &["check", "chart.flow"]);
    assert!(human.contains("shared/agencies.flow:1:7"), "{human}");
    let duplicate = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "RF002").unwrap();
    assert_eq!(duplicate["related"][0]["file"], "shared/agencies.flow", "{duplicate}");
    assert_eq!(duplicate["related"][0]["span"]["line"], 1, "{duplicate}");
    let (_, sarif, _) = run(&dir, &["check", "--format", "sarif", "chart.flow"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    crate::rules::assert_valid_sarif(&sarif);
    let result = sarif["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "RF002").unwrap();
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "chart.flow");
    let other = &result["relatedLocations"][0]["physicalLocation"];
    assert_eq!(other["artifactLocation"]["uri"], "shared/agencies.flow", "{result}");
    assert_eq!(other["region"]["startLine"], 1, "{result}");
}

#[test]
fn an_include_out_of_the_folder_a_url_an_absolute_path_or_a_cycle_is_an_error_and_nothing_outside_is_read() {
    let outside = folder("outside");
    write(&outside, "secret.flow", "SECRET_9f3 must never be printed\n");
    let dir = folder("bad");
    let charts = dir.join("charts");
    write(&charts, "a.flow", "include \"b.flow\"\nactor a \"A\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n");
    write(&charts, "b.flow", "include \"a.flow\"\n");
    std::os::unix::fs::symlink(outside.join("secret.flow"), charts.join("link.flow")).unwrap();
    let secret = outside.join("secret.flow");
    let cases = [
        ("up.flow", "include \"../../".to_string() + outside.file_name().unwrap().to_str().unwrap() + "/secret.flow\""),
        ("url.flow", "include \"https://example.org/agencies.flow\"".to_string()),
        ("absolute.flow", format!("include \"{}\"", secret.display())),
        ("link-in.flow", "include \"link.flow\"".to_string()),
        ("missing.flow", "include \"nowhere.flow\"".to_string()),
    ];
    for (name, line) in &cases {
        write(&charts, name, &format!("{line}\nactor a \"A\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n"));
        let (code, stdout, stderr) = run(&dir, &["check", &format!("charts/{name}")]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("RF010"), "{name}: {stderr}");
        assert!(stderr.contains(&format!("charts/{name}:1:9")), "{name}: {stderr}");
        assert!(!stdout.contains("SECRET") && !stderr.contains("SECRET"), "{name}: the file outside was read");
    }
    let (code, _, stderr) = run(&dir, &["check", "charts/a.flow"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("the includes form a cycle: charts/a.flow → charts/b.flow → charts/a.flow"), "{stderr}");
}

#[test]
fn the_bundled_thai_chart_split_into_agencies_and_chart_publishes_as_one_file_does() {
    // Its actors (with their blocks and the comments between them) moved to `agencies.flow`,
    // an `include` where they were.
    let whole = std::fs::read_to_string(crate::root().join("examples/thailand-nrm.flow")).unwrap();
    let parsed = referflow_syntax::parse(&whole);
    let actors: Vec<referflow_syntax::Span> = parsed
        .statements
        .iter()
        .filter_map(|s| match s {
            referflow_syntax::Statement::Actor(a) => Some(a.span),
            _ => None,
        })
        .collect();
    let (first, last) = (actors[0].start as usize, actors.last().unwrap().end as usize);
    let dir = folder("thai");
    write(&dir, "agencies.flow", &format!("{}\n", &whole[first..last]));
    write(&dir, "thailand-nrm.flow", &format!("{}include \"agencies.flow\"{}", &whole[..first], &whole[last..]));
    write(&dir, "whole/thailand-nrm.flow", &whole);
    let (code, _, stderr) = run(&dir, &["check", "-D", "warnings", "thailand-nrm.flow"]);
    assert_eq!(code, 0, "{stderr}");
    for to in ["md", "mermaid", "html"] {
        let (code, split, stderr) = run(&dir, &["render", "thailand-nrm.flow", "--to", to]);
        assert_eq!(code, 0, "{stderr}");
        let (_, one, _) = run(&dir, &["render", "whole/thailand-nrm.flow", "--to", to]);
        assert!(split == one, "--to {to}: the split chart publishes differently");
    }
}

#[test]
fn diff_compares_whole_charts_with_what_they_include() {
    let dir = folder("diff");
    write(&dir, "old/shared/agencies.flow", AGENCIES);
    write(&dir, "old/chart.flow", CHART);
    write(&dir, "new/shared/agencies.flow", &AGENCIES.replace("Royal Thai Police", "Provincial police"));
    write(&dir, "new/chart.flow", CHART);
    let (code, md, stderr) = run(&dir, &["diff", "old/chart.flow", "new/chart.flow"]);
    assert_eq!(code, 1, "changes found: {stderr}");
    assert!(md.contains("Provincial police"), "{md}");
    // The same files: no change at all (nothing defined in the included file is "removed").
    let (code, md, _) = run(&dir, &["diff", "old/chart.flow", "old/chart.flow"]);
    assert_eq!(code, 0, "{md}");
}

#[test]
fn a_chart_larger_than_a_piece_reads_its_includes_too() {
    // Over 8 MiB, `check` reads a chart a piece at a time; an include sends it to the whole
    // chart's reading instead of leaving the included ids unknown.
    let dir = folder("large");
    write(&dir, "shared/agencies.flow", AGENCIES);
    let padding = "# a comment that makes the chart large\n".repeat(9 << 20 >> 5);
    write(&dir, "chart.flow", &format!("{CHART}{padding}"));
    let (code, _, stderr) = run(&dir, &["check", "-D", "warnings", "chart.flow"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn fmt_formats_every_file_of_a_chart_in_place() {
    let dir = folder("fmt");
    write(
        &dir,
        "shared/agencies.flow",
        "actor   police  \"Royal Thai Police\"\nactor mdt \"Multidisciplinary team\"\n",
    );
    write(
        &dir,
        "chart.flow",
        &CHART.replace("include \"shared/agencies.flow\"", "include    \"shared/agencies.flow\""),
    );
    let (code, stdout, _) = run(&dir, &["fmt", "--check", "chart.flow"]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "chart.flow\nshared/agencies.flow\n");
    let (code, _, stderr) = run(&dir, &["fmt", "chart.flow"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("shared/agencies.flow")).unwrap(), AGENCIES);
    assert_eq!(std::fs::read_to_string(dir.join("chart.flow")).unwrap(), CHART);
}

#[test]
fn the_model_json_places_a_stage_in_the_file_that_defines_it() {
    let dir = folder("json");
    write(&dir, "charts/shared/agencies.flow", AGENCIES);
    write(&dir, "charts/shared/intake.flow", "# Intake\n\nstart tip \"Tip-off\" by police\n");
    let chart = "include \"shared/agencies.flow\"\ninclude \"shared/intake.flow\"\nend closed \"Closed\" by mdt\ntip -> closed\n";
    write(&dir, "charts/chart.flow", chart);
    let (code, json, stderr) = run(&dir, &["render", "charts/chart.flow", "--to", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let stage = |id: &str| json["stages"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap().clone();
    let tip = stage("tip");
    assert_eq!(tip["span"]["file"], "shared/intake.flow", "{tip}");
    assert_eq!((tip["span"]["line"].as_u64(), tip["span"]["column"].as_u64()), (Some(3), Some(1)), "{tip}");
    let closed = stage("closed");
    assert!(closed["span"].get("file").is_none(), "the chart's own file is not named: {closed}");
    assert_eq!(closed["span"]["line"], 3);
}
