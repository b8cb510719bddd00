//! `referflow diff` as Markdown (for a pull-request comment) and as JSON (a stable shape,
//! documented in docs/diff.md).

use referflow_check::StageId;
use referflow_check::diff::{
    Change, EdgeChange, EntityChange, FieldChange, Finding, ModelDiff, NumberingChange, RequirementChange, StageChange,
    StepNumber, Translations, label_texts,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::dot::{Endpoint, Mark, Marks};
use crate::markdown::{Breaks, escape, message_text};

/// The one-line summary: `stages: 2 added, 1 changed; edges: 1 relabelled`, or `no change in
/// the flow`.
pub fn summary(diff: &ModelDiff) -> String {
    let mut groups: Vec<String> = Vec::new();
    let count = |parts: &[(usize, &str)], _noun: &str, plural: &str| -> Option<String> {
        let parts: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
        (!parts.is_empty()).then(|| format!("{plural}: {}", parts.join(", ")))
    };
    let stages = &diff.stages;
    let n = |f: fn(&StageChange) -> bool| stages.iter().filter(|s| f(s)).count();
    if let Some(s) = count(
        &[
            (n(|s| matches!(s, StageChange::Added { .. })), "added"),
            (n(|s| matches!(s, StageChange::Removed { .. })), "removed"),
            (n(|s| matches!(s, StageChange::Renamed { .. })), "renamed"),
            (n(|s| matches!(s, StageChange::Changed { .. })), "changed"),
        ],
        "stage",
        "stages",
    ) {
        groups.push(s);
    }
    let e = |f: fn(&EdgeChange) -> bool| diff.edges.iter().filter(|x| f(x)).count();
    if let Some(s) = count(
        &[
            (e(|x| matches!(x, EdgeChange::Added { .. })), "added"),
            (e(|x| matches!(x, EdgeChange::Removed { .. })), "removed"),
            (e(|x| matches!(x, EdgeChange::Relabelled { .. })), "relabelled"),
        ],
        "edge",
        "edges",
    ) {
        groups.push(s);
    }
    let entity = |list: &[EntityChange], noun: &str, plural: &str| {
        let c = |f: fn(&EntityChange) -> bool| list.iter().filter(|x| f(x)).count();
        count(
            &[
                (c(|x| matches!(x, EntityChange::Added { .. })), "added"),
                (c(|x| matches!(x, EntityChange::Removed { .. })), "removed"),
                (c(|x| matches!(x, EntityChange::Renamed { .. })), "renamed"),
                (c(|x| matches!(x, EntityChange::NameChanged { .. })), "with a new name"),
            ],
            noun,
            plural,
        )
    };
    groups.extend(entity(&diff.actors, "actor", "actors"));
    groups.extend(entity(&diff.phases, "phase", "phases"));
    let r = |f: fn(&RequirementChange) -> bool| diff.requirements.iter().filter(|x| f(x)).count();
    groups.extend(count(
        &[
            (r(|x| matches!(x, RequirementChange::Added(_))), "added"),
            (r(|x| matches!(x, RequirementChange::Removed(_))), "removed"),
        ],
        "requirement",
        "requirements",
    ));
    let retired = |f: fn(&NumberingChange) -> bool| diff.numbering.iter().filter(|x| f(x)).count();
    groups.extend(count(
        &[
            (retired(|x| matches!(x, NumberingChange::Retired { .. })), "retired"),
            (retired(|x| matches!(x, NumberingChange::Unretired { .. })), "no longer retired"),
            (retired(|x| matches!(x, NumberingChange::Required(_) | NumberingChange::Last(_))), "changed"),
        ],
        "number",
        "numbering",
    ));
    groups.extend(count(&[(diff.introduced.len(), "introduced"), (diff.fixed.len(), "fixed")], "problem", "problems"));
    let header: Vec<&str> = [
        diff.title.as_ref().map(|_| "title changed"),
        diff.version.as_ref().map(|_| "version changed"),
        diff.languages.as_ref().map(|_| "languages changed"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !header.is_empty() {
        groups.insert(0, header.join(", "));
    }
    if groups.is_empty() { "no change in the flow".into() } else { groups.join("; ") }
}

/// The Markdown report: the summary line, then a section per kind of change.
pub fn render_diff_markdown(diff: &ModelDiff, old_name: &str, new_name: &str) -> String {
    let mut out = format!("**Chart changes** ({} → {}): {}.\n", code(old_name), code(new_name), summary(diff));
    if diff.is_empty() {
        return out;
    }
    if diff.title.is_some() || diff.version.is_some() || diff.languages.is_some() {
        out.push_str("\n## Chart\n\n");
        if let Some(c) = &diff.title {
            out.push_str(&format!("- title: {} → {}\n", texts(&c.old), texts(&c.new)));
        }
        if let Some(c) = &diff.version {
            let v = |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_string(), |v| escape(v, Breaks::Html));
            out.push_str(&format!("- version: {} → {}\n", v(&c.old), v(&c.new)));
        }
        if let Some(c) = &diff.languages {
            out.push_str(&format!("- languages: {} → {}\n", c.old.join(" "), c.new.join(" ")));
        }
    }
    if !diff.stages.is_empty() {
        out.push_str("\n## Stages\n\n");
        for change in &diff.stages {
            match change {
                StageChange::Added { id, kind, label, number } => {
                    out.push_str(&format!("- added {}: {}\n", kind_and_name(*kind, id, *number), texts(label)))
                }
                StageChange::Removed { id, kind, label, number } => {
                    out.push_str(&format!("- removed {}: {}\n", kind_and_name(*kind, id, *number), texts(label)))
                }
                StageChange::Renamed { old, new, number } => match (number.old, number.new) {
                    (Some(n), Some(m)) if n == m => {
                        out.push_str(&format!("- renamed step {n}: {} → {}\n", code(old), code(new)))
                    }
                    _ => out.push_str(&format!(
                        "- renamed {} → {}\n",
                        stage_name(old, number.old),
                        stage_name(new, number.new)
                    )),
                },
                StageChange::Changed { id, fields, number } => {
                    out.push_str(&format!("- changed {}\n", stage_name(id, shown_number(fields, *number))));
                    for field in fields {
                        out.push_str(&format!("  - {}\n", field_line(field)));
                    }
                }
            }
        }
    }
    if !diff.edges.is_empty() {
        out.push_str("\n## Edges\n\n");
        for change in &diff.edges {
            let (what, from, to, label) = match change {
                EdgeChange::Added { from, to, label } => ("added", from, to, optional_label(label)),
                EdgeChange::Removed { from, to, label } => ("removed", from, to, optional_label(label)),
                EdgeChange::Relabelled { from, to, label } => {
                    ("relabelled", from, to, format!(": {} → {}", label_text(&label.old), label_text(&label.new)))
                }
            };
            out.push_str(&format!("- {what} {} → {}{label}\n", code(from), code(to)));
        }
    }
    for (title, list) in [("Actors", &diff.actors), ("Phases", &diff.phases)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n\n"));
        for change in list {
            out.push_str(&match change {
                EntityChange::Added { id, name } => format!("- added {}: {}\n", code(id), texts(name)),
                EntityChange::Removed { id, name } => format!("- removed {}: {}\n", code(id), texts(name)),
                EntityChange::Renamed { old, new } => format!("- renamed {} → {}\n", code(old), code(new)),
                EntityChange::NameChanged { id, name } => {
                    format!("- new name for {}: {} → {}\n", code(id), texts(&name.old), texts(&name.new))
                }
            });
        }
    }
    if !diff.requirements.is_empty() {
        out.push_str("\n## Requirements\n\n");
        for change in &diff.requirements {
            out.push_str(&match change {
                RequirementChange::Added(r) => format!("- added {}\n", code(r)),
                RequirementChange::Removed(r) => format!("- removed {}\n", code(r)),
            });
        }
    }
    if !diff.numbering.is_empty() {
        out.push_str("\n## Numbering\n\n");
        for change in &diff.numbering {
            out.push_str(&match change {
                NumberingChange::Retired { number, text: Some(text) } => {
                    format!("- step {number} retired: “{}”\n", escape(text, Breaks::Html))
                }
                NumberingChange::Retired { number, text: None } => format!("- step {number} retired\n"),
                NumberingChange::Unretired { number } => format!("- step {number} no longer retired\n"),
                NumberingChange::Required(c) if c.new => "- numbering made required\n".to_string(),
                NumberingChange::Required(_) => "- numbering no longer required\n".to_string(),
                NumberingChange::Last(c) => {
                    format!("- last number given: {} → {}\n", optional_number(c.old), optional_number(c.new))
                }
            });
        }
    }
    if !diff.introduced.is_empty() || !diff.fixed.is_empty() {
        out.push_str("\n## Problems\n\n");
        for (what, list) in [("introduced", &diff.introduced), ("fixed", &diff.fixed)] {
            for f in list {
                out.push_str(&format!(
                    "- {what}: {} {} ({}): {}\n",
                    f.code,
                    f.name,
                    f.severity,
                    message_text(&f.message)
                ));
            }
        }
    }
    out
}

/// A stage as a reader cites it: `step 14 (`screen`)` when it has a number, else its id.
fn stage_name(id: &str, number: StepNumber) -> String {
    match number {
        Some(n) => format!("step {n} ({})", code(id)),
        None => code(id),
    }
}

/// An added or removed stage: `step `screen`` as before numbers, or `step 14 (`screen`, step)`.
fn kind_and_name(kind: referflow_syntax::StageKind, id: &str, number: StepNumber) -> String {
    match number {
        Some(n) => format!("step {n} ({}, {})", code(id), kind.keyword()),
        None => format!("{} {}", kind.keyword(), code(id)),
    }
}

/// The number a changed stage is named by: its new one, or the one it lost.
fn shown_number(fields: &[FieldChange], number: StepNumber) -> StepNumber {
    number.or_else(|| {
        fields.iter().find_map(|f| match f {
            FieldChange::Number(c) => c.old,
            _ => None,
        })
    })
}

fn optional_number(number: StepNumber) -> String {
    number.map_or_else(|| "none".to_string(), |n| n.to_string())
}

fn field_line(field: &FieldChange) -> String {
    let list = |v: &[String]| {
        if v.is_empty() { "none".to_string() } else { v.iter().map(|s| code(s)).collect::<Vec<_>>().join(", ") }
    };
    let optional = |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_string(), code);
    match field {
        FieldChange::Label(c) => format!("label: {}", changed_texts(c)),
        FieldChange::Kind(c) => format!("kind: {} → {}", c.old.keyword(), c.new.keyword()),
        FieldChange::Owners(c) => format!("owners: {} → {}", list(&c.old), list(&c.new)),
        FieldChange::Within(c) => format!("time limit: {} → {}", optional(&c.old), optional(&c.new)),
        FieldChange::Phase(c) => format!("phase: {} → {}", optional(&c.old), optional(&c.new)),
        FieldChange::Refs(c) => {
            let refs = |v: &[String]| {
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.iter().map(|r| escape(r, Breaks::Html)).collect::<Vec<_>>().join("; ")
                }
            };
            format!("legal references: {} → {}", refs(&c.old), refs(&c.new))
        }
        FieldChange::Notes(c) => {
            let notes = |v: &[Translations]| {
                if v.is_empty() { "none".to_string() } else { v.iter().map(texts).collect::<Vec<_>>().join("; ") }
            };
            format!("notes: {} → {}", notes(&c.old), notes(&c.new))
        }
        FieldChange::Public(c) => {
            let public = |v: &Option<Translations>| v.as_ref().map_or_else(|| "none".to_string(), texts);
            format!("public text: {} → {}", public(&c.old), public(&c.new))
        }
        FieldChange::Number(c) => format!("number: {} → {}", optional_number(c.old), optional_number(c.new)),
    }
}

/// Only the languages whose text changed, each with its old and new text.
fn changed_texts(change: &Change<Translations>) -> String {
    let mut langs: Vec<&str> = change.old.iter().chain(&change.new).map(|(l, _)| l.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    langs.retain(|l| seen.insert(*l));
    let get = |t: &Translations, lang: &str| t.iter().find(|(l, _)| l == lang).map(|(_, v)| v.clone());
    langs
        .into_iter()
        .filter_map(|lang| {
            let (old, new) = (get(&change.old, lang), get(&change.new, lang));
            (old != new).then(|| {
                let show = |v: Option<String>| {
                    v.map_or_else(|| "none".to_string(), |v| format!("“{}”", escape(&v, Breaks::Html)))
                };
                format!("({lang}) {} → {}", show(old), show(new))
            })
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every language's text: `“Screen” / “คัดกรอง”`.
fn texts(t: &Translations) -> String {
    t.iter().map(|(_, v)| format!("“{}”", escape(v, Breaks::Html))).collect::<Vec<_>>().join(" / ")
}

fn optional_label(label: &Option<Translations>) -> String {
    label.as_ref().map_or_else(String::new, |l| format!(" ({})", texts(l)))
}

fn label_text(label: &Option<Translations>) -> String {
    label.as_ref().map_or_else(|| "no label".to_string(), texts)
}

/// An id or other code-like text as an inline code span that no backtick inside can end.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('\n', " "))
}

// ------------------------------------------------------------------------------------ JSON

/// The JSON report (docs/diff.md), pretty-printed with a trailing newline.
pub fn render_diff_json(diff: &ModelDiff) -> String {
    let report = Report {
        version: 1,
        same: diff.is_empty(),
        summary: summary(diff),
        title: diff.title.as_ref().map(|c| Pair { old: Texts(&c.old), new: Texts(&c.new) }),
        chart_version: diff.version.as_ref().map(|c| Pair { old: c.old.as_deref(), new: c.new.as_deref() }),
        languages: diff.languages.as_ref().map(|c| Pair { old: &c.old[..], new: &c.new[..] }),
        actors: diff.actors.iter().map(entity).collect(),
        phases: diff.phases.iter().map(entity).collect(),
        stages: diff.stages.iter().map(stage).collect(),
        edges: diff.edges.iter().map(edge).collect(),
        requirements: diff.requirements.iter().map(requirement).collect(),
        numbering: diff.numbering.iter().map(numbering).collect(),
        diagnostics: Diagnostics { introduced: findings(&diff.introduced), fixed: findings(&diff.fixed) },
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    same: bool,
    summary: String,
    title: Option<Pair<Texts<'a>>>,
    chart_version: Option<Pair<Option<&'a str>>>,
    languages: Option<Pair<&'a [String]>>,
    actors: Vec<Json<'a>>,
    phases: Vec<Json<'a>>,
    stages: Vec<Json<'a>>,
    edges: Vec<Json<'a>>,
    requirements: Vec<Json<'a>>,
    /// Only when the `numbering` or `retired` statements changed: the shape of a chart without
    /// numbers stays as it was.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    numbering: Vec<Json<'a>>,
    diagnostics: Diagnostics<'a>,
}

#[derive(Serialize)]
struct Pair<T> {
    old: T,
    new: T,
}

#[derive(Serialize)]
struct Diagnostics<'a> {
    introduced: Vec<JsonFinding<'a>>,
    fixed: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
}

fn findings(list: &[Finding]) -> Vec<JsonFinding<'_>> {
    list.iter().map(|f| JsonFinding { code: f.code, name: f.name, severity: f.severity, message: &f.message }).collect()
}

/// A text in each language, as a JSON object in the chart's language order.
struct Texts<'a>(&'a Translations);

impl Serialize for Texts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (lang, text) in self.0 {
            map.serialize_entry(lang, text)?;
        }
        map.end()
    }
}

/// One change: an object whose first key, `change`, says what happened.
struct Json<'a>(Vec<(&'static str, Value<'a>)>);

enum Value<'a> {
    Str(&'a str),
    Texts(&'a Translations),
    OptTexts(&'a Option<Translations>),
    List(&'a [String]),
    OptStr(Option<&'a str>),
    NoteLists(&'a [Translations]),
    Fields(Vec<Json<'a>>),
    Number(StepNumber),
    Numbers(Change<StepNumber>),
    Bool(bool),
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            match value {
                Value::Str(s) => map.serialize_entry(key, s)?,
                Value::Texts(t) => map.serialize_entry(key, &Texts(t))?,
                Value::OptTexts(t) => map.serialize_entry(key, &t.as_ref().map(Texts))?,
                Value::List(l) => map.serialize_entry(key, l)?,
                Value::OptStr(s) => map.serialize_entry(key, s)?,
                Value::NoteLists(n) => map.serialize_entry(key, &n.iter().map(Texts).collect::<Vec<_>>())?,
                Value::Fields(f) => map.serialize_entry(key, f)?,
                Value::Number(n) => map.serialize_entry(key, n)?,
                Value::Numbers(c) => map.serialize_entry(key, &Pair { old: c.old, new: c.new })?,
                Value::Bool(b) => map.serialize_entry(key, b)?,
            }
        }
        map.end()
    }
}

fn entity(change: &EntityChange) -> Json<'_> {
    Json(match change {
        EntityChange::Added { id, name } => {
            vec![("change", Value::Str("added")), ("id", Value::Str(id)), ("name", Value::Texts(name))]
        }
        EntityChange::Removed { id, name } => {
            vec![("change", Value::Str("removed")), ("id", Value::Str(id)), ("name", Value::Texts(name))]
        }
        EntityChange::Renamed { old, new } => {
            vec![("change", Value::Str("renamed")), ("old", Value::Str(old)), ("new", Value::Str(new))]
        }
        EntityChange::NameChanged { id, name } => vec![
            ("change", Value::Str("name_changed")),
            ("id", Value::Str(id)),
            ("old", Value::Texts(&name.old)),
            ("new", Value::Texts(&name.new)),
        ],
    })
}

fn stage(change: &StageChange) -> Json<'_> {
    let (mut entry, number) = match change {
        StageChange::Added { id, kind, label, number } => (
            vec![
                ("change", Value::Str("added")),
                ("id", Value::Str(id)),
                ("kind", Value::Str(kind.keyword())),
                ("label", Value::Texts(label)),
            ],
            Change { old: None, new: *number },
        ),
        StageChange::Removed { id, kind, label, number } => (
            vec![
                ("change", Value::Str("removed")),
                ("id", Value::Str(id)),
                ("kind", Value::Str(kind.keyword())),
                ("label", Value::Texts(label)),
            ],
            Change { old: *number, new: None },
        ),
        StageChange::Renamed { old, new, number } => (
            vec![("change", Value::Str("renamed")), ("old", Value::Str(old)), ("new", Value::Str(new))],
            number.clone(),
        ),
        StageChange::Changed { id, fields, number } => {
            let old = fields
                .iter()
                .find_map(|f| match f {
                    FieldChange::Number(c) => Some(c.old),
                    _ => None,
                })
                .unwrap_or(*number);
            (
                vec![
                    ("change", Value::Str("changed")),
                    ("id", Value::Str(id)),
                    ("fields", Value::Fields(fields.iter().map(field).collect())),
                ],
                Change { old, new: *number },
            )
        }
    };
    // The stage's numbers, old and new, where either chart gives it one: added after the keys
    // of a chart without numbers, which keeps its shape.
    if number.old.is_some() || number.new.is_some() {
        entry.push(("number", Value::Numbers(number)));
    }
    Json(entry)
}

fn field(change: &FieldChange) -> Json<'_> {
    Json(match change {
        FieldChange::Label(c) => {
            vec![("field", Value::Str("label")), ("old", Value::Texts(&c.old)), ("new", Value::Texts(&c.new))]
        }
        FieldChange::Kind(c) => {
            vec![
                ("field", Value::Str("kind")),
                ("old", Value::Str(c.old.keyword())),
                ("new", Value::Str(c.new.keyword())),
            ]
        }
        FieldChange::Owners(c) => {
            vec![("field", Value::Str("owners")), ("old", Value::List(&c.old)), ("new", Value::List(&c.new))]
        }
        FieldChange::Within(c) => {
            vec![
                ("field", Value::Str("within")),
                ("old", Value::OptStr(c.old.as_deref())),
                ("new", Value::OptStr(c.new.as_deref())),
            ]
        }
        FieldChange::Phase(c) => {
            vec![
                ("field", Value::Str("phase")),
                ("old", Value::OptStr(c.old.as_deref())),
                ("new", Value::OptStr(c.new.as_deref())),
            ]
        }
        FieldChange::Refs(c) => {
            vec![("field", Value::Str("refs")), ("old", Value::List(&c.old)), ("new", Value::List(&c.new))]
        }
        FieldChange::Notes(c) => {
            vec![("field", Value::Str("notes")), ("old", Value::NoteLists(&c.old)), ("new", Value::NoteLists(&c.new))]
        }
        FieldChange::Public(c) => {
            vec![("field", Value::Str("public")), ("old", Value::OptTexts(&c.old)), ("new", Value::OptTexts(&c.new))]
        }
        FieldChange::Number(c) => {
            vec![("field", Value::Str("number")), ("old", Value::Number(c.old)), ("new", Value::Number(c.new))]
        }
    })
}

fn numbering(change: &NumberingChange) -> Json<'_> {
    Json(match change {
        NumberingChange::Retired { number, text } => vec![
            ("change", Value::Str("retired")),
            ("number", Value::Number(Some(*number))),
            ("text", Value::OptStr(text.as_deref())),
        ],
        NumberingChange::Unretired { number } => {
            vec![("change", Value::Str("unretired")), ("number", Value::Number(Some(*number)))]
        }
        NumberingChange::Required(c) => {
            vec![("change", Value::Str("required")), ("old", Value::Bool(c.old)), ("new", Value::Bool(c.new))]
        }
        NumberingChange::Last(c) => {
            vec![("change", Value::Str("last")), ("old", Value::Number(c.old)), ("new", Value::Number(c.new))]
        }
    })
}

fn edge(change: &EdgeChange) -> Json<'_> {
    Json(match change {
        EdgeChange::Added { from, to, label } => vec![
            ("change", Value::Str("added")),
            ("from", Value::Str(from)),
            ("to", Value::Str(to)),
            ("label", Value::OptTexts(label)),
        ],
        EdgeChange::Removed { from, to, label } => vec![
            ("change", Value::Str("removed")),
            ("from", Value::Str(from)),
            ("to", Value::Str(to)),
            ("label", Value::OptTexts(label)),
        ],
        EdgeChange::Relabelled { from, to, label } => vec![
            ("change", Value::Str("relabelled")),
            ("from", Value::Str(from)),
            ("to", Value::Str(to)),
            ("old", Value::OptTexts(&label.old)),
            ("new", Value::OptTexts(&label.new)),
        ],
    })
}

fn requirement(change: &RequirementChange) -> Json<'_> {
    Json(match change {
        RequirementChange::Added(r) => vec![("change", Value::Str("added")), ("requirement", Value::Str(r))],
        RequirementChange::Removed(r) => vec![("change", Value::Str("removed")), ("requirement", Value::Str(r))],
    })
}

// ------------------------------------------------------------------------------------ DOT

/// The changes of `diff` laid over the new chart, for `render_dot_with_marks`.
pub fn marks(diff: &ModelDiff, chart: &crate::chart::Chart<'_, '_>, options: &crate::chart::RenderOptions) -> Marks {
    let model = chart.model;
    let lang = chart.lang(options);
    let stage_index = |id: &str| model.stages.iter().position(|s| s.id == id);
    let mut marks =
        Marks { stages: vec![None; model.stages.len()], edges: vec![None; model.edges.len()], ..Marks::default() };
    let in_lang = |t: &Translations| t.iter().find(|(l, _)| l == lang).or_else(|| t.first()).map(|(_, v)| v.clone());
    for change in &diff.stages {
        match change {
            StageChange::Added { id, .. } => {
                if let Some(i) = stage_index(id) {
                    marks.stages[i] = Some(Mark::Added);
                }
            }
            StageChange::Changed { id, .. } | StageChange::Renamed { new: id, .. } => {
                if let Some(i) = stage_index(id) {
                    marks.stages[i] = Some(Mark::Changed);
                }
            }
            StageChange::Removed { id, kind, label, .. } => {
                marks.removed_stages.push((id.clone(), *kind, in_lang(label).unwrap_or_default()));
            }
        }
    }
    // An added or relabelled edge is the first unmarked edge of the new chart with its ends and
    // label.
    let labels: Vec<Option<Translations>> =
        model.edges.iter().map(|e| e.label.as_ref().map(|l| label_texts(model, l))).collect();
    for change in &diff.edges {
        let (from, to, label, mark) = match change {
            EdgeChange::Added { from, to, label } => (from, to, label, Mark::Added),
            EdgeChange::Relabelled { from, to, label } => (from, to, &label.new, Mark::Changed),
            EdgeChange::Removed { from, to, label } => {
                let end = |id: &str| match stage_index(id) {
                    Some(i) => Endpoint::Stage(StageId(i as u32)),
                    None => Endpoint::Removed(marks.removed_stages.iter().position(|(r, _, _)| r == id).unwrap_or(0)),
                };
                let (from, to) = (end(from), end(to));
                marks.removed_edges.push((from, to, label.as_ref().and_then(in_lang)));
                continue;
            }
        };
        let found = model.edges.iter().enumerate().position(|(i, e)| {
            marks.edges[i].is_none()
                && model.stage(e.from).id == from.as_str()
                && model.stage(e.to).id == to.as_str()
                && labels[i] == *label
        });
        if let Some(i) = found {
            marks.edges[i] = Some(mark);
        }
    }
    marks
}
