//! Accessibility of what `build` and `render` publish, on every bundled chart (examples/*.flow
//! and tests/pages/nrm-37-stages.flow) through the real binary: every SVG is an image with a
//! name (`<title>`) and a description (`<desc>`) that screen readers are pointed to, and keeps
//! each stage's label as text; the HTML page gives each language its section, its diagram in
//! a box a keyboard can scroll and a link to its text version; and axe-core, in headless
//! Chromium, finds nothing on the page in any of its languages (WCAG 2.0 and 2.1, A and AA,
//! and axe's best practices), nor on the comments' disposition report and the person's leaflet.
//!
//! The browser check is [`axe`] (tests/browser/axe.mjs), for any HTML page referflow writes:
//! it runs when node, npm and Chromium are here, is skipped when they are not, and fails when
//! they are not under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::diagram::{fonts, text_of};
use crate::root;

/// Every bundled chart: the examples, and the chart of the hearing issue's size.
fn charts() -> Vec<PathBuf> {
    let mut charts: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    charts.sort();
    assert!(charts.len() >= 3, "{charts:?}");
    charts.push(root().join("tests/pages/nrm-37-stages.flow"));
    charts
}

fn referflow(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(root()).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("accessibility-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bundle of `chart` built into a folder of its own under `dir`.
fn build(chart: &Path, dir: &Path) -> PathBuf {
    let out = dir.join(chart.file_stem().unwrap());
    let (code, stderr) = referflow(&["build", chart.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{}: {stderr}", chart.display());
    out
}

/// Each stage's id and its label in every declared language, and the languages.
fn stages(chart: &Path) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let text = std::fs::read_to_string(chart).unwrap();
    let checked = referflow_check::check(&referflow_syntax::parse(&text));
    let languages = checked.model.languages.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let stages = (checked.model.stages.iter())
        .map(|s| (s.id.to_owned(), (0..languages.len()).map(|l| s.label.get(l).to_owned()).collect()))
        .collect();
    (languages, stages)
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Holds an SVG document (or an `<svg>` element of a page) to what a screen reader needs: the
/// root an image, named by its `<title>` and described by its `<desc>`, the ids after
/// `prefix`; and, on a whole diagram (`labels`), every stage's label in `<text>` elements.
fn assert_accessible_svg(svg: &str, prefix: &str, stage_count: usize, labels: Option<&[(String, String)]>, what: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("svg"), "{what}");
    assert_eq!(root.attribute("role"), Some("img"), "{what}");
    let title_id = format!("{prefix}title");
    let desc_id = format!("{prefix}desc");
    assert_eq!(root.attribute("aria-labelledby"), Some(title_id.as_str()), "{what}");
    assert_eq!(root.attribute("aria-describedby"), Some(desc_id.as_str()), "{what}");
    assert!(root.attribute("lang").is_some_and(|l| !l.is_empty()), "{what}");
    let mut children = root.children().filter(roxmltree::Node::is_element);
    let title = children.next().unwrap();
    assert!(title.has_tag_name("title") && title.attribute("id") == Some(&title_id), "{what}: the title comes first");
    assert!(title.text().is_some_and(|t| !t.trim().is_empty()), "{what}: an empty title");
    let desc = children.next().unwrap();
    assert!(desc.has_tag_name("desc") && desc.attribute("id") == Some(&desc_id), "{what}: the description is second");
    let description = desc.text().unwrap_or_default();
    assert!(description.contains(&stage_count.to_string()), "{what}: the description counts the steps: {description}");
    let Some(labels) = labels else { return };
    for (id, label) in labels {
        let group_id = format!("{prefix}stage-{id}");
        let group = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&group_id))
            .unwrap_or_else(|| panic!("{what}: no group {group_id}"));
        let shown = squeezed(&text_of(group));
        assert!(shown.contains(&squeezed(label)), "{what}: stage {id}'s label {label:?} is not its text: {shown}");
    }
}

/// The `<svg>` elements of an HTML page, each as a document of its own.
fn inline_svgs(page: &str) -> Vec<&str> {
    page.match_indices("<svg ")
        .map(|(at, _)| &page[at..at + page[at..].find("</svg>").unwrap() + "</svg>".len()])
        .collect()
}

#[test]
fn every_svg_is_an_image_with_a_title_a_description_and_its_text() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("svg");
    for chart in charts() {
        let name = chart.file_stem().unwrap().to_string_lossy().into_owned();
        let (languages, stages) = stages(&chart);
        let labels = |lang: usize| -> Vec<(String, String)> {
            stages.iter().map(|(id, texts)| (id.clone(), texts[lang].clone())).collect()
        };
        let out = build(&chart, &dir);
        for (lang, code) in languages.iter().enumerate() {
            let file = if lang == 0 { format!("{name}.svg") } else { format!("{name}.{code}.svg") };
            let svg = std::fs::read_to_string(out.join(&file)).unwrap();
            assert_accessible_svg(&svg, "", stages.len(), Some(&labels(lang)), &file);
        }
        // The page holds each language's diagram with its ids after the language's index.
        let page = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
        let svgs = inline_svgs(&page);
        assert_eq!(svgs.len(), languages.len(), "{name}.html");
        for (lang, svg) in svgs.into_iter().enumerate() {
            assert_accessible_svg(
                svg,
                &format!("l{lang}-"),
                stages.len(),
                Some(&labels(lang)),
                &format!("{name}.html"),
            );
        }
    }
    // On pages of paper, every page is described.
    let chart = root().join("examples/thailand-nrm.flow");
    let (_, stages) = stages(&chart);
    let out = dir.join("paged.svg");
    let (code, stderr) = referflow(&[
        "render",
        chart.to_str().unwrap(),
        "--to",
        "svg",
        "--page",
        "a4",
        "--lang",
        "th",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let pages: Vec<PathBuf> = (1..).map(|k| dir.join(format!("paged-{k}.svg"))).take_while(|p| p.exists()).collect();
    assert!(pages.len() > 1, "{stderr}");
    for page in pages {
        let svg = std::fs::read_to_string(&page).unwrap();
        assert_accessible_svg(&svg, "", stages.len(), None, &page.display().to_string());
        assert!(svg.contains("lang=\"th\"") && svg.contains("ขั้นตอน"), "{}: the description in Thai", page.display());
    }
}

/// The part of `page` from `start` to the end of the element it opens (`</tag>`).
fn element<'p>(page: &'p str, start: &str, tag: &str) -> &'p str {
    let at = page.find(start).unwrap_or_else(|| panic!("no {start:?} on the page"));
    let close = format!("</{tag}>");
    &page[at..at + page[at..].find(&close).unwrap() + close.len()]
}

#[test]
fn the_page_gives_every_language_its_switch_its_diagram_and_its_text_version() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("page");
    for chart in charts() {
        let name = chart.file_stem().unwrap().to_string_lossy().into_owned();
        let (languages, _) = stages(&chart);
        let out = build(&chart, &dir);
        let page = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
        assert!(page.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{}\">", languages[0])), "{name}");
        // The switch is in the `nav` landmark, every radio with its label, before `main`.
        if languages.len() > 1 {
            let nav = element(&page, "<nav class=\"switch\" aria-label=\"", "nav");
            for (i, code) in languages.iter().enumerate() {
                assert!(nav.contains(&format!("id=\"lang-{i}\" value=\"{code}\"")), "{name}: {nav}");
                assert!(nav.contains(&format!("<label for=\"lang-{i}\" lang=\"{code}\">")), "{name}: {nav}");
            }
            assert!(page.find("<nav").unwrap() < page.find("<main>").unwrap());
        } else {
            assert!(!page.contains("<nav") && !page.contains("type=\"radio\""), "{name}");
        }
        for (i, code) in languages.iter().enumerate() {
            let section = element(&page, &format!("<section class=\"lang lang-{i}\" lang=\"{code}\">"), "section");
            let prefix = if i == 0 { String::new() } else { format!("{code}-") };
            // The diagram at its size in a box a keyboard can scroll, then its caption.
            let figure = element(section, "<figure class=\"diagram\">", "figure");
            assert!(figure.contains("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\""), "{figure}");
            let caption = element(figure, "<figcaption>", "figcaption");
            assert!(caption.contains(&format!("<a href=\"#{prefix}narrative\">")), "{name}: {caption}");
            assert!(section.contains(&format!("<div class=\"narrative\" id=\"{prefix}narrative\">")), "{name}");
            let file = if i == 0 { format!("{name}.svg") } else { format!("{name}.{code}.svg") };
            assert!(caption.contains(&format!("<a href=\"{file}\" type=\"image/svg+xml\">")), "{name}: {caption}");
            assert!(out.join(&file).is_file(), "{name}: the page links to {file}, which build did not write");
        }
    }

    // `render` writes the page alone: no SVG file to link to.
    let (code, stderr) = referflow(&[
        "render",
        "examples/thailand-nrm.flow",
        "--to",
        "html",
        "-o",
        dir.join("alone.html").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.join("alone.html")).unwrap();
    assert!(page.contains("<a href=\"#th-narrative\">") && !page.contains("image/svg+xml"), "{page}");

    // A chart whose name is no URL as it stands is linked to by its name, percent-encoded.
    let odd = dir.join("odd");
    std::fs::create_dir_all(&odd).unwrap();
    let chart = odd.join("NRM draft #2 (50%).flow");
    std::fs::copy(root().join("examples/gbv-pathway.flow"), &chart).unwrap();
    let out = build(&chart, &odd);
    assert!(out.join("NRM draft #2 (50%).svg").is_file());
    let page = std::fs::read_to_string(out.join("NRM draft #2 (50%).html")).unwrap();
    assert!(page.contains("<a href=\"NRM%20draft%20%232%20%2850%25%29.svg\" type=\"image/svg+xml\">"), "{page}");
}

// ---- axe-core in a browser ------------------------------------------------------------------

/// What tests/browser/axe.mjs found on one page.
#[derive(Debug, Deserialize)]
pub struct PageReport {
    /// The page as given: a path or a URL.
    pub page: String,
    /// One report per language the page's switch offers, in its order; one for a page without
    /// a switch.
    pub languages: Vec<LanguageReport>,
}

/// What was found on a page with one language selected.
#[derive(Debug, Deserialize)]
pub struct LanguageReport {
    pub lang: String,
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// Ids used by more than one element.
    #[serde(default)]
    pub duplicate_ids: Vec<String>,
    /// The languages of the sections shown (`main > [lang]`).
    #[serde(default)]
    pub shown: Vec<String>,
    /// How many controls the Tab key reached.
    #[serde(default)]
    pub focus_stops: usize,
    /// The controls whose focus cannot be seen.
    #[serde(default)]
    pub invisible_focus: Vec<String>,
    /// The language could not be selected.
    #[serde(default)]
    pub error: Option<String>,
}

/// A rule of axe-core that a page breaks.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    /// How many elements break it.
    pub nodes: usize,
    /// The first few of them, as CSS selectors.
    pub targets: Vec<String>,
}

impl PageReport {
    /// Every problem found on the page, one line each: a broken rule, an id used twice, a
    /// control whose focus cannot be seen, a language that could not be selected.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for l in &self.languages {
            let at = format!("{} [{}]", self.page, l.lang);
            out.extend(l.error.iter().map(|e| format!("{at}: {e}")));
            for v in &l.violations {
                let impact = v.impact.as_deref().unwrap_or("?");
                out.push(format!("{at}: {} ({impact}, {} elements: {:?}): {}", v.id, v.nodes, v.targets, v.help));
            }
            out.extend(l.duplicate_ids.iter().map(|id| format!("{at}: the id {id} is used more than once")));
            out.extend(l.invisible_focus.iter().map(|c| format!("{at}: the focus on {c} cannot be seen")));
        }
        out
    }
}

/// Runs axe-core on each HTML file of `pages` in headless Chromium, once per language the
/// page's switch offers (selected by clicking its label, as a reader does), and returns what
/// it found, page by page. `None` (skipped) when node, npm or Chromium is missing, which
/// `CI=true` does not allow.
pub fn axe(pages: &[PathBuf]) -> Option<Vec<PageReport>> {
    let args: Vec<&std::ffi::OsStr> = pages.iter().map(|p| p.as_os_str()).collect();
    run_axe(&args)
}

/// [`axe`] on a page served at `url` that draws itself (`referflow serve`'s), checked once
/// `wait`, a CSS selector, finds something on it.
pub fn axe_served(url: &str, wait: &str) -> Option<Vec<PageReport>> {
    run_axe(&["--wait".as_ref(), wait.as_ref(), url.as_ref()])
}

fn run_axe(args: &[&std::ffi::OsStr]) -> Option<Vec<PageReport>> {
    let dir = crate::browser("the accessibility check")?;
    // axe.mjs gives up by itself after ten minutes, and launching the browser after one.
    let out = Command::new("node").arg("axe.mjs").args(args).current_dir(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 0: nothing found, 1: something found, both with a report; anything else: no report.
    assert!(matches!(out.status.code(), Some(0 | 1)), "axe.mjs could not check the pages ({}): {stderr}", out.status);
    #[derive(Deserialize)]
    struct Output {
        pages: Vec<PageReport>,
    }
    let output: Output = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("axe.mjs printed no report ({e}): {}\n{stderr}", String::from_utf8_lossy(&out.stdout))
    });
    Some(output.pages)
}

#[test]
fn axe_finds_nothing_on_any_page_in_any_language() {
    if !fonts() {
        return;
    }
    if crate::browser("the accessibility check").is_none() {
        return;
    }
    let dir = temp_dir("axe");
    let mut pages = Vec::new();
    let mut declared = Vec::new();
    for chart in charts() {
        let name = chart.file_stem().unwrap().to_string_lossy().into_owned();
        pages.push(build(&chart, &dir).join(format!("{name}.html")));
        declared.push(stages(&chart).0);
    }
    // The comments' disposition report: a page of the same head and style, in English.
    let matrix = dir.join("filled.csv");
    std::fs::write(&matrix, crate::comments::FILLED).unwrap();
    let report = dir.join("report.html");
    let (code, stderr) = referflow(&[
        "comments",
        "report",
        matrix.to_str().unwrap(),
        "tests/fixtures/comments/old.flow",
        "tests/fixtures/comments/new.flow",
        "--to",
        "html",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");

    let mut all = pages.clone();
    all.push(report);
    // The person's leaflet, in each language, of every chart that declares one.
    let mut leaflets: Vec<PathBuf> = pages
        .iter()
        .flat_map(|page| std::fs::read_dir(page.parent().unwrap()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".leaflet.html"))
        .collect();
    leaflets.sort();
    assert!(leaflets.len() >= 2, "the Thai example's leaflet, in English and Thai: {leaflets:?}");
    all.extend(leaflets);
    let Some(reports) = axe(&all) else { return };
    assert_eq!(reports.len(), all.len());
    let mut problems = Vec::new();
    for (report, languages) in reports.iter().zip(&declared) {
        // Every language was selected, and showed itself alone.
        let checked: Vec<&str> = report.languages.iter().map(|l| l.lang.as_str()).collect();
        assert_eq!(checked, *languages, "{}", report.page);
        for l in &report.languages {
            assert_eq!(l.shown, [l.lang.as_str()], "{}: with {} selected", report.page, l.lang);
            // The switch's radio (when there is one), the diagram's box, its two links: at least.
            assert!(l.focus_stops >= 3, "{} [{}]: {} stops of the Tab key", report.page, l.lang, l.focus_stops);
        }
    }
    for report in &reports {
        let found = report.problems();
        eprintln!("{}: {} languages, {} problems", report.page, report.languages.len(), found.len());
        problems.extend(found);
    }
    assert!(problems.is_empty(), "axe-core and the page's checks found:\n{}", problems.join("\n"));
}
