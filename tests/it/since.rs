//! `render --since OLD` and `build --since OLD`: the stages a revision added or changed, marked
//! on the diagram, in the narrative and on the HTML page, with a legend.

use std::collections::BTreeSet;
use std::process::Command;

use crate::root;

fn referflow(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(root()).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Whether the system has fonts to lay text out with; under `CI=true` their absence fails.
fn fonts_found() -> bool {
    let found = referflow_emit::fonts::fonts().available();
    assert!(found || !crate::ci(), "no fonts found, and CI=true: install fonts-noto-core and fonts-thai-tlwg");
    found
}

/// A revision of fixtures/diff: (old, new, the stages it adds, the stages it changes).
const CASES: [(&str, &[&str], &[&str]); 3] = [
    // Two stages added after `shelter`, whose edge now leads to them.
    ("stages-added-removed", &["interview", "identified"], &["shelter"]),
    // Renumbered (`screen`), relabelled with new edges (`shelter`), added (`identified`); `report`
    // is only renamed, which a reader does not see.
    ("numbered", &["identified"], &["screen", "shelter"]),
    // A branch relabelled, edges added and removed: the stages they leave.
    ("edges", &[], &["indicators", "shelter"]),
];

fn paths(case: &str) -> (String, String) {
    (format!("tests/fixtures/diff/{case}/old.flow"), format!("tests/fixtures/diff/{case}/new.flow"))
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The stages of a DOT drawing whose node carries `mark` in bold and the thick dashed outline.
fn marked_in_dot(dot: &str, word: &str) -> BTreeSet<String> {
    dot.lines()
        .filter(|l| l.contains(&format!("<B>{word}</B>")) && l.contains("dashed") && l.contains("penwidth=3,"))
        .filter_map(|l| l.split("id=\"stage-").nth(1)?.split('"').next().map(String::from))
        .collect()
}

/// The stages of a laid-out SVG in the group of class `stage CLASS`.
fn marked_in_svg(svg: &str, class: &str) -> BTreeSet<String> {
    svg.lines()
        .filter(|l| l.ends_with(&format!("class=\"stage {class}\">")))
        .filter_map(|l| l.split("id=\"").nth(1)?.split('"').next()?.strip_prefix("stage-").map(String::from))
        .collect()
}

#[test]
fn the_dot_drawing_marks_exactly_the_new_and_changed_stages_with_a_legend() {
    for (case, added, changed) in CASES {
        let (old, new) = paths(case);
        let (code, dot, stderr) = referflow(&["render", &new, "--to", "dot", "--since", &old]);
        assert_eq!(code, 0, "{case}: {stderr}");
        let (added, changed) = (set(added), set(changed));
        assert!(!added.is_empty() || !changed.is_empty(), "{case}: a revision that changes nothing");
        assert_eq!(marked_in_dot(&dot, "NEW"), added, "{case}\n{dot}");
        assert_eq!(marked_in_dot(&dot, "CHANGED"), changed, "{case}\n{dot}");
        // Every other stage is drawn as it always is.
        let marked = dot.lines().filter(|l| l.contains("id=\"stage-") && l.contains("penwidth=3")).count();
        assert_eq!(marked, added.len() + changed.len(), "{case}");
        // The legend explains the marks that are there, and only those.
        assert_eq!(dot.contains("legend_new ["), !added.is_empty(), "{case}");
        assert_eq!(dot.contains("legend_changed ["), !changed.is_empty(), "{case}");
        // Graphviz lays the drawing out.
        if crate::graphviz() {
            let mut child = Command::new("dot")
                .arg("-Tsvg")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), dot.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
            let svg = String::from_utf8(out.stdout).unwrap();
            assert!(svg.contains("stroke-dasharray") && svg.contains(">changed since"), "{case}");
        }
    }
}

#[test]
fn the_legend_names_the_old_version() {
    let (old, new) = paths("stages-added-removed");
    let (_, dot, _) = referflow(&["render", &new, "--to", "dot", "--since", &old]);
    assert!(dot.contains("added since draft 1") && dot.contains("changed since draft 1"), "{dot}");
    // Without a version, the previous revision.
    let (old, new) = paths("numbered");
    let (_, dot, _) = referflow(&["render", &new, "--to", "dot", "--since", &old]);
    assert!(dot.contains("added since the<BR/>previous revision"), "{dot}");
    let (_, dot, _) = referflow(&["render", &new, "--to", "dot", "--since", &old, "--lang", "en"]);
    assert!(dot.contains("<B>NEW</B>"));
}

#[test]
fn the_laid_out_diagram_marks_the_same_stages_with_a_legend() {
    if !fonts_found() {
        return;
    }
    for (case, added, changed) in &CASES[..2] {
        let (old, new) = paths(case);
        let (code, svg, stderr) = referflow(&["render", &new, "--to", "svg", "--since", &old]);
        assert_eq!(code, 0, "{case}: {stderr}");
        assert_eq!(marked_in_svg(&svg, "new"), set(added), "{case}");
        assert_eq!(marked_in_svg(&svg, "changed"), set(changed), "{case}");
        // A thick dashed outline on each marked stage and on each sample of the legend, which
        // holds the marks' words.
        let outlines = svg.matches("stroke-width=\"3\" stroke-dasharray=\"6 3\"").count();
        assert_eq!(outlines, added.len() + changed.len() + 2, "{case}");
        let legend = svg.split("<g id=\"since-legend\" class=\"legend\">").nth(1).unwrap();
        let legend = &legend[..legend.find("</g>").unwrap()];
        assert!(legend.contains(">NEW</text>") && legend.contains(">CHANGED</text>"), "{legend}");
        // The word is the first line of a marked box, in bold.
        assert_eq!(svg.matches("font-weight=\"bold\" text-anchor=\"middle\">NEW</text>").count(), added.len() + 1);
        // On pages of a fixed size too, each page with its legend.
        let (code, _, stderr) = referflow(&["render", &new, "--to", "pdf", "--page", "a4", "--since", &old]);
        assert_eq!(code, 0, "{case}: {stderr}");
    }
}

#[test]
fn the_narrative_and_the_html_page_mark_the_steps() {
    let (old, new) = paths("stages-added-removed");
    let (code, md, stderr) = referflow(&["render", &new, "--to", "md", "--since", &old]);
    assert_eq!(code, 0, "{stderr}");
    let marked: Vec<&str> = md.lines().filter(|l| l.starts_with("### ") && l.ends_with(")*")).collect();
    assert_eq!(
        marked,
        [
            "### <a id=\"step-4\"></a>Step 4: Temporary shelter *(changed)*",
            "### <a id=\"step-5\"></a>Step 5: Identification interview *(new)*",
            "### <a id=\"step-6\"></a>Step 6: Identified as a victim *(new)*",
        ],
        "{md}"
    );
    assert!(
        md.contains("\nSteps marked *(new)* were added and steps marked *(changed)* were changed since draft 1.\n")
    );
    let (_, th, _) = referflow(&["render", &new, "--to", "md", "--since", &old, "--lang", "th"]);
    assert!(th.contains("สัมภาษณ์คัดแยก *(ใหม่)*"), "{th}");
    if fonts_found() {
        let (code, html, stderr) = referflow(&["render", &new, "--to", "html", "--since", &old]);
        assert_eq!(code, 0, "{stderr}");
        assert!(html.contains("Identification interview <em>(new)</em>"), "{html}");
        // Both languages' diagrams are marked.
        assert_eq!(html.matches("class=\"stage new\"").count(), 4);
        assert_eq!(html.matches("id=\"l1-since-legend\"").count(), 1);
    }
}

/// Without `--since`, or since a revision that changed nothing, every output is what it was.
#[test]
fn nothing_is_marked_without_a_change() {
    let new = "tests/fixtures/diff/stages-added-removed/new.flow";
    let mut formats = vec!["dot", "md"];
    if fonts_found() {
        formats.extend(["svg", "html"]);
    }
    for to in formats {
        let (_, plain, _) = referflow(&["render", new, "--to", to]);
        let (code, same, stderr) = referflow(&["render", new, "--to", to, "--since", new]);
        assert_eq!(code, 0, "{to}: {stderr}");
        assert_eq!(same, plain, "{to}");
        assert!(!plain.contains("NEW") && !plain.contains("(new)"), "{to}");
    }
}

#[test]
fn an_old_chart_that_cannot_be_compared_is_refused_as_diff_refuses_it() {
    let new = "tests/fixtures/diff/stages-added-removed/new.flow";
    let (code, out, stderr) =
        referflow(&["render", new, "--to", "dot", "--since", "tests/fixtures/invalid/RF003-unknown-reference.flow"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(stderr.contains("RF003 unknown-reference"), "{stderr}");
    assert!(stderr.ends_with("the chart has errors of the language, so it is not compared\n"), "{stderr}");
    let (code, _, stderr) = referflow(&["render", new, "--to", "md", "--since", "no/such.flow"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "error: no/such.flow: cannot read: No such file or directory\n");
    // The model's JSON and Mermaid have no marks to show.
    let (code, _, stderr) = referflow(&["render", new, "--to", "json", "--since", new]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--since applies to --to dot, md, svg, png, pdf and html"), "{stderr}");
}

#[test]
fn build_marks_every_document_of_the_bundle() {
    let dir = std::env::temp_dir().join(format!("referflow-it-{}-since-build", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (old, new) = paths("stages-added-removed");
    let (code, _, stderr) = referflow(&["build", &new, "-o", dir.to_str().unwrap(), "--since", &old]);
    if !fonts_found() {
        return;
    }
    assert_eq!(code, 0, "{stderr}");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert!(read("new.md").contains("Identification interview *(new)*"));
    assert!(read("new.th.md").contains("*(ใหม่)*"));
    assert_eq!(marked_in_dot(&read("new.dot"), "NEW"), set(&["interview", "identified"]));
    assert_eq!(marked_in_svg(&read("new.svg"), "changed"), set(&["shelter"]));
    assert!(read("new.html").contains("<em>(changed)</em>"));
    assert!(!read("new.json").contains("NEW"));
    let _ = std::fs::remove_dir_all(&dir);
}
