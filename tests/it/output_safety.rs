//! Output safety (issue 8): whatever a label says, every backend shows it as text and never as
//! markup or syntax. Any label, used as a stage's label, an actor's name, a branch label, a
//! phase name and the title, gives
//!
//! - DOT that Graphviz accepts, whose SVG has only the elements and attributes Graphviz makes
//!   and shows the label, XML-escaped, inside its `<text>` elements;
//! - an HTML page with the same elements and attributes as for a plain label, no event handler,
//!   no script and no link out, under a Content-Security-Policy that forbids scripts;
//! - and, in one property over every backend at once: DOT, Mermaid, Markdown and HTML whose
//!   structure is that of the same chart with a plain label, and JSON that gives the label back.
//!
//! The Markdown and Mermaid escaping have their own, finer properties in `markdown_output.rs`
//! and `mermaid_output.rs`; these do not repeat them.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use referflow_emit::chart::{Chart, RenderOptions};
use referflow_emit::{dot, html, markdown, mermaid, model_json};

use crate::{check_src, graphviz};

/// Texts that mean something to one backend or another.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "javascript:alert(1)",
    "](javascript:alert(1))",
    "[x](http://evil.example)",
    "![i](x.png)",
    "<http://x>",
    "\"",
    "'",
    "\\",
    "\\N",
    "\\G",
    "\\l",
    "\\n",
    "]",
    "[",
    "|",
    "}",
    "{",
    ">",
    "<",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "&#x3C;",
    "&nbsp;",
    "]]>",
    "<![CDATA[",
    "<!--",
    "-->",
    "<?xml?>",
    "<B>b</B>",
    "<BR/>",
    "<TABLE>",
    "\"]; x [label=\"",
    "subgraph cluster_x {",
    "-> s0",
    "// c",
    "/* c */",
    "-->|x|",
    "click s0 call alert(1)",
    "style s0 fill:red",
    "classDef x fill:red",
    ":::x",
    "%%{init: {}}%%",
    "#quot;",
    "#60;",
    "fa:fa-car",
    "$$x$$",
    "`md`",
    "@{ shape: x }",
    "*a*",
    "_a_",
    "~~a~~",
    "# h",
    "- li",
    "1. li",
    "> q",
    "    code",
    "www.evil.example",
    "@user",
    ":smile:",
    "\n",
    "\r",
    "\t",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{200b}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{e0041}",
    "ﬂ°¶ß",
    "ผ่านการคัดกรอง",
    "😀",
];

/// Any label: pieces of [`HOSTILE`], any characters and plain words, with at least one visible
/// character (a blank label is no label, which changes the structure for a reason of its own).
fn label() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(HOSTILE).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Zก-๙0-9 .:-]{1,8}",
    ];
    prop_oneof![
        4 => prop::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat()),
        1 => any::<String>(),
    ]
    .prop_filter("a visible character", |text| text.chars().any(visible))
}

/// Whether every backend shows `c` as something: not white space, not a control character,
/// not a direction mark (which DOT drops) and not a non-character XML forbids.
fn visible(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !dropped_by_dot(c)
}

/// Characters the DOT backend leaves out of labels (dot.rs, `escape_html`).
fn dropped_by_dot(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Marks that tell the roles of one label apart in the output.
const ACTOR: &str = "⁂a";
const BRANCH: &str = "⁂b";
const PHASE: &str = "⁂p";
const TITLE: &str = "⁂t";

/// A chart with every label in every role: decision `d{i}` is labelled `labels[i]`, led by
/// actor `a{i}` named `labels[i]⁂a`, and leaves by a branch labelled `labels[i]⁂b`; the
/// phase holding them is named after the last label, the title after the first.
fn chart(labels: &[String]) -> String {
    let t = |text: &str, mark: &str| referflow_fmt::quote(&format!("{text}{mark}"));
    let last = labels.len() - 1;
    let mut src = format!("title {}\nlanguages en\n", t(&labels[0], TITLE));
    for (i, label) in labels.iter().enumerate() {
        src.push_str(&format!("actor a{i} {}\n", t(label, ACTOR)));
    }
    src.push_str(&format!("phase ph {} {{\n  start s \"Start\" by a0 {{ -> d0 }}\n", t(&labels[last], PHASE)));
    for (i, label) in labels.iter().enumerate() {
        let next = if i == last { "e".to_string() } else { format!("d{}", i + 1) };
        src.push_str(&format!(
            "  decision d{i} {} by a{i} within 1h {{\n    {} -> {next}\n    no -> e\n  }}\n",
            t(label, ""),
            t(label, BRANCH)
        ));
    }
    src.push_str("  end e \"End\" by a0\n}\n");
    src
}

/// Renders `src` (which must check without errors) with `render`.
fn render(src: &str, render: impl Fn(&Chart<'_, '_>) -> String) -> String {
    let checked = referflow_check::check(&referflow_syntax::parse(src));
    assert!(!checked.has_errors(), "{}", check_src("labels.flow", src));
    render(&Chart::new(&checked.model, &checked.diagnostics))
}

fn options() -> RenderOptions {
    RenderOptions::default()
}

/// Runs Graphviz's `dot -Tsvg`.
fn svg_of(dot: &str) -> Result<String, String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().unwrap();
    let input = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().unwrap().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("Graphviz refused the DOT ({}): {}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// One element's start tag: its name and attributes, as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// What an HTML or SVG document is made of, read strictly: every `<` starts a start tag, an end
/// tag, a comment, a doctype or an XML declaration; every attribute value is double-quoted
/// and holds no `<`; every `&` starts an entity. Also returns the text of each element named
/// `text_of`, decoded, and the contents of `<style>` elements.
#[derive(Debug, Default)]
struct Document {
    tags: Vec<Tag>,
    texts: Vec<String>,
    styles: Vec<String>,
}

fn read_document(doc: &str, text_of: &str) -> Result<Document, String> {
    let mut out = Document::default();
    let mut rest = doc;
    let mut open_text: Option<String> = None;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        let decoded = decode(text)?;
        if let Some(t) = open_text.as_mut() {
            t.push_str(&decoded);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("an unclosed comment")?;
            rest = &after[end + 3..];
            continue;
        }
        if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") || rest.starts_with("<?xml") {
            rest = &rest[rest.find('>').ok_or("an unclosed declaration")? + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or("an unclosed end tag")?;
            let name = &after[..end];
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') || name.is_empty() {
                return Err(format!("a strange end tag: {:?}", &rest[..rest.len().min(60)]));
            }
            if name == text_of
                && let Some(t) = open_text.take()
            {
                out.texts.push(t);
            }
            rest = &after[end + 1..];
            continue;
        }
        let (tag, after) = read_tag(&rest[1..]).map_err(|e| format!("{e} in {:?}", &rest[..rest.len().min(80)]))?;
        rest = after;
        if tag.name == "style" {
            let end = rest.find("</style>").ok_or("an unclosed style")?;
            out.styles.push(rest[..end].to_string());
            rest = &rest[end..];
        }
        if tag.name == text_of {
            open_text = Some(String::new());
        }
        out.tags.push(tag);
    }
    decode(rest)?;
    Ok(out)
}

/// Reads a start tag after its `<`; returns it and the text after its `>`.
fn read_tag(s: &str) -> Result<(Tag, &str), String> {
    let name_end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-')).ok_or("no end of tag")?;
    if name_end == 0 {
        return Err("a `<` that starts no tag".into());
    }
    let mut tag = Tag { name: s[..name_end].to_ascii_lowercase(), attributes: Vec::new() };
    let mut rest = &s[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>").or_else(|| rest.strip_prefix('>')) {
            return Ok((tag, after));
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '_'))
            .ok_or("an unclosed tag")?;
        if end == 0 {
            return Err(format!("a strange character in a tag: {:?}", rest.chars().next()));
        }
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let value = if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').ok_or("an unclosed attribute value")?;
            let value = &after[..close];
            if value.contains('<') {
                return Err(format!("a `<` in the value of {name}"));
            }
            rest = &after[close + 1..];
            decode(value)?
        } else {
            String::new()
        };
        tag.attributes.push((name, value));
    }
}

/// Decodes the entities of XML and HTML text; fails on a bare `&` or an unknown entity.
fn decode(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|s| *s <= 10).ok_or_else(|| format!("a bare & in {rest:?}"))?;
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    entity.strip_prefix('#').and_then(|d| d.parse().ok())
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("the entity &{entity}; is not XML's"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The attributes a label could use to run code or leave the page: none may appear.
fn assert_inert(doc: &Document, what: &str) -> Result<(), TestCaseError> {
    for tag in &doc.tags {
        prop_assert!(
            !matches!(
                tag.name.as_str(),
                "script" | "iframe" | "object" | "embed" | "link" | "base" | "form" | "foreignobject" | "img" | "image"
            ),
            "{what}: a <{}> element",
            tag.name
        );
        for (name, value) in &tag.attributes {
            prop_assert!(!name.starts_with("on"), "{what}: an event handler {name} on <{}>", tag.name);
            let squeezed: String =
                value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
            prop_assert!(!squeezed.contains("javascript:"), "{what}: javascript: in {name}");
            if name == "href" || name == "xlink:href" || name == "src" {
                prop_assert!(value.starts_with('#'), "{what}: {name}={value:?} leaves the page");
            }
        }
    }
    Ok(())
}

/// What DOT says outside its HTML-like labels (`<…>`): the statements, attributes, and every
/// quoted string. No label may change it, except that the script of the text chooses the
/// typeface (Thai text is set in a Thai font, at other sizes), so font names and sizes are
/// left out.
fn dot_skeleton(dot: &str) -> String {
    let skeleton = dot_outside_labels(dot);
    let mut out = String::with_capacity(skeleton.len());
    let mut rest = skeleton.as_str();
    while let Some(at) = rest.find("font") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let value =
            rest.find('=').map(|eq| eq + 1).filter(|v| rest[..*v].chars().all(|c| c.is_ascii_alphabetic() || c == '='));
        match value {
            Some(v) if rest[v..].starts_with('"') => {
                let close = rest[v + 1..].find('"').map_or(rest.len(), |c| v + 2 + c);
                out.push_str(&rest[..v]);
                out.push('…');
                rest = &rest[close..];
            }
            Some(v) => {
                let digits = rest[v..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |d| v + d);
                out.push_str(&rest[..v]);
                out.push('…');
                rest = &rest[digits..];
            }
            None => {
                out.push_str("font");
                rest = &rest[4..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn dot_outside_labels(dot: &str) -> String {
    let mut out = String::with_capacity(dot.len() / 2);
    let mut depth = 0usize;
    for c in dot.chars() {
        match c {
            '<' => {
                if depth == 0 {
                    out.push_str("<…>");
                }
                depth += 1;
            }
            '>' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

/// Mermaid outside its quoted strings (and the text after `accTitle: `).
fn mermaid_skeleton(text: &str) -> Result<String, String> {
    let mut out = String::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("    accTitle: ") {
            check_mermaid_text(title)?;
            out.push_str("    accTitle: …\n");
            continue;
        }
        let mut quoted = false;
        let mut inside = String::new();
        for c in line.chars() {
            if c == '"' {
                if quoted {
                    check_mermaid_text(&inside)?;
                    inside.clear();
                    out.push_str("\"…\"");
                }
                quoted = !quoted;
            } else if quoted {
                inside.push(c);
            } else {
                out.push(c);
            }
        }
        if quoted {
            return Err(format!("an unclosed string in {line:?}"));
        }
        out.push('\n');
    }
    Ok(out)
}

/// Text inside a Mermaid string: no markup but the backend's `<br>`, and every `#` starts one of
/// the backend's entities.
fn check_mermaid_text(text: &str) -> Result<(), String> {
    if text.replace("<br>", "").contains(['<', '>']) {
        return Err(format!("markup in the Mermaid text {text:?}"));
    }
    for (at, _) in text.match_indices('#') {
        let entity = &text[at + 1..];
        let semi = entity.find(';').ok_or_else(|| format!("a bare # in {text:?}"))?;
        let name = &entity[..semi];
        let ok = matches!(name, "quot" | "lt" | "gt" | "amp")
            || (!name.is_empty() && name.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("#{name}; is not an entity of the backend in {text:?}"));
        }
    }
    Ok(())
}

/// Markdown as structure: per line, the first two characters (which say what the line is) and
/// the raw HTML and link syntax in it, none of which user text can add.
fn markdown_skeleton(md: &str) -> Vec<String> {
    md.lines()
        .map(|line| {
            let start: String = line.chars().take(2).collect();
            let tags = line.replace("<br>", "").matches('<').count();
            format!("{start} | < {tags} | ]( {} | `{}", unescaped(line, "]("), unescaped(line, "`"))
        })
        .collect()
}

/// How often `pattern` occurs in `line` not after a backslash escape.
fn unescaped(line: &str, pattern: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if line[i..].starts_with(pattern) {
            count += 1;
        }
    }
    count
}

/// Elements and their attribute names, counted; `<br>` left out (the backends write one for a
/// line break in a label).
fn element_counts(doc: &Document) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for tag in doc.tags.iter().filter(|t| t.name != "br") {
        let names: Vec<&str> = tag.attributes.iter().map(|(n, _)| n.as_str()).collect();
        *counts.entry(format!("{} {}", tag.name, names.join(" "))).or_insert(0) += 1;
    }
    counts
}

/// The page carries one Content-Security-Policy that forbids every script, first thing in
/// its head.
fn assert_csp(page: &str, doc: &Document) -> Result<(), TestCaseError> {
    let csp: Vec<&Tag> = doc
        .tags
        .iter()
        .filter(|t| {
            t.attributes.iter().any(|(n, v)| n == "http-equiv" && v.eq_ignore_ascii_case("content-security-policy"))
        })
        .collect();
    prop_assert_eq!(csp.len(), 1, "one CSP meta tag");
    let policy = &csp[0].attributes.iter().find(|(n, _)| n == "content").unwrap().1;
    prop_assert!(policy.contains("default-src 'none'"), "{}", policy);
    prop_assert!(!policy.contains("script-src"), "scripts fall under default-src 'none': {}", policy);
    let at = page.find("http-equiv=\"Content-Security-Policy\"").unwrap();
    prop_assert!(
        at < page.find("<title>").unwrap() && at < page.find("<style").unwrap() && at < page.find("<body").unwrap()
    );
    Ok(())
}

/// The visible characters of a label, as the DOT backend and Graphviz show them (white space
/// aside, which wrapping moves).
fn shown_by_dot(text: &str) -> String {
    text.chars().filter(|c| !dropped_by_dot(*c) && !c.is_whitespace()).collect()
}

/// Graphviz accepts the DOT of a chart with these labels, the SVG has only Graphviz's elements
/// and attributes, every label shows as text in every role, and the HTML page with that SVG
/// inside is as inert.
fn graphviz_shows_as_text(labels: &[String]) -> Result<(), TestCaseError> {
    if !graphviz() {
        eprintln!("skipped: Graphviz's `dot` is not on PATH");
        return Ok(());
    }
    let src = chart(labels);
    let dot_text = render(&src, |chart| dot::render_dot(chart, &options()));
    let svg = svg_of(&dot_text).map_err(|e| TestCaseError::fail(format!("{e}\n{dot_text}")))?;
    let doc = read_document(&svg, "text").map_err(|e| TestCaseError::fail(format!("{e}\n{svg}")))?;
    assert_inert(&doc, "the SVG")?;
    for tag in &doc.tags {
        prop_assert!(
            matches!(
                tag.name.as_str(),
                "svg" | "g" | "title" | "polygon" | "path" | "text" | "ellipse" | "polyline" | "a"
            ),
            "a <{}> in the SVG",
            tag.name
        );
    }
    // The roles are told apart by their marks; wrapped lines are consecutive <text>
    // elements, and wrapping moves only white space.
    let shown: String = doc.texts.iter().map(|t| shown_by_dot(t)).collect();
    for label in labels {
        for mark in ["", ACTOR, BRANCH] {
            let expected = shown_by_dot(&format!("{label}{mark}"));
            prop_assert!(shown.contains(&expected), "{:?} is not shown in the SVG: {}", expected, shown);
        }
    }
    prop_assert!(shown.contains(&shown_by_dot(&format!("{}{TITLE}", labels[0]))), "the title");

    // The page around that SVG.
    let diagram = html::Diagram { svg, file: None };
    let page = render(&src, |chart| html::render_html(chart, std::slice::from_ref(&diagram), &options()));
    let page_doc = read_document(&page, "title").map_err(|e| TestCaseError::fail(format!("{e}\n{page}")))?;
    assert_inert(&page_doc, "the page")?;
    assert_csp(&page, &page_doc)?;
    Ok(())
}

/// Each ASCII mark alone as the whole text of a title, lane, stage and branch label: Graphviz
/// 2.43 refuses an element holding just `]` (`<B>]</B>`), which random labels seldom hit.
#[test]
fn graphviz_shows_each_ascii_mark_alone() {
    if !graphviz() {
        return;
    }
    for c in ('!'..='~').filter(char::is_ascii_punctuation) {
        let t = referflow_fmt::quote(&c.to_string());
        let src = format!(
            "title {t}\nlanguages en\nactor a {t}\nstart s {t} by a {{ -> d }}\n\
             decision d {t} by a within 1h {{\n  {t} -> e\n  no -> e\n}}\nend e {t} by a\n"
        );
        let dot_text = render(&src, |chart| dot::render_dot(chart, &options()));
        let svg = svg_of(&dot_text).unwrap_or_else(|e| panic!("{c:?}: {e}\n{dot_text}"));
        let doc = read_document(&svg, "text").unwrap();
        let shown = doc.texts.iter().filter(|text| text.trim() == c.to_string()).count();
        assert!(shown >= 5, "{c:?} shows {shown} times, not in every role:\n{svg}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Many labels in one chart, one `dot` run per case: Graphviz accepts the DOT, the SVG has
    /// only Graphviz's elements and attributes, every label shows as text in every role, and
    /// the HTML page with that SVG inside is as inert.
    #[test]
    fn graphviz_shows_any_label_as_text(labels in prop::collection::vec(label(), 1..16)) {
        graphviz_shows_as_text(&labels)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The HTML page without Graphviz (as the live preview renders it): the same elements and
    /// attributes as with a plain label, nothing that runs code or leaves the page, one CSP,
    /// and the title as text.
    #[test]
    fn the_page_shows_any_label_as_text(text in label()) {
        let labels = vec![text.clone(), text.clone()];
        let page = render(&chart(&labels), |chart| html::render_html(chart, &[], &options()));
        let base = render(&chart(&["x".into(), "x".into()]), |chart| html::render_html(chart, &[], &options()));
        let doc = read_document(&page, "title").map_err(|e| TestCaseError::fail(format!("{e}\n{page}")))?;
        let base_doc = read_document(&base, "title").unwrap();
        assert_inert(&doc, "the page")?;
        assert_csp(&page, &doc)?;
        prop_assert_eq!(element_counts(&doc), element_counts(&base_doc), "{}", page);
        prop_assert_eq!(&doc.styles, &base_doc.styles, "a label reached the CSS");
        // A window title is one line: a line break in the title is a space there.
        prop_assert_eq!(&doc.texts, &vec![format!("{}{TITLE}", text.replace('\n', " "))]);
    }

    /// One label everywhere, every backend at once: DOT, Mermaid, Markdown and HTML keep the
    /// structure they have with a plain label, and JSON gives the label back unchanged.
    #[test]
    fn every_backend_keeps_any_label_as_text(text in label()) {
        let labels = vec![text.clone(), text.clone()];
        let src = chart(&labels);
        let base = chart(&["x".into(), "x".into()]);
        let both = |f: &dyn Fn(&Chart<'_, '_>) -> String| (render(&src, f), render(&base, f));

        let (dot_text, dot_base) = both(&|chart| dot::render_dot(chart, &options()));
        prop_assert_eq!(dot_skeleton(&dot_text), dot_skeleton(&dot_base), "{}", dot_text);

        let (mmd, mmd_base) = both(&|chart| mermaid::render_mermaid(chart, &options()));
        let skeleton = mermaid_skeleton(&mmd).map_err(TestCaseError::fail)?;
        prop_assert_eq!(skeleton, mermaid_skeleton(&mmd_base).unwrap(), "{}", mmd);

        let md_options = RenderOptions { diagram: false, ..options() };
        let (md, md_base) = both(&|chart| markdown::render_markdown(chart, &md_options));
        prop_assert_eq!(markdown_skeleton(&md), markdown_skeleton(&md_base), "{}", md);

        let (page, page_base) = both(&|chart| html::render_html(chart, &[], &options()));
        let doc = read_document(&page, "title").map_err(|e| TestCaseError::fail(format!("{e}\n{page}")))?;
        prop_assert_eq!(element_counts(&doc), element_counts(&read_document(&page_base, "title").unwrap()));
        assert_inert(&doc, "the page")?;

        let json = render(&src, |chart| model_json::render_model_json(chart, &src));
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&json["title"]["en"], &serde_json::json!(format!("{text}{TITLE}")));
        prop_assert_eq!(&json["actors"][0]["name"]["en"], &serde_json::json!(format!("{text}{ACTOR}")));
        prop_assert_eq!(&json["phases"][0]["name"]["en"], &serde_json::json!(format!("{text}{PHASE}")));
        prop_assert_eq!(&json["stages"][1]["label"]["en"], &serde_json::json!(text));
        prop_assert_eq!(&json["edges"][1]["label"]["en"], &serde_json::json!(format!("{text}{BRANCH}")));
    }
}

/// The checks above are not vacuous: each catches the markup it is for.
#[test]
fn the_checks_catch_markup() {
    let doc = read_document("<svg><text x=\"1\">a &amp; &#45; b</text></svg>", "text").unwrap();
    assert_eq!(doc.texts, ["a & - b"]);
    assert!(read_document("<text>a & b</text>", "text").is_err(), "a bare &");
    assert!(read_document("<text>&nbsp;</text>", "text").is_err(), "an HTML entity in SVG");
    assert!(read_document("<text>a < b</text>", "text").is_err(), "a bare <");
    assert!(read_document("<a title=\"<b>\">", "text").is_err(), "a < in an attribute");
    for markup in [
        "<text>x<script>alert(1)</script></text>",
        "<p onclick=\"alert(1)\">",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"java\nscript:alert(1)\">",
        "<a href=\"https://evil.example\">",
        "<svg><image xlink:href=\"#x\"/></svg>",
    ] {
        assert!(assert_inert(&read_document(markup, "text").unwrap(), "test").is_err(), "{markup}");
    }
    assert_ne!(dot_skeleton("s0 [label=<a>b>];"), dot_skeleton("s0 [label=<ab>];"));
    assert_ne!(dot_skeleton("s0 [label=<a<b>];\ns1;"), dot_skeleton("s0 [label=<ab>];\ns1;"));
    assert_eq!(
        dot_skeleton("a [fontname=\"X Y\", fontsize=12, label=<x>];"),
        dot_skeleton("a [fontname=\"Z\", fontsize=14, label=<yy>];")
    );
    assert_ne!(mermaid_skeleton("    s0[\"a\"]").unwrap(), mermaid_skeleton("    s0[\"a\"] --> s1[\"b\"]").unwrap());
    assert!(mermaid_skeleton("    s0[\"a<b>\"]").is_err());
    assert!(mermaid_skeleton("    s0[\"a#x41;\"]").is_err());
    assert_ne!(markdown_skeleton("a [x](y)"), markdown_skeleton("a \\[x\\](y)"));
    assert_ne!(markdown_skeleton("- a"), markdown_skeleton("\\- a"));
}
