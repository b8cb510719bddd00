//! The framing in the reader's language (crates/referflow-emit/locales, docs/translating.md):
//! a Thai document says nothing of its own in English, and a language without a catalogue
//! is framed in English with one warning.

use std::collections::BTreeSet;
use std::process::Command;

use referflow_check::Label;

use crate::root;

/// The real binary, run in the repository: (exit code, stdout, stderr).
fn referflow(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(root()).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Every text the chart itself writes, in every language: what is not framing.
fn chart_texts(path: &str) -> Vec<String> {
    let source = std::fs::read_to_string(root().join(path)).unwrap();
    let checked = referflow_check::check(&referflow_syntax::parse(&source));
    let model = &checked.model;
    let mut texts: Vec<String> = Vec::new();
    let mut all = |t: &referflow_check::Texts<'_>| texts.extend(t.values.iter().flatten().map(|v| v.to_string()));
    model.title.iter().for_each(&mut all);
    model.actors.iter().for_each(|a| {
        all(&a.name);
        a.notes.iter().for_each(&mut all);
    });
    model.phases.iter().for_each(|p| all(&p.name));
    model.version.iter().for_each(&mut all);
    for stage in &model.stages {
        all(&stage.label);
        stage.notes.iter().for_each(&mut all);
        stage.refs.iter().for_each(&mut all);
    }
    for edge in &model.edges {
        if let Some(Label::Text(t)) = &edge.label {
            all(t);
        }
    }
    texts
}

/// The words of the English catalogue's messages (their text, not their ids or variables).
fn english_words() -> BTreeSet<String> {
    let source = std::fs::read_to_string(root().join("crates/referflow-emit/locales/en.ftl")).unwrap();
    let mut words = BTreeSet::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with('#')) {
        // A message's value after `=`, or a plural variant's after `]`.
        let value = match (line.split_once(" = "), line.trim_start().starts_with(['[', '*'])) {
            (Some((_, value)), _) => value,
            (None, true) => line.split_once(']').map_or("", |(_, v)| v),
            _ => continue,
        };
        // Placeables hold variables and selectors, not words.
        let mut text = String::new();
        let mut depth = 0;
        for c in value.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => text.push(c),
                _ => {}
            }
        }
        words.extend(ascii_words(&text).filter(|w| w.len() > 1).map(str::to_lowercase));
    }
    words.remove("english"); // the language's own name, on the switch
    words
}

fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty())
}

/// The English framing words in `text` that no text of the chart explains, and any duration
/// written as a unit (`24h`, `5wd`, `15d`) or `≤`.
fn english_framing(text: &str, chart: &[String]) -> Vec<String> {
    let english = english_words();
    let in_chart: BTreeSet<String> =
        chart.iter().flat_map(|t| ascii_words(t).map(str::to_lowercase).collect::<Vec<_>>()).collect();
    let mut found: Vec<String> = ascii_words(text)
        .map(str::to_lowercase)
        .filter(|w| english.contains(w) && !in_chart.contains(w))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if text.contains('≤') {
        found.push("≤".into());
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(|c: char| c.is_ascii_digit()) {
        let rest = &text[i + 1..];
        let unit = ["min", "wd", "h", "d", "w"].into_iter().find(|u| rest.starts_with(u));
        let ends = |u: &str| !rest[u.len()..].starts_with(|c: char| c.is_alphanumeric());
        if let Some(unit) = unit.filter(|u| ends(u))
            && !chart.iter().any(|t| t.contains(&format!("{}{unit}", bytes[i] as char)))
        {
            found.push(format!("{}{unit}", bytes[i] as char));
        }
    }
    found
}

/// Each chart text removed from the Markdown, as the narrative escapes it, and the anchors
/// and link targets (ASCII ids the tool makes, `step-14`) and Mermaid's keywords dropped.
fn framing_of_markdown(markdown: &str, chart: &[String]) -> String {
    use referflow_emit::markdown::{Breaks, escape};
    let mut text = markdown.to_owned();
    let mut forms: Vec<String> = chart
        .iter()
        .flat_map(|t| [escape(t, Breaks::Space), escape(t, Breaks::Html), t.trim().to_owned()])
        .filter(|t| !t.is_empty())
        .collect();
    forms.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for form in forms {
        text = text.replace(&form, " ");
    }
    let mut kept = String::new();
    for line in text.lines() {
        let mut line = line.to_owned();
        for (open, close) in [("<a id=\"", "\"></a>"), ("](#", ")")] {
            while let Some(start) = line.find(open) {
                let Some(end) = line[start..].find(close) else { break };
                line.replace_range(start..start + end + close.len(), " ");
            }
        }
        for keyword in ["flowchart TB", "accTitle:", "subgraph", "```mermaid", "    end"] {
            line = line.replace(keyword, " ");
        }
        kept.push_str(&line);
        kept.push('\n');
    }
    kept
}

#[test]
fn the_thai_narrative_has_no_english_framing() {
    let chart = chart_texts("examples/thailand-nrm.flow");
    let (code, markdown, stderr) = referflow(&["render", "examples/thailand-nrm.flow", "--to", "md", "--lang", "th"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("catalogue"), "{stderr}");
    let framing = framing_of_markdown(&markdown, &chart);
    assert_eq!(english_framing(&framing, &chart), Vec::<String>::new(), "{framing}");
    assert!(markdown.contains("ภายใน 24 ชั่วโมง"), "the time limits are in Thai words");
    // The test sees English where there is some: the English narrative has plenty.
    let (_, english, _) = referflow(&["render", "examples/thailand-nrm.flow", "--to", "md", "--lang", "en"]);
    let found = english_framing(&framing_of_markdown(&english, &chart), &chart);
    for word in ["step", "responsible", "next", "within"] {
        assert!(found.iter().any(|w| w == word), "{word} not seen in {found:?}");
    }
}

#[test]
fn the_thai_diagram_has_no_english_framing() {
    if !crate::diagram::fonts() {
        return;
    }
    let chart = chart_texts("examples/thailand-nrm.flow");
    for page in [None, Some("a4")] {
        let dir = std::env::temp_dir().join(format!("referflow-framing-{}-{page:?}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("th.svg");
        let mut args = vec!["render", "examples/thailand-nrm.flow", "--to", "svg", "--lang", "th"];
        args.extend(page.iter().flat_map(|p| ["--page", p]));
        args.extend(["-o", out.to_str().unwrap()]);
        let (code, _, stderr) = referflow(&args);
        assert_eq!(code, 0, "{stderr}");
        let mut svgs: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        svgs.sort();
        assert!(!svgs.is_empty());
        for svg in svgs {
            let svg_text = std::fs::read_to_string(&svg).unwrap();
            let doc = roxmltree::Document::parse(&svg_text).unwrap();
            let shown: String = doc
                .descendants()
                .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(english_framing(&shown, &chart), Vec::<String>::new(), "{}: {shown}", svg.display());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The Graphviz drawing's legend and time limits are Thai too.
#[test]
fn the_thai_dot_has_no_english_framing() {
    let chart = chart_texts("examples/thailand-nrm.flow");
    let (code, dot, stderr) = referflow(&["render", "examples/thailand-nrm.flow", "--to", "dot", "--lang", "th"]);
    assert_eq!(code, 0, "{stderr}");
    // The labels' text: what lies between `>` and `<` in the HTML-like labels (the rest of a
    // line is ids, attributes and the tooltips' ids of the chart).
    let labels = dot.lines().filter_map(|line| line.split_once("label=<").map(|(_, label)| label));
    let shown: String = labels
        .flat_map(|label| label.split('>').filter_map(|piece| piece.split('<').next()))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(english_framing(&shown, &chart), Vec::<String>::new(), "{shown}");
    assert!(dot.contains("ภายใน 24 ชั่วโมง"));
}

const INDONESIAN: &str = "title \"Rujukan\" id \"Rujukan\" xx \"R\"\nlanguages en id xx\n\
actor a \"A\" {\n id \"A\"\n xx \"A\"\n}\n\
start s \"Start\" by a {\n id \"Mulai\"\n xx \"S\"\n}\n\
step t \"Screen\" by a within 5wd {\n id \"Saring\"\n xx \"T\"\n}\n\
end e \"Done\" by a {\n id \"Selesai\"\n xx \"E\"\n}\ns -> t\nt -> e\n";

#[test]
fn a_language_without_a_catalogue_is_framed_in_english_with_one_warning() {
    let dir = std::env::temp_dir().join(format!("referflow-framing-fallback-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let chart = dir.join("rujukan.flow");
    std::fs::write(&chart, INDONESIAN).unwrap();
    let chart = chart.to_str().unwrap();
    let warning = |code: &str| {
        format!("warning: no message catalogue for `{code}`; fixed texts are in English (docs/translating.md)\n")
    };

    let (code, markdown, stderr) = referflow(&["render", chart, "--to", "md", "--lang", "id"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, warning("id"));
    assert!(markdown.contains("### <a id=\"step-2\"></a>Step 2: Saring\n"), "{markdown}");
    assert!(markdown.contains("- **Time limit:** within 5 working days\n"), "{markdown}");

    // English has its catalogue, and the model's JSON has no framing: no warning.
    for args in [["render", chart, "--to", "md"], ["render", chart, "--to", "json"]] {
        let (code, _, stderr) = referflow(&args);
        assert_eq!((code, stderr.as_str()), (0, ""));
    }

    // The bundle and the HTML page hold every language: one warning for each without a
    // catalogue, once in the run.
    let out = dir.join("out");
    let (code, _, stderr) = referflow(&["build", chart, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, format!("{}{}", warning("id"), warning("xx")));
    let (code, _, stderr) = referflow(&["render", chart, "--to", "html", "-o", dir.join("p.html").to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, format!("{}{}", warning("id"), warning("xx")));
    let _ = std::fs::remove_dir_all(&dir);
}
