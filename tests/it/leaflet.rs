//! The person's leaflet on the real binary: `render --to leaflet` (and `build`, for a chart that
//! declares one) writes, for each language, one A4 page in large type that holds every public
//! text, right and hotline in that language, in the order a case meets the stages; it refuses,
//! writing nothing, a chart without a leaflet or a leaflet that does not fit one page.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::diagram::{pdf_facts, pdf_facts_usable, squeezed};
use crate::root;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn referflow(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1764892800")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-leaflet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// The chart's model, for its public texts, rights and hotlines in each language.
fn model(chart: &str) -> Value {
    let run = referflow(&["render", chart, "--to", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Everything the leaflet in `lang` must say, in the order it says the stages.
fn leaflet_texts(model: &Value, lang: &str) -> (Vec<String>, Vec<String>) {
    let stages: Vec<String> = model["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["public"][lang].as_str().map(str::to_owned))
        .collect();
    let leaflet = &model["leaflet"];
    let mut others = vec![leaflet["heading"][lang].as_str().unwrap().to_owned()];
    for list in ["rights", "hotlines"] {
        others.extend(leaflet[list].as_array().unwrap().iter().map(|t| t[lang].as_str().unwrap().to_owned()));
    }
    (stages, others)
}

fn html_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn every_language_gets_a_one_page_a4_leaflet_with_all_its_texts() {
    let chart = "examples/thailand-nrm.flow";
    let dir = temp_dir("thai");
    let run = referflow(&["render", chart, "--to", "leaflet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        files_in(&dir),
        [
            "thailand-nrm.leaflet.html",
            "thailand-nrm.leaflet.pdf",
            "thailand-nrm.th.leaflet.html",
            "thailand-nrm.th.leaflet.pdf"
        ]
    );
    assert_eq!(run.stdout.lines().count(), 4, "each file written is named: {}", run.stdout);
    let model = model(chart);
    for (lang, prefix) in [("en", "thailand-nrm"), ("th", "thailand-nrm.th")] {
        let (stages, others) = leaflet_texts(&model, lang);
        assert!(stages.len() >= 5, "the example gives several stages a public text");
        let html = std::fs::read_to_string(dir.join(format!("{prefix}.leaflet.html"))).unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}: the page says its language");
        for text in stages.iter().chain(&others) {
            assert!(html.contains(&html_text(text)), "{lang}: the page lacks {text:?}");
        }
        if !pdf_facts_usable() {
            continue;
        }
        let facts = pdf_facts(&dir.join(format!("{prefix}.leaflet.pdf")));
        let pages = facts["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 1, "{lang}: the leaflet is one page");
        let page = &pages[0];
        assert!((page["width"].as_f64().unwrap() - 595.28).abs() < 0.5, "{lang}: A4 wide");
        assert!((page["height"].as_f64().unwrap() - 841.89).abs() < 0.5, "{lang}: A4 high");
        let smallest = page["smallest_char_pt"].as_f64().unwrap();
        assert!(smallest >= 12.0, "{lang}: the smallest text is {smallest} pt");
        let text = squeezed(page["text"].as_str().unwrap());
        for public in stages.iter().chain(&others) {
            assert!(text.contains(&squeezed(public)), "{lang}: the PDF lacks {public:?}");
        }
        assert_eq!(facts["tagged"], true, "{lang}: the leaflet is a tagged PDF");
        assert_eq!(facts["lang"], lang);
        assert_eq!(facts["title"], others[0].as_str(), "the PDF's title is the leaflet's heading");
    }
}

/// The stages come in the order a case meets them (`Chart::case_order`): the person is told
/// their rights, then asked, then protected, although the walk of the chart's reading order
/// reaches the protection first, through the child's branch.
#[test]
fn the_leaflet_follows_the_case_and_marks_where_the_person_decides() {
    let dir = temp_dir("order");
    let run = referflow(
        &["render", "examples/thailand-nrm.flow", "--to", "leaflet", "--lang", "en", "-o"]
            .into_iter()
            .chain([dir.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files_in(&dir), ["thailand-nrm.leaflet.html", "thailand-nrm.leaflet.pdf"], "--lang writes one language");
    let html = std::fs::read_to_string(dir.join("thailand-nrm.leaflet.html")).unwrap();
    let at = |text: &str| html.find(text).unwrap_or_else(|| panic!("no {text:?}"));
    let rights = at("A police officer explains your rights");
    let asked = at("We ask if you agree to be protected and referred.");
    let protected = at("You stay in a safe place while we find out what happened.");
    assert!(rights < asked && asked < protected, "told, asked, then protected");
    // Each of the two consent decisions is marked; no other stage is.
    assert_eq!(html.matches("You decide. You can say no.").count(), 2);
}

#[test]
fn the_leaflet_is_the_same_bytes_every_time() {
    let (a, b) = (temp_dir("same-a"), temp_dir("same-b"));
    for dir in [&a, &b] {
        let run = referflow(&["render", "examples/thailand-nrm.flow", "--to", "leaflet", "-o", dir.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    for name in files_in(&a) {
        assert!(std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap(), "{name} differs");
    }
}

#[test]
fn a_chart_without_a_leaflet_is_refused_and_nothing_is_written() {
    let dir = temp_dir("none");
    let out = dir.join("out");
    let run = referflow(&["render", "examples/uk-nrm.flow", "--to", "leaflet", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("examples/uk-nrm.flow"), "names the file: {}", run.stderr);
    assert!(run.stderr.contains("declares no leaflet") && run.stderr.contains("public"), "{}", run.stderr);
    assert!(!out.exists(), "no folder is created for a leaflet that cannot be written");
    // `-o` names a folder: a file's name is refused rather than made a folder.
    let run = referflow(&["render", "examples/thailand-nrm.flow", "--to", "leaflet", "-o", "leaflet.pdf"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("give -o a folder"), "{}", run.stderr);
    assert!(!root().join("leaflet.pdf").exists());
    // And `build` of such a chart writes no leaflet.
    let bundle = dir.join("bundle");
    let run = referflow(&["build", "examples/uk-nrm.flow", "-o", bundle.to_str().unwrap()]);
    if run.code == 0 {
        assert!(files_in(&bundle).iter().all(|f| !f.contains("leaflet")));
    }
}

/// A leaflet with a right and a hotline, and `n` steps in a row with the public text `public`;
/// in English and Thai when the Thai text is given, else in English.
fn chart_of_steps(n: usize, public: &str, thai: Option<&str>) -> String {
    // A Thai text after a text (` th "…"`), and a block holding one (` { th "…" }`).
    let th = |text: &str| if thai.is_some() { format!(" th \"{text}\"") } else { String::new() };
    let block = |text: &str| if thai.is_some() { format!(" {{{} }}", th(text)) } else { String::new() };
    let mut chart = format!(
        "title \"Long\"{}\n{}leaflet \"What happens next\"{}\n\
         leaflet right \"You can have an interpreter, free of charge.\"{}\n\
         leaflet hotline \"Call 1300, free, day and night.\"{}\n\
         actor mdt \"Multidisciplinary team\"{}\nstart s0 \"Found\" by mdt{}\n",
        th("ยาว"),
        if thai.is_some() { "languages en th\n" } else { "" },
        th("ขั้นตอนต่อไปสำหรับคุณ"),
        th("คุณมีล่ามช่วยได้โดยไม่เสียค่าใช้จ่าย"),
        th("โทร 1300 ฟรี ตลอด 24 ชั่วโมง"),
        block("ทีมสหวิชาชีพ"),
        block("พบ"),
    );
    let public = format!("public \"{public}\"{}", thai.map(th).unwrap_or_default());
    for k in 1..=n {
        let label = if thai.is_some() { format!("th \"ขั้น {k}\"; ") } else { String::new() };
        chart
            .push_str(&format!("step s{k} \"Step {k}\" by mdt within 24h {{ {label}{public} }}\ns{} -> s{k}\n", k - 1));
    }
    chart.push_str(&format!("end done \"Done\" by mdt{}\ns{n} -> done\n", block("เสร็จ")));
    chart
}

#[test]
fn a_leaflet_that_does_not_fit_one_page_is_refused_whole() {
    let dir = temp_dir("long");
    let chart = chart_of_steps(
        40,
        "A social worker meets you again and tells you what comes next, in a language you understand.",
        None,
    );
    let path = dir.join("long.flow");
    std::fs::write(&path, chart).unwrap();
    let out = dir.join("out");
    let run = referflow(&["render", path.to_str().unwrap(), "--to", "leaflet", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("does not fit one A4 page"), "{}", run.stderr);
    assert!(run.stderr.contains("long.flow"), "names the file: {}", run.stderr);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_leaflet_with_nothing_to_say_is_warned_about() {
    let src = "leaflet \"What happens next\"\nactor mdt \"Team\"\nstart a \"A\" by mdt\nend b \"B\" by mdt\na -> b\n";
    assert_eq!(crate::codes(src), ["RF113"]);
    // With a public text, and no consent decision, there is nothing to say.
    let src = src.replace("start a \"A\" by mdt", "start a \"A\" by mdt { public \"We meet you.\" }");
    assert!(crate::codes(&src).is_empty());
}

/// A chart that gives many stages a public text still gets its leaflet on one page, set tight
/// (narrower margins, who and when on the line of the text), never below 12 pt.
#[test]
fn a_long_leaflet_is_set_tight_before_it_is_refused() {
    let dir = temp_dir("tight");
    let chart = chart_of_steps(
        14,
        "A social worker meets you and explains what happens next.",
        Some("นักสังคมสงเคราะห์จะพบคุณและอธิบายสิ่งที่จะเกิดขึ้นต่อไป"),
    );
    let path = dir.join("long.flow");
    std::fs::write(&path, chart).unwrap();
    let run = referflow(&["render", path.to_str().unwrap(), "--to", "leaflet", "-o", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if !pdf_facts_usable() {
        return;
    }
    for name in ["long.leaflet.pdf", "long.th.leaflet.pdf"] {
        let facts = pdf_facts(&dir.join(name));
        let pages = facts["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 1, "{name}");
        assert!(pages[0]["smallest_char_pt"].as_f64().unwrap() >= 12.0, "{name}");
        let text = squeezed(pages[0]["text"].as_str().unwrap());
        let public = if name.contains(".th.") {
            "อธิบายสิ่งที่จะเกิดขึ้นต่อไป"
        } else {
            "explains what happens next"
        };
        assert_eq!(text.matches(&squeezed(public)).count(), 14, "{name}: every stage's public text");
    }
}
