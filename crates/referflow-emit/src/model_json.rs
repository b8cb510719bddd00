//! `render --to json`: the checked model in the stable, versioned shape of docs/model.md, and the
//! JSON Schema of that shape (docs/model.schema.json).
//!
//! The wire types below are the only serializable view of a chart: they borrow from the model,
//! name everything by id instead of by index, and keep source order everywhere. The schema is
//! generated from the same types, so the two cannot drift apart.

use std::borrow::Cow;

use referflow_check::{Label, Rule, StageId, words};
use referflow_syntax::LineIndex;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::chart::{Chart, RequirementStatus};

/// The version of the shape. Bumped only by a change that can break a reader: a field removed,
/// renamed or given another meaning. New fields may appear within a version.
const FORMAT_VERSION: u32 = 1;

/// A Referflow chart, checked: its texts in every declared language, its actors, phases,
/// stages, edges and requirements, each in source order, with the verdict on every
/// requirement.
#[derive(Serialize, JsonSchema)]
struct Model<'a> {
    /// The version of this format: 1. It changes only when a reader could break.
    #[schemars(schema_with = "format_version_schema")]
    version: u32,
    /// The chart's `title`, or null when it has none.
    title: Option<Texts<'a>>,
    /// The chart's own `version "…"` statement (such as "draft for public hearing"), or null.
    chart_version: Option<&'a str>,
    /// The declared languages, in order; the first is the language of every plain label.
    #[schemars(length(min = 1))]
    languages: Vec<&'a str>,
    actors: Vec<Actor<'a>>,
    phases: Vec<Phase<'a>>,
    stages: Lazy<'a, Stage<'a>>,
    edges: Lazy<'a, Edge<'a>>,
    requirements: Vec<Requirement<'a>>,
    /// How the chart numbers its stages: the `numbering` and `retired` statements.
    numbering: Numbering<'a>,
    /// The person's leaflet (`leaflet`, `leaflet hotline`, `leaflet right`), or null when the
    /// chart declares none. The stages' texts on it are their `public`.
    leaflet: Option<Leaflet<'a>>,
}

/// What the leaflet for the person being referred says besides the stages' `public` texts.
#[derive(Serialize, JsonSchema)]
struct Leaflet<'a> {
    heading: Texts<'a>,
    /// The numbers to call, in source order.
    hotlines: Vec<Texts<'a>>,
    /// The person's rights, in source order.
    rights: Vec<Texts<'a>>,
}

/// The `numbering` and `retired` statements, and whether the chart writes numbers at all.
#[derive(Serialize, JsonSchema)]
struct Numbering<'a> {
    /// `numbering required`: every stage must carry a number (RF111 warns about one without).
    required: bool,
    /// `numbering last N`: the highest number ever given, or null.
    #[schemars(range(min = 1))]
    last: Option<u32>,
    /// `retired`: numbers of stages that are gone, never to be given again (RF012), in source
    /// order.
    retired: Vec<Retired<'a>>,
    /// True when some stage has a number written in the chart (`step 14 screen …`): then each
    /// stage's `number` is the chart's and stays the same from one revision to the next. False
    /// when the chart writes none: then each `number` is the stage's place in reading order,
    /// which an inserted stage moves.
    numbered: bool,
}

/// A retired number, with the text of the stage that had it when the chart records it.
#[derive(Serialize, JsonSchema)]
struct Retired<'a> {
    #[schemars(range(min = 1))]
    number: u32,
    /// The text written after the number (`retired 14 "Old screening"`), or null.
    text: Option<&'a str>,
}

/// A sequence made as it is written out: a large chart's stages and edges never all exist in
/// this shape at once (at a million stages that was half a gigabyte). Its schema is a `Vec`'s.
struct Lazy<'a, T>(Box<dyn Fn() -> Box<dyn Iterator<Item = T> + 'a> + 'a>);

impl<'a, T> Lazy<'a, T> {
    fn new<I: Iterator<Item = T> + 'a>(make: impl Fn() -> I + 'a) -> Self {
        Lazy(Box::new(move || Box::new(make())))
    }
}

impl<T: Serialize> Serialize for Lazy<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

impl<T: JsonSchema> JsonSchema for Lazy<'_, T> {
    fn inline_schema() -> bool {
        Vec::<T>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        Vec::<T>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        Vec::<T>::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Vec::<T>::json_schema(generator)
    }
}

/// An agency or role that owns stages.
#[derive(Serialize, JsonSchema)]
struct Actor<'a> {
    id: &'a str,
    name: Texts<'a>,
    notes: Vec<Texts<'a>>,
}

/// A named group of stages.
#[derive(Serialize, JsonSchema)]
struct Phase<'a> {
    id: &'a str,
    name: Texts<'a>,
    /// The ids of its stages, in source order.
    stages: Vec<&'a str>,
}

/// One box of the chart.
#[derive(Serialize, JsonSchema)]
struct Stage<'a> {
    id: &'a str,
    kind: StageKind,
    label: Texts<'a>,
    /// The ids of the actors that own the stage; the first is the lead.
    owners: Vec<&'a str>,
    /// The id of the phase the stage is in, or null.
    phase: Option<&'a str>,
    /// The most time the stage may take, or null when it has no `within`.
    within: Option<Limit<'a>>,
    notes: Vec<Texts<'a>>,
    /// Legal or procedural bases, as written.
    refs: Vec<&'a str>,
    /// What the person's leaflet says about the stage (`public "…"`), or null.
    public: Option<Texts<'a>>,
    /// Where the stage is defined: from its kind keyword to the end of its block.
    span: Span<'a>,
    /// The number the stage is cited by, as every output shows it: the number written in the
    /// chart (`step 14 screen …`), or, in a chart that writes none, the stage's place in
    /// reading order from 1. Null only for a stage without a number in a chart that numbers
    /// its stages.
    #[schemars(range(min = 1))]
    number: Option<u32>,
}

/// What a stage is: an entry point, a step, a decision or an outcome.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum StageKind {
    Start,
    Step,
    Decision,
    End,
}

/// A `->` between two stages.
#[derive(Serialize, JsonSchema)]
struct Edge<'a> {
    /// The id of the stage the edge leaves.
    from: &'a str,
    /// The id of the stage the edge enters.
    to: &'a str,
    /// The branch label (`yes` and `no` translated by the tool), or null when unlabelled.
    label: Option<Texts<'a>>,
}

/// A `require` statement and whether the chart meets it.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Requirement<'a> {
    /// `require first before target [unless …]`: every path from a start to `target` passes
    /// `first` or one of the `unless` stages.
    Before {
        first: &'a str,
        target: &'a str,
        unless: Vec<&'a str>,
        /// True exactly when `status` is "holds".
        holds: bool,
        status: Status,
        /// Why the requirement does not hold; absent when it holds.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        message: Option<String>,
    },
    /// `require within limit from from to to`: the worst-case time from `from` to `to` is at
    /// most `limit`.
    Within {
        limit: Limit<'a>,
        from: &'a str,
        to: &'a str,
        /// True exactly when `status` is "holds".
        holds: bool,
        status: Status,
        /// Why the requirement does not hold; absent when it holds.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "String")]
        message: Option<String>,
    },
}

/// The verdict on a requirement: it holds, it is violated (RF201, RF202), it cannot be proved
/// (RF203) or it is vacuous because its target cannot be reached (RF204).
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Status {
    Holds,
    Violated,
    Unprovable,
    Vacuous,
}

/// A duration as written, and its length.
#[derive(Serialize, JsonSchema)]
struct Limit<'a> {
    /// As written in the chart: "24h", "5wd".
    text: &'a str,
    hours: Hours,
}

/// A position in the chart's source.
#[derive(Serialize, JsonSchema)]
struct Span<'a> {
    /// The file, when it is not the chart's own: one the chart includes (docs/language.md),
    /// as its path is written from the chart's folder. Offsets, line and column are then
    /// counted in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    /// Byte offset of the start.
    start: u32,
    /// Byte offset just past the end.
    end: u32,
    /// 1-based line of the start.
    #[schemars(range(min = 1))]
    line: usize,
    /// 1-based column of the start, counted in Unicode scalar values.
    #[schemars(range(min = 1))]
    column: usize,
}

/// A text in the languages that have it: language code → text, in the declared language
/// order. A missing translation is left out.
struct Texts<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl Serialize for Texts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (lang, text) in &self.0 {
            map.serialize_entry(lang, text)?;
        }
        map.end()
    }
}

impl JsonSchema for Texts<'_> {
    fn schema_name() -> Cow<'static, str> {
        "Texts".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text in the languages that have it: language code → text, in the declared language order. A missing translation is left out.",
            "type": "object",
            "additionalProperties": { "type": "string" }
        })
    }
}

/// A length of time in hours: an integer when it is whole hours (24), otherwise a fraction
/// (30min is 0.5, a working day 33.6).
struct Hours(u64);

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let minutes = self.0;
        if minutes.is_multiple_of(60) {
            serializer.serialize_u64(minutes / 60)
        } else {
            serializer.serialize_f64(minutes as f64 / 60.0)
        }
    }
}

impl JsonSchema for Hours {
    fn schema_name() -> Cow<'static, str> {
        "Hours".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A length of time in hours: an integer when it is whole hours (24), otherwise a fraction (30min is 0.5; a working day, 1.4 days, is 33.6).",
            "type": "number",
            "exclusiveMinimum": 0
        })
    }
}

fn format_version_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "const": FORMAT_VERSION })
}

/// One file of a chart, for the positions of spans: the chart's own first, then the files it
/// includes, each at its `base` in the chart's offset space.
#[derive(Debug, Clone, Copy)]
pub struct SourceText<'a> {
    /// As written from the chart's folder (ignored for the chart's own file).
    pub name: &'a str,
    pub base: u32,
    pub text: &'a str,
}

/// The chart as one JSON object, pretty-printed, with a trailing newline. `source` is the text
/// the chart was checked from, for the lines and columns of spans.
pub fn render_model_json(chart: &Chart<'_, '_>, source: &str) -> String {
    render_model_json_in(chart, &[SourceText { name: "", base: 0, text: source }])
}

/// [`render_model_json`] of a chart of several files.
pub fn render_model_json_in(chart: &Chart<'_, '_>, files: &[SourceText<'_>]) -> String {
    let mut bytes = Vec::with_capacity(crate::chart::output_capacity(chart, 1024));
    write_model_json_in(chart, files, &mut bytes)
        .unwrap_or_else(|e| unreachable!("writing to memory cannot fail: {e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| unreachable!("serde_json writes UTF-8: {e}"))
}

/// [`render_model_json`] straight into `sink`.
pub fn write_model_json(chart: &Chart<'_, '_>, source: &str, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_model_json_in(chart, &[SourceText { name: "", base: 0, text: source }], sink)
}

/// [`render_model_json_in`] straight into `sink`.
pub fn write_model_json_in(
    chart: &Chart<'_, '_>,
    files: &[SourceText<'_>],
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut sink = std::io::BufWriter::with_capacity(1 << 20, sink);
    let indexes: Vec<LineIndex> = files.iter().map(|f| LineIndex::new(f.text)).collect();
    // The file a span is in, its name (none for the chart's own), and the span counted there.
    let locate = |span: referflow_syntax::Span| {
        let i = files.partition_point(|f| f.base <= span.start).saturating_sub(1);
        let file = &files[i];
        let (start, end) = (span.start - file.base.min(span.start), span.end - file.base.min(span.end));
        let at = indexes[i].line_col(file.text, start as usize);
        Span { file: (i > 0).then_some(file.name), start, end, line: at.line, column: at.column }
    };
    let numbers = crate::numbers::step_numbers(chart);
    serde_json::to_writer_pretty(&mut sink, &mirror(chart, &locate, &numbers))?;
    sink.write_all(b"\n")?;
    sink.flush()
}

/// The model in the shape of the format.
fn mirror<'a>(
    chart: &Chart<'a, '_>,
    locate: &'a dyn Fn(referflow_syntax::Span) -> Span<'a>,
    numbers: &'a [Option<u32>],
) -> Model<'a> {
    let model: &'a referflow_check::Model<'_> = chart.model;
    let stage_id = move |id: &StageId| model.stage(*id).id;
    let text_map = move |t| texts(&model.languages, t);

    Model {
        version: FORMAT_VERSION,
        title: model.title.as_ref().map(text_map),
        chart_version: model.version.as_ref().map(|v| v.get(0)),
        languages: model.languages.clone(),
        actors: model
            .actors
            .iter()
            .map(|a| Actor { id: a.id, name: text_map(&a.name), notes: a.notes.iter().map(text_map).collect() })
            .collect(),
        phases: model
            .phases
            .iter()
            .map(|p| Phase { id: p.id, name: text_map(&p.name), stages: p.stages.iter().map(stage_id).collect() })
            .collect(),
        stages: Lazy::new(move || {
            model.stages.iter().zip(numbers).map(move |(s, number)| Stage {
                id: s.id,
                kind: match s.kind {
                    referflow_syntax::StageKind::Start => StageKind::Start,
                    referflow_syntax::StageKind::Step => StageKind::Step,
                    referflow_syntax::StageKind::Decision => StageKind::Decision,
                    referflow_syntax::StageKind::End => StageKind::End,
                },
                label: text_map(&s.label),
                owners: s.owners.iter().map(|a| model.actor(*a).id).collect(),
                phase: s.phase.map(|p| model.phase(p).id),
                within: s.within.as_ref().map(limit),
                notes: s.notes.iter().map(text_map).collect(),
                refs: s.refs.iter().map(|r| r.get(0)).collect(),
                public: s.public.as_deref().map(text_map),
                span: locate(s.span),
                number: *number,
            })
        }),
        edges: Lazy::new(move || {
            model.edges.iter().map(move |e| Edge {
                from: stage_id(&e.from),
                to: stage_id(&e.to),
                label: e.label.as_ref().map(|label| branch_label(&model.languages, label)),
            })
        }),
        requirements: model
            .requirements
            .iter()
            .enumerate()
            .map(|(i, requirement)| {
                let verdict = chart.requirement_status(i);
                let (status, message) = match verdict {
                    RequirementStatus::Holds => (Status::Holds, None),
                    RequirementStatus::Fails { rule, message } => (status_of(rule), Some(message)),
                };
                let holds = matches!(status, Status::Holds);
                match requirement {
                    referflow_check::Requirement::Before { first, target, unless, .. } => Requirement::Before {
                        first: stage_id(first),
                        target: stage_id(target),
                        unless: unless.iter().map(stage_id).collect(),
                        holds,
                        status,
                        message,
                    },
                    referflow_check::Requirement::Within { limit: l, from, to, .. } => Requirement::Within {
                        limit: limit(l),
                        from: stage_id(from),
                        to: stage_id(to),
                        holds,
                        status,
                        message,
                    },
                }
            })
            .collect(),
        numbering: Numbering {
            required: model.numbering.required.is_some(),
            last: model.numbering.last.map(|n| n.value),
            retired: model
                .numbering
                .retired
                .iter()
                .map(|r| Retired { number: r.number.value, text: r.text.as_deref() })
                .collect(),
            numbered: model.is_numbered(),
        },
        leaflet: model.leaflet.heading.as_ref().map(|heading| Leaflet {
            heading: text_map(heading),
            hotlines: model.leaflet.hotlines.iter().map(text_map).collect(),
            rights: model.leaflet.rights.iter().map(text_map).collect(),
        }),
    }
}

/// A text in each declared language that has it, in declared order.
fn texts<'a>(languages: &[&'a str], texts: &'a referflow_check::Texts<'a>) -> Texts<'a> {
    Texts(
        languages
            .iter()
            .zip(&texts.values)
            .filter_map(|(lang, value)| Some((*lang, Cow::Borrowed(value.as_deref()?))))
            .collect(),
    )
}

/// A branch label in every language that has it. `yes` and `no` have the tool's word in each
/// language it knows (RF110 reports the others as missing); the first language always has a
/// text, the English word if need be, as every other backend shows it.
fn branch_label<'a>(languages: &[&'a str], label: &'a Label<'a>) -> Texts<'a> {
    match label {
        Label::Text(t) => texts(languages, t),
        Label::Yes | Label::No => Texts(
            languages
                .iter()
                .enumerate()
                .filter(|(i, lang)| *i == 0 || words::knows(lang))
                .map(|(i, lang)| (*lang, label.text(i, lang)))
                .collect(),
        ),
    }
}

fn limit<'a>(limit: &referflow_check::Limit<'a>) -> Limit<'a> {
    Limit { text: limit.text, hours: Hours(limit.minutes.0) }
}

fn status_of(rule: Rule) -> Status {
    match rule {
        Rule::RequirementViolated | Rule::DeadlineExceeded => Status::Violated,
        Rule::DeadlineUnprovable => Status::Unprovable,
        Rule::RequirementVacuous => Status::Vacuous,
        other => unreachable!("rule {} is not a verdict on a requirement", other.code()),
    }
}

/// The JSON Schema (draft 2020-12) of [`render_model_json`]'s output, pretty-printed, with a
/// trailing newline. docs/model.schema.json holds a copy.
pub fn model_schema() -> String {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(RecursiveTransform(standard_formats_only))
        .into_generator()
        .into_root_schema_for::<Model<'_>>();
    schema.insert("title".into(), "Referflow chart model".into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| unreachable!("a schema serializes: {e}"));
    text.push('\n');
    text
}

/// The formats JSON Schema 2020-12 defines; a strict validator (Ajv in strict mode) refuses a
/// schema with any other.
pub const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// schemars marks Rust's integer types with formats of its own (`uint`, `uint32`, `int64`…),
/// which are not JSON Schema: each is replaced by the bounds it stands for, in standard
/// keywords (`minimum` 0 for unsigned types, which schemars writes already; `maximum` for those
/// of 32 bits or fewer, whose limit a reader can meet). Any other format outside the standard
/// list is dropped.
fn standard_formats_only(schema: &mut Schema) {
    let Some(format) = schema.get("format").and_then(serde_json::Value::as_str).map(str::to_owned) else {
        return;
    };
    if STANDARD_FORMATS.contains(&format.as_str()) {
        return;
    }
    schema.remove("format");
    let bounds: Option<(i64, i64)> = match format.as_str() {
        "uint8" => Some((0, u8::MAX.into())),
        "uint16" => Some((0, u16::MAX.into())),
        "uint32" => Some((0, u32::MAX.into())),
        "int8" => Some((i8::MIN.into(), i8::MAX.into())),
        "int16" => Some((i16::MIN.into(), i16::MAX.into())),
        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
        "uint" | "uint64" | "uint128" => Some((0, i64::MAX)),
        _ => None,
    };
    if let Some((min, max)) = bounds {
        if schema.get("minimum").is_none() {
            schema.insert("minimum".into(), min.into());
        }
        if max != i64::MAX && schema.get("maximum").is_none() {
            schema.insert("maximum".into(), max.into());
        }
    }
}
