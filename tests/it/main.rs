//! Integration tests: fixtures with snapshots, the grammar, and the real binary.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod accessibility;
mod batches;
mod cli;
mod comments;
mod diagram;
mod diff;
mod dot_output;
mod fast_path;
mod fixtures;
mod fmt;
mod fonts;
mod framing;
mod glossary;
mod grammar;
mod graph_props;
mod hostile;
mod include;
mod leaflet;
mod lsp;
mod markdown_output;
mod mermaid_output;
mod model_output;
mod number;
mod output_safety;
mod playground;
mod publish;
mod rules;
mod serve;
mod since;
mod step_numbers;
mod tagged_pdf;
mod translate;

use std::path::Path;

use referflow_emit::Source;
use referflow_emit::diagnostics::{self, FileReport, HumanOptions};

/// The diagnostics of `src` as a person sees them: miette's report without colour, 100
/// columns wide, so snapshots are stable.
pub fn check_src(name: &str, src: &str) -> String {
    let parsed = referflow_syntax::parse(src);
    let checked = referflow_check::check(&parsed);
    let reports = [FileReport { source: Source { name, text: src, path: None }, diagnostics: &checked.diagnostics }];
    diagnostics::render_human(&reports, HumanOptions { color: false, width: Some(100) })
}

/// The codes of the diagnostics of `src`, in order.
pub fn codes(src: &str) -> Vec<&'static str> {
    let parsed = referflow_syntax::parse(src);
    referflow_check::check(&parsed).diagnostics.iter().map(|d| d.rule.code()).collect()
}

/// Whether Graphviz's `dot` is on PATH. Without it the tests that lay out charts are skipped,
/// except in CI (`CI=true`), where a missing Graphviz would silently skip them: there this
/// panics.
pub fn graphviz() -> bool {
    let found = std::process::Command::new("dot").arg("-V").output().is_ok_and(|out| out.status.success());
    if !found && std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("Graphviz's `dot` is not on PATH, and CI=true: install Graphviz (e.g. `apt-get install graphviz`)");
    }
    found
}

/// Whether the tests run in CI (`CI=true`), where a missing outside program fails a test
/// instead of skipping it.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci.eq_ignore_ascii_case("true") || ci == "1")
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every chart of the project, sorted: the fixtures (all folders) and the examples.
pub fn chart_paths() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "flow") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join("tests/fixtures"), &mut paths);
    walk(&root().join("examples"), &mut paths);
    paths.sort();
    assert!(paths.len() > 50, "{paths:?}");
    paths
}

/// A fixture's name relative to the repository, with `/` separators.
pub fn fixture_name(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// The folder with tests/browser's scripts (live.mjs, axe.mjs, playground.mjs) and their node_modules
/// (playwright-core, axe-core), installed on first use by [`npm_install`]. `None` (skip) when
/// node, npm or Chromium (`CHROMIUM`, else /usr/bin/chromium) is missing, unless `CI=true`,
/// where that fails `what`.
pub fn browser(what: &str) -> Option<std::path::PathBuf> {
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| std::path::PathBuf::from("/usr/bin/chromium"), Into::into);
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let missing =
        ["node", npm].into_iter().find(|tool| std::process::Command::new(tool).arg("--version").output().is_err());
    let missing = missing.map(|tool| format!("`{tool}` is not on PATH")).or_else(|| {
        (!chromium.is_file()).then(|| format!("{} is missing (Debian's `chromium` package)", chromium.display()))
    });
    if let Some(missing) = missing {
        assert!(!ci(), "{missing}: {what} needs node, npm and Chromium (CI=true, so it may not be skipped)");
        eprintln!("skipping {what}: {missing}");
        return None;
    }
    Some(npm_install("browser", &["package.json", "package-lock.json", "live.mjs", "axe.mjs", "playground.mjs"], what))
}

/// Installs the npm packages of `tests/<folder>` once (`npm ci`) into a cache under the
/// target folder keyed by the files' contents, and returns that cache. An install goes to a
/// staging folder first and is renamed into place, so concurrent runs never see half of one;
/// within a run, one test installs while the others wait for it.
pub fn npm_install(folder: &str, files: &[&str], what: &str) -> std::path::PathBuf {
    use std::fs;
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that failed while holding the lock left no half install behind (see below).
    let _installing = INSTALLING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let source = root().join("tests").join(folder);
    let contents: Vec<Vec<u8>> = files.iter().map(|f| fs::read(source.join(f)).unwrap()).collect();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join(format!("{folder}-{:016x}", fnv1a(&contents)));
    if dir.join("node_modules").is_dir() {
        return dir;
    }
    let staging = tmp.join(format!("{folder}-staging-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).unwrap();
    for (file, content) in files.iter().zip(&contents) {
        fs::write(staging.join(file), content).unwrap();
    }
    let output = std::process::Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&staging)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`npm ci` in {} failed ({what} needs the npm registry once): {}",
        staging.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    // Left by an interrupted run: a folder without node_modules.
    if dir.exists() && !dir.join("node_modules").is_dir() {
        let _ = fs::remove_dir_all(&dir);
    }
    if fs::rename(&staging, &dir).is_err() {
        // Another run installed it first.
        assert!(dir.join("node_modules").is_dir(), "could not move {} to {}", staging.display(), dir.display());
        let _ = fs::remove_dir_all(&staging);
    }
    dir
}

/// FNV-1a over the files, stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(files: &[Vec<u8>]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in files.iter().flat_map(|f| f.iter().chain(&[0xff])) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
