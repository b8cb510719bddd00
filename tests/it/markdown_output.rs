//! `render --to md`: the narrative for a public hearing. Snapshots of every example and of the
//! hostile corpus; links that land; and, for any label, Markdown that shows the label as text
//! and nothing else. The escaping checks here decode the output with their own reading of
//! CommonMark, not with the escaper under test.

use std::collections::BTreeSet;
use std::fs;

use proptest::prelude::*;
use referflow_emit::chart::{Chart, RenderOptions};
use referflow_emit::markdown::render_markdown;

use crate::{check_src, fixture_name};

/// The narrative of `src` in language `lang` (an index into `languages`).
fn markdown(src: &str, lang: usize, diagram: bool) -> String {
    assert!(!referflow_check::check(&referflow_syntax::parse(src)).has_errors(), "{}", check_src("test.flow", src));
    markdown_even_with_errors(src, lang, diagram)
}

/// The narrative of a chart that may have errors (the CLI refuses those; the renderer need not).
fn markdown_even_with_errors(src: &str, lang: usize, diagram: bool) -> String {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    render_markdown(&chart, &RenderOptions { lang, diagram, ..RenderOptions::default() })
}

fn read(path: &str) -> String {
    fs::read_to_string(crate::root().join(path)).unwrap()
}

#[test]
fn examples_in_their_first_language() {
    insta::glob!("../../examples", "*.flow", |path| {
        let src = fs::read_to_string(path).unwrap();
        let md = markdown(&src, 0, true);
        assert_eq!(md, markdown(&src, 0, true), "{} is not deterministic", fixture_name(path));
        assert_links_land(&md);
        insta::assert_snapshot!(md);
    });
}

#[test]
fn thailand_in_thai() {
    let md = markdown(&read("examples/thailand-nrm.flow"), 1, true);
    assert_links_land(&md);
    insta::assert_snapshot!(md);
}

#[test]
fn hostile_labels_stay_text() {
    let src = read("tests/fixtures/hostile/labels.flow");
    let en = markdown(&src, 0, true);
    assert_links_land(&en);
    assert_only_own_html(&en);
    insta::assert_snapshot!("hostile_en", en);
    let th = markdown(&src, 1, true);
    assert_links_land(&th);
    assert_only_own_html(&th);
    insta::assert_snapshot!("hostile_th", th);
}

#[test]
fn no_diagram_means_no_mermaid_block() {
    let src = r#"title "Referral of potential victims of trafficking" th "การส่งต่อผู้เสียหายจากการค้ามนุษย์"
version "draft for public hearing"
languages en th
actor police "Royal Thai Police" { th "สำนักงานตำรวจแห่งชาติ" }
actor mdt "Multidisciplinary team" { th "ทีมสหวิชาชีพ" }
start tip_off "Tip-off received" by police { th "ได้รับแจ้งเบาะแส" }
step screen "Screen with trafficking indicators" by mdt within 24h {
  th "คัดกรองด้วยแบบคัดกรอง"
  ref "Anti-Trafficking in Persons Act B.E. 2551, section 29"
  -> indicators
}
decision indicators "Are indicators present?" by mdt {
  th "พบข้อบ่งชี้หรือไม่"
  yes -> shelter
  no -> other_services
}
step shelter "Temporary shelter with basic services" by mdt within 15d { th "สถานคุ้มครองชั่วคราว" }
end other_services "Referred to other services" by police { th "ส่งต่อบริการอื่น" }
end assisted "Assistance plan agreed" by mdt { th "มีแผนการช่วยเหลือ" }
tip_off -> screen
shelter -> assisted
require screen before shelter
require within 15d from shelter to assisted
"#;
    let md = markdown(src, 0, false);
    assert!(!md.contains("```"), "{md}");
    assert!(!md.contains("mermaid") && !md.contains("#diagram"), "{md}");
    assert!(markdown(src, 0, true).contains("\n```mermaid\n"));
    insta::assert_snapshot!(md);
}

/// A chart whose reading order differs from its source order, with phases and stages outside
/// them.
const SMALL: &str = r#"languages en
actor x "Agency X"
actor y "Agency Y"
phase one "One" {
  start s1 "Start one" by x
  decision d "Decide?" by x, y within 2wd {
    yes -> act
    no -> out1
  }
}
phase two "Two" {
  step act "Act" by y within 3d { -> out2 }
}
start s2 "Start two" by y { -> act }
end out1 "Out one" by x
end out2 "Out two" by y
s1 -> d
require d before act unless s2
require within 1w from s1 to out2
"#;

#[test]
fn steps_follow_reading_order_and_links_land() {
    let md = markdown(SMALL, 0, true);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        [
            "### <a id=\"step-1\"></a>Step 1: Start one",
            "### <a id=\"step-2\"></a>Step 2: Decide?",
            "### <a id=\"step-3\"></a>Step 3: Act",
            "### <a id=\"step-4\"></a>Step 4: Out two",
            "### <a id=\"step-5\"></a>Step 5: Out one",
            "### <a id=\"step-6\"></a>Step 6: Start two",
        ]
    );
    let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        sections,
        [
            "## Contents",
            "## <a id=\"entry-points\"></a>Entry points",
            "## <a id=\"actors\"></a>Agencies and roles",
            "## <a id=\"phase-1\"></a>Phase 1: One",
            "## <a id=\"phase-2\"></a>Phase 2: Two",
            "## <a id=\"other-steps\"></a>Other steps",
            "## <a id=\"outcomes\"></a>Outcomes",
            "## <a id=\"requirements\"></a>Requirements",
            "## <a id=\"diagram\"></a>Diagram",
        ]
    );
    // A step's text, from its heading to the blank line that ends its list.
    let step = |n: usize| {
        let start = md.find(&format!("<a id=\"step-{n}\">")).unwrap();
        let list = start + md[start..].find("\n\n").unwrap() + 2;
        &md[start..list + md[list..].find("\n\n").unwrap()]
    };
    assert!(step(2).contains("\n- **Responsible:** Agency X (lead), Agency Y\n"), "{}", step(2));
    assert!(step(2).contains("\n- **Time limit:** within 2 working days\n"), "{}", step(2));
    assert!(step(2).contains("\n- **Comes after:** [step 1](#step-1)\n"), "{}", step(2));
    assert!(
        step(2).ends_with("\n- **Next:**\n  - Yes → [Step 3: Act](#step-3)\n  - No → [Step 5: Out one](#step-5)"),
        "{}",
        step(2)
    );
    assert!(step(3).contains("\n- **Comes after:** [step 2](#step-2) (Yes), [step 6](#step-6)\n"), "{}", step(3));
    assert!(step(4).ends_with("\n- **Next:** none (the referral ends here)"), "{}", step(4));
    assert!(md.contains("- [Step 1: Start one](#step-1)\n- [Step 6: Start two](#step-6)\n"));
    assert!(md.contains("| Agency X | [1](#step-1), [2](#step-2), [5](#step-5) | — |\n"));
    assert!(md.contains("| Agency Y | [3](#step-3), [4](#step-4), [6](#step-6) | [2](#step-2) |\n"));
    assert!(md.contains(
        "- **✔ Holds:** Every path to [Step 3: Act](#step-3) passes [Step 2: Decide?](#step-2) first, unless it \
         passes [Step 6: Start two](#step-6).\n"
    ));
    assert!(md.contains(
        "- **✔ Holds:** From [Step 1: Start one](#step-1) to [Step 4: Out two](#step-4) takes at most 1 week on \
         every path.\n"
    ));
    assert_links_land(&md);
}

#[test]
fn failed_requirements_say_why() {
    let src = "languages en\nactor x \"X\"\nstart a \"A\" by x\nstep b \"B\" by x\nend c \"C\" by x\n\
               a -> b -> c\nrequire b before a\nrequire within 1h from a to c\n";
    let md = markdown_even_with_errors(src, 0, false);
    let requirements = &md[md.find("<a id=\"requirements\">").unwrap()..];
    assert!(
        requirements.contains(
            "- **✘ Violated:** Every path to [Step 1: A](#step-1) passes [Step 2: B](#step-2) first.\n  - `a` "
        ),
        "{requirements}"
    );
    assert!(requirements.contains("- **? Cannot be shown to hold:** From [Step 1: A](#step-1)"), "{requirements}");
}

/// Every link points at an anchor of the document, and every anchor is defined once.
fn assert_links_land(md: &str) {
    let mut anchors = BTreeSet::new();
    for piece in md.split("<a id=\"").skip(1) {
        let id = &piece[..piece.find('"').unwrap()];
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "anchor {id}");
        assert!(anchors.insert(id.to_string()), "anchor {id} defined twice");
    }
    // A link ends at an unescaped `](`; an escaped `\](` is text.
    let mut chars = md.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == ']' && md[i..].starts_with("](") {
            let target = &md[i + 2..i + 2 + md[i + 2..].find(')').unwrap()];
            let id = target.strip_prefix('#').unwrap_or_else(|| panic!("link to {target}"));
            assert!(anchors.contains(id), "link to #{id}, which is not in the document");
        }
    }
}

/// The only HTML in the document is the tool's: anchors and line breaks.
fn assert_only_own_html(md: &str) {
    let mut rest = md;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let own = ["<a id=\"", "</a>", "<br>"].iter().any(|tag| rest.starts_with(tag));
        assert!(own, "raw HTML: {}", &rest[..rest.len().min(40)]);
        rest = &rest[1..];
    }
}

// ---------------------------------------------------------------------------------------------
// Any label stays text
// ---------------------------------------------------------------------------------------------

/// Pieces that mean something to Markdown, HTML or GitHub.
const META: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#60;",
    "&nbsp;",
    "[",
    "]",
    "](",
    "](x)",
    "](#step-1)",
    "![",
    "`",
    "```",
    "~~~",
    "*",
    "**",
    "_",
    "__",
    "~",
    "~~",
    "#",
    "# ",
    "## ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "1) ",
    "> ",
    "\\",
    "\\\\",
    "|",
    "| --- |",
    "\n",
    "\n\n",
    "\n# ",
    "\n- ",
    "\n> ",
    "\n    ",
    "\n===",
    "\n---",
    "<br>",
    "<script>",
    "</a>",
    "<a href=\"x\">",
    "<!--",
    "-->",
    "http://x.y/z",
    "https://x.y",
    "www.x.org",
    "WWW.X.ORG",
    "a@b.co",
    "@user",
    "#12",
    ":tada:",
    "$x$",
    "$$",
    "^",
    "[^1]",
    "{a}",
    "{b}",
    "\"",
    "  ",
    "\u{2028}",
    "\u{202E}",
    " #",
    "\\\n",
];

fn label() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(META).prop_map(String::from),
        2 => any::<char>().prop_filter("no control characters", |c| !c.is_control()).prop_map(String::from),
        2 => "[a-zA-Zก-๙0-9 .:-]{1,6}",
    ];
    prop_oneof![
        3 => prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat()),
        1 => "\\PC{0,30}",
    ]
}

/// A chart that shows `text` everywhere user text can go. Step 1 and step 4 carry it as
/// their label.
fn chart_with(text: &str) -> String {
    let t = referflow_fmt::quote(text);
    format!(
        "title {t}\nversion {t}\nlanguages en\nactor x {t} {{ note {t} }}\nphase p {t} {{\n\
         start a {t} by x within 1h {{\n  note {t}\n  ref {t}\n  ref \"second\"\n}}\n\
         decision d \"Decide\" by x within 1h {{\n  {t} -> b\n  no -> c\n}}\n}}\n\
         end b \"Done\" by x\nend c {t} by x\na -> d\nrequire a before b\n"
    )
}

/// Reads Markdown inline text the way CommonMark does, and fails on anything that is not plain
/// text: an unescaped character that could open markup, a bare entity, raw HTML other than
/// `<br>`, an autolink. Returns the text a reader sees (`<br>` as a newline).
fn plain_text(segment: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = segment;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '\\' => {
                let next = after.chars().next().ok_or("a backslash at the end")?;
                if !next.is_ascii_punctuation() {
                    return Err(format!("a backslash before {next:?}"));
                }
                out.push(next);
                rest = &after[1..];
                continue;
            }
            '&' => {
                let (entity, text) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')]
                    .into_iter()
                    .find(|(e, _)| rest.starts_with(e))
                    .ok_or_else(|| format!("a bare & in {rest:?}"))?;
                out.push(text);
                rest = &rest[entity.len()..];
                continue;
            }
            '<' if rest.starts_with("<br>") => {
                out.push('\n');
                rest = &rest[4..];
                continue;
            }
            '<' | '>' | '*' | '_' | '`' | '[' | ']' | '|' | '~' | '$' | '@' | '#' | '!' => {
                return Err(format!("an unescaped {c:?} in {rest:?}"));
            }
            '\n' | '\r' => return Err("a line break in the Markdown source".into()),
            ':' if after.starts_with("//") => return Err(format!("a URL in {rest:?}")),
            '.' if out.to_ascii_lowercase().ends_with("www") => return Err(format!("a www link in {rest:?}")),
            _ => out.push(c),
        }
        rest = after;
    }
    Ok(out)
}

/// What a reader should see for `text`: line breaks as `newline`.
fn seen(text: &str, newline: &str) -> String {
    text.replace(['\n', '\u{2028}', '\u{2029}'], newline)
}

/// Whether `shown` (decoded Markdown) shows `text` with line breaks as `newline`: the same
/// characters (up to white space at the ends, which a table cell drops), except that a
/// right-to-left override the text leaves open must be closed.
fn shows(shown: Result<String, String>, text: &str, newline: &str) -> Result<(), String> {
    let shown = shown?;
    let closers = ['\u{202C}', '\u{2069}'];
    let expected = seen(text, newline);
    if shown.trim().trim_end_matches(closers).trim() != expected.trim().trim_end_matches(closers).trim() {
        return Err(format!("{shown:?} is not {expected:?}"));
    }
    if shown.matches('\u{202E}').count() > shown.matches('\u{202C}').count() {
        return Err(format!("an override is left open in {shown:?}"));
    }
    Ok(())
}

/// Characters that are not escaped by a backslash, per line, of the given kinds.
fn unescaped(line: &str, of: &[char]) -> usize {
    let mut count = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if of.contains(&c) {
            count += 1;
        }
    }
    count
}

/// The cells of a table row, split at the pipes that are not escaped, trimmed.
fn table_cells(row: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in row.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => {
                if let Some(s) = start {
                    cells.push(row[s..i].trim());
                }
                start = Some(i + 1);
            }
            _ => {}
        }
    }
    cells
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_label_shows_as_text(text in label()) {
        let md = markdown(&chart_with(&text), 0, false);
        let baseline = markdown(&chart_with("x"), 0, false);
        assert_links_land(&md);
        assert_only_own_html(&md);

        // The label adds no line, and changes no line's kind (heading, list item, table row …)
        // nor its emphasis or table cells.
        let lines: Vec<&str> = md.lines().collect();
        let base: Vec<&str> = baseline.lines().collect();
        prop_assert_eq!(lines.len(), base.len(), "{}", md);
        for (line, base) in lines.iter().zip(&base) {
            // User text never starts a line: the first two characters are always the tool's.
            let kind = |l: &str| l.chars().take(2).collect::<String>();
            prop_assert_eq!(kind(line), kind(base), "{}", md);
            prop_assert_eq!(unescaped(line, &['|', '*', '[', ']']), unescaped(base, &['|', '*', '[', ']']), "{}", line);
        }

        // Where the label stands, it reads back as itself.
        let heading = lines.iter().find_map(|l| l.strip_prefix("### <a id=\"step-1\"></a>Step 1: ")).unwrap();
        prop_assert_eq!(shows(plain_text(heading), &text, " "), Ok(()));
        let link = lines
            .iter()
            .find_map(|l| l.strip_prefix("- [Step 1: ").and_then(|l| l.strip_suffix("](#step-1)")))
            .unwrap();
        prop_assert_eq!(shows(plain_text(link), &text, " "), Ok(()));
        let note = lines.iter().find_map(|l| l.strip_prefix("- **Note:** ")).unwrap();
        prop_assert_eq!(shows(plain_text(note), if text.trim().is_empty() { "—" } else { &text }, "\n"), Ok(()));
        let branch = lines
            .iter()
            .find_map(|l| l.strip_prefix("  - ").and_then(|l| l.strip_suffix(" → [Step 3: Done](#step-3)")))
            .unwrap();
        prop_assert_eq!(shows(plain_text(branch), &text, "\n"), Ok(()));
        let row = lines.iter().position(|l| l.starts_with("| --- |")).unwrap() + 1;
        let cells = table_cells(lines[row]);
        prop_assert_eq!(cells.len(), 4, "{}", lines[row]);
        prop_assert_eq!(shows(plain_text(cells[0]), &text, "\n"), Ok(()));
        prop_assert_eq!(shows(plain_text(cells[3]), &text, "\n"), Ok(()));
    }
}

/// Counts of the HTML elements a CommonMark reader (pulldown-cmark, through the HTML page)
/// makes of the narrative.
fn elements(html: &str) -> Vec<(&'static str, usize)> {
    ["<a href=", "<a id=", "<strong>", "<em>", "<code>", "<img", "<h1", "<h2", "<h3", "<li>", "<tr>", "<td>", "<th>"]
        .into_iter()
        .chain([
            "<del>",
            "<script",
            "<blockquote>",
            "<pre>",
            "<hr",
            "<p>",
            "<ol",
            "<ul>",
            "<table>",
            "<input",
            "<iframe",
        ])
        .map(|tag| (tag, html.matches(tag).count()))
        .collect()
}

fn html_of(src: &str) -> String {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    referflow_emit::html::render_html(&chart, &[], &RenderOptions::default())
}

fn html_text(html: &str) -> String {
    html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// The same property, read by a real CommonMark parser: the label adds no element and
    /// comes out as text.
    #[test]
    fn commonmark_reads_any_label_as_text(text in label()) {
        let html = html_of(&chart_with(&text));
        let baseline = html_of(&chart_with("x"));
        prop_assert_eq!(elements(&html), elements(&baseline), "{}", html);
        for href in html.split("<a href=\"").skip(1) {
            prop_assert!(href.starts_with('#'), "{}", &href[..href.len().min(40)]);
        }
        let start = html.find("step-1\"></a>").unwrap() + "step-1\"></a>".len();
        let heading = &html[start..start + html[start..].find("</h3>").unwrap()];
        let shown = html_text(heading);
        prop_assert_eq!(shows(Ok(shown.trim_start_matches("Step 1:").to_string()), &text, " "), Ok(()));
    }
}
