//! Charts that write their step numbers (`step 14 screen …`): every output cites each stage by
//! the chart's own number, not by its place in reading order. The chart here numbers its
//! stages out of reading order (38 between 2 and 3; 14 before 9 and 10) and leaves two stages
//! without a number, one with an ASCII id and one with a Thai id. The examples, which write no
//! numbers, keep their snapshots: that is the other half of the contract.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::process::Command;

use referflow_emit::chart::{Chart, RenderOptions};
use serde_json::{Value, json};

use crate::diagram::{fonts, groups, squeezed, svg_pages, temp_dir, text_of};
use crate::{check_src, root};

const CHART: &str = r#"title "Numbered referral" th "การส่งต่อที่มีหมายเลข"
languages en th
numbering last 40
retired 5 "Old screening form", 20

actor police "Police" { th "ตำรวจ" }
actor mdt "Team" { th "ทีมสหวิชาชีพ" }

phase intake "Intake" {
  th "รับเรื่อง"
  start 1 tip_off "Tip-off received" by police { th "ได้รับแจ้งเบาะแส" }
  step 2 interview "Interview the person" by police { th "สัมภาษณ์" }
  step 38 consent "Ask for consent" by police { th "ขอความยินยอม" }
  step 3 screen "Screen with the national form" by mdt within 24h { th "คัดกรองด้วยแบบคัดกรอง" }
}
phase care "Care" {
  th "การดูแล"
  decision 14 indicators "Are indicators present?" by mdt {
    th "พบข้อบ่งชี้หรือไม่"
    yes -> shelter
    no -> คัดแยก
  }
  step shelter "Temporary shelter" by mdt within 15d { th "สถานคุ้มครองชั่วคราว" }
  step คัดแยก "Sort the case" by mdt { th "คัดแยกกรณี" }
  end 9 other_services "Referred to other services" by mdt { th "ส่งต่อบริการอื่น" }
  end 10 assisted "Assistance plan agreed" by mdt { th "มีแผนการช่วยเหลือ" }
}

tip_off -> interview
interview -> consent
consent -> screen
screen -> indicators
shelter -> assisted
คัดแยก -> other_services
"#;

/// Each stage in source order: id, the number written for it, its English and Thai labels.
const STAGES: [(&str, Option<u32>, &str, &str); 9] = [
    ("tip_off", Some(1), "Tip-off received", "ได้รับแจ้งเบาะแส"),
    ("interview", Some(2), "Interview the person", "สัมภาษณ์"),
    ("consent", Some(38), "Ask for consent", "ขอความยินยอม"),
    ("screen", Some(3), "Screen with the national form", "คัดกรองด้วยแบบคัดกรอง"),
    ("indicators", Some(14), "Are indicators present?", "พบข้อบ่งชี้หรือไม่"),
    ("shelter", None, "Temporary shelter", "สถานคุ้มครองชั่วคราว"),
    ("คัดแยก", None, "Sort the case", "คัดแยกกรณี"),
    ("other_services", Some(9), "Referred to other services", "ส่งต่อบริการอื่น"),
    ("assisted", Some(10), "Assistance plan agreed", "มีแผนการช่วยเหลือ"),
];

/// The narrative's anchors of the two stages without a number: the ASCII id, and the Thai id's
/// place in the source (7th).
const UNNUMBERED_ANCHORS: [&str; 2] = ["stage-shelter", "stage-7"];

/// Renders `src` (which must check without errors) with `render`.
fn rendered<T>(src: &str, render: impl FnOnce(&Chart<'_, '_>) -> T) -> T {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    assert!(!checked.has_errors(), "{}", check_src("numbered.flow", src));
    render(&Chart::new(&checked.model, &checked.diagnostics))
}

fn options(lang: usize) -> RenderOptions {
    RenderOptions { lang, ..RenderOptions::default() }
}

/// Every `id="…"` of a page or document, in order.
fn ids(text: &str) -> Vec<&str> {
    text.split(" id=\"").skip(1).map(|piece| &piece[..piece.find('"').unwrap()]).collect()
}

/// The targets of every in-page link, Markdown (`](#x)`) or HTML (`href="#x"`).
fn link_targets(text: &str) -> Vec<&str> {
    let markdown = text.split("](#").skip(1).map(|piece| &piece[..piece.find(')').unwrap()]);
    let html = text.split("href=\"#").skip(1).map(|piece| &piece[..piece.find('"').unwrap()]);
    markdown.chain(html).collect()
}

#[test]
fn the_narrative_heads_and_links_every_step_by_the_charts_number() {
    let md = rendered(CHART, |chart| referflow_emit::markdown::render_markdown(chart, &options(0)));
    for (id, number, label, _) in STAGES {
        if let Some(n) = number {
            let heading = format!("### <a id=\"step-{n}\"></a>Step {n}: {label}\n");
            assert!(md.contains(&heading), "{id}: no {heading:?} in\n{md}");
        }
    }
    // A stage without a number is headed by its label alone, under an ASCII anchor.
    assert!(md.contains("### <a id=\"stage-shelter\"></a>Temporary shelter\n"), "{md}");
    assert!(md.contains("### <a id=\"stage-7\"></a>Sort the case\n"), "{md}");
    assert!(!md.contains("Step 5") && !md.contains("Step 6:"), "reading-order numbers leaked:\n{md}");

    // Every link lands on an anchor, and the steps are linked by their numbers.
    let anchors: HashSet<&str> = md.split("<a id=\"").skip(1).map(|p| &p[..p.find('"').unwrap()]).collect();
    for target in link_targets(&md) {
        assert!(anchors.contains(target), "a link to #{target}, which is nowhere:\n{md}");
    }
    assert!(md.contains("- **Next:** [Step 38: Ask for consent](#step-38)\n"), "{md}");
    assert!(md.contains("- **Comes after:** [step 38](#step-38)\n"), "{md}");
    assert!(md.contains("  - Yes → [Temporary shelter](#stage-shelter)\n"), "{md}");
    assert!(md.contains("  - No → [Sort the case](#stage-7)\n"), "{md}");
    assert!(md.contains("| Police | [1](#step-1), [2](#step-2), [38](#step-38) | — |"), "{md}");

    // Ranges stay true when the numbers are out of order.
    assert!(md.contains("- [Phase 1: Intake](#phase-1) (steps 1–3, 38)\n"), "{md}");
    assert!(md.contains("- [Phase 2: Care](#phase-2) (steps 9–10, 14)\n"), "{md}");
    // The introduction no longer says the steps are numbered in reading order.
    assert!(!md.contains("numbered in reading order"), "{md}");
    assert!(md.contains("stays the same from one revision to the next"), "{md}");

    let th = rendered(CHART, |chart| referflow_emit::markdown::render_markdown(chart, &options(1)));
    assert!(th.contains("### <a id=\"step-38\"></a>ขั้นตอนที่ 38: ขอความยินยอม\n"), "{th}");
    assert!(th.contains("### <a id=\"stage-7\"></a>คัดแยกกรณี\n"), "{th}");
    assert!(!th.contains("เรียงตามลำดับการอ่าน"), "{th}");
}

#[test]
fn the_html_page_anchors_the_first_language_plainly_and_the_others_after_their_code() {
    let page = rendered(CHART, |chart| referflow_emit::html::render_html(chart, &[], &options(0)));
    let all = ids(&page);
    let mut seen = HashSet::new();
    for id in &all {
        assert!(seen.insert(*id), "the id {id} is used twice on the page");
    }
    for (id, number, _, _) in STAGES {
        if let Some(n) = number {
            for wanted in [format!("step-{n}"), format!("th-step-{n}")] {
                assert!(seen.contains(wanted.as_str()), "{id}: no {wanted} in {all:?}");
            }
        }
    }
    for anchor in UNNUMBERED_ANCHORS {
        assert!(seen.contains(anchor) && seen.contains(format!("th-{anchor}").as_str()), "{all:?}");
    }
    for target in link_targets(&page) {
        assert!(seen.contains(target), "a link to #{target}, which is nowhere");
    }
    // Each language's links stay in its own section.
    let (english, thai) = page.split_at(page.find("<section class=\"lang lang-1\"").unwrap());
    assert!(link_targets(english).iter().all(|t| !t.starts_with("th-")), "{english}");
    assert!(link_targets(thai).iter().all(|t| t.starts_with("th-")), "{thai}");
    assert!(english.contains("<a href=\"#step-38\">Step 38: Ask for consent</a>"), "{english}");
}

#[test]
fn the_model_gives_every_stage_its_number_and_the_numbering() {
    let model: Value =
        serde_json::from_str(&rendered(CHART, |chart| referflow_emit::model_json::render_model_json(chart, CHART)))
            .unwrap();
    let stages = model["stages"].as_array().unwrap();
    assert_eq!(stages.len(), STAGES.len());
    for (stage, (id, number, _, _)) in stages.iter().zip(STAGES) {
        assert_eq!(stage["id"], json!(id));
        assert_eq!(stage["number"], json!(number), "{id}");
    }
    assert_eq!(
        model["numbering"],
        json!({
            "required": false,
            "last": 40,
            "retired": [{"number": 5, "text": "Old screening form"}, {"number": 20, "text": null}],
            "numbered": true
        })
    );
    let required = CHART.replace("numbering last 40", "numbering required last 40");
    let model: Value = serde_json::from_str(&rendered(&required, |chart| {
        referflow_emit::model_json::render_model_json(chart, &required)
    }))
    .unwrap();
    assert_eq!(model["numbering"]["required"], json!(true));
}

#[test]
fn mermaid_and_dot_show_the_written_numbers() {
    let mermaid = rendered(CHART, |chart| referflow_emit::mermaid::render_mermaid(chart, &options(0)));
    assert!(mermaid.contains("    s2[\"38 · Ask for consent\"]\n"), "{mermaid}");
    assert!(mermaid.contains("    s4{\"14 · Are indicators present?\"}\n"), "{mermaid}");
    assert!(mermaid.contains("    s5[\"Temporary shelter<br>within 15 days\"]\n"), "{mermaid}");
    assert!(mermaid.contains("    s6[\"Sort the case\"]\n"), "{mermaid}");

    let dot = rendered(CHART, |chart| referflow_emit::dot::render_dot(chart, &options(0)));
    assert!(dot.contains("label=<38 · Ask for consent<BR/>"), "{dot}");
    assert!(dot.contains("label=<Temporary shelter<BR/>"), "{dot}");
    if !crate::graphviz() {
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    // Graphviz writes a doctype; entities are decoded by the XML reader, as a browser would.
    let xml = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(&svg, xml).unwrap();
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    for wanted in ["1 · Tip-off received", "2 · Interview the person", "38 · Ask for consent", "Temporary shelter"] {
        assert!(texts.contains(&wanted), "Graphviz shows no {wanted:?}: {texts:?}");
    }
}

#[test]
fn the_diagram_heads_each_box_with_the_charts_number() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("numbered-diagram");
    let chart = dir.join("numbered.flow");
    std::fs::write(&chart, CHART).unwrap();
    for (lang, code) in [(0, "en"), (1, "th")] {
        let svgs = svg_pages(chart.to_str().unwrap(), &["--lang", code], &dir);
        assert_eq!(svgs.len(), 1);
        let doc = roxmltree::Document::parse(&svgs[0]).unwrap();
        let boxes: BTreeMap<String, String> = groups(&doc, "stage")
            .into_iter()
            .map(|g| (g.attribute("id").unwrap().strip_prefix("stage-").unwrap().to_owned(), text_of(g)))
            .collect();
        for (id, number, en, th) in STAGES {
            let shown = &boxes[id];
            let label = if lang == 0 { en } else { th };
            match number {
                Some(n) => assert!(
                    shown.starts_with(&format!("{n} · ")) && squeezed(shown) == squeezed(&format!("{n} · {label}")),
                    "{code} {id}: {shown:?}"
                ),
                None => assert_eq!(squeezed(shown), squeezed(label), "{code} {id}: no number, no `·`"),
            }
        }
    }
}

/// The 37-stage chart of the page tests with numbers written out of reading order (stage `sK`
/// gets 100 + 17K mod 37), and `s5` left without one.
fn numbered_nrm() -> String {
    let src = std::fs::read_to_string(root().join("tests/pages/nrm-37-stages.flow")).unwrap();
    let mut out = String::new();
    for line in src.lines() {
        let trimmed = line.trim_start();
        let kind = ["start ", "step ", "decision ", "end "].into_iter().find(|k| trimmed.starts_with(k));
        match kind {
            Some(kind) if trimmed[kind.len()..].starts_with('s') => {
                let rest = &trimmed[kind.len()..];
                let id = &rest[..rest.find(' ').unwrap()];
                let k: u32 = id[1..].parse().unwrap();
                let indent = &line[..line.len() - trimmed.len()];
                if k == 5 {
                    out.push_str(line);
                } else {
                    out.push_str(&format!("{indent}{kind}{} {rest}", 100 + (17 * k) % 37));
                }
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Every number in `runs` (`steps 1–3, 38`), expanded.
fn expand(runs: &str) -> BTreeSet<u32> {
    let mut numbers = BTreeSet::new();
    for run in runs.split(", ") {
        match run.split_once('–') {
            Some((a, b)) => numbers.extend(a.parse::<u32>().unwrap()..=b.parse().unwrap()),
            None => {
                numbers.insert(run.parse().unwrap());
            }
        }
    }
    numbers
}

#[test]
fn split_pages_cite_the_charts_numbers_in_markers_and_overview() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("numbered-pages");
    let chart = dir.join("numbered-nrm.flow");
    std::fs::write(&chart, numbered_nrm()).unwrap();
    let src = std::fs::read_to_string(&chart).unwrap();
    let model: Value =
        serde_json::from_str(&rendered(&src, |chart| referflow_emit::model_json::render_model_json(chart, &src)))
            .unwrap();
    assert_eq!(model["numbering"]["numbered"], json!(true));
    let number: BTreeMap<&str, Option<u64>> =
        model["stages"].as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap(), s["number"].as_u64())).collect();
    assert_eq!(number["s5"], None);
    assert_eq!(number["s1"], Some(117));

    for (lang, code) in [(0, "en"), (1, "th")] {
        let (step, steps, page) = if lang == 0 {
            ("step", "steps", "page")
        } else {
            ("ขั้นตอนที่", "ขั้นตอนที่", "หน้า")
        };
        let pages = svg_pages(chart.to_str().unwrap(), &["--page", "a4", "--lang", code], &dir);
        assert!(pages.len() > 2, "{code}: the chart should need several pages");
        let mut page_of: BTreeMap<String, usize> = BTreeMap::new();
        let mut markers: Vec<(usize, String)> = Vec::new();
        let mut overview: Vec<String> = Vec::new();
        for (k, svg) in pages.iter().enumerate() {
            let doc = roxmltree::Document::parse(svg).unwrap();
            overview.extend(groups(&doc, "overview").into_iter().map(text_of));
            for group in groups(&doc, "stage") {
                let id = group.attribute("id").unwrap().strip_prefix("stage-").unwrap().to_owned();
                let shown = text_of(group);
                match number[id.as_str()] {
                    Some(n) => assert!(shown.starts_with(&format!("{n} · ")), "{code} {id}: {shown:?}"),
                    None => assert!(!shown.contains(" · "), "{code} {id}: {shown:?}"),
                }
                page_of.insert(id, k + 1);
            }
            markers.extend(groups(&doc, "marker").into_iter().map(|g| (k + 1, text_of(g))));
        }
        assert_eq!(page_of.len(), number.len(), "{code}: every stage on a page");

        // An edge between pages ends in a marker naming the target by its number (by its label
        // when it has none) and its page; the target's page names the source by its number.
        let mut crossing = 0;
        for edge in model["edges"].as_array().unwrap() {
            let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
            let (pf, pt) = (page_of[from], page_of[to]);
            if pf == pt {
                continue;
            }
            crossing += 1;
            let departure = match number[to] {
                Some(n) => format!("→ {step} {n} ({page} {pt})"),
                None => {
                    let label = model["stages"].as_array().unwrap().iter().find(|s| s["id"] == to).unwrap()["label"]
                        [code]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    format!("→ {label} ({page} {pt})")
                }
            };
            assert!(
                markers.iter().any(|(p, t)| *p == pf && squeezed(t) == squeezed(&departure)),
                "{code}: no marker {departure:?} on page {pf}: {markers:?}"
            );
            if let Some(n) = number[from] {
                assert!(
                    markers.iter().any(|(p, t)| *p == pt
                        && t.starts_with('←')
                        && t.split([' ', ',', ';', '(']).any(|w| w == n.to_string())),
                    "{code}: no arrival marker naming {n} on page {pt}: {markers:?}"
                );
            }
        }
        assert!(crossing > 0, "{code}: no edge crosses pages");

        // The overview lists exactly each phase's numbers.
        assert_eq!(overview.len(), model["phases"].as_array().unwrap().len(), "{code}: {overview:?}");
        for (phase, text) in model["phases"].as_array().unwrap().iter().zip(&overview) {
            let wanted: BTreeSet<u32> = phase["stages"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| number[s.as_str().unwrap()])
                .map(|n| n as u32)
                .collect();
            let listed = text.split(&format!("{steps} ")).last().unwrap();
            let listed = &listed[..listed.find(" · ").unwrap()];
            assert_eq!(expand(listed), wanted, "{code}: {text:?}");
        }
    }
}
