//! The Mermaid backend: a snapshot of every example (in its first language) and of the hostile
//! corpus, and the real Mermaid parser on every example and the hostile corpus in every declared
//! language (and once left to right), plus a chart holding every ASCII character: Mermaid must
//! accept the text and understand exactly the chart's stages, edges and lanes, with every text
//! arriving as text.
//!
//! The parser runs in node (tests/mermaid/parse.mjs, all diagrams in one process). Its
//! node_modules is installed once with `npm ci` into a folder under target/ named after the
//! contents of tests/mermaid, and reused by later runs. Without node and npm the check is
//! skipped, unless `CI=true`, where it fails.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use referflow_check::Model;
use referflow_emit::chart::{Chart, Direction, RenderOptions};
use referflow_emit::mermaid::render_mermaid;
use referflow_syntax::StageKind;
use serde_json::Value;

use crate::{check_src, fixture_name, root};

/// Renders `src` (which must check without errors) in `options`.
fn mermaid(name: &str, src: &str, options: RenderOptions) -> String {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    assert!(!checked.has_errors(), "{}", check_src(name, src));
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    render_mermaid(&chart, &options)
}

#[test]
fn examples_render() {
    insta::glob!("../../examples", "*.flow", |path| {
        let src = fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(mermaid(&fixture_name(path), &src, RenderOptions::default()));
    });
}

#[test]
fn hostile_labels_render_as_text() {
    insta::glob!("../fixtures/hostile", "*.flow", |path| {
        let src = fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(mermaid(&fixture_name(path), &src, RenderOptions::default()));
    });
}

#[test]
fn output_is_deterministic() {
    let src = fs::read_to_string(root().join("examples/thailand-nrm.flow")).unwrap();
    let options = RenderOptions { lang: 1, ..RenderOptions::default() };
    assert_eq!(mermaid("thailand-nrm.flow", &src, options), mermaid("thailand-nrm.flow", &src, options));
}

/// One diagram to give to Mermaid, with the chart it was rendered from.
struct Case {
    /// `examples/uk-nrm.flow [en, LR]`, for messages.
    name: String,
    src: String,
    options: RenderOptions,
    text: String,
}

#[test]
fn mermaid_understands_every_chart_in_every_language() {
    let mut files: Vec<PathBuf> = ["examples", "tests/fixtures/hostile"]
        .iter()
        .flat_map(|dir| fs::read_dir(root().join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "flow"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");

    let mut sources: Vec<(String, String)> =
        files.iter().map(|path| (fixture_name(path), fs::read_to_string(path).unwrap())).collect();
    sources.push(("every character".to_string(), every_character()));

    let mut cases = Vec::new();
    for (name, src) in sources {
        let languages: Vec<String> = referflow_check::check(&referflow_syntax::parse(&src))
            .model
            .languages
            .iter()
            .map(|l| l.to_string())
            .collect();
        let mut variants: Vec<RenderOptions> =
            (0..languages.len()).map(|lang| RenderOptions { lang, ..RenderOptions::default() }).collect();
        variants.push(RenderOptions { direction: Direction::LeftRight, ..RenderOptions::default() });
        for options in variants {
            let text = mermaid(&name, &src, options);
            assert_only_our_statements(&name, &text);
            let direction = if options.direction == Direction::LeftRight { ", LR" } else { "" };
            let name = format!("{name} [{}{direction}]", languages[options.lang]);
            cases.push(Case { name, src: src.clone(), options, text });
        }
    }

    let Some(results) = parse_with_mermaid(&cases) else { return };
    assert_eq!(results.len(), cases.len());
    for (case, result) in cases.iter().zip(&results) {
        let file = referflow_syntax::parse(&case.src);
        let checked = referflow_check::check(&file);
        let chart = Chart::new(&checked.model, &checked.diagnostics);
        assert_understood(&case.name, &chart, &case.options, result, &case.text);
    }
}

/// A chart whose texts hold every printable ASCII character, the invisible and placeholder
/// characters the backend escapes, and some that pass through.
fn every_character() -> String {
    let ascii: String = (' '..='~').collect();
    let text = format!("{ascii}\t\u{202e}\u{200b}\u{e0041}ﬂ°°60¶ß ผ่าน 😀").replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "title \"{text}\"\nlanguages en\nactor x \"{text}\"\nstart a \"{text}\" by x within 1h\n\
         end b \"{text}\\n{text}\"\na -> b : \"{text}\"\n"
    )
}

/// Every line is one of the statements the backend writes; in particular no `click`, `style`,
/// `classDef`, `class` or `linkStyle`, whatever the labels say.
fn assert_only_our_statements(name: &str, text: &str) {
    let mut lines = text.lines();
    assert!(matches!(lines.next(), Some("flowchart TB" | "flowchart LR")), "{name}");
    let node = |line: &str, prefix: &str| {
        line.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('s'))
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    for line in lines {
        let ours = line.starts_with("    accTitle: ")
            || node(line, "    ")
            || node(line, "        ")
            || line.starts_with("    subgraph a")
            || line == "    end";
        assert!(ours, "{name}: unexpected line {line:?}");
        assert!(!line.contains(':') || line.starts_with("    accTitle: "), "{name}: a colon in {line:?}");
    }
}

/// Mermaid's reading of `case.text` matches the chart.
fn assert_understood(name: &str, chart: &Chart<'_, '_>, options: &RenderOptions, result: &Value, text: &str) {
    let model: &Model<'_> = chart.model;
    assert_eq!(result["ok"], Value::Bool(true), "{name}: Mermaid refused the diagram: {result}\n{text}");
    assert_eq!(result["type"], "flowchart-v2", "{name}");

    if let Some(title) = &model.title {
        assert_text(name, "the title", &result["accTitle"], &chart.text(title, options).replace('\n', " "));
    }

    let vertices = result["vertices"].as_array().unwrap();
    assert_eq!(vertices.len(), model.stages.len(), "{name}: one vertex per stage");
    for (index, (stage, vertex)) in model.stages.iter().zip(vertices).enumerate() {
        assert_eq!(vertex["id"], format!("s{index}"), "{name}");
        let shape = match stage.kind {
            StageKind::Start => "stadium",
            StageKind::Step => "square",
            StageKind::Decision => "diamond",
            StageKind::End => "subroutine",
        };
        assert_eq!(vertex["type"], shape, "{name}: stage {}", stage.id);
        let mut label = chart.text(&stage.label, options).to_string();
        if let Some(limit) = &stage.within {
            // The time limit in words, in the chart's language (crates/referflow-emit/locales).
            let (catalogue, _) = referflow_emit::i18n::Catalogue::for_lang(chart.lang(options));
            label = format!("{label}\n{}", catalogue.within(limit.text).unwrap());
        }
        assert_text(name, stage.id, &vertex["text"], &label);
    }

    let edges = result["edges"].as_array().unwrap();
    assert_eq!(edges.len(), model.edges.len(), "{name}: one Mermaid edge per edge");
    for (edge, parsed) in model.edges.iter().zip(edges) {
        let ends = format!("s{} -> s{}", edge.from.index(), edge.to.index());
        assert_eq!(parsed["start"], format!("s{}", edge.from.index()), "{name}: {ends}");
        assert_eq!(parsed["end"], format!("s{}", edge.to.index()), "{name}: {ends}");
        let label = edge.label.as_ref().map(|label| chart.label(label, options).into_owned()).unwrap_or_default();
        assert_text(name, &ends, &parsed["text"], &label);
    }

    let mut lanes = Vec::new();
    for (index, actor) in model.actors.iter().enumerate() {
        let stages: Vec<String> = (model.stages.iter().enumerate())
            .filter(|(_, stage)| stage.owners.first().is_some_and(|lead| lead.index() == index))
            .map(|(s, _)| format!("s{s}"))
            .collect();
        if !stages.is_empty() {
            lanes.push((format!("a{index}"), actor, stages));
        }
    }
    let subgraphs = result["subgraphs"].as_array().unwrap();
    assert_eq!(subgraphs.len(), lanes.len(), "{name}: one subgraph per lead actor");
    for ((id, actor, stages), subgraph) in lanes.iter().zip(subgraphs) {
        assert_eq!(&subgraph["id"], id, "{name}: actor {}", actor.id);
        let nodes: Vec<&str> = subgraph["nodes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(nodes, *stages, "{name}: the stages actor {} leads", actor.id);
        assert_text(name, actor.id, &subgraph["title"], chart.text(&actor.name, options));
    }
}

/// `parsed` is text only, and says `expected` once Mermaid's entities are decoded.
fn assert_text(name: &str, what: &str, parsed: &Value, expected: &str) {
    let raw = parsed.as_str().unwrap_or_else(|| panic!("{name}: {what}: no text in {parsed}"));
    let lower = raw.to_lowercase();
    for markup in ["<script", "<img", "<a ", "javascript:", "fa:fa-", "$$"] {
        assert!(!lower.contains(markup), "{name}: {what}: {markup} reached Mermaid in {raw:?}");
    }
    assert!(!raw.replace("<br>", "").contains('<'), "{name}: {what}: markup other than our <br> in {raw:?}");
    let expected = expected.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(decode(raw).trim(), expected.trim(), "{name}: {what} as Mermaid read it ({raw:?})");
}

/// Mermaid's internal form of a text back to the text: `ﬂ°°NNN¶ß` is `&#NNN;`, `ﬂ°name¶ß` is
/// `&name;`, and `<br>` a line break.
fn decode(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find(['ﬂ', '<']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("<br>") {
            out.push('\n');
            rest = after;
            continue;
        }
        let (numeric, body) = match (rest.strip_prefix("ﬂ°°"), rest.strip_prefix("ﬂ°")) {
            (Some(body), _) => (true, body),
            (None, Some(body)) => (false, body),
            (None, None) => panic!("not an entity of Mermaid's: {rest:?}"),
        };
        let end = body.find("¶ß").unwrap_or_else(|| panic!("unterminated entity: {rest:?}"));
        let entity = &body[..end];
        out.push(if numeric {
            char::from_u32(entity.parse().unwrap()).unwrap()
        } else {
            match entity {
                "quot" => '"',
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                other => panic!("unexpected named entity {other}"),
            }
        });
        rest = &body[end + "¶ß".len()..];
    }
    out.push_str(rest);
    out
}

/// What Mermaid understood of each diagram, or `None` when node is missing outside CI.
fn parse_with_mermaid(cases: &[Case]) -> Option<Vec<Value>> {
    let dir = mermaid_check_dir()?;
    let input = serde_json::to_string(&cases.iter().map(|c| c.text.as_str()).collect::<Vec<_>>()).unwrap();
    let mut child = Command::new("node")
        .arg("parse.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Written on its own thread so a full stdout pipe cannot deadlock a large input.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "parse.mjs failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("parse.mjs printed no JSON ({e}): {stdout}")))
}

/// The folder with parse.mjs and its node_modules, installed on first use. A folder is named
/// after a hash of tests/mermaid's files, so a change there installs afresh; it is installed
/// under another name and renamed into place, so concurrent test runs never see half of it.
fn mermaid_check_dir() -> Option<PathBuf> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let missing = ["node", npm].into_iter().find(|tool| Command::new(tool).arg("--version").output().is_err());
    if let Some(tool) = missing {
        if std::env::var("CI").is_ok_and(|ci| ci.eq_ignore_ascii_case("true") || ci == "1") {
            panic!("`{tool}` is not on PATH: the Mermaid check needs node and npm (CI=true, so it may not be skipped)");
        }
        eprintln!("skipping the Mermaid parser check: `{tool}` is not on PATH");
        return None;
    }

    Some(crate::npm_install("mermaid", &["package.json", "package-lock.json", "parse.mjs"], "the Mermaid check"))
}
