//! The rules: their documentation, its examples, and the CI formats.

use std::fs;

use referflow_check::Rule;
use serde_json::Value;

use crate::codes;

/// The ```flow block of a rule's documentation.
fn example(rule: Rule) -> String {
    let docs = rule.docs();
    let start = docs.find("```flow\n").unwrap_or_else(|| panic!("{} has no example", rule.code())) + 8;
    let end = start + docs[start..].find("```").unwrap();
    docs[start..end].to_string()
}

#[test]
fn every_rule_is_documented_in_fixed_sections() {
    for rule in Rule::ALL {
        let docs = rule.docs();
        let sections: Vec<&str> = docs.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(sections, ["## What it finds", "## Why it matters", "## Example", "## Fix"], "{}", rule.code());
        assert!(!rule.summary().is_empty());
    }
}

#[test]
fn every_documented_example_triggers_its_rule() {
    for rule in Rule::ALL {
        let src = example(*rule);
        assert!(codes(&src).contains(&rule.code()), "the example of {} gives {:?}", rule.code(), codes(&src));
    }
}

#[test]
fn rules_doc_is_current() {
    let path = crate::root().join("docs/rules.md");
    let expected = referflow_emit::rules_doc::rules_markdown();
    if std::env::var_os("REFERFLOW_BLESS").is_some() {
        fs::write(&path, &expected).unwrap();
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/rules.md is stale: run `REFERFLOW_BLESS=1 cargo test --test it rules_doc`");
}

#[test]
fn each_rule_has_a_fixture() {
    let names: Vec<String> = fs::read_dir(crate::root().join("tests/fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for rule in Rule::ALL {
        let name = format!("{}-{}.flow", rule.code(), rule.name());
        assert!(names.contains(&name), "missing tests/fixtures/invalid/{name}");
    }
}

fn sarif_for(paths: &[&str]) -> Value {
    sarif_in(crate::root(), paths)
}

/// `check --format sarif PATHS` run in `dir`.
fn sarif_in(dir: &std::path::Path, paths: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["check", "--format", "sarif"])
        .args(paths)
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The official SARIF 2.1.0 schema (a copy of shared/schemas/, so the test needs nothing
/// outside the repository).
fn sarif_validator() -> jsonschema::Validator {
    let schema_path = crate::root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

pub(crate) fn assert_valid_sarif(sarif: &Value) {
    let errors: Vec<String> =
        sarif_validator().iter_errors(sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// GitHub's anchor for a Markdown heading: lower case, spaces to `-`, punctuation but `-` and
/// `_` dropped (written here apart from the code that makes the links, to hold it to it).
fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every result's `referflowHash/v1` fingerprint, in order.
fn fingerprints(sarif: &Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["referflowHash/v1"].as_str().unwrap().to_owned())
        .collect()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("referflow-rules-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sarif_output_is_valid_against_the_official_schema() {
    let sarif = sarif_for(&["tests/fixtures/invalid", "examples"]);
    assert_valid_sarif(&sarif);

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Rule::ALL.len());
    let rules_md = fs::read_to_string(crate::root().join("docs/rules.md")).unwrap();
    let anchors: Vec<String> = rules_md.lines().filter_map(|l| l.strip_prefix("## ")).map(github_slug).collect();
    for (rule, entry) in Rule::ALL.iter().zip(rules) {
        assert_eq!(entry["id"], rule.code());
        assert_eq!(entry["name"], rule.name());
        assert!(entry["help"]["text"].as_str().unwrap().contains("## Fix"));
        // One sentence to list the rule by; the whole paragraph as its description.
        let short = entry["shortDescription"]["text"].as_str().unwrap();
        assert!(short.ends_with('.') && !short.contains(". "), "{}: {short}", rule.code());
        assert_eq!(entry["fullDescription"]["text"], rule.summary());
        // helpUri: the rule's section of docs/rules.md, by the anchor GitHub gives its heading.
        let help_uri = entry["helpUri"].as_str().unwrap();
        let (page, anchor) = help_uri.split_once('#').unwrap();
        assert!(page.starts_with("https://") && page.ends_with("/docs/rules.md"), "{help_uri}");
        assert!(anchors.iter().any(|a| a == anchor), "{help_uri}: no such heading in docs/rules.md");
    }
    // Files below the current directory are named relative to %SRCROOT%, which is it.
    let cwd = crate::root().canonicalize().unwrap();
    let srcroot = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(srcroot.starts_with("file:///") && srcroot.ends_with('/'), "{srcroot}");
    assert!(srcroot.trim_end_matches('/').ends_with(cwd.file_name().unwrap().to_str().unwrap()), "{srcroot}");
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 40);
    for result in results {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "%SRCROOT%", "{result}");
        let key = result["partialFingerprints"]["referflowHash/v1"].as_str().unwrap();
        let (hash, n) = key.split_once(':').unwrap();
        assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
        assert!(n.parse::<u32>().unwrap() >= 1, "{key}");
    }
    // A violated requirement carries its path as related locations.
    let violated = results.iter().find(|r| r["ruleId"] == "RF201").unwrap();
    assert_eq!(violated["level"], "error");
    assert_eq!(violated["relatedLocations"].as_array().unwrap().len(), 3);
    let region = &violated["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(22), Some(1)));
    assert_eq!(
        violated["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/invalid/RF201-requirement-violated.flow"
    );
}

/// An alert follows its line: lines added above it, or indentation, leave its fingerprint as
/// it was; the same finding on an identical line counts up.
#[test]
fn sarif_fingerprints_follow_the_finding_not_the_line_number() {
    let dir = temp_dir("fingerprints");
    let before = "start s \"S\"\nstep x \"X\" by nobody\nstep y \"Y\" by nobody\ns -> x -> y\n";
    let after = format!("# a new comment\n\ntitle \"T\"\n{}", before.replace("step x", "   step   x"));
    fs::write(dir.join("a.flow"), before).unwrap();
    let first = sarif_in(&dir, &["a.flow"]);
    fs::write(dir.join("a.flow"), &after).unwrap();
    let second = sarif_in(&dir, &["a.flow"]);
    assert_valid_sarif(&second);
    let (a, b) = (fingerprints(&first), fingerprints(&second));
    assert!(!a.is_empty());
    assert_eq!(a, b, "fingerprints changed with lines added above");
    let lines = |sarif: &Value| {
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"].clone()
    };
    assert_ne!(lines(&first), lines(&second), "the finding did move");
    let unique: std::collections::BTreeSet<&String> = a.iter().collect();
    assert_eq!(unique.len(), a.len(), "two results share a fingerprint: {a:?}");

    // Identical findings on identical lines: the same hash, counted.
    fs::write(dir.join("b.flow"), "}\n}\n}\n").unwrap();
    let braces = fingerprints(&sarif_in(&dir, &["b.flow"]));
    assert_eq!(braces.len(), 3, "{braces:?}");
    let hash = &braces[0][..16];
    assert_eq!(braces, [1, 2, 3].map(|n| format!("{hash}:{n}")));
    let _ = fs::remove_dir_all(&dir);
}

/// A file outside the current directory gets an absolute `file://` URI and no base; standard
/// input is `stdin`; a hostile name is percent-encoded, byte for byte, and the log stays valid.
#[test]
#[cfg(unix)] // a file name with a line break
fn sarif_names_every_file_by_a_valid_uri() {
    let dir = temp_dir("uris");
    let inside = dir.join("in");
    fs::create_dir_all(&inside).unwrap();
    let chart = "start s \"S\"\nstep x \"X\" by nobody\ns -> x\n";
    let hostile = "a b\n::error file=README.md::pwned\r%ก.flow";
    fs::write(inside.join(hostile), chart).unwrap();
    fs::write(dir.join("outside.flow"), chart).unwrap();
    let outside = dir.join("outside.flow");
    let sarif = sarif_in(&inside, &[".", outside.to_str().unwrap()]);
    assert_valid_sarif(&sarif);
    let uris: Vec<(Value, Value)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (at["uri"].clone(), at["uriBaseId"].clone())
        })
        .collect();
    let encoded = "a%20b%0A%3A%3Aerror%20file%3DREADME.md%3A%3Apwned%0D%25%E0%B8%81.flow";
    assert!(uris.contains(&(Value::from(encoded), Value::from("%SRCROOT%"))), "{uris:?}");
    let absolute = uris.iter().find(|(uri, _)| uri.as_str().unwrap().starts_with("file:///")).unwrap();
    assert!(absolute.0.as_str().unwrap().ends_with("/outside.flow") && absolute.1.is_null(), "{absolute:?}");

    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["check", "--format", "sarif", "-"])
        .current_dir(&inside)
        .stdin(fs::File::open(&outside).unwrap())
        .output()
        .unwrap();
    let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_valid_sarif(&piped);
    let at = &piped["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!((at["uri"].as_str(), at.get("uriBaseId")), (Some("stdin"), None));
    let _ = fs::remove_dir_all(&dir);
}

/// A chain `s0 → s1 → … → s{n-1} → done` with `require s{i+1} before s{i}` for each `i` in
/// `failing`: each is violated by the chain itself.
fn chain(n: usize, failing: impl Iterator<Item = usize>) -> String {
    let mut src = String::from("actor a \"A\"\nstart s0 \"S\" by a\n");
    for i in 1..n {
        src.push_str(&format!("step s{i} \"S{i}\" by a\n"));
    }
    src.push_str("end done \"Done\" by a\n");
    for i in 0..n - 1 {
        src.push_str(&format!("s{i} -> s{} -> done\n", i + 1));
    }
    for i in failing {
        src.push_str(&format!("require s{} before s{i}\n", i + 1));
    }
    src
}

#[test]
fn a_long_counterexample_shows_its_start_and_its_last_stages() {
    let src = chain(40, [29].into_iter());
    let checked = referflow_check::check(&referflow_syntax::parse(&src));
    let d = checked.diagnostics.iter().find(|d| d.rule == Rule::RequirementViolated).unwrap();
    // The shortest path to s29 avoiding s30 is the chain itself: 30 stages.
    assert_eq!(
        d.message,
        "`s29` can be reached without passing `s30`: s0 → … (22 stages) … → s23 → s24 → s25 → s26 → s27 → s28 → s29"
    );
    let labels: Vec<&str> = d.related.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "1. on the path",
            "24. on the path",
            "25. on the path",
            "26. on the path",
            "27. on the path",
            "28. on the path",
            "29. on the path",
            "30. on the path"
        ]
    );
}

#[test]
fn every_requirement_of_a_large_chart_gets_its_verdict() {
    // Each one violated: judged together, with a path each (bench/hostile.sh times this shape
    // at 20,000 and 200,000).
    let n = 3000;
    let src = chain(n, 0..n - 1);
    let checked = referflow_check::check(&referflow_syntax::parse(&src));
    let violated = checked.diagnostics.iter().filter(|d| d.rule == Rule::RequirementViolated).count();
    assert_eq!(violated, n - 1);
    assert!(checked.diagnostics.iter().all(|d| d.message.len() < 200), "messages stay short");
}

/// Mistakes in languages never hide the chart's flow: a `languages` line with commas, names or
/// capitals is one error (RF013), and a translation in an undeclared language is one error per
/// translation (RF006); the unreachable stage and the dead end are reported all the same.
#[test]
fn language_mistakes_are_one_error_each_and_the_flow_is_still_checked() {
    let flow = "actor police \"Police\" { th \"ตำรวจ\" }\n\
                start tip_off \"Tip-off\" by police { th \"แจ้ง\" }\n\
                step lost \"Lost\" by police { th \"หลง\" }\n\
                end closed \"Closed\" by police { th \"ปิด\"; fr \"Fermé\" }\n\
                tip_off -> closed\n";
    for line in
        ["languages en, th", "languages en, id, th", "languages English Thai", "languages EN TH", "languages en,th"]
    {
        // (`id` is declared too in one of them: its missing translations are RF110 warnings.)
        let found: Vec<&str> = codes(&format!("{line}\n{flow}")).into_iter().filter(|c| *c != "RF110").collect();
        assert_eq!(found, ["RF013", "RF101", "RF102", "RF006"], "{line}");
    }
    assert_eq!(codes(&format!("languages en th\n{flow}")), ["RF101", "RF102", "RF006"]);
}

/// RF013 points at the words of the `languages` line, not at its start, where a chart without
/// a start is reported (RF007): formatting `;languages yes a` (as the fuzzer found) once moved
/// RF013 onto RF007's place and so changed the order of the two.
#[test]
fn formatting_a_bad_languages_line_keeps_the_order_of_the_diagnostics() {
    assert_eq!(codes(";languages yes a "), codes("languages yes a\n"));
    assert_eq!(codes("languages yes a\n"), ["RF007", "RF013"]);
}
