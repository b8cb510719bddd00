//! The checker's parts on generated charts: parsing (with the hand-written reader for stages,
//! and with pest alone), parsing and resolving in batches as `referflow check` does (from the
//! text, and from a reader a piece at a time), name resolution, and each family of rules. `bench/run.py` times the whole program against
//! Graphviz; these say where the time goes.
//!
//!     cargo bench -p referflow-check
//!
//! The charts come from `bench/generate.py` (the same as `bench/run.py` uses, cached in
//! `bench/out/`), so this needs `python3`.

use std::path::PathBuf;
use std::process::Command;

use divan::Bencher;
use referflow_check::{Level, Levels, Model, Rule, parts};

/// The allocator of the `referflow` binary, so that these times are its times.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [10_000, 100_000];

/// The text of a generated chart of `stages` stages.
fn chart(stages: usize) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("bench/out");
    let flow = out.join(format!("chart-{stages}.flow"));
    if !flow.exists() {
        std::fs::create_dir_all(&out).expect("bench/out");
        let status = Command::new("python3")
            .arg(root.join("bench/generate.py"))
            .arg(stages.to_string())
            .arg(&flow)
            .arg(out.join(format!("chart-{stages}.dot")))
            .status()
            .expect("python3 runs bench/generate.py");
        assert!(status.success(), "bench/generate.py failed");
    }
    std::fs::read_to_string(flow).expect("the generated chart")
}

#[divan::bench(args = SIZES)]
fn parse(bencher: Bencher, stages: usize) {
    let src = chart(stages);
    bencher.bench(|| referflow_syntax::parse(&src));
}

#[divan::bench(args = SIZES)]
fn parse_pest_only(bencher: Bencher, stages: usize) {
    let src = chart(stages);
    bencher.bench(|| referflow_syntax::parse_with_pest_only(&src));
}

/// Parsing and resolution in batches, and the rules: all of `check` but reading the file.
#[divan::bench(args = SIZES)]
fn check_source(bencher: Bencher, stages: usize) {
    let src = chart(stages);
    bencher.bench(|| referflow_check::check_source(&src, &Levels::default()));
}

/// The same a piece at a time, keeping no prose, as `referflow check` reads a file over
/// 8 MiB: 100k stages are three pieces, 10k one. Unlike `check_source` it includes copying
/// the pieces (`referflow check` reads them from the file on another thread).
#[divan::bench(args = SIZES)]
fn check_in_pieces(bencher: Bencher, stages: usize) {
    let src = chart(stages);
    bencher.bench(|| {
        let arena = bumpalo::Bump::new();
        let checked = referflow_check::check_in_pieces(&src, referflow_check::READ_WINDOW, &arena, &Levels::default());
        checked.map(|c| c.diagnostics.len()).ok()
    });
}

#[divan::bench(args = SIZES)]
fn resolve(bencher: Bencher, stages: usize) {
    let src = chart(stages);
    let file = referflow_syntax::parse(&src);
    bencher.bench(|| parts::resolve(&file));
}

/// The rule families, each alone. Every family but the requirements runs on the chart without
/// its requirements, since those are judged whatever the levels.
const FAMILIES: [(&str, &[Rule]); 6] = [
    ("reachability", &[Rule::UnreachableStage, Rule::DeadEnd]),
    ("loops", &[Rule::NoWayOut]),
    ("branches", &[Rule::LonelyDecision, Rule::UnlabelledBranch, Rule::DuplicateBranch, Rule::DuplicateEdge]),
    ("owners", &[Rule::UnownedStage, Rule::UnusedActor]),
    ("translations", &[Rule::MissingTranslation]),
    ("requirements", &[]),
];

#[divan::bench(args = ["reachability", "loops", "branches", "owners", "translations", "requirements"], consts = SIZES)]
fn rules<const STAGES: usize>(bencher: Bencher, family: &str) {
    let src = chart(STAGES);
    let file = referflow_syntax::parse(&src);
    let mut model: Model<'_> = parts::resolve(&file);
    let (_, rules) = FAMILIES.iter().find(|(name, _)| *name == family).expect("a family");
    let mut levels = Levels::default();
    for rule in Rule::ALL {
        if !rules.contains(rule) {
            let _ = levels.set(*rule, Level::Allow); // the fixed rules (RF001-RF009) stay
        }
    }
    if family != "requirements" {
        model.requirements.clear();
    }
    bencher.bench(|| parts::rules(&model, &levels));
}
