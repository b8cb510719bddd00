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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(["check", "--format", "sarif"])
        .args(paths)
        .current_dir(crate::root())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sarif_output_is_valid_against_the_official_schema() {
    // The official SARIF 2.1.0 schema (a copy of shared/schemas/, so the test needs nothing
    // outside the repository).
    let schema_path = crate::root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif = sarif_for(&["tests/fixtures/invalid", "examples"]);
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Rule::ALL.len());
    for (rule, entry) in Rule::ALL.iter().zip(rules) {
        assert_eq!(entry["id"], rule.code());
        assert_eq!(entry["name"], rule.name());
        assert!(entry["help"]["text"].as_str().unwrap().contains("## Fix"));
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 40);
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
