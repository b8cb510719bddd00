//! The properties the fuzz targets check, one function per target. The same file is compiled
//! into the integration tests (`tests/it/hostile.rs`), where proptest drives the same
//! properties over generated inputs on every `cargo test`, so CI checks them without a
//! nightly toolchain or libFuzzer.
//!
//! Each function panics when the library panics or breaks a property; libFuzzer records the
//! panic as a crash, and a hang as a timeout (`-timeout`).

use std::borrow::Cow;

use referflow_check::diff::compare;
use referflow_check::{Checked, Diagnostic, Levels};
use referflow_emit::Source;
use referflow_emit::chart::{Chart, Direction, RenderOptions};
use referflow_emit::diagnostics::{self, FileReport, HumanOptions, Summary};
use referflow_emit::{diff_report, dot, html, markdown, mermaid, model_json};

/// The bytes as text. The command line refuses a file that is not UTF-8 before parsing, so the
/// library only ever sees valid UTF-8; reading the bytes lossily keeps every input useful.
pub fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Parses and checks with the default rule levels.
pub fn check(src: &str) -> Checked<'_> {
    referflow_check::check(&referflow_syntax::parse(src))
}

/// Whether a command would draw the chart: no error of the language (RF0xx). `render` and
/// `build` also refuse a failed requirement (RF2xx), but `diff --format dot|svg` draws such a
/// chart, so the backends must cope with it.
pub fn drawable(checked: &Checked<'_>) -> bool {
    !checked.diagnostics.iter().any(|d| d.is_error() && d.rule.is_fixed())
}

/// `parse`: never panics; every syntax error and comment lies inside the text; the
/// hand-written reader for stages builds exactly the tree pest builds, spans included
/// ([`readers_properties`]).
pub fn parse_properties(src: &str) {
    readers_properties(src);
    let file = referflow_syntax::parse(src);
    for error in &file.errors {
        assert_span(src, error.span, &error.message);
    }
    for comment in &file.comments {
        assert!(src.get(comment.range()).is_some_and(|c| c.starts_with('#')), "a comment span that is no comment");
    }
}

/// `readers`: the two readers of the language agree on the tree, not only on accept or reject.
/// `parse` reads a stage with the hand-written reader (crates/referflow-syntax/src/fast.rs)
/// when it can and `parse_with_pest_only` never does: on any text both give the same file as
/// `{:?}` shows it, which is every statement with its kind, id, texts, items and spans, every
/// comment and every syntax error (`==` alone would skip the spans). The text is also read as
/// the block of a stage and as the body of a phase, where most of what the fast reader takes
/// stands, so that arbitrary bytes reach it more often than at the top level alone.
pub fn readers_properties(src: &str) {
    for wrapped in [
        Cow::Borrowed(src),
        Cow::Owned(format!("step s \"S\" by a within 2d {{\n{src}\n}}\n")),
        Cow::Owned(format!("phase p \"P\" {{\n{src}\n}}\n")),
    ] {
        let fast = referflow_syntax::parse(&wrapped);
        let pest = referflow_syntax::parse_with_pest_only(&wrapped);
        if format!("{fast:?}") != format!("{pest:?}") {
            let first =
                fast.statements.iter().zip(&pest.statements).find(|(f, p)| format!("{f:?}") != format!("{p:?}"));
            panic!(
                "the fast reader and pest disagree on {wrapped:?}\nfirst statement read differently (fast, pest): {first:#?}\nerrors (fast, pest): {:#?}",
                (&fast.errors, &pest.errors)
            );
        }
    }
}

/// `check`: never panics, with the default levels or with every warning an error (which
/// changes levels, never what is found); the diagnostics are in source order with spans
/// inside the text; reading the chart in batches gives the same model and diagnostics.
pub fn check_properties(src: &str) {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    assert_diagnostics_sound(src, &checked.diagnostics);
    let mut levels = Levels::default();
    levels.deny_warnings();
    let strict = referflow_check::check_with(&file, &levels);
    assert_eq!(checked.diagnostics.len(), strict.diagnostics.len(), "-D warnings changed what was found");
    // Read a few statements at a time (as `referflow check` reads), the chart checks the same.
    let batched = referflow_check::check_source_in_batches(src, &Levels::default(), 64);
    assert!(
        format!("{:?}{:?}", batched.model, batched.diagnostics)
            == format!("{:?}{:?}", checked.model, checked.diagnostics),
        "checking in batches changed the result"
    );
}

/// `check`, on the raw bytes: handing the text to a `Stream` a few bytes at a time (as
/// `referflow check` reads a large file, a piece at a time) gives the diagnostics and verdicts
/// of checking the whole text, and says a late header is late exactly when the batches say
/// so. (Reading the bytes and finding the first one that is not UTF-8 is the driver's, in
/// `src/driver/mod.rs`, with tests of its own.)
pub fn read_properties(data: &[u8]) {
    use referflow_check::{HeaderNotFirst, check_in_pieces};
    let Ok(src) = std::str::from_utf8(data) else { return };
    for window in [1, 61] {
        let arena = bumpalo::Bump::new();
        match check_in_pieces(src, window, &arena, &Levels::default()) {
            Ok(read) => {
                let checked = check(src);
                assert!(
                    format!("{:?}{:?}", read.diagnostics, read.model.verdicts)
                        == format!("{:?}{:?}", checked.diagnostics, checked.model.verdicts),
                    "reading in pieces of {window} bytes changed the result"
                );
                assert!(referflow_syntax::parse_in_batches(src, 1 << 20, |_| {}).is_ok(), "a late header missed");
            }
            Err(HeaderNotFirst) => {
                assert!(referflow_syntax::parse_in_batches(src, 1 << 20, |_| {}).is_err(), "a late header seen");
            }
        }
    }
}

/// `diagnostics`: every format (human with and without colour, JSON, SARIF, GitHub) renders
/// any file's diagnostics, and the JSON formats parse.
pub fn diagnostics_properties(src: &str) {
    let checked = check(src);
    assert_diagnostics_sound(src, &checked.diagnostics);
    let reports =
        [FileReport { source: Source { name: "fuzz.flow", text: src, path: None }, diagnostics: &checked.diagnostics }];
    diagnostics::render_human(&reports, HumanOptions { color: false, width: Some(100) });
    diagnostics::render_human(&reports, HumanOptions { color: true, width: None });
    diagnostics::summary_line(Summary::of(&reports));
    diagnostics::render_github(&reports);
    for json in [diagnostics::render_json(&reports), diagnostics::render_sarif(&reports, None)] {
        assert_json(&json);
    }
}

/// The diagnostics are in source order, and every span starts inside the text on a character
/// boundary: the reports slice the text with them.
///
/// Two known defects are tolerated until they are fixed (docs/security.md, "Fuzzing"): a
/// syntax error at the very end of a file without a final newline ends one byte past the text,
/// and the error for text right after a block's `}` is one byte long even when that text
/// starts with a wider character. The reports clamp both.
pub fn assert_diagnostics_sound(src: &str, diagnostics: &[Diagnostic]) {
    for pair in diagnostics.windows(2) {
        assert!(pair[0].span.start <= pair[1].span.start, "diagnostics out of order: {pair:?}");
    }
    for d in diagnostics {
        assert_span(src, d.span, &d.message);
        for related in &d.related {
            assert_span(src, related.span, &d.message);
        }
    }
}

fn assert_span(src: &str, span: referflow_syntax::Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(src.is_char_boundary(start), "span {start}..{end} starts outside the text or inside a character: {what}");
    assert!(src.is_char_boundary(end), "span {start}..{end} ends outside the text or inside a character: {what}");
    assert!(start <= end, "span {start}..{end} is backwards: {what}");
}

fn assert_json(json: &str) {
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(json);
    assert!(parsed.is_ok(), "not JSON: {parsed:?}");
}

/// At most this many languages are rendered per input: each costs a full rendering.
const LANGUAGES: usize = 3;

/// The options of each rendering: every declared language (up to [`LANGUAGES`]), alternating
/// the direction and the embedded diagram so both are covered.
fn options(checked: &Checked<'_>) -> Vec<RenderOptions> {
    (0..checked.model.languages.len().min(LANGUAGES))
        .map(|lang| RenderOptions {
            lang,
            direction: if lang % 2 == 0 { Direction::TopBottom } else { Direction::LeftRight },
            diagram: lang % 2 == 0,
        })
        .collect()
}

/// A chart backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Dot,
    Markdown,
    Mermaid,
    Json,
    /// The page without Graphviz's SVGs, as the live preview renders it.
    Html,
}

pub const BACKENDS: [Backend; 5] = [Backend::Dot, Backend::Markdown, Backend::Mermaid, Backend::Json, Backend::Html];

/// One backend: on any chart a command would draw, in every language, it never panics, is
/// deterministic (rendered twice, with hash maps seeded differently) and lets no markup
/// through; the JSON parses and the page keeps its Content-Security-Policy.
pub fn render_properties(src: &str, backend: Backend) {
    let checked = check(src);
    if !drawable(&checked) {
        return;
    }
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    for options in options(&checked) {
        let once = render(src, &chart, backend, &options);
        let twice = render(src, &chart, backend, &options);
        assert!(once == twice, "{backend:?} is not deterministic");
        if backend == Backend::Json {
            // JSON is data: a label's `<` stays `<` inside a JSON string.
            assert_json(&once);
        } else {
            // The text backends escape `<` (`&lt;`, `#lt;`), and none writes a script itself.
            assert!(!once.to_ascii_lowercase().contains("<script"), "{backend:?} let a <script> through");
        }
        if backend == Backend::Html {
            assert!(once.contains("<meta http-equiv=\"Content-Security-Policy\""), "the page lost its CSP");
        }
    }
}

fn render(src: &str, chart: &Chart<'_, '_>, backend: Backend, options: &RenderOptions) -> String {
    match backend {
        Backend::Dot => dot::render_dot(chart, options),
        Backend::Markdown => markdown::render_markdown(chart, options),
        Backend::Mermaid => mermaid::render_mermaid(chart, options),
        Backend::Json => model_json::render_model_json(chart, src),
        Backend::Html => html::render_html(chart, &[], options),
    }
}

/// `fmt`: never panics; on any text without syntax errors it is idempotent
/// (`format(format(x)) == format(x)`) and keeps the meaning: the model of `format(x)` equals
/// the model of `x` (spans take no part in equality), with the same diagnostics.
pub fn fmt_properties(src: &str) {
    let Ok(formatted) = referflow_fmt::format(src) else { return };
    let again = referflow_fmt::format(&formatted);
    assert!(
        again.as_ref() == Ok(&formatted),
        "not idempotent:\n{src:?}\nformats to\n{formatted:?}\nthen to\n{again:?}"
    );
    let before = check(src);
    let after = check(&formatted);
    assert!(before.model == after.model, "the model changed:\n{src:?}\nformats to\n{formatted:?}");
    let codes = |c: &Checked<'_>| c.diagnostics.iter().map(|d| d.rule.code()).collect::<Vec<_>>();
    assert_eq!(codes(&before), codes(&after), "the diagnostics changed:\n{src:?}\nformats to\n{formatted:?}");
}

/// `diff`: a chart compared with itself, and with its formatted text, shows no change; two
/// charts (the input cut at its first NUL byte) compare and report without panicking, in
/// Markdown, JSON and as a marked DOT drawing.
pub fn diff_properties(src: &str) {
    let (old_src, new_src) = src.split_once('\0').unwrap_or((src, src));
    let old = check(old_src);
    // `diff` refuses a chart with errors of the language.
    if !drawable(&old) {
        return;
    }
    let itself = compare(&old, &old, &Default::default());
    assert!(itself.is_empty(), "a chart differs from itself: {itself:?}");
    if let Ok(formatted) = referflow_fmt::format(old_src) {
        let again = check(&formatted);
        let changes = compare(&old, &again, &Default::default());
        assert!(changes.is_empty(), "formatting changed the flow: {changes:?}\n{old_src:?}\n{formatted:?}");
    }

    let new = check(new_src);
    if !drawable(&new) {
        return;
    }
    let changes = compare(&old, &new, &Default::default());
    diff_report::summary(&changes);
    diff_report::render_diff_markdown(&changes, "old.flow", "new.flow");
    assert_json(&diff_report::render_diff_json(&changes));
    let chart = Chart::new(&new.model, &new.diagnostics);
    let options = RenderOptions::default();
    let marks = diff_report::marks(&changes, &chart, &options);
    dot::render_dot_with_marks(&chart, &options, &marks);
}
