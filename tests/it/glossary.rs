//! No label line ends inside a glossary word (the built-in compounds and the chart's own
//! `glossary`), in the laid-out Thai SVG and in DOT, on the real binary.

use std::process::Command;

use referflow_emit::glossary::Glossary;

use crate::root;

const CHART: &str = "examples/thailand-nrm.flow";

/// `referflow` run in the repository's root; its standard output.
fn referflow(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(root()).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The glossary the emitters use for the bundled Thai chart: the built-in words and its own.
fn with_glossary(check: impl FnOnce(&Glossary<'_>)) {
    let src = std::fs::read_to_string(root().join(CHART)).unwrap();
    let file = referflow_syntax::parse(&src);
    let checked = referflow_check::check(&file);
    assert_eq!(checked.model.glossary, ["ระยะเวลา", "ห้องขัง"], "the example's own glossary");
    check(&Glossary::of(&checked.model));
}

/// Panics when two consecutive lines of a label split a glossary word: joined (as written, or
/// with the space the break dropped), an occurrence of a word has characters on both sides of
/// the junction. Returns how many junctions it looked at.
fn assert_no_split(labels: &[Vec<String>], glossary: &Glossary<'_>, what: &str) -> usize {
    let mut junctions = 0;
    for lines in labels {
        for pair in lines.windows(2) {
            junctions += 1;
            // Nor any other word cut between letters: a Thai line never starts with a vowel or
            // tone mark that belongs to the letter before it.
            let first = pair[1].chars().next().unwrap_or(' ');
            let mark =
                matches!(first, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' | 'ะ' | 'า' | 'ำ');
            assert!(!mark, "{what}: {:?} | {:?} cuts a word between letters", pair[0], pair[1]);
            for gap in ["", " "] {
                let joined = format!("{}{gap}{}", pair[0], pair[1]);
                let (end, next) = (pair[0].len(), pair[0].len() + gap.len());
                for (from, to) in glossary.occurrences(&joined) {
                    assert!(
                        !(from < end && next < to),
                        "{what}: {:?} | {:?} splits {:?}",
                        pair[0],
                        pair[1],
                        &joined[from..to]
                    );
                }
            }
        }
    }
    junctions
}

/// The two splits of issue 18, and that both words now stand whole in some line.
fn assert_the_reported_splits_are_gone(labels: &[Vec<String>], what: &str) {
    for lines in labels {
        for pair in lines.windows(2) {
            let (a, b) = (pair[0].as_str(), pair[1].as_str());
            assert!(!(a.ends_with("ผู้เสีย") && b.starts_with("หาย")), "{what}: {a:?} | {b:?}");
            assert!(!(a.ends_with("การส่ง") && b.starts_with("ต่อ")), "{what}: {a:?} | {b:?}");
        }
    }
    let all: Vec<&str> = labels.iter().flatten().map(String::as_str).collect();
    assert!(all.iter().any(|l| l.contains("ผู้เสียหายระหว่างปฏิบัติการ")), "{what}: {all:?}");
    assert!(all.iter().any(|l| l.contains("รับการส่งต่อ")), "{what}: {all:?}");
}

/// The lines of each label of a laid-out SVG: runs of consecutive `<text>` elements of one
/// group at one x, size and weight (a label's lines are drawn one below the other).
fn svg_labels(svg: &str) -> Vec<Vec<String>> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut labels = Vec::new();
    for group in doc.descendants().filter(|n| n.is_element()) {
        let mut run: Vec<String> = Vec::new();
        let mut key = None;
        for text in group.children().filter(|n| n.is_element()) {
            if !text.has_tag_name("text") {
                labels.push(std::mem::take(&mut run));
                key = None;
                continue;
            }
            let this = ["x", "font-size", "font-weight", "text-anchor"].map(|a| text.attribute(a).unwrap_or(""));
            if key != Some(this) {
                labels.push(std::mem::take(&mut run));
                key = Some(this);
            }
            run.push(text.text().unwrap_or("").to_owned());
        }
        labels.push(run);
    }
    labels.retain(|l| l.len() > 1);
    labels
}

#[test]
fn the_thai_svg_never_ends_a_line_inside_a_glossary_word() {
    if !crate::diagram::fonts() {
        eprintln!("skipped: no fonts to lay the diagram out with");
        return;
    }
    with_glossary(|glossary| {
        for direction in ["TB", "LR"] {
            let svg = referflow(&["render", CHART, "--lang", "th", "--to", "svg", "--direction", direction]);
            let labels = svg_labels(&svg);
            let what = format!("svg {direction}");
            assert!(assert_no_split(&labels, glossary, &what) > 50, "{what}: few wrapped lines: {labels:?}");
            assert_the_reported_splits_are_gone(&labels, &what);
        }
        // Each page of each paper size, too: lanes and boxes are narrower there.
        let dir = crate::diagram::temp_dir("glossary-pages");
        for size in ["a4", "a3", "letter", "slide"] {
            let pages = crate::diagram::svg_pages(CHART, &["--lang", "th", "--page", size], &dir);
            let what = format!("svg on {size}");
            let junctions: usize = pages.iter().map(|svg| assert_no_split(&svg_labels(svg), glossary, &what)).sum();
            assert!(pages.len() > 1 && junctions > 50, "{what}: {} pages, {junctions} wrapped lines", pages.len());
        }
        let _ = std::fs::remove_dir_all(dir);
    });
}

/// The lines of each HTML-like label of DOT: its table cells, tags dropped and entities read.
fn dot_labels(dot: &str) -> Vec<Vec<String>> {
    dot.split("label=<")
        .skip(1)
        .map(|label| {
            let label = &label[..label.find(">];").or_else(|| label.find(">,")).unwrap_or(label.len())];
            label
                .split("<TD")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</TD>").unwrap_or(cell.len())];
                    let mut text = String::new();
                    let mut rest = cell;
                    while let Some(start) = rest.find('<') {
                        text.push_str(&rest[..start]);
                        rest = &rest[start + rest[start..].find('>').unwrap() + 1..];
                    }
                    text.push_str(rest);
                    text.replace("&#160;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                })
                .collect()
        })
        .filter(|lines: &Vec<String>| lines.len() > 1)
        .collect()
}

#[test]
fn thai_dot_labels_never_end_a_line_inside_a_glossary_word() {
    with_glossary(|glossary| {
        for direction in ["TB", "LR"] {
            let dot = referflow(&["render", CHART, "--lang", "th", "--to", "dot", "--direction", direction]);
            let labels = dot_labels(&dot);
            let what = format!("dot {direction}");
            assert!(assert_no_split(&labels, glossary, &what) > 50, "{what}: few wrapped lines: {labels:?}");
            assert_the_reported_splits_are_gone(&labels, &what);
        }
    });
}
