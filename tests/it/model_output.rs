//! `render --to json`: the model of docs/model.md, its schema (docs/model.schema.json), and the
//! details a reader of the JSON relies on.

use std::fs;

use proptest::prelude::*;
use referflow_emit::chart::Chart;
use referflow_emit::model_json::{model_schema, render_model_json};
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::{Value, json};

use crate::fixture_name;

/// The JSON model of `src`, as `render --to json` prints it.
fn model_json(src: &str) -> String {
    let file = referflow_syntax::parse(src);
    let checked = referflow_check::check(&file);
    render_model_json(&Chart::new(&checked.model, &checked.diagnostics), src)
}

fn model_value(src: &str) -> Value {
    serde_json::from_str(&model_json(src)).unwrap()
}

fn read(path: &str) -> String {
    fs::read_to_string(crate::root().join(path)).unwrap()
}

/// The `.flow` files under `dir`, sorted.
fn flows(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = fs::read_dir(crate::root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    files.sort();
    files
}

/// The keys of a JSON object in the order they are written (`Value` sorts them).
#[derive(Debug, PartialEq)]
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

/// The key order of the model, of its first stage and of the labels of its stages and edges.
#[derive(Deserialize)]
struct KeyOrder {
    stages: Vec<StageKeys>,
    edges: Vec<EdgeKeys>,
}

#[derive(Deserialize)]
struct StageKeys {
    label: Keys,
}

#[derive(Deserialize)]
struct EdgeKeys {
    label: Option<Keys>,
}

fn key_order(json: &str) -> KeyOrder {
    serde_json::from_str(json).unwrap()
}

#[test]
fn examples_render_to_their_model() {
    insta::glob!("../../examples", "*.flow", |path| {
        let src = fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(model_json(&src));
    });
}

#[test]
fn model_schema_is_current() {
    let path = crate::root().join("docs/model.schema.json");
    let expected = model_schema();
    if std::env::var_os("REFERFLOW_BLESS").is_some() {
        fs::write(&path, &expected).unwrap();
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/model.schema.json is stale: run `REFERFLOW_BLESS=1 cargo test --test it model_schema`"
    );
}

/// Standard JSON Schema only: a strict validator (Ajv's strict mode) refuses a format it does
/// not know, such as schemars' `uint` and `uint32`.
#[test]
fn the_schema_uses_standard_formats_only() {
    fn walk(value: &Value, at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    // `properties` names the model's fields: a field called `format` is no keyword.
                    if key == "format" && !at.ends_with("/properties") {
                        let known =
                            inner.as_str().is_some_and(|f| referflow_emit::model_json::STANDARD_FORMATS.contains(&f));
                        if !known {
                            found.push(format!("{at}/format = {inner}"));
                        }
                    }
                    walk(inner, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let schema: Value = serde_json::from_str(&model_schema()).unwrap();
    let mut found = Vec::new();
    walk(&schema, "", &mut found);
    assert!(found.is_empty(), "formats outside JSON Schema 2020-12: {found:#?}");
    // The bounds the formats stood for are standard keywords now.
    let span = &schema["$defs"]["Span"]["properties"];
    assert_eq!(
        (span["start"]["minimum"].as_u64(), span["start"]["maximum"].as_u64()),
        (Some(0), Some(u32::MAX.into()))
    );
    assert_eq!(span["line"]["minimum"].as_u64(), Some(1));
    // And the walk would see one.
    let mut bad = Vec::new();
    walk(&serde_json::json!({"properties": {"format": {"type": "integer", "format": "uint"}}}), "", &mut bad);
    assert_eq!(bad, ["/properties/format/format = \"uint\""]);
}

/// Ajv, the validator most JavaScript readers use, compiles the schema in strict mode and
/// accepts the models of the examples. Needs node and npm (the packages are installed once,
/// from tests/ajv/package-lock.json); skipped without them, except in CI.
#[test]
fn strict_ajv_accepts_the_schema_and_the_models() {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if let Some(tool) =
        ["node", npm].into_iter().find(|t| std::process::Command::new(t).arg("--version").output().is_err())
    {
        assert!(
            !crate::ci(),
            "`{tool}` is not on PATH: the Ajv check needs node and npm (CI=true, so it may not be skipped)"
        );
        eprintln!("skipping the strict Ajv check: `{tool}` is not on PATH");
        return;
    }
    let dir = crate::npm_install("ajv", &["package.json", "package-lock.json", "check.mjs"], "the strict Ajv check");
    let models = dir.join(format!("models-{}", std::process::id()));
    fs::create_dir_all(&models).unwrap();
    let mut args = vec![crate::root().join("docs/model.schema.json")];
    for path in flows("examples") {
        let out = models.join(path.file_name().unwrap()).with_extension("json");
        fs::write(&out, model_json(&fs::read_to_string(&path).unwrap())).unwrap();
        args.push(out);
    }
    let output = std::process::Command::new("node").arg("check.mjs").args(&args).current_dir(&dir).output().unwrap();
    let _ = fs::remove_dir_all(&models);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.trim() == "ok", "{stdout}{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn every_model_validates_against_the_schema() {
    let schema: Value = serde_json::from_str(&model_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut files = flows("examples");
    files.extend(flows("tests/fixtures/valid"));
    files.extend(flows("tests/fixtures/hostile"));
    // Charts whose requirements fail, and charts with warnings, are charts too.
    files.extend(flows("tests/fixtures/invalid").into_iter().filter(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        name.starts_with("RF1") || name.starts_with("RF2")
    }));
    assert!(files.len() > 20);
    for path in files {
        let model = model_value(&fs::read_to_string(&path).unwrap());
        let errors: Vec<String> =
            validator.iter_errors(&model).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", fixture_name(&path));
    }
}

/// The schema is strict where a reader relies on it: it rejects what the model never holds.
#[test]
fn the_schema_rejects_a_wrong_model() {
    let schema: Value = serde_json::from_str(&model_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = model_value(&read("tests/fixtures/valid/spec-example.flow"));
    assert!(validator.is_valid(&good));
    let broken = [
        ("/version", json!(2)),
        ("/stages/0/kind", json!("box")),
        ("/stages/0/label/th", json!(1)),
        ("/stages/1/within/hours", json!("24")),
        ("/requirements/0/status", json!("fine")),
        ("/edges/0/to", json!(null)),
    ];
    for (pointer, value) in broken {
        let mut bad = good.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(!validator.is_valid(&bad), "the schema accepts {pointer} = {}", bad.pointer(pointer).unwrap());
    }
    let mut missing = good.clone();
    missing["stages"][0].as_object_mut().unwrap().remove("phase");
    assert!(!validator.is_valid(&missing), "the schema accepts a stage without `phase`");
}

#[test]
fn the_example_chart_has_the_documented_shape() {
    let src = read("tests/fixtures/valid/spec-example.flow");
    let json = model_json(&src);
    let model: Value = serde_json::from_str(&json).unwrap();

    let top: Keys = serde_json::from_str(&json).unwrap();
    assert_eq!(
        top.0,
        [
            "version",
            "title",
            "chart_version",
            "languages",
            "actors",
            "phases",
            "stages",
            "edges",
            "requirements",
            "numbering",
            "leaflet"
        ]
    );
    #[derive(Deserialize)]
    struct Stages {
        stages: Vec<Keys>,
    }
    let stage_keys = serde_json::from_str::<Stages>(&json).unwrap().stages;
    assert_eq!(stage_keys.len(), 6);
    for keys in stage_keys {
        assert_eq!(
            keys.0,
            ["id", "kind", "label", "owners", "phase", "within", "notes", "refs", "public", "span", "number"]
        );
    }
    assert_eq!(model["version"], json!(1));
    assert_eq!(
        model["title"],
        json!({"en": "Referral of potential victims of trafficking", "th": "การส่งต่อผู้เสียหายจากการค้ามนุษย์"})
    );
    assert_eq!(model["chart_version"], json!("draft for public hearing"));
    assert_eq!(model["languages"], json!(["en", "th"]));
    assert_eq!(
        model["actors"][0],
        json!({"id": "police", "name": {"en": "Royal Thai Police", "th": "สำนักงานตำรวจแห่งชาติ"}, "notes": []})
    );
    assert_eq!(model["phases"], json!([]));

    let stages = model["stages"].as_array().unwrap();
    let ids: Vec<&str> = stages.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tip_off", "screen", "indicators", "shelter", "other_services", "assisted"]);
    let screen = &stages[1];
    assert_eq!(screen["kind"], json!("step"));
    assert_eq!(screen["label"], json!({"en": "Screen with trafficking indicators", "th": "คัดกรองด้วยแบบคัดกรอง"}));
    assert_eq!(screen["owners"], json!(["mdt"]));
    assert_eq!(screen["phase"], json!(null));
    assert_eq!(screen["within"], json!({"text": "24h", "hours": 24}));
    assert!(screen["within"]["hours"].is_u64(), "24h is the integer 24, not 24.0");
    assert_eq!(screen["notes"], json!([]));
    assert_eq!(screen["refs"], json!(["Anti-Trafficking in Persons Act B.E. 2551, section 29"]));
    // The span runs from `step` on line 10 to the `}` that closes its block on line 14.
    let span = &screen["span"];
    assert_eq!((span["line"].as_u64(), span["column"].as_u64()), (Some(10), Some(1)));
    let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
    assert!(src[start..end].starts_with("step screen \"Screen"));
    assert!(src[start..end].ends_with("-> indicators\n}"));
    assert_eq!((start, end), (702, 921), "docs/model.md quotes this span");
    assert_eq!(stages[3]["within"], json!({"text": "15d", "hours": 360}));
    assert_eq!(stages[0]["within"], json!(null));
    assert_eq!(stages[0]["kind"], json!("start"));
    assert_eq!(stages[2]["kind"], json!("decision"));
    assert_eq!(stages[5]["kind"], json!("end"));
    // The chart writes no numbers: each stage's is its place in reading order.
    let numbers: Vec<&Value> = stages.iter().map(|s| &s["number"]).collect();
    assert_eq!(numbers, [&json!(1), &json!(2), &json!(3), &json!(4), &json!(6), &json!(5)]);
    assert_eq!(model["numbering"], json!({"required": false, "last": null, "retired": [], "numbered": false}));

    let edges = model["edges"].as_array().unwrap();
    let yes = edges.iter().find(|e| e["from"] == "indicators" && e["to"] == "shelter").unwrap();
    assert_eq!(yes, &json!({"from": "indicators", "to": "shelter", "label": {"en": "yes", "th": "ใช่"}}));
    let no = edges.iter().find(|e| e["to"] == "other_services").unwrap();
    assert_eq!(no["label"], json!({"en": "no", "th": "ไม่ใช่"}));
    assert_eq!(edges.iter().find(|e| e["from"] == "tip_off").unwrap()["label"], json!(null));

    assert_eq!(
        model["requirements"],
        json!([
            {"kind": "before", "first": "screen", "target": "shelter", "unless": [], "holds": true, "status": "holds"},
            {"kind": "within", "limit": {"text": "15d", "hours": 360}, "from": "shelter", "to": "assisted",
             "holds": true, "status": "holds"}
        ])
    );
}

#[test]
fn hours_are_whole_when_they_can_be() {
    let model = model_value(
        "start a \"A\"\nstep b \"B\" within 30min\nstep c \"C\" within 1wd\nstep d \"D\" within 2d\nend e \"E\"\n\
         a -> b -> c -> d -> e\n",
    );
    let hours: Vec<&Value> = model["stages"].as_array().unwrap()[1..4].iter().map(|s| &s["within"]["hours"]).collect();
    assert_eq!(hours, [&json!(0.5), &json!(33.6), &json!(48)]);
    assert!(hours[2].is_u64());
    assert!(
        model_json("start a \"A\"\nstep b \"B\" within 2d\nend e \"E\"\na -> b -> e\n").contains("\"hours\": 48\n")
    );
}

#[test]
fn requirements_carry_their_verdict() {
    let verdicts = |path: &str| -> Vec<(String, Option<String>)> {
        let model = model_value(&read(path));
        model["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                assert_eq!(r["holds"], json!(r["status"] == "holds"));
                assert_eq!(r.get("message").is_some(), r["status"] != "holds", "{r}");
                (r["status"].as_str().unwrap().to_string(), r.get("message").map(|m| m.as_str().unwrap().to_string()))
            })
            .collect()
    };
    let statuses = |path: &str| verdicts(path).into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    assert_eq!(statuses("tests/fixtures/invalid/RF201-requirement-violated.flow"), ["violated", "holds"]);
    assert_eq!(statuses("tests/fixtures/invalid/RF202-deadline-exceeded.flow"), ["violated", "violated", "holds"]);
    assert_eq!(statuses("tests/fixtures/invalid/RF203-deadline-unprovable.flow"), ["unprovable", "holds"]);
    assert_eq!(statuses("tests/fixtures/invalid/RF204-requirement-vacuous.flow"), ["vacuous", "vacuous"]);

    // The message is the diagnostic's.
    let src = read("tests/fixtures/invalid/RF203-deadline-unprovable.flow");
    let checked = referflow_check::check(&referflow_syntax::parse(&src));
    let diagnostic = checked.diagnostics.iter().find(|d| d.rule.code() == "RF203").unwrap();
    let (_, message) = &verdicts("tests/fixtures/invalid/RF203-deadline-unprovable.flow")[0];
    assert_eq!(message.as_deref(), Some(diagnostic.message.as_str()));
}

#[test]
fn texts_hold_the_languages_that_have_them_in_declared_order() {
    // `th` is declared first, so the map starts with it whatever the alphabet says; `fr` lacks
    // a translation and is left out; `sw` has no word for yes, so only the languages the tool
    // knows (and the first) carry one.
    let src = "languages th fr sw en\n\
               start a \"เริ่ม\" { en \"Start\"; note \"หมายเหตุ\" sw \"maelezo\"; -> b }\n\
               decision b \"ตัดสิน\" {\n  fr \"Décider\"\n  yes -> c\n  \"อื่น\" en \"other\" -> c\n}\n\
               end c \"จบ\"\n";
    let json = model_json(src);
    let model: Value = serde_json::from_str(&json).unwrap();
    let order = key_order(&json);
    let stages = model["stages"].as_array().unwrap();
    assert_eq!(stages[0]["label"], json!({"th": "เริ่ม", "en": "Start"}));
    assert_eq!(order.stages[0].label.0, ["th", "en"]);
    assert_eq!(stages[0]["notes"], json!([{"th": "หมายเหตุ", "sw": "maelezo"}]));
    assert_eq!(order.stages[1].label.0, ["th", "fr"]);
    let edges = model["edges"].as_array().unwrap();
    assert_eq!(edges[0]["label"], json!(null));
    assert_eq!(edges[1]["label"], json!({"th": "ใช่", "fr": "oui", "en": "yes"}));
    assert_eq!(order.edges[1].label.as_ref().unwrap().0, ["th", "fr", "en"]);
    assert_eq!(edges[2]["label"], json!({"th": "อื่น", "en": "other"}));
    assert_eq!(order.edges[2].label.as_ref().unwrap().0, ["th", "en"]);
    assert_eq!(model["title"], json!(null));
    assert_eq!(model["chart_version"], json!(null));
}

#[test]
fn spans_count_lines_and_characters() {
    // A phase's stage, indented after Thai text on the same line and with a byte order mark
    // and CRLF line endings before it.
    let src = "\u{FEFF}languages en th\r\nphase p \"P\" { th \"ระยะ\"; start a \"A\" }\r\nend b \"B\"\r\na -> b\r\n";
    let model = model_value(src);
    let a = &model["stages"][0];
    assert_eq!(a["phase"], json!("p"));
    let start = a["span"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&src[start..a["span"]["end"].as_u64().unwrap() as usize], "start a \"A\"");
    assert_eq!((a["span"]["line"].as_u64(), a["span"]["column"].as_u64()), (Some(2), Some(26)));
    assert_eq!(
        (model["stages"][1]["span"]["line"].as_u64(), model["stages"][1]["span"]["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(model["phases"], json!([{"id": "p", "name": {"en": "P", "th": "ระยะ"}, "stages": ["a"]}]));
}

#[test]
fn output_is_deterministic_and_pretty() {
    for path in flows("examples").into_iter().chain(flows("tests/fixtures/hostile")) {
        let src = fs::read_to_string(&path).unwrap();
        let first = model_json(&src);
        assert_eq!(first, model_json(&src), "{}", fixture_name(&path));
        assert!(first.ends_with("}\n") && !first.ends_with("\n\n"));
        assert!(first.starts_with("{\n  \"version\": 1,\n"));
        // Pretty-printing it again changes nothing: two-space indent, serde_json's layout.
        let again = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&first).unwrap()).unwrap();
        assert_eq!(again.len() + 1, first.len());
    }
    assert_eq!(model_schema(), model_schema());
}

#[test]
fn hostile_labels_stay_text() {
    let src = read("tests/fixtures/hostile/labels.flow");
    let model = model_value(&src);
    assert_eq!(
        model["title"]["en"],
        json!("Hostile <script>alert(1)</script> & \"quotes\" | pipes ]]> \\ back\\slash")
    );
    assert_eq!(model["stages"][1]["label"]["th"], json!("บรรทัดหนึ่ง\nบรรทัดสอง"));
    assert_eq!(model["edges"][1]["label"]["en"], json!("yes\"]; B-->C; C[\"x"));
    assert_eq!(model["stages"][3]["id"], json!("ปลายทาง"));
}

proptest! {
    #[test]
    fn hours_are_minutes_over_sixty(minutes in 1u64..10_000_000) {
        let src = format!("start a \"A\"\nstep b \"B\" within {minutes}min\nend c \"C\"\na -> b -> c\n");
        let model = model_value(&src);
        let hours = &model["stages"][1]["within"]["hours"];
        prop_assert_eq!(hours.is_u64(), minutes.is_multiple_of(60));
        prop_assert!((hours.as_f64().unwrap() * 60.0 - minutes as f64).abs() < 1e-6);
    }
}
