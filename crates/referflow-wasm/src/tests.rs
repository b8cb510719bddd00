//! The API on its own. That `check` and `render` print what the binary prints is held by
//! tests/it/playground.rs, which runs the binary on every chart of the repository.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeSet;

use referflow_syntax::language;
use serde_json::Value;

use super::*;

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn strings(value: &Value) -> Vec<&str> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

const CLEAN: &str = "actor a \"A\"\nstart s \"S\" by a\nend e \"E\" by a\ns -> e\n";

#[test]
fn keywords_lists_every_reserved_word_once_under_its_role() {
    let words = json(&keywords());
    assert_eq!(strings(&words["reserved"]), language::RESERVED);
    let listed: Vec<&str> = words["keywords"].as_array().unwrap().iter().map(|k| k["word"].as_str().unwrap()).collect();
    assert_eq!(listed, language::RESERVED);
    let by_role: Vec<&str> = words["roles"].as_object().unwrap().values().flat_map(strings).collect();
    assert_eq!(by_role.len(), language::RESERVED.len(), "{by_role:?}");
    assert_eq!(by_role.iter().copied().collect::<BTreeSet<_>>(), language::RESERVED.into_iter().collect());
    assert_eq!(strings(&words["roles"]["branch"]), ["yes", "no"]);
    assert_eq!(strings(&words["roles"]["stage"]), ["start", "step", "decision", "end"]);
    assert_eq!(words["keywords"][0]["starts_line_in"], serde_json::json!(["top"]));
    assert_eq!(strings(&words["leaflet_parts"]), language::LEAFLET_PARTS);
    let units: Vec<&str> = words["units"].as_array().unwrap().iter().map(|u| u["suffix"].as_str().unwrap()).collect();
    assert_eq!(units, language::UNITS.map(|u| u.suffix));
}

#[test]
fn a_chart_with_errors_is_refused_in_every_format() {
    let broken = "actor a \"A\"\nstart s \"S\" by nobody\nend e \"E\" by a\ns -> e\n";
    for format in FORMATS {
        assert_eq!(
            render(broken, format, ""),
            Err("chart.flow: the chart has errors; fix them before publishing".into()),
            "{format}"
        );
    }
    // Warnings do not stop it: `a` owns nothing here.
    let warned = "actor a \"A\"\nactor b \"B\"\nstart s \"S\" by b\nend e \"E\" by b\ns -> e\n";
    assert!(render(warned, "dot", "").is_ok());
}

#[test]
fn an_unknown_format_or_language_is_refused_by_name() {
    assert_eq!(
        render(CLEAN, "svg", ""),
        Err("unknown format `svg`: write one of dot, md, narrative-html, mermaid, json".into())
    );
    assert_eq!(render(CLEAN, "dot", "th"), Err("chart.flow: `th` is not a declared language (declared: en)".into()));
}

#[test]
fn the_language_is_a_declared_code_or_the_first() {
    let chart = example("thailand-nrm.flow");
    let first = render(&chart, "md", "").unwrap();
    assert_eq!(render(&chart, "md", "en").unwrap(), first);
    let thai = render(&chart, "md", "th").unwrap();
    assert_ne!(thai, first);
    assert!(thai.contains("การส่งต่อผู้ที่อาจเป็นผู้เสียหาย"), "{thai}");
    // Without the Mermaid block, as `--no-diagram`.
    assert!(!first.contains("```mermaid"), "{first}");
    assert!(render(&chart, "mermaid", "th").unwrap().starts_with("flowchart"));
    assert!(render(&chart, "dot", "th").unwrap().starts_with("digraph"));
}

#[test]
fn info_names_the_title_and_each_language_as_the_page_does() {
    let info = json(&info(&example("thailand-nrm.flow")));
    assert_eq!(
        info,
        serde_json::json!({
            "title": "Referral of potential victims of trafficking in persons (National Referral Mechanism)",
            "languages": [{"code": "en", "name": "English"}, {"code": "th", "name": "ไทย"}],
        })
    );
    let info = json(&super::info(CLEAN));
    assert_eq!(info["title"], "Referral chart");
    assert_eq!(info["languages"], serde_json::json!([{"code": "en", "name": "English"}]));
    // A language without a catalogue keeps the switch's name; a code unknown there, itself.
    let info = json(&super::info("languages fr xx\n"));
    assert_eq!(
        info["languages"],
        serde_json::json!([{"code": "fr", "name": "Français"}, {"code": "xx", "name": "xx"}])
    );
}

#[test]
fn an_include_is_an_error_at_its_path_saying_why() {
    let chart = format!("include \"agencies.flow\"\n{CLEAN}");
    let report = json(&check(&chart));
    let include = &report["diagnostics"][0];
    assert_eq!(include["code"], "RF010");
    assert_eq!(include["severity"], "error");
    assert_eq!(include["message"], "`include \"agencies.flow\"`: the playground reads no other file");
    assert_eq!(include["span"], serde_json::json!({"start": 8, "end": 23, "line": 1, "column": 9}));
    assert_eq!(report["summary"]["errors"], 1);
    // A path the checker refuses on its own is reported once, by the checker.
    let report = json(&check(&format!("include \"https://example.org/a.flow\"\n{CLEAN}")));
    assert_eq!(report["summary"]["errors"], 1, "{report}");
    assert!(report["diagnostics"][0]["message"].as_str().unwrap().contains("is a URL"), "{report}");
}

#[test]
fn a_clean_chart_has_no_diagnostics() {
    assert_eq!(
        json(&check(CLEAN)),
        serde_json::json!({"version": 1, "diagnostics": [], "summary": {"files": 1, "errors": 0, "warnings": 0}})
    );
}

#[test]
fn the_narrative_html_escapes_the_charts_text() {
    let chart = "actor a \"<b>A</b>\"\nstart s \"<script>alert(1)</script>\" by a\nend e \"E & F\" by a\ns -> e\n";
    let html = render(chart, "narrative-html", "").unwrap();
    assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("E &amp; F"), "{html}");
}
