//! The playground's API (crates/referflow-wasm) against the real binary: on every chart of the
//! project, `check` gives what `referflow check --format json chart.flow` prints, and `render`
//! what `referflow render` prints, or its refusal in the same words. The API calls the
//! library functions the binary calls; these tests are what keeps the two one implementation
//! (the driver reads files, includes and `referflow.toml`, which a browser has none of).
//!
//! The page built on the API, in a browser, is tested in `page.rs`.

mod page;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{chart_paths, fixture_name};

/// A folder of its own holding `chart.flow`, the name the API gives every chart; no
/// `referflow.toml` in it or above it, so the binary checks at the default levels, as the
/// browser does.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("playground-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.ancestors().map(|d| d.join("referflow.toml")).find(|c| c.exists());
        assert!(config.is_none(), "{config:?} would set the levels of the charts checked here");
        Folder(dir)
    }

    /// Runs the binary here on `chart.flow` holding `text`: exit code, stdout, stderr.
    fn run(&self, text: &str, args: &[&str]) -> (i32, String, String) {
        std::fs::write(self.0.join("chart.flow"), text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(&self.0).output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn charts() -> Vec<(String, String)> {
    chart_paths().iter().map(|p| (fixture_name(p), std::fs::read_to_string(p).unwrap())).collect()
}

/// The declared language codes of a chart, as `info` gives them.
fn languages(text: &str) -> Vec<String> {
    let info: Value = serde_json::from_str(&referflow_wasm::info(text)).unwrap();
    info["languages"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn check_prints_what_the_binary_prints_for_every_chart() {
    let folder = Folder::new("check");
    for (name, text) in charts() {
        let (_, stdout, stderr) = folder.run(&text, &["check", "--format", "json", "chart.flow"]);
        assert_eq!(stderr, "", "{name}");
        assert_eq!(referflow_wasm::check(&text), stdout, "{name}");
    }
}

/// Every format the binary also writes, in every declared language and in the first for `""`;
/// a chart with errors refused in the binary's words.
#[test]
fn render_prints_what_the_binary_prints_for_every_chart() {
    let folder = Folder::new("render");
    let formats: [(&str, &[&str]); 4] = [
        ("dot", &["--to", "dot"]),
        ("md", &["--to", "md", "--no-diagram"]),
        ("mermaid", &["--to", "mermaid"]),
        ("json", &["--to", "json"]),
    ];
    let mut rendered = 0;
    for (name, text) in charts() {
        let (code, _, stderr) = folder.run(&text, &["render", "--to", "dot", "chart.flow"]);
        if code == 1 {
            let refusal = referflow_wasm::render(&text, "dot", "").unwrap_err();
            assert_eq!(stderr.lines().last(), Some(format!("error: {refusal}").as_str()), "{name}");
            continue;
        }
        assert_eq!(code, 0, "{name}: {stderr}");
        for (i, lang) in languages(&text).iter().enumerate() {
            for (format, flags) in formats {
                let args = [&["render"], flags, &["--lang", lang, "chart.flow"]].concat();
                let (code, stdout, stderr) = folder.run(&text, &args);
                assert_eq!(code, 0, "{name} {args:?}: {stderr}");
                assert_eq!(referflow_wasm::render(&text, format, lang).unwrap(), stdout, "{name} {args:?}");
                if i == 0 {
                    assert_eq!(referflow_wasm::render(&text, format, "").unwrap(), stdout, "{name} {format} \"\"");
                }
                rendered += 1;
            }
        }
    }
    assert!(rendered > 40, "only {rendered} renderings compared");
}

#[test]
fn an_undeclared_language_is_refused_in_the_binarys_words() {
    let folder = Folder::new("lang");
    let text = std::fs::read_to_string(crate::root().join("examples/thailand-nrm.flow")).unwrap();
    let (code, _, stderr) = folder.run(&text, &["render", "--to", "dot", "--lang", "fr", "chart.flow"]);
    assert_eq!(code, 2);
    let refusal = referflow_wasm::render(&text, "dot", "fr").unwrap_err();
    assert_eq!(stderr, format!("error: {refusal}\n"));
}

/// The binary cannot read a missing file, and the browser no file at all: both report the
/// `include` as RF010 at the same place; only the words differ, the browser's saying why.
#[test]
fn an_include_is_rf010_where_the_binary_reports_a_missing_file() {
    let folder = Folder::new("include");
    let text = "actor a \"A\"\ninclude \"agencies.flow\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n";
    let (code, stdout, _) = folder.run(text, &["check", "--format", "json", "chart.flow"]);
    assert_eq!(code, 1);
    let mut cli: Value = serde_json::from_str(&stdout).unwrap();
    let mut api: Value = serde_json::from_str(&referflow_wasm::check(text)).unwrap();
    for report in [&mut cli, &mut api] {
        let include = &mut report["diagnostics"][0];
        assert_eq!(include["code"], "RF010", "{include}");
        include["message"] = Value::Null;
        include["help"] = Value::Null;
    }
    assert_eq!(api, cli);
    let refusal = referflow_wasm::render(text, "dot", "").unwrap_err();
    let (code, _, stderr) = folder.run(text, &["render", "--to", "dot", "chart.flow"]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().last(), Some(format!("error: {refusal}").as_str()));
}

#[test]
fn version_is_the_binarys() {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("referflow {}\n", referflow_wasm::version()));
}
