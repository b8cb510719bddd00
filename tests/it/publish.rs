//! `render` and `build` on the real binary: formats, refusals, safe writes, the bundle, the
//! HTML page.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{graphviz, root};

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn referflow_with_path(args: &[&str], path_var: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_referflow"));
    command.args(args).current_dir(root()).env_remove("NO_COLOR");
    if let Some(p) = path_var {
        command.env("PATH", p);
    }
    let out = command.output().unwrap();
    Run { code: out.status.code().unwrap(), stdout: out.stdout, stderr: String::from_utf8(out.stderr).unwrap() }
}

fn referflow(args: &[&str]) -> Run {
    referflow_with_path(args, None)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-publish-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn render_refuses_a_chart_with_errors_and_shows_why() {
    let run = referflow(&["render", "tests/fixtures/invalid/RF003-unknown-reference.flow", "--to", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("RF003 unknown-reference"));
    assert!(run.stderr.ends_with("the chart has errors; fix them before publishing\n"), "{}", run.stderr);
}

#[test]
fn render_prints_warnings_and_still_renders() {
    let run = referflow(&["render", "tests/fixtures/invalid/RF109-unused-actor.flow", "--to", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("RF109 unused-actor"));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["version"], 1);
}

#[test]
fn render_rejects_an_undeclared_language() {
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "md", "--lang", "th"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: examples/uk-nrm.flow: `th` is not a declared language (declared: en)\n");
}

#[test]
fn render_never_writes_over_its_input() {
    let dir = temp_dir("input");
    let chart = dir.join("chart.flow");
    std::fs::copy(root().join("examples/uk-nrm.flow"), &chart).unwrap();
    let before = std::fs::read(&chart).unwrap();
    let run = referflow(&["render", chart.to_str().unwrap(), "--to", "md", "-o", chart.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("refusing to write over the input chart"));
    assert_eq!(std::fs::read(&chart).unwrap(), before);
}

#[test]
fn render_writes_output_files_whole_and_leaves_no_temporary_file() {
    let dir = temp_dir("out");
    let out = dir.join("model.json");
    std::fs::write(&out, "old").unwrap();
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["languages"], serde_json::json!(["en"]));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "a temporary file was left behind");
    // A failed render leaves the old file as it was.
    let before = std::fs::read(&out).unwrap();
    let run = referflow(&[
        "render",
        "tests/fixtures/invalid/RF007-no-start.flow",
        "--to",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A diagram that cannot be laid out (no room for its text) writes nothing either.
    let run = referflow(&[
        "render",
        "examples/uk-nrm.flow",
        "--to",
        "svg",
        "--page",
        "a4",
        "--min-font",
        "144",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "a temporary file was left behind");
}

#[test]
fn no_format_needs_graphviz() {
    // referflow lays the diagram out itself: svg, png, pdf and html come without `dot`.
    for format in ["svg", "png", "pdf", "html", "dot"] {
        let run = referflow_with_path(&["render", "examples/uk-nrm.flow", "--to", format], Some("/nonexistent"));
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
    }
    let dir = temp_dir("build-no-dot");
    let run =
        referflow_with_path(&["build", "examples/gbv-pathway.flow", "-o", dir.to_str().unwrap()], Some("/nonexistent"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "gbv-pathway.dot",
            "gbv-pathway.html",
            "gbv-pathway.json",
            "gbv-pathway.md",
            "gbv-pathway.mmd",
            "gbv-pathway.svg"
        ]
    );
}

/// The tags of an HTML page: from each `<` to the next `>`.
fn tags(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn bundle(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_writes_the_whole_bundle_in_every_language_deterministically() {
    if !graphviz() {
        return;
    }
    let dir = temp_dir("build");
    let run = referflow(&["build", "examples/thailand-nrm.flow", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = bundle(&dir);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "thailand-nrm.dot",
            "thailand-nrm.html",
            "thailand-nrm.json",
            "thailand-nrm.leaflet.html",
            "thailand-nrm.leaflet.pdf",
            "thailand-nrm.md",
            "thailand-nrm.mmd",
            "thailand-nrm.svg",
            "thailand-nrm.th.dot",
            "thailand-nrm.th.leaflet.html",
            "thailand-nrm.th.leaflet.pdf",
            "thailand-nrm.th.md",
            "thailand-nrm.th.mmd",
            "thailand-nrm.th.svg"
        ]
    );
    for (name, bytes) in &files {
        assert!(!bytes.is_empty(), "{name} is empty");
    }
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert_eq!(stdout.lines().count(), files.len());
    // The same chart gives the same bytes.
    let again = temp_dir("build-again");
    assert_eq!(referflow(&["build", "examples/thailand-nrm.flow", "-o", again.to_str().unwrap()]).code, 0);
    assert_eq!(bundle(&again), files);
}

#[test]
fn the_html_page_is_self_contained_and_carries_no_script() {
    if !graphviz() {
        return;
    }
    for chart in ["examples/thailand-nrm.flow", "tests/fixtures/hostile/labels.flow"] {
        let run = referflow(&["render", chart, "--to", "html"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let page = String::from_utf8(run.stdout).unwrap();
        assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
        // Every real tag (user text shows as `&lt;…`, never as `<`): no script, no event
        // handler, no javascript: URL, nothing fetched from the network.
        for tag in tags(&page) {
            let lower = tag.to_lowercase();
            assert!(!lower.starts_with("<script"), "{chart}: a script element: {tag}");
            assert!(!lower.contains("javascript:"), "{chart}: a javascript: URL: {tag}");
            assert!(
                !lower.contains("src=\"http") && !lower.contains("href=\"http"),
                "{chart}: a network resource: {tag}"
            );
            for attribute in lower.split_whitespace().skip(1) {
                assert!(!(attribute.starts_with("on") && attribute.contains('=')), "{chart}: an event handler: {tag}");
            }
        }
        assert!(page.contains("<svg"));
        assert!(page.contains("<title>"));
    }
    let page = String::from_utf8(referflow(&["render", "examples/thailand-nrm.flow", "--to", "html"]).stdout).unwrap();
    assert!(page.contains(
        "<input type=\"radio\" name=\"lang\" id=\"lang-1\" value=\"th\"><label for=\"lang-1\" lang=\"th\">ไทย</label>"
    ));
    assert!(page.contains("<section class=\"lang lang-1\" lang=\"th\">"));
}

/// The text formats go out a megabyte at a time: on a chart whose outputs are several
/// megabytes, standard output, an output file and the library's string are the same bytes.
#[test]
fn text_formats_written_as_they_are_made_are_whole() {
    let dir = temp_dir("stream");
    let chart = dir.join("big.flow");
    let mut src = String::from("title \"Big\" th \"ใหญ่\"\nlanguages en th\nactor a \"Agency\" { th \"หน่วยงาน\" }\n");
    src.push_str("start s0 \"Case received\" by a { th \"รับเรื่อง\"; -> s1 }\n");
    for i in 1..12000 {
        src.push_str(&format!(
            "step s{i} \"Screen with the national screening form ({i})\" by a within 2d {{\n  th \"คัดกรอง ({i})\"\n  -> s{}\n}}\n",
            i + 1
        ));
    }
    src.push_str("end s12000 \"Closed\" by a { th \"ปิด\" }\n");
    std::fs::write(&chart, &src).unwrap();
    let checked = referflow_check::check(&referflow_syntax::parse(&src));
    let library = referflow_emit::chart::Chart::new(&checked.model, &checked.diagnostics);
    let options = referflow_emit::chart::RenderOptions::default(); // as `--no-diagram`
    for (to, expected) in [
        ("dot", referflow_emit::dot::render_dot(&library, &options)),
        ("md", referflow_emit::markdown::render_markdown(&library, &options)),
        ("json", referflow_emit::model_json::render_model_json(&library, &src)),
    ] {
        assert!(expected.len() > 2 << 20, "{to} is {} bytes: too small to test", expected.len());
        let out = dir.join(format!("out.{to}"));
        let run = referflow(&["render", chart.to_str().unwrap(), "--to", to, "--no-diagram"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout == expected.as_bytes(), "{to}: standard output differs");
        let run =
            referflow(&["render", chart.to_str().unwrap(), "--to", to, "--no-diagram", "-o", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(std::fs::read(&out).unwrap() == expected.as_bytes(), "{to}: the file differs");
    }
}
