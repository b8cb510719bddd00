//! The Graphviz backend: a snapshot of every example, Graphviz accepts everything it is given
//! (examples in every language and direction, hostile labels), hostile labels reach the SVG as
//! text, Thai labels wrap between words, and the output is deterministic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use referflow_emit::chart::{Chart, Direction, RenderOptions};
use referflow_emit::dot::render_dot;

use crate::graphviz;

/// Runs `dot -T<format>` on `input`; returns its stdout, or panics with its stderr when it
/// fails or says anything at all.
fn run_dot(input: &str, format: &str, what: &str) -> Vec<u8> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot failed on {what}: {stderr}");
    assert!(stderr.trim().is_empty(), "dot complained about {what}: {stderr}");
    out.stdout
}

fn examples() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(crate::root().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "flow"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    paths
}

fn hostile() -> PathBuf {
    crate::root().join("tests/fixtures/hostile/labels.flow")
}

/// The declared languages of the chart at `path`.
fn languages(path: &Path) -> Vec<String> {
    let src = std::fs::read_to_string(path).unwrap();
    let file = referflow_syntax::parse(&src);
    referflow_check::check(&file).model.languages.iter().map(|l| l.to_string()).collect()
}

/// The DOT of `src` in language `lang` (a code it declares).
fn dot_src(src: &str, lang: &str, direction: Direction) -> String {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    let lang = checked.model.languages.iter().position(|l| *l == lang).unwrap();
    render_dot(&chart, &RenderOptions { lang, direction, ..RenderOptions::default() })
}

fn dot(path: &Path, lang: &str, direction: Direction) -> String {
    dot_src(&std::fs::read_to_string(path).unwrap(), lang, direction)
}

fn first_language(path: &Path) -> String {
    languages(path).into_iter().next().unwrap()
}

#[test]
fn examples_in_their_first_language() {
    insta::glob!("../../examples", "*.flow", |path| {
        insta::assert_snapshot!(dot(path, &first_language(path), Direction::TopBottom));
    });
}

#[test]
fn thailand_nrm_in_thai() {
    let path = crate::root().join("examples/thailand-nrm.flow");
    insta::assert_snapshot!(dot(&path, "th", Direction::TopBottom));
}

#[test]
fn uk_nrm_left_to_right() {
    let path = crate::root().join("examples/uk-nrm.flow");
    insta::assert_snapshot!(dot(&path, "en", Direction::LeftRight));
}

#[test]
fn hostile_labels() {
    insta::assert_snapshot!("hostile_labels_en", dot(&hostile(), "en", Direction::TopBottom));
    insta::assert_snapshot!("hostile_labels_th", dot(&hostile(), "th", Direction::TopBottom));
}

#[test]
fn only_synthetic_ids() {
    for path in examples().into_iter().chain([hostile()]) {
        for lang in languages(&path) {
            assert_synthetic_ids(&dot(&path, &lang, Direction::TopBottom));
        }
    }
    assert_synthetic_ids(&dot_src(&nasty(), "en", Direction::LeftRight));
}

#[test]
fn graphviz_accepts_every_chart_in_every_language_and_direction() {
    if !graphviz() {
        eprintln!("skipped: Graphviz's `dot` is not on PATH");
        return;
    }
    for path in examples().into_iter().chain([hostile()]) {
        for lang in languages(&path) {
            for direction in [Direction::TopBottom, Direction::LeftRight] {
                let what = format!("{} in {lang}, {direction:?}", crate::fixture_name(&path));
                run_dot(&dot(&path, &lang, direction), "svg", &what);
            }
        }
    }
}

/// Texts that each break a naive DOT writer in their own way (`{RLO}` stands for U+202E).
const NASTY: &str = r#"title "a\\" th "\"\\"
languages en th
actor graph "" { th "\\" }
actor node "}; digraph x {" { th "<<>>" }
start edge "" by graph
step strict "\\\\\\" by node { th "\"" }
decision subgraph "\\" by graph, node {
  "" -> digraph
  "\\N\\G\\E\\L\\T\\H\\l\\r\\n" th "&#0;&#1;&#xD800;&#65535;&nbsp;&bogus" -> digraph
}
end digraph "tab	tab" by node
phase strict_ "" {
  th "{RLO}"
  step loose "\n\n" { th "\\" }
}
edge -> strict -> subgraph
edge -> loose -> digraph
"#;

fn nasty() -> String {
    NASTY.replace("{RLO}", "\u{202E}")
}

#[test]
fn nasty_texts_parse() {
    // Every statement of NASTY must reach the model, or the tests below test less than they say.
    assert!(!crate::codes(&nasty()).iter().any(|code| code.starts_with("RF00")), "{:?}", crate::codes(&nasty()));
}

#[test]
fn graphviz_accepts_nasty_texts() {
    if !graphviz() {
        eprintln!("skipped: Graphviz's `dot` is not on PATH");
        return;
    }
    for lang in ["en", "th"] {
        let dot = dot_src(&nasty(), lang, Direction::TopBottom);
        assert_synthetic_ids(&dot);
        assert!(dot.contains("legend_unowned"), "a stage without owner is explained in the legend:\n{dot}");
        let svg = String::from_utf8(run_dot(&dot, "svg", &format!("the nasty texts in {lang}"))).unwrap();
        assert_entities_are_xml(&svg);
        let shown = if lang == "en" {
            r"\N\G\E\L\T\H\l\r\n"
        } else {
            "&amp;#0;&amp;#1;&amp;#xD800;&amp;#65535;&amp;nbsp;&amp;bogus"
        };
        assert!(svg.contains(shown), "{shown} is not shown in {lang}:\n{svg}");
    }
}

/// Every statement of `dot` starts with a DOT keyword or a name the backend made up (`s3`,
/// `cluster_a1`, `legend_end`), never with a user's id.
fn assert_synthetic_ids(dot: &str) {
    for line in dot.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let ours =
            ["digraph <", "graph [", "node [", "edge [", "subgraph cluster_", "}", "legend_", "{ rank=same; legend_"]
                .iter()
                .any(|start| line.starts_with(start))
                || line.strip_prefix('s').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        assert!(ours, "a statement that does not start with a synthetic name: {line}");
    }
}

/// Every `&` in `xml` starts one of the entities XML defines or a character reference: an
/// entity such as `&nbsp;` would make the SVG ill-formed.
fn assert_entities_are_xml(xml: &str) {
    for (at, _) in xml.match_indices('&') {
        let rest = &xml[at + 1..];
        let entity = &rest[..rest.find(';').unwrap_or(0)];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix("#x")
                .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
            || entity.strip_prefix('#').is_some_and(|dec| !dec.is_empty() && dec.chars().all(|c| c.is_ascii_digit()));
        assert!(ok, "`&{}` is not an XML entity", &rest[..rest.len().min(20)]);
    }
}

/// The contents of every `<text>` element of `svg`.
fn svg_texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .map(|piece| {
            let start = piece.find('>').unwrap() + 1;
            &piece[start..piece.find("</text>").unwrap()]
        })
        .collect()
}

#[test]
fn hostile_labels_show_as_text_in_svg() {
    if !graphviz() {
        eprintln!("skipped: Graphviz's `dot` is not on PATH");
        return;
    }
    for lang in ["en", "th"] {
        let dot = dot(&hostile(), lang, Direction::TopBottom);
        let svg = String::from_utf8(run_dot(&dot, "svg", &format!("the hostile labels in {lang}"))).unwrap();
        let lower = svg.to_lowercase();
        for markup in ["<script", "<img", "<b>", "<i>", "<a href", "<table", "<br", "<!-- comment", "onerror=alert(1)>"]
        {
            assert!(!lower.contains(markup), "{markup} reached the SVG as markup in {lang}:\n{svg}");
        }
        assert!(!lower.contains("href=\""), "a link reached the SVG in {lang}");
        assert_entities_are_xml(&svg);
        for text in svg_texts(&svg) {
            assert!(!text.contains('<'), "markup inside a text element: {text}");
        }
        // Wrapped lines are consecutive text elements: joined with spaces they give the label.
        let texts = svg_texts(&svg).join(" ");
        // The bidi override is dropped, so "evil" reads as written.
        assert!(!svg.contains('\u{202E}'));
        let expected: &[&str] = if lang == "en" {
            &[
                "&lt;script&gt;alert(1)&lt;/script&gt;",
                "&lt;img src=x onerror=alert(1)&gt;",
                "&lt;TABLE&gt;",
                "{record|field}",
                r"\l \N \G \E \T \H",
                "End &amp;amp; &amp;lt;b&amp;gt; &amp;#60;script&amp;#62; %3Cscript%3E evil",
                "Click &lt;a href=&quot;javascript:alert(1)&quot;&gt;here&lt;/a&gt; | ] } {",
            ]
        } else {
            &[
                "ชื่อ &lt;b&gt;ตัวหนา&lt;/b&gt; &amp; &quot;อัญประกาศ&quot;",
                "จบ &amp;nbsp; &lt;!&#45;&#45; comment &#45;&#45;&gt;",
            ]
        };
        for text in expected {
            // Graphviz writes `-` as `&#45;` in SVG text.
            let text = text.replace('-', "&#45;");
            assert!(texts.contains(&text), "{text} is not shown in {lang}:\n{texts}");
        }
        // The stage ids reach the SVG as element ids.
        assert!(svg.contains("id=\"stage&#45;ปลายทาง\""), "{svg}");
    }
}

/// Thai vowels and tone marks written above or below their consonant.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

#[test]
fn thai_labels_wrap_between_words() {
    let dot = dot(&crate::root().join("examples/thailand-nrm.flow"), "th", Direction::TopBottom);
    // Every line of every label: a new line starts at the label, at each <BR/> and in each
    // table cell; the tags (ours: user `<` is escaped) are not text.
    let marked = dot.replace("label=<", "\n").replace("<BR", "\n<BR").replace("<TD", "\n<TD");
    let mut text = String::new();
    let mut rest = marked.as_str();
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            rest = &rest[rest.find('>').unwrap() + 1..];
        } else {
            text.push('<');
            rest = &rest[1..];
        }
    }
    text.push_str(rest);
    let mut thai_lines = 0;
    for line in text.lines() {
        let line = line.trim_start_matches("+ ");
        let Some(first) = line.chars().next() else { continue };
        if ('\u{0E00}'..='\u{0E7F}').contains(&first) {
            thai_lines += 1;
        }
        assert!(!is_thai_mark(first), "a Thai word was split before {line:?}");
        assert!(!matches!(first, 'ะ' | 'า' | 'ำ' | 'ๅ'), "a Thai word was split before {line:?}");
    }
    assert!(thai_lines > 100, "only {thai_lines} Thai lines found:\n{text}");
}

#[test]
fn thai_gets_a_thai_font_and_english_a_latin_one() {
    let path = crate::root().join("examples/thailand-nrm.flow");
    assert!(dot(&path, "th", Direction::TopBottom).contains("fontname=\"Laksaman,"));
    assert!(!dot(&path, "en", Direction::TopBottom).contains("Laksaman"));
    // English labels, but Thai text in a label: the Thai font.
    let src = "languages en\nstart a \"เริ่ม\"\nend b \"End\"\na -> b\n";
    assert!(dot_src(src, "en", Direction::TopBottom).contains("fontname=\"Laksaman,"));
}

#[test]
fn direction_sets_rankdir() {
    let path = crate::root().join("examples/uk-nrm.flow");
    assert!(dot(&path, "en", Direction::TopBottom).contains("rankdir=TB"));
    assert!(dot(&path, "en", Direction::LeftRight).contains("rankdir=LR"));
}

#[test]
fn lanes_follow_actor_order() {
    let path = crate::root().join("examples/thailand-nrm.flow");
    let dot = dot(&path, "en", Direction::TopBottom);
    let lanes: Vec<&str> = dot.split("id=\"lane-").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
    // Every actor leads a stage here except the Department of Employment (only a co-owner).
    assert_eq!(
        lanes,
        [
            "police",
            "labour",
            "hotline",
            "ngo",
            "mdt",
            "datip",
            "shelter",
            "child_shelter",
            "hospital",
            "prosecutor",
            "court",
            "immigration",
            "embassy"
        ]
    );
}

#[test]
fn rendering_is_deterministic() {
    for path in examples().into_iter().chain([hostile()]) {
        for lang in languages(&path) {
            for direction in [Direction::TopBottom, Direction::LeftRight] {
                assert_eq!(dot(&path, &lang, direction), dot(&path, &lang, direction), "{}", path.display());
            }
        }
    }
}
