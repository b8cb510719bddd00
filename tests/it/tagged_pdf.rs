//! The PDF as a reader who does not see it gets it: tagged (a structure tree, PDF/UA-1), with
//! its language, a title the viewer shows as the window's title, the diagram's stages as one
//! element each in the narrative's reading order, and the hearing pack's narrative as headings,
//! paragraphs, lists and tables. The structure is read back from the file by
//! tests/pdf/structure.py (pikepdf), the text of each element from the content streams.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagram::{fonts, pdf_facts, pdf_facts_usable, squeezed, temp_dir};
use crate::root;

/// The date every run here is made on, so that two runs can be compared byte for byte.
const EPOCH: &str = "1764892800";

const CHART: &str = "examples/thailand-nrm.flow";

fn referflow(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// One structure element, in the tree's order (depth first).
#[derive(Debug, Clone, serde::Deserialize)]
struct Element {
    #[serde(rename = "type")]
    kind: String,
    depth: usize,
    /// The text of its marked content, its children's included.
    text: String,
    alt: Option<String>,
    lang: Option<String>,
    title: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct Structure {
    display_doc_title: bool,
    elements: Vec<Element>,
}

/// The structure tree of a PDF, as tests/pdf/structure.py reads it.
fn structure(pdf: &Path) -> Structure {
    let out = Command::new("python3").arg(root().join("tests/pdf/structure.py")).arg(pdf).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The stages' numbers in the narrative's reading order (the order of its step anchors), and
/// the text of each stage's box (`14 · Screen with the national form`), by number.
fn narrative(lang: &str) -> (Vec<u64>, BTreeMap<u64, String>) {
    let md = String::from_utf8(referflow(&["render", CHART, "--to", "md", "--lang", lang])).unwrap();
    let order: Vec<u64> =
        md.split("<a id=\"step-").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect();
    let model: serde_json::Value = serde_json::from_slice(&referflow(&["render", CHART, "--to", "json"])).unwrap();
    let boxes = model["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let n = s["number"].as_u64().unwrap();
            (n, format!("{n} · {}", s["label"][lang].as_str().unwrap()))
        })
        .collect();
    (order, boxes)
}

/// The numbers of the stages whose boxes are elements of the tree, in the tree's order: an
/// element counts when its text is a stage's box text, whole.
fn stages_in_tree(elements: &[Element], boxes: &BTreeMap<u64, String>) -> Vec<u64> {
    let by_text: BTreeMap<String, u64> = boxes.iter().map(|(n, text)| (squeezed(text), *n)).collect();
    elements.iter().filter_map(|e| by_text.get(&squeezed(&e.text)).filter(|_| e.kind == "P").copied()).collect()
}

/// What every PDF of ours says of itself, and the diagram's stages in reading order, each one
/// element whose alt text adds who acts.
fn assert_tagged(pdf: &Path, lang: &str, title: &str, what: &str) -> Structure {
    let facts = pdf_facts(pdf);
    assert_eq!(facts["tagged"], true, "{what}: not tagged");
    assert_eq!(facts["lang"], lang, "{what}");
    assert_eq!(facts["title"], title, "{what}");
    let tree = structure(pdf);
    assert!(tree.display_doc_title, "{what}: the viewer would show the file name, not the title");
    assert_eq!(tree.elements.first().map(|e| e.kind.as_str()), Some("Document"), "{what}");
    assert_eq!(tree.elements[0].lang.as_deref(), Some(lang), "{what}");
    let (order, boxes) = narrative(lang);
    assert_eq!(order.len(), boxes.len(), "{what}: the narrative has every stage");
    assert_eq!(stages_in_tree(&tree.elements, &boxes), order, "{what}: stages not in the narrative's order");
    for e in tree.elements.iter().filter(|e| boxes.values().any(|b| squeezed(b) == squeezed(&e.text))) {
        let alt = e.alt.as_deref().unwrap_or_else(|| panic!("{what}: no alt text on {e:?}"));
        assert!(squeezed(alt).starts_with(&squeezed(&e.text)), "{what}: {alt:?} does not start with {:?}", e.text);
        assert!(alt.len() > e.text.len() + 8, "{what}: {alt:?} does not say who acts");
    }
    tree
}

fn title(lang: &str) -> String {
    let model: serde_json::Value = serde_json::from_slice(&referflow(&["render", CHART, "--to", "json"])).unwrap();
    model["title"][lang].as_str().unwrap().to_owned()
}

#[test]
fn a_rendered_pdf_is_tagged_with_the_stages_in_the_narratives_order() {
    if !fonts() || !pdf_facts_usable() {
        return;
    }
    let dir = temp_dir("tagged");
    for (lang, page) in [("en", None), ("en", Some("a4")), ("en", Some("slide")), ("th", None), ("th", Some("a4"))] {
        let out = dir.join(format!("{lang}-{}.pdf", page.unwrap_or("canvas")));
        let mut args = vec!["render", CHART, "--to", "pdf", "--lang", lang, "-o", out.to_str().unwrap()];
        if let Some(page) = page {
            args.extend(["--page", page]);
        }
        referflow(&args);
        let what = format!("render {lang} {page:?}");
        let tree = assert_tagged(&out, lang, &title(lang), &what);
        // The diagram's title heads the document; the phases head their stages.
        let h1: Vec<&Element> = tree.elements.iter().filter(|e| e.kind == "H1").collect();
        assert_eq!(h1.len(), 1, "{what}: {h1:?}");
        assert!(squeezed(&h1[0].text).starts_with(&squeezed(&title(lang))), "{what}: {h1:?}");
        assert_eq!(h1[0].title.as_deref().map(squeezed), Some(squeezed(&h1[0].text)), "{what}");
        assert!(tree.elements.iter().filter(|e| e.kind == "H2").count() >= 5, "{what}: a heading per phase");
        // Nothing is read twice: no page number, marker or branch label in the tree.
        let all = squeezed(&tree.elements[0].text);
        assert!(!all.contains('→') && !all.contains('←'), "{what}: a marker is read");
        // Two runs, the same bytes.
        let again = dir.join("again.pdf");
        args[7] = again.to_str().unwrap();
        referflow(&args);
        assert!(std::fs::read(&out).unwrap() == std::fs::read(&again).unwrap(), "{what}: not deterministic");
    }
}

#[test]
fn the_hearing_pack_is_tagged_as_headings_paragraphs_lists_and_tables() {
    if !fonts() || !pdf_facts_usable() {
        return;
    }
    let dir = temp_dir("tagged-hearing");
    let build = |out: &Path| -> Vec<PathBuf> {
        let args = ["build", CHART, "--hearing", "--date", "2026-12-05", "-o", out.to_str().unwrap()];
        String::from_utf8(referflow(&args)).unwrap().lines().map(PathBuf::from).collect()
    };
    let paths = build(&dir.join("1"));
    let again = build(&dir.join("2"));
    for ((path, other), (lang, other_lang)) in paths.iter().zip(&again).zip([("en", "th"), ("th", "en")]) {
        let what = format!("{lang} pack");
        assert!(std::fs::read(path).unwrap() == std::fs::read(other).unwrap(), "{what}: not deterministic");
        let tree = assert_tagged(path, lang, &title(lang), &what);
        let e = &tree.elements;
        // The cover: the title is the document's first heading, the title in the chart's other
        // language a paragraph in that language.
        assert_eq!(e[1].kind, "H1", "{what}: {:?}", e[1]);
        assert_eq!(squeezed(&e[1].text), squeezed(&title(lang)), "{what}");
        assert!(
            e.iter().any(|x| x.kind == "P"
                && x.lang.as_deref() == Some(other_lang)
                && squeezed(&x.text) == squeezed(&title(other_lang))),
            "{what}: the other language's title is not a paragraph in that language"
        );
        for kind in ["H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD"] {
            assert!(e.iter().any(|x| x.kind == kind), "{what}: no {kind}");
        }
        // The narrative's first paragraph is one element, though it takes several lines.
        let intro = if lang == "en" {
            "This document describes the referral chart step by step"
        } else {
            "เอกสารนี้"
        };
        let paragraph =
            e.iter().find(|x| x.kind == "P" && x.text.starts_with(intro)).unwrap_or_else(|| panic!("{what}"));
        assert!(squeezed(&paragraph.text).len() > 200, "{what}: {paragraph:?}");
        if lang == "en" {
            assert!(paragraph.text.contains("step by step: who is responsible"), "{what}: lines run together");
        }
        // In the narrative (after its own H1), a list item: its bullet, then its text.
        let narrative = e.iter().rposition(|x| x.kind == "H1").unwrap();
        let item = narrative + e[narrative..].iter().position(|x| x.kind == "LI").unwrap();
        assert_eq!((e[item + 1].kind.as_str(), e[item + 1].text.as_str()), ("Lbl", "•"), "{what}");
        assert_eq!((e[item + 2].kind.as_str(), e[item + 2].depth), ("LBody", e[item].depth + 1), "{what}");
        // A table: a head row of header cells, then rows of cells.
        let table = e.iter().position(|x| x.kind == "Table").unwrap();
        assert_eq!(e[table + 1].kind, "TR", "{what}");
        assert_eq!(e[table + 2].kind, "TH", "{what}");
        // Footers and page numbers are not read.
        let all = &e[0].text;
        assert!(!all.contains(" / "), "{what}: a page number is read");
    }
}

/// A page as a producer such as a leaflet makes it: a title, a heading, a paragraph of three
/// drawn lines, a list item with its bullet, a footer.
fn leaflet_page() -> referflow_emit::scene::Page {
    use referflow_emit::scene::{Anchor, Item, Page, Paint, Role, Tag};
    let text = |y: f32, text: &str| Item::Text {
        x: 40.0,
        y,
        size: 11.0,
        bold: false,
        anchor: Anchor::Start,
        text: text.into(),
    };
    let mut items = vec![Item::Rect { x: 30.0, y: 30.0, w: 500.0, h: 4.0, radius: 0.0, paint: Paint::Head }];
    items.push(Item::begin(Role::Heading(1)));
    items.push(text(60.0, "Help for victims"));
    items.push(Item::End);
    items.push(Item::begin(Role::Heading(2)));
    items.push(text(90.0, "Who to call"));
    items.push(Item::End);
    items.push(Item::begin(Role::Paragraph));
    items.extend([text(110.0, "Call the hotline"), text(124.0, "at any hour; the call"), text(138.0, "is free.")]);
    items.push(Item::End);
    items.push(Item::begin(Role::List));
    items.push(Item::begin(Role::ListItem));
    items.push(Item::begin(Role::Label));
    items.push(text(160.0, "•"));
    items.push(Item::End);
    items.push(text(160.0, "Police: 191"));
    items.push(Item::End);
    items.push(Item::End);
    items.push(Item::Begin(Tag::new(Role::Paragraph).in_lang("th")));
    items.push(text(180.0, "สายด่วน 1300"));
    items.push(Item::End);
    items.push(Item::begin(Role::Footer));
    items.push(text(800.0, "Page 1 / 1"));
    items.push(Item::End);
    Page {
        width: 595.28,
        height: 841.89,
        lang: "en".into(),
        title: "Help for victims".into(),
        families: String::new(),
        outline: vec!["Help for victims".into()],
        items,
    }
}

#[test]
fn a_scenes_elements_become_the_pdfs_structure_and_a_broken_one_is_an_error() {
    use referflow_emit::pdf::{Info, to_pdf};
    use referflow_emit::scene::{Item, Role};
    if !fonts() || !pdf_facts_usable() {
        return;
    }
    let info = Info { title: "Help for victims".into(), lang: "en".into(), date: None };
    let page = leaflet_page();
    let bytes = to_pdf(std::slice::from_ref(&page), &info).unwrap();
    let path = temp_dir("leaflet").join("leaflet.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let tree = structure(&path);
    let shape: Vec<(&str, usize, &str)> =
        tree.elements.iter().map(|e| (e.kind.as_str(), e.depth, e.text.as_str())).collect();
    assert_eq!(
        shape,
        [
            (
                "Document",
                0,
                "Help for victimsWho to callCall the hotline at any hour; the call is free.•Police: 191สายด่วน 1300"
            ),
            ("H1", 1, "Help for victims"),
            ("H2", 1, "Who to call"),
            // Three drawn lines, one paragraph, with the spaces the wrapping took away.
            ("P", 1, "Call the hotline at any hour; the call is free."),
            ("L", 1, "•Police: 191"),
            ("LI", 2, "•Police: 191"),
            ("Lbl", 3, "•"),
            ("LBody", 3, "Police: 191"),
            ("P", 1, "สายด่วน 1300"),
        ]
    );
    assert_eq!(tree.elements[1].title.as_deref(), Some("Help for victims"));
    assert_eq!(tree.elements[8].lang.as_deref(), Some("th"));
    // The same page twice: the same bytes.
    assert!(to_pdf(std::slice::from_ref(&page), &info).unwrap() == bytes);

    // An element never ended, or ended twice: an error that says so, no panic, no file.
    for broken in [Item::begin(Role::Paragraph), Item::End] {
        let mut page = leaflet_page();
        page.items.push(broken.clone());
        let error = to_pdf(&[page], &info).unwrap_err();
        assert!(error.contains("structure is broken"), "{broken:?}: {error}");
    }
}

/// Every valid chart (a title left empty, a byte order mark, hostile labels, Thai) makes PDFs
/// that pass krilla's PDF/UA-1 validation: a chart that did not would publish nothing.
#[test]
fn every_valid_chart_makes_pdfs_that_pass_pdf_ua() {
    if !fonts() {
        return;
    }
    let mut charts: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    charts.sort();
    charts.push(root().join("tests/fixtures/hostile/labels.flow"));
    let dir = temp_dir("ua");
    for chart in &charts {
        let chart = chart.to_str().unwrap();
        let out = dir.join("chart.pdf");
        for page in [None, Some("a4"), Some("slide")] {
            let mut args = vec!["render", chart, "--to", "pdf", "-o", out.to_str().unwrap()];
            args.extend(page.map(|p| ["--page", p]).into_iter().flatten());
            referflow(&args);
        }
        referflow(&["build", chart, "--hearing", "-o", dir.to_str().unwrap()]);
    }
}
