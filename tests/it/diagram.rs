//! The laid-out diagram on the real binary: true swimlanes (bands the length of the flow, every
//! stage inside its lane, lanes and phases in source order), a layout that keeps each phase's
//! drawing when another phase changes, pages of the size asked for with no text below the
//! minimum, continuation markers, the PDF as a reader gets it, and byte-for-byte determinism.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::root;

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn referflow(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(root()).output().unwrap();
    Run { code: out.status.code().unwrap(), stdout: out.stdout, stderr: String::from_utf8(out.stderr).unwrap() }
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-diagram-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether the system has fonts to lay text out with; under `CI=true` their absence fails.
pub(crate) fn fonts() -> bool {
    let found = referflow_emit::fonts::fonts().available();
    assert!(found || !crate::ci(), "no fonts found, and CI=true: install fonts-noto-core and fonts-thai-tlwg");
    found
}

const EXAMPLES: [&str; 3] = ["examples/thailand-nrm.flow", "examples/uk-nrm.flow", "examples/gbv-pathway.flow"];

/// A chart of the size the hearing issue states its page bounds for (37 stages, 6 phases).
const NRM_SIZED: &str = "tests/pages/nrm-37-stages.flow";

/// The chart's model, as `render --to json` gives it.
fn model(chart: &str) -> serde_json::Value {
    let run = referflow(&["render", chart, "--to", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_slice(&run.stdout).unwrap()
}

/// A box: x, y, width, height.
type Box4 = (f64, f64, f64, f64);

fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} on {node:?}"))
}

/// The points of a polygon or polyline.
fn points_of(node: roxmltree::Node<'_, '_>) -> Vec<(f64, f64)> {
    node.attribute("points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The box of a group's first shape (a rect, or a polygon's bounds).
fn shape_box(group: roxmltree::Node<'_, '_>) -> Box4 {
    let shape = group
        .children()
        .find(|n| n.has_tag_name("rect") || n.has_tag_name("polygon"))
        .unwrap_or_else(|| panic!("no shape in {:?}", group.attribute("id")));
    if shape.has_tag_name("rect") {
        return (attr(shape, "x"), attr(shape, "y"), attr(shape, "width"), attr(shape, "height"));
    }
    let points = points_of(shape);
    let (x0, x1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    (x0, y0, x1 - x0, y1 - y0)
}

pub(crate) fn groups<'a, 'i>(doc: &'a roxmltree::Document<'i>, class: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("g") && n.attribute("class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
        })
        .collect()
}

/// The text of a group, its lines joined and every run of white space one space.
pub(crate) fn text_of(group: roxmltree::Node<'_, '_>) -> String {
    let lines: Vec<&str> = group.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    lines.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Holds one SVG page to the swimlane rules; returns each stage's id → (lane id, box).
fn check_swimlanes(svg: &str, model: &serde_json::Value, what: &str) -> BTreeMap<String, (String, Box4)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not SVG: {e}"));
    // Ids are unique.
    let mut ids = HashSet::new();
    for node in doc.descendants() {
        if let Some(id) = node.attribute("id") {
            assert!(ids.insert(id.to_owned()), "{what}: the id {id} is used twice");
        }
    }
    let lanes: Vec<(String, Box4)> =
        groups(&doc, "lane").into_iter().map(|g| (g.attribute("id").unwrap().to_owned(), shape_box(g))).collect();
    assert!(!lanes.is_empty(), "{what}: no lanes");
    // Lanes in the order the actors are declared.
    let order: Vec<String> =
        model["actors"].as_array().unwrap().iter().map(|a| format!("lane-{}", a["id"].as_str().unwrap())).collect();
    let positions: Vec<usize> = lanes.iter().filter_map(|(id, _)| order.iter().position(|o| o == id)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{what}: lanes out of order: {lanes:?}");
    // One extent along the flow, and no overlap across it: a lane running down has the x of
    // its neighbours' ends; a lane running across has their y.
    let (_, first) = lanes[0];
    let down = lanes.iter().all(|(_, b)| (b.1 - first.1).abs() <= 1.0 && (b.3 - first.3).abs() <= 1.0);
    let right = lanes.iter().all(|(_, b)| (b.0 - first.0).abs() <= 1.0 && (b.2 - first.2).abs() <= 1.0);
    assert!(down || right, "{what}: lanes of different extents along the flow: {lanes:?}");
    for pair in lanes.windows(2) {
        let ((_, a), (_, b)) = (&pair[0], &pair[1]);
        if down {
            assert!(a.0 + a.2 <= b.0 + 1.0, "{what}: lanes overlap: {pair:?}");
        } else {
            assert!(a.1 + a.3 <= b.1 + 1.0, "{what}: lanes overlap: {pair:?}");
        }
    }
    // Every stage inside its lead owner's lane.
    let lane_box: BTreeMap<&str, Box4> = lanes.iter().map(|(id, b)| (id.as_str(), *b)).collect();
    let owners: BTreeMap<&str, String> = model["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let lane =
                s["owners"].get(0).and_then(|o| o.as_str()).map_or("lane--unowned".to_owned(), |o| format!("lane-{o}"));
            (s["id"].as_str().unwrap(), lane)
        })
        .collect();
    // No edge passes through a box or a lane's title: every segment of every edge stays out of
    // their insides (it may end on a box's side).
    let mut solid: Vec<(String, Box4)> = Vec::new();
    for class in ["stage", "marker"] {
        solid.extend(groups(&doc, class).into_iter().map(|g| (g.attribute("id").unwrap().to_owned(), shape_box(g))));
    }
    for lane in groups(&doc, "lane") {
        let head = lane.children().filter(|n| n.has_tag_name("rect")).nth(1).expect("a lane has a title cell");
        let b = (attr(head, "x"), attr(head, "y"), attr(head, "width"), attr(head, "height"));
        solid.push((format!("the title of {}", lane.attribute("id").unwrap()), b));
    }
    for line in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
        let points = points_of(line);
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let (lx, hx, ly, hy) = (x0.min(x1), x0.max(x1), y0.min(y1), y0.max(y1));
            for (id, (bx, by, bw, bh)) in &solid {
                let inside = lx < bx + bw - 0.5 && hx > bx + 0.5 && ly < by + bh - 0.5 && hy > by + 0.5;
                assert!(!inside, "{what}: an edge {pair:?} passes through {id} {:?}", (bx, by, bw, bh));
            }
        }
    }
    let mut stages = BTreeMap::new();
    for group in groups(&doc, "stage") {
        let id = group.attribute("id").unwrap().strip_prefix("stage-").unwrap().to_owned();
        let lane = &owners[id.as_str()];
        let l =
            lane_box.get(lane.as_str()).unwrap_or_else(|| panic!("{what}: stage {id} has no lane {lane} on its page"));
        let b = shape_box(group);
        let inside =
            l.0 - 0.5 <= b.0 && b.0 + b.2 <= l.0 + l.2 + 0.5 && l.1 - 0.5 <= b.1 && b.1 + b.3 <= l.1 + l.3 + 0.5;
        assert!(inside, "{what}: stage {id} {b:?} is not inside {lane} {l:?}");
        stages.insert(id, (lane.clone(), b));
    }
    stages
}

#[test]
fn every_lane_is_a_band_the_length_of_the_flow_holding_its_stages() {
    if !fonts() {
        return;
    }
    for chart in EXAMPLES {
        let model = model(chart);
        for lang in model["languages"].as_array().unwrap() {
            let lang = lang.as_str().unwrap();
            for direction in ["TB", "LR"] {
                let run = referflow(&["render", chart, "--to", "svg", "--lang", lang, "--direction", direction]);
                assert_eq!(run.code, 0, "{}", run.stderr);
                let svg = String::from_utf8(run.stdout).unwrap();
                let stages = check_swimlanes(&svg, &model, &format!("{chart} {lang} {direction}"));
                assert_eq!(stages.len(), model["stages"].as_array().unwrap().len(), "{chart}: a stage is missing");
            }
        }
    }
}

#[test]
fn the_html_page_holds_one_diagram_per_language_with_ids_unique_on_the_page() {
    if !fonts() {
        return;
    }
    let run = referflow(&["render", "examples/thailand-nrm.flow", "--to", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = String::from_utf8(run.stdout).unwrap();
    let mut seen = HashSet::new();
    for piece in page.split(" id=\"").skip(1) {
        let id = &piece[..piece.find('"').unwrap()];
        assert!(seen.insert(id.to_owned()), "the id {id} is used twice on the page");
    }
    assert!(seen.contains("l0-lane-police") && seen.contains("l1-lane-police"), "{seen:?}");
    assert!(seen.contains("l0-stage-police_screen") && seen.contains("l1-stage-police_screen"));
}

/// Each phase's stages and edges, measured from the phase's own start along the flow.
fn phase_drawings(svg: &str) -> BTreeMap<String, Vec<String>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut out = BTreeMap::new();
    for phase in groups(&doc, "phase") {
        let top = phase.descendants().find(|n| n.has_tag_name("polyline")).map(|l| {
            let first = l.attribute("points").unwrap().split_whitespace().next().unwrap().to_owned();
            first.split_once(',').unwrap().1.parse::<f64>().unwrap()
        });
        let top = top.unwrap();
        let mut drawn = Vec::new();
        for stage in phase.descendants().filter(|n| n.has_tag_name("g")) {
            let b = shape_box(stage);
            drawn.push(format!(
                "{} {:.2} {:.2} {:.2} {:.2} {}",
                stage.attribute("id").unwrap(),
                b.0,
                b.1 - top,
                b.2,
                b.3,
                text_of(stage)
            ));
        }
        for line in phase.descendants().filter(|n| n.has_tag_name("polyline")).skip(1) {
            let points: Vec<String> = line
                .attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    format!("{x},{:.2}", y.parse::<f64>().unwrap() - top)
                })
                .collect();
            drawn.push(points.join(" "));
        }
        out.insert(phase.attribute("id").unwrap().to_owned(), drawn);
    }
    out
}

#[test]
fn inserting_a_stage_into_one_phase_leaves_every_other_phase_as_it_was() {
    if !fonts() {
        return;
    }
    let source = std::fs::read_to_string(root().join("examples/thailand-nrm.flow")).unwrap();
    // A new step in the protection phase, between two of its stages.
    let anchor = "phase protection ";
    let at = source.find(anchor).expect("the example has a protection phase");
    let block = at + source[at..].find('{').unwrap() + 1;
    let mut changed = source.clone();
    changed
        .insert_str(block, "\n  step extra_check \"Check the case file again\" by mdt { th \"ตรวจสอบแฟ้มคดีอีกครั้ง\" }\n");
    let dir = temp_dir("stable");
    let (before, after) = (dir.join("before.flow"), dir.join("after.flow"));
    std::fs::write(&before, &source).unwrap();
    std::fs::write(&after, &changed).unwrap();
    for lang in ["en", "th"] {
        let draw = |path: &Path| {
            let run = referflow(&["render", path.to_str().unwrap(), "--to", "svg", "--lang", lang]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            phase_drawings(&String::from_utf8(run.stdout).unwrap())
        };
        let (old, new) = (draw(&before), draw(&after));
        assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
        let mut same = 0;
        for (phase, drawing) in &old {
            if phase == "phase-protection" {
                assert_ne!(drawing, &new[phase], "the changed phase should change");
            } else {
                // Step numbers after the new step move on by one; nothing else may change.
                let renumber = |d: &Vec<String>| {
                    d.iter()
                        .map(|l| l.split(" · ").next().unwrap_or(l).split(' ').take(5).collect::<Vec<_>>().join(" "))
                        .collect::<Vec<_>>()
                };
                assert_eq!(renumber(drawing), renumber(&new[phase]), "{lang}: {phase} moved");
                same += 1;
            }
        }
        assert!(same >= 4, "{lang}: {same}");
    }
}

/// The pages of `render --to svg --page …` as SVG texts.
pub(crate) fn svg_pages(chart: &str, args: &[&str], dir: &Path) -> Vec<String> {
    let out = dir.join("page.svg");
    let mut all = vec!["render", chart, "--to", "svg", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = referflow(&all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let listed: Vec<String> = String::from_utf8(run.stdout).unwrap().lines().map(str::to_owned).collect();
    if listed.is_empty() {
        return vec![std::fs::read_to_string(&out).unwrap()];
    }
    for (k, path) in listed.iter().enumerate() {
        assert!(path.ends_with(&format!("page-{}.svg", k + 1)), "{path}");
    }
    listed.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

#[test]
fn pages_have_the_size_asked_no_text_below_the_minimum_and_markers_that_name_step_and_page() {
    if !fonts() {
        return;
    }
    // (arguments, page size, smallest text, whether the page count is held to 2 × phases + 1)
    type Case<'a> = (&'a [&'a str], (f64, f64), f64, bool);
    let cases: [Case<'_>; 5] = [
        (&["--page", "a3", "--landscape"], (1190.55, 841.89), 9.0, true),
        (&["--page", "a4", "--portrait"], (595.28, 841.89), 9.0, true),
        (&["--page", "a4"], (595.28, 841.89), 9.0, true),
        (&["--page", "letter", "--landscape", "--min-font", "10"], (792.0, 612.0), 10.0, true),
        (&["--page", "slide"], (960.0, 540.0), 14.0, false),
    ];
    for chart in EXAMPLES.iter().chain(&[NRM_SIZED]) {
        let model = model(chart);
        let phases = model["phases"].as_array().unwrap().len();
        let stages = model["stages"].as_array().unwrap().len();
        for lang in model["languages"].as_array().unwrap() {
            let lang = lang.as_str().unwrap();
            for (args, (w, h), min, bounded) in cases {
                let what = format!("{chart} {lang} {args:?}");
                let dir = temp_dir("pages");
                let mut args = args.to_vec();
                args.extend(["--lang", lang]);
                let pages = svg_pages(chart, &args, &dir);
                // The chart the bound was stated for keeps it on slides too; the examples are
                // bigger (49 stages) and may need more slides.
                if bounded || *chart == NRM_SIZED {
                    assert!(pages.len() <= 2 * phases + 1, "{what}: {} pages", pages.len());
                    assert!(pages.len() > phases, "{what}: fewer pages than phases");
                }
                let mut page_of: BTreeMap<String, usize> = BTreeMap::new();
                let mut number_of: BTreeMap<String, String> = BTreeMap::new();
                let mut markers: Vec<(usize, String)> = Vec::new();
                for (k, svg) in pages.iter().enumerate() {
                    let doc = roxmltree::Document::parse(svg).unwrap();
                    let root = doc.root_element();
                    assert_eq!(root.attribute("width"), Some(format!("{}pt", w).as_str()), "{what}");
                    assert_eq!(root.attribute("height"), Some(format!("{}pt", h).as_str()), "{what}");
                    for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
                        assert!(
                            attr(text, "font-size") >= min,
                            "{what}: {:?} at {}",
                            text.text(),
                            attr(text, "font-size")
                        );
                    }
                    if !groups(&doc, "overview").is_empty() {
                        // The overview: one box per phase, in order, and no lanes.
                        assert_eq!(k, 0, "{what}: the overview comes first");
                        assert_eq!(groups(&doc, "overview").len(), phases.max(1), "{what}");
                        continue;
                    }
                    for stage in check_swimlanes(svg, &model, &what).into_keys() {
                        assert!(page_of.insert(stage.clone(), k + 1).is_none(), "{what}: {stage} on two pages");
                    }
                    for group in groups(&doc, "stage") {
                        let id = group.attribute("id").unwrap().strip_prefix("stage-").unwrap().to_owned();
                        number_of.insert(id, text_of(group).split(" · ").next().unwrap().to_owned());
                    }
                    markers.extend(groups(&doc, "marker").into_iter().map(|g| (k + 1, text_of(g))));
                }
                assert_eq!(page_of.len(), stages, "{what}: every stage on exactly one page");
                // Every edge between two pages ends in a marker on its source's page that names
                // the target's step number and page.
                for edge in model["edges"].as_array().unwrap() {
                    let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
                    let (pf, pt) = (page_of[from], page_of[to]);
                    if pf != pt {
                        let (n, page) = (&number_of[to], if lang == "th" { "หน้า" } else { "page" });
                        let wanted = format!(" {n} ({page} {pt})");
                        assert!(
                            markers.iter().any(|(p, t)| *p == pf && t.starts_with('→') && t.contains(&wanted)),
                            "{what}: no marker on page {pf} for {from} -> {to} ({wanted}): {markers:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_pdf_gives_a_reader_its_pages_text_title_language_and_bookmarks() {
    if !fonts() {
        return;
    }
    if !pdf_facts_usable() {
        return;
    }
    for (chart, lang, args, (w, h), min) in [
        ("examples/thailand-nrm.flow", "th", ["--page", "a3", "--landscape"], (1190.55, 841.89), 8.5),
        ("examples/thailand-nrm.flow", "en", ["--page", "a4", "--portrait"], (595.28, 841.89), 8.5),
        ("examples/uk-nrm.flow", "en", ["--page", "slide", "--landscape"], (960.0, 540.0), 13.5),
    ] {
        let dir = temp_dir("pdf");
        let out = dir.join("chart.pdf");
        let mut all = vec!["render", chart, "--to", "pdf", "--lang", lang, "-o", out.to_str().unwrap()];
        all.extend(args);
        let run = referflow(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let facts = pdf_facts(&out);
        let model = model(chart);
        let what = format!("{chart} {lang} {args:?}");
        assert!(!facts["title"].as_str().unwrap().is_empty(), "{what}: no title");
        assert_eq!(facts["lang"], lang, "{what}");
        let pages = facts["pages"].as_array().unwrap();
        let mut text = String::new();
        for page in pages {
            assert_eq!((page["width"].as_f64().unwrap(), page["height"].as_f64().unwrap()), (w, h), "{what}");
            assert!(page["smallest_char_pt"].as_f64().unwrap() >= min, "{what}: {}", page["smallest_char_pt"]);
            text.push_str(page["text"].as_str().unwrap());
        }
        assert_labels_and_bookmarks(&facts, &text, &model, lang, &what);
    }
}

/// Whether `../shared/tools/pdf-facts` can run (python3 with pdfplumber and pikepdf, and
/// pdftotext); under `CI=true` it must.
pub(crate) fn pdf_facts_usable() -> bool {
    let usable = root().join("../shared/tools/pdf-facts/pdf-facts").exists()
        && Command::new("python3")
            .args(["-c", "import pdfplumber, pikepdf"])
            .output()
            .is_ok_and(|o| o.status.success())
        && Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(usable || !crate::ci(), "pdf-facts needs python3 with pdfplumber and pikepdf, and pdftotext (CI=true)");
    usable
}

/// What a reader of the PDF gets, as pdf-facts reports it.
pub(crate) fn pdf_facts(pdf: &Path) -> serde_json::Value {
    let facts =
        Command::new("python3").arg(root().join("../shared/tools/pdf-facts/pdf-facts")).arg(pdf).output().unwrap();
    assert!(facts.status.success(), "{}", String::from_utf8_lossy(&facts.stderr));
    serde_json::from_slice(&facts.stdout).unwrap()
}

/// Text without white space, Thai SARA AM written as its two parts (pdftotext splits it).
pub(crate) fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace('\u{0E33}', "\u{0E4D}\u{0E32}")
}

/// Every stage's label is in `text`, and every phase has a bookmark.
fn assert_labels_and_bookmarks(
    facts: &serde_json::Value,
    text: &str,
    model: &serde_json::Value,
    lang: &str,
    what: &str,
) {
    let text = squeezed(text);
    for stage in model["stages"].as_array().unwrap() {
        let label = stage["label"][lang].as_str().unwrap_or_else(|| stage["label"]["en"].as_str().unwrap());
        assert!(text.contains(&squeezed(label)), "{what}: {label:?} not in the text");
    }
    let bookmarks: BTreeSet<String> =
        facts["bookmarks"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_owned()).collect();
    for phase in model["phases"].as_array().unwrap() {
        let name = phase["name"][lang].as_str().unwrap();
        assert!(bookmarks.contains(name), "{what}: no bookmark for {name}: {bookmarks:?}");
    }
}

#[test]
fn build_hearing_writes_a_pack_per_language_that_a_reader_can_use() {
    if !fonts() || !pdf_facts_usable() {
        return;
    }
    let dir = temp_dir("hearing");
    let chart = "examples/thailand-nrm.flow";
    let build = |status: Option<&str>| {
        let mut args = vec!["build", chart, "--hearing", "--date", "2026-12-05", "-o", dir.to_str().unwrap()];
        if let Some(status) = status {
            args.extend(["--status", status]);
        }
        let run = referflow(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        String::from_utf8(run.stdout).unwrap().lines().map(PathBuf::from).collect::<Vec<_>>()
    };
    let paths = build(None);
    assert_eq!(paths, [dir.join("thailand-nrm.hearing.pdf"), dir.join("thailand-nrm.th.hearing.pdf")]);
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(build(None).iter().map(|p| std::fs::read(p).unwrap()).collect::<Vec<_>>(), bytes, "not deterministic");
    let model = model(chart);
    for (path, lang) in paths.iter().zip(["en", "th"]) {
        let facts = pdf_facts(path);
        let title = model["title"][lang].as_str().unwrap();
        assert_eq!(facts["title"], title);
        assert_eq!(facts["lang"], lang);
        let pages = facts["pages"].as_array().unwrap();
        for page in pages {
            assert_eq!((page["width"].as_f64().unwrap(), page["height"].as_f64().unwrap()), (595.28, 841.89));
            assert!(page["smallest_char_pt"].as_f64().is_none_or(|pt| pt >= 9.0), "{page}");
        }
        // The cover: title, version, date and status, in the pack's language.
        let cover = squeezed(pages[0]["text"].as_str().unwrap());
        assert!(cover.contains(&squeezed(title)), "{cover}");
        assert!(cover.contains(&squeezed(model["chart_version"].as_str().unwrap())), "{cover}");
        let (date, status) = if lang == "th" {
            ("5 ธันวาคม 2569", "ร่างเพื่อการรับฟังความคิดเห็น")
        } else {
            ("5 December 2026", "Draft for public hearing")
        };
        assert!(cover.contains(&squeezed(date)) && cover.contains(&squeezed(status)), "{cover}");
        let text: String = pages.iter().map(|p| p["text"].as_str().unwrap()).collect();
        assert_labels_and_bookmarks(&facts, &text, &model, lang, &format!("{lang} pack"));
        // The narrative's parts: the agencies, and the requirements with their verdicts.
        for actor in model["actors"].as_array().unwrap() {
            assert!(squeezed(&text).contains(&squeezed(actor["name"][lang].as_str().unwrap())), "{actor}");
        }
    }
    let text: String =
        pdf_facts(&paths[0])["pages"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(text.contains("Requirements") && text.contains("Holds"), "no requirements or verdicts in the pack");
    let paths = build(Some("Final, adopted"));
    assert!(pdf_facts(&paths[0])["pages"][0]["text"].as_str().unwrap().contains("Final, adopted"));
}

#[test]
fn two_runs_give_the_same_bytes() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("same");
    for (format, args) in [
        ("pdf", vec!["--page", "a4"]),
        ("pdf", vec![]),
        ("png", vec![]),
        ("svg", vec!["--page", "slide"]),
        ("html", vec![]),
    ] {
        let run = |k: usize| {
            let out = dir.join(format!("{k}.{format}"));
            let mut all = vec![
                "render",
                "examples/thailand-nrm.flow",
                "--to",
                format,
                "--lang",
                "th",
                "-o",
                out.to_str().unwrap(),
            ];
            all.extend(args.iter());
            let run = referflow(&all);
            assert_eq!(run.code, 0, "{}", run.stderr);
            let listed = String::from_utf8(run.stdout).unwrap();
            let paths: Vec<PathBuf> =
                if listed.is_empty() { vec![out] } else { listed.lines().map(PathBuf::from).collect() };
            paths.iter().map(|p| std::fs::read(p).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(2), "{format} {args:?}");
    }
}

#[test]
fn a_page_that_cannot_be_met_is_a_clear_error_and_writes_nothing() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("bad");
    let out = dir.join("chart.pdf");
    let run = referflow(&[
        "render",
        "examples/uk-nrm.flow",
        "--to",
        "pdf",
        "--page",
        "a4",
        "--min-font",
        "90",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("examples/uk-nrm.flow") && run.stderr.contains("stage `"), "{}", run.stderr);
    assert!(run.stderr.contains("A4") && run.stderr.contains("90 pt"), "{}", run.stderr);
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "a file was left behind");

    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "pdf", "--page", "a5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("a4, a3, letter, slide"), "{}", run.stderr);
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "pdf", "--page", "a4", "--min-font", "zero"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a font size"), "{}", run.stderr);
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "md", "--page", "a4"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--page applies to"), "{}", run.stderr);
    // Several pages cannot go to standard output as one SVG.
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "svg", "--page", "slide"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("-o"), "{}", run.stderr);
}

#[test]
fn labels_that_look_like_markup_stay_text_in_every_drawn_format() {
    if !fonts() {
        return;
    }
    let dir = temp_dir("markup");
    let chart = dir.join("chart.flow");
    let nasty = r#"<script>alert(1)</script> & "quoted" ]]> <!-- x --> \\ 'single'"#;
    std::fs::write(
        &chart,
        format!(
            "title \"{t}\"\nactor a \"{t}\"\nphase p \"{t}\" {{\n start s \"{t}\" by a\n end e \"Done\" by a\n s -> e\n}}\n",
            t = nasty.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    )
    .unwrap();
    let chart = chart.to_str().unwrap();
    for args in [vec!["--to", "svg"], vec!["--to", "svg", "--direction", "LR"], vec!["--to", "html"]] {
        let mut all = vec!["render", chart];
        all.extend(args.iter());
        let run = referflow(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let out = String::from_utf8(run.stdout).unwrap();
        assert!(!out.contains("<script>"), "{args:?}: markup got through");
        let svg = &out[out.find("<svg").unwrap()..out.rfind("</svg>").unwrap() + 6];
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{args:?}: not XML: {e}"));
        let texts: String = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert!(texts.contains("<script>alert(1)</script>"), "{args:?}: the label is not shown as text: {texts}");
        assert!(texts.contains("\"quoted\"") && texts.contains("]]>"), "{texts}");
    }
    // The PDF carries the text as text.
    let out = dir.join("chart.pdf");
    let run = referflow(&["render", chart, "--to", "pdf", "--page", "a4", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if Command::new("pdftotext").arg("-v").output().is_ok() {
        let text = Command::new("pdftotext").arg(&out).arg("-").output().unwrap().stdout;
        let text = String::from_utf8_lossy(&text);
        assert!(squeezed(&text).contains(&squeezed("<script>alert(1)</script>")), "{text}");
    } else {
        assert!(!crate::ci(), "pdftotext is missing, and CI=true");
    }
}
