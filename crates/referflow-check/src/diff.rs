//! What changed in the flow between two checked charts: not in the text. Layout, comments and
//! statement order never show up; a stage, actor or phase whose id changed but whose content
//! did not is a rename, and every comparison after it sees through the rename.
//!
//! The diff holds owned strings (ids, texts by language code), so that it outlives both charts
//! and renders without them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::{Checked, Levels};
use referflow_syntax::StageKind;

use crate::model::{Label, Model, Requirement, Stage, StageId, Texts};

/// A text in each language that has one: `[("en", "…"), ("th", "…")]`.
pub type Translations = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelDiff {
    pub title: Option<Change<Translations>>,
    pub version: Option<Change<Option<String>>>,
    pub languages: Option<Change<Vec<String>>>,
    pub actors: Vec<EntityChange>,
    pub phases: Vec<EntityChange>,
    pub stages: Vec<StageChange>,
    pub edges: Vec<EdgeChange>,
    pub requirements: Vec<RequirementChange>,
    /// The `numbering` and `retired` statements: numbers retired or no longer retired, the
    /// numbering made required or not, the last number given.
    pub numbering: Vec<NumberingChange>,
    /// Diagnostics the new chart has and the old did not, and the other way round.
    pub introduced: Vec<Finding>,
    pub fixed: Vec<Finding>,
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        self == &ModelDiff::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

/// An actor or a phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityChange {
    Added {
        id: String,
        name: Translations,
    },
    Removed {
        id: String,
        name: Translations,
    },
    /// The id changed; the name did not.
    Renamed {
        old: String,
        new: String,
    },
    /// Same id, another name (in one language or more).
    NameChanged {
        id: String,
        name: Change<Translations>,
    },
}

/// A stage's public number (`step 14`), in the chart that has the stage; `None` when it has
/// none (every stage of a chart that does not number its stages).
pub type StepNumber = Option<u32>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageChange {
    Added {
        id: String,
        kind: StageKind,
        label: Translations,
        number: StepNumber,
    },
    Removed {
        id: String,
        kind: StageKind,
        label: Translations,
        number: StepNumber,
    },
    /// The id changed; the content did not. The number may have changed with it.
    Renamed {
        old: String,
        new: String,
        number: Change<StepNumber>,
    },
    /// `number` is the stage's number in the new chart; a number that changed is also one of
    /// the `fields` ([`FieldChange::Number`]).
    Changed {
        id: String,
        fields: Vec<FieldChange>,
        number: StepNumber,
    },
}

impl StageChange {
    /// The stage's id in the new chart, if it has one there.
    pub fn new_id(&self) -> Option<&str> {
        match self {
            StageChange::Added { id, .. } | StageChange::Changed { id, .. } => Some(id),
            StageChange::Renamed { new, .. } => Some(new),
            StageChange::Removed { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    Label(Change<Translations>),
    Kind(Change<StageKind>),
    Owners(Change<Vec<String>>),
    Within(Change<Option<String>>),
    Phase(Change<Option<String>>),
    Refs(Change<Vec<String>>),
    Notes(Change<Vec<Translations>>),
    /// What the person's leaflet says about the stage (`public "…"`), given, changed or taken
    /// away.
    Public(Change<Option<Translations>>),
    /// Renumbered (14 → 39), or a number given or taken away.
    Number(Change<StepNumber>),
}

/// A change to the `numbering` and `retired` statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberingChange {
    /// A number newly retired, with the removed stage's text when the chart records it.
    Retired { number: u32, text: Option<String> },
    /// A number no longer in the retired list.
    Unretired { number: u32 },
    /// `numbering required` written or taken away.
    Required(Change<bool>),
    /// `numbering last N`: the highest number ever given.
    Last(Change<StepNumber>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeChange {
    Added { from: String, to: String, label: Option<Translations> },
    Removed { from: String, to: String, label: Option<Translations> },
    Relabelled { from: String, to: String, label: Change<Option<Translations>> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequirementChange {
    /// The requirement as written, in the new chart's ids (`require screen before shelter`).
    Added(String),
    Removed(String),
}

/// A diagnostic, as far as a diff is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
}

/// Compares two checked charts, whose diagnostics were found at `levels`.
pub fn compare(old_checked: &Checked<'_>, new_checked: &Checked<'_>, levels: &Levels) -> ModelDiff {
    let (old, new) = (&old_checked.model, &new_checked.model);
    let (old_diagnostics, new_diagnostics) = (&old_checked.diagnostics, &new_checked.diagnostics);
    let mut diff = ModelDiff::default();

    let old_title = old.title.as_ref().map(|t| texts(old, t)).unwrap_or_default();
    let new_title = new.title.as_ref().map(|t| texts(new, t)).unwrap_or_default();
    if old_title != new_title {
        diff.title = Some(Change { old: old_title, new: new_title });
    }
    let (old_version, new_version) =
        (old.version.as_ref().map(|v| v.get(0).to_string()), new.version.as_ref().map(|v| v.get(0).to_string()));
    if old_version != new_version {
        diff.version = Some(Change { old: old_version, new: new_version });
    }
    let (old_langs, new_langs): (Vec<String>, Vec<String>) =
        (old.languages.iter().map(|l| l.to_string()).collect(), new.languages.iter().map(|l| l.to_string()).collect());
    if old_langs != new_langs {
        diff.languages = Some(Change { old: old_langs, new: new_langs });
    }

    // Actors and phases: matched by id, then renames by name.
    let actor_names =
        |m: &Model<'_>| m.actors.iter().map(|a| (a.id.to_string(), texts(m, &a.name))).collect::<Vec<_>>();
    let (actors, actor_map) = entities(actor_names(old), actor_names(new));
    diff.actors = actors;
    let phase_names =
        |m: &Model<'_>| m.phases.iter().map(|p| (p.id.to_string(), texts(m, &p.name))).collect::<Vec<_>>();
    let (phases, phase_map) = entities(phase_names(old), phase_names(new));
    diff.phases = phases;

    // Stages: the content of a stage, with actor and phase renames seen through.
    let content = |m: &Model<'_>, s: &Stage<'_>, map: Option<(&Renames, &Renames)>| -> StageContent {
        let rename =
            |r: Option<&Renames>, id: &str| r.and_then(|r| r.get(id)).cloned().unwrap_or_else(|| id.to_string());
        StageContent {
            kind: s.kind,
            label: texts(m, &s.label),
            owners: s.owners.iter().map(|o| rename(map.map(|m| m.0), m.actor(*o).id)).collect(),
            within: s.within.map(|w| w.text.to_string()),
            phase: s.phase.map(|p| rename(map.map(|m| m.1), m.phase(p).id)),
            refs: s.refs.iter().map(|r| r.get(0).to_string()).collect(),
            notes: s.notes.iter().map(|n| texts(m, n)).collect(),
            public: s.public.as_deref().map(|p| texts(m, p)),
        }
    };
    let old_stages: Vec<(String, StageContent)> =
        old.stages.iter().map(|s| (s.id.to_string(), content(old, s, Some((&actor_map, &phase_map))))).collect();
    let new_stages: Vec<(String, StageContent)> =
        new.stages.iter().map(|s| (s.id.to_string(), content(new, s, None))).collect();
    let new_ids: HashSet<&str> = new_stages.iter().map(|(id, _)| id.as_str()).collect();
    let old_ids: HashSet<&str> = old_stages.iter().map(|(id, _)| id.as_str()).collect();

    // Renames: a stage gone from the old chart whose content reappears under a new id.
    let mut stage_map: Renames = HashMap::new();
    let mut taken: HashSet<&str> = HashSet::new();
    for (old_id, old_content) in old_stages.iter().filter(|(id, _)| !new_ids.contains(id.as_str())) {
        if let Some((new_id, _)) = new_stages
            .iter()
            .find(|(id, c)| !old_ids.contains(id.as_str()) && !taken.contains(id.as_str()) && c == old_content)
        {
            taken.insert(new_id);
            stage_map.insert(old_id.clone(), new_id.clone());
        }
    }
    let renamed_to: HashMap<&str, &str> = stage_map.iter().map(|(o, n)| (n.as_str(), o.as_str())).collect();
    let old_by_id: HashMap<&str, &StageContent> = old_stages.iter().map(|(id, c)| (id.as_str(), c)).collect();
    // Numbers are not content: a stage renumbered is the same stage (its id says so), and a
    // renamed stage may be renumbered too.
    let old_numbers: HashMap<&str, StepNumber> = old.stages.iter().map(|s| (s.id, s.number.map(|n| n.value))).collect();
    let old_number = |id: &str| old_numbers.get(id).copied().flatten();
    for ((id, new_content), stage) in new_stages.iter().zip(&new.stages) {
        let number = stage.number.map(|n| n.value);
        if let Some(old_id) = renamed_to.get(id.as_str()) {
            let number = Change { old: old_number(old_id), new: number };
            diff.stages.push(StageChange::Renamed { old: old_id.to_string(), new: id.clone(), number });
        } else if let Some(old_content) = old_by_id.get(id.as_str()) {
            let mut fields = old_content.changes(new_content);
            if old_number(id) != number {
                fields.push(FieldChange::Number(Change { old: old_number(id), new: number }));
            }
            if !fields.is_empty() {
                diff.stages.push(StageChange::Changed { id: id.clone(), fields, number });
            }
        } else {
            diff.stages.push(StageChange::Added {
                id: id.clone(),
                kind: new_content.kind,
                label: new_content.label.clone(),
                number,
            });
        }
    }
    for (id, c) in &old_stages {
        if !new_ids.contains(id.as_str()) && !stage_map.contains_key(id) {
            diff.stages.push(StageChange::Removed {
                id: id.clone(),
                kind: c.kind,
                label: c.label.clone(),
                number: old_number(id),
            });
        }
    }
    diff.numbering = numbering(old, new);

    // Edges, as multisets of (from, to, label) in the new chart's ids.
    let edge_key = |m: &Model<'_>, map: Option<&Renames>, e: &crate::model::Edge<'_>| {
        let id = |s: StageId| {
            let id = m.stage(s).id;
            map.and_then(|r| r.get(id)).cloned().unwrap_or_else(|| id.to_string())
        };
        (id(e.from), id(e.to), e.label.as_ref().map(|l| label_texts(m, l)))
    };
    let old_edges: Vec<EdgeKey> = old.edges.iter().map(|e| edge_key(old, Some(&stage_map), e)).collect();
    let new_edges: Vec<EdgeKey> = new.edges.iter().map(|e| edge_key(new, None, e)).collect();
    let removed = multiset_minus(&old_edges, &new_edges);
    let added = multiset_minus(&new_edges, &old_edges);
    // The same two stages joined with another label: a relabelled edge.
    let mut removed_between: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, (from, to, _)) in removed.iter().enumerate().rev() {
        removed_between.entry((from.as_str(), to.as_str())).or_default().push(i);
    }
    let mut relabelled = vec![false; removed.len()];
    for (from, to, label) in &added {
        match removed_between.get_mut(&(from.as_str(), to.as_str())).and_then(Vec::pop) {
            Some(i) => {
                relabelled[i] = true;
                let label = Change { old: removed[i].2.clone(), new: label.clone() };
                diff.edges.push(EdgeChange::Relabelled { from: from.clone(), to: to.clone(), label });
            }
            None => diff.edges.push(EdgeChange::Added { from: from.clone(), to: to.clone(), label: label.clone() }),
        }
    }
    for ((from, to, label), relabelled) in removed.iter().zip(relabelled) {
        if !relabelled {
            diff.edges.push(EdgeChange::Removed { from: from.clone(), to: to.clone(), label: label.clone() });
        }
    }

    // Requirements, as written in the new chart's ids.
    let requirement = |m: &Model<'_>, map: Option<&Renames>, r: &Requirement<'_>| {
        let id = |s: &StageId| {
            let id = m.stage(*s).id;
            map.and_then(|r| r.get(id)).cloned().unwrap_or_else(|| id.to_string())
        };
        match r {
            Requirement::Before { first, target, unless, .. } => {
                let mut text = format!("require {} before {}", id(first), id(target));
                if !unless.is_empty() {
                    text.push_str(&format!(" unless {}", unless.iter().map(id).collect::<Vec<_>>().join(", ")));
                }
                text
            }
            Requirement::Within { limit, from, to, .. } => {
                format!("require within {} from {} to {}", limit.text, id(from), id(to))
            }
        }
    };
    let old_reqs: Vec<String> = old.requirements.iter().map(|r| requirement(old, Some(&stage_map), r)).collect();
    let new_reqs: Vec<String> = new.requirements.iter().map(|r| requirement(new, None, r)).collect();
    diff.requirements.extend(multiset_minus(&new_reqs, &old_reqs).into_iter().map(RequirementChange::Added));
    diff.requirements.extend(multiset_minus(&old_reqs, &new_reqs).into_iter().map(RequirementChange::Removed));

    // Diagnostics, the old ones in the new ids. A message names stages in more ways than one
    // (`shelter` in quotes, a path `tip_off → shelter` without), so rather than rewrite its
    // text, the flow rules run again on the old model with the renames made: their findings
    // are then worded exactly as the rules word them for the new chart. The errors of the
    // language (RF001–RF013, which `diff` refuses anyway) have their quoted ids renamed.
    let finding = |d: &Diagnostic, map: Option<&Renames>| {
        let message = map.map_or_else(|| d.message.clone(), |map| renamed_in_quotes(&d.message, map));
        Finding { code: d.rule.code(), name: d.rule.name(), severity: d.severity.as_str(), message }
    };
    let old_findings: Vec<Finding> = if stage_map.is_empty() && actor_map.is_empty() && phase_map.is_empty() {
        old_diagnostics.iter().map(|d| finding(d, None)).collect()
    } else {
        let mut all_renames = stage_map.clone();
        all_renames.extend(actor_map.clone());
        all_renames.extend(phase_map.clone());
        let model = renamed(old, &stage_map, &actor_map, &phase_map);
        let mut again: Vec<Diagnostic> = old_diagnostics.iter().filter(|d| d.rule.is_fixed()).cloned().collect();
        if !old_diagnostics.iter().any(crate::blocks_flow_rules) {
            crate::rules::run(&model, levels, &mut again);
        }
        again.sort_by_key(|d| d.span.start);
        again.iter().map(|d| finding(d, d.rule.is_fixed().then_some(&all_renames))).collect()
    };
    let new_findings: Vec<Finding> = new_diagnostics.iter().map(|d| finding(d, None)).collect();
    diff.introduced = multiset_minus(&new_findings, &old_findings);
    diff.fixed = multiset_minus(&old_findings, &new_findings);
    diff
}

type Renames = HashMap<String, String>;

/// What changed in the `numbering` and `retired` statements: retired numbers by number, in the
/// new chart's order then the old one's.
fn numbering(old: &Model<'_>, new: &Model<'_>) -> Vec<NumberingChange> {
    let (old_n, new_n) = (&old.numbering, &new.numbering);
    let mut changes = Vec::new();
    let (old_required, new_required) = (old_n.required.is_some(), new_n.required.is_some());
    if old_required != new_required {
        changes.push(NumberingChange::Required(Change { old: old_required, new: new_required }));
    }
    let (old_last, new_last) = (old_n.last.map(|n| n.value), new_n.last.map(|n| n.value));
    if old_last != new_last {
        changes.push(NumberingChange::Last(Change { old: old_last, new: new_last }));
    }
    for retired in &new_n.retired {
        if !old_n.is_retired(retired.number.value) {
            let text = retired.text.as_deref().map(String::from);
            changes.push(NumberingChange::Retired { number: retired.number.value, text });
        }
    }
    for retired in &old_n.retired {
        if !new_n.is_retired(retired.number.value) {
            changes.push(NumberingChange::Unretired { number: retired.number.value });
        }
    }
    changes
}

/// The old model with its renamed stages, actors and phases under their new ids.
fn renamed<'a>(model: &Model<'a>, stages: &'a Renames, actors: &'a Renames, phases: &'a Renames) -> Model<'a> {
    let mut model = model.clone();
    for stage in &mut model.stages {
        if let Some(id) = stages.get(stage.id) {
            stage.id = id;
        }
    }
    for actor in &mut model.actors {
        if let Some(id) = actors.get(actor.id) {
            actor.id = id;
        }
    }
    for phase in &mut model.phases {
        if let Some(id) = phases.get(phase.id) {
            phase.id = id;
        }
    }
    model
}

/// `message` with every id in backquotes that `map` renames under its new id, all at once
/// (so that `a` → `b` and `b` → `a` swap).
fn renamed_in_quotes(message: &str, map: &Renames) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { map.get(part).map_or(part, String::as_str) } else { part })
        .collect::<Vec<_>>()
        .join("`")
}
type EdgeKey = (String, String, Option<Translations>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct StageContent {
    kind: StageKind,
    label: Translations,
    owners: Vec<String>,
    within: Option<String>,
    phase: Option<String>,
    refs: Vec<String>,
    notes: Vec<Translations>,
    public: Option<Translations>,
}

impl StageContent {
    fn changes(&self, new: &StageContent) -> Vec<FieldChange> {
        let mut fields = Vec::new();
        if self.label != new.label {
            fields.push(FieldChange::Label(Change { old: self.label.clone(), new: new.label.clone() }));
        }
        if self.kind != new.kind {
            fields.push(FieldChange::Kind(Change { old: self.kind, new: new.kind }));
        }
        if self.owners != new.owners {
            fields.push(FieldChange::Owners(Change { old: self.owners.clone(), new: new.owners.clone() }));
        }
        if self.within != new.within {
            fields.push(FieldChange::Within(Change { old: self.within.clone(), new: new.within.clone() }));
        }
        if self.phase != new.phase {
            fields.push(FieldChange::Phase(Change { old: self.phase.clone(), new: new.phase.clone() }));
        }
        if self.refs != new.refs {
            fields.push(FieldChange::Refs(Change { old: self.refs.clone(), new: new.refs.clone() }));
        }
        if self.notes != new.notes {
            fields.push(FieldChange::Notes(Change { old: self.notes.clone(), new: new.notes.clone() }));
        }
        if self.public != new.public {
            fields.push(FieldChange::Public(Change { old: self.public.clone(), new: new.public.clone() }));
        }
        fields
    }
}

/// Actors or phases, matched by id, with renames found by name; the renames, old id → new id.
fn entities(old: Vec<(String, Translations)>, new: Vec<(String, Translations)>) -> (Vec<EntityChange>, Renames) {
    let old_ids: HashSet<&str> = old.iter().map(|(id, _)| id.as_str()).collect();
    let new_by_id: BTreeMap<&str, &Translations> = new.iter().map(|(id, n)| (id.as_str(), n)).collect();
    let mut renames = Renames::new();
    let mut taken: HashSet<&str> = HashSet::new();
    for (old_id, name) in old.iter().filter(|(id, _)| !new_by_id.contains_key(id.as_str())) {
        if let Some((new_id, _)) =
            new.iter().find(|(id, n)| !old_ids.contains(id.as_str()) && !taken.contains(id.as_str()) && n == name)
        {
            taken.insert(new_id);
            renames.insert(old_id.clone(), new_id.clone());
        }
    }
    let renamed_to: HashMap<&str, &str> = renames.iter().map(|(o, n)| (n.as_str(), o.as_str())).collect();
    let old_by_id: HashMap<&str, &Translations> = old.iter().map(|(id, n)| (id.as_str(), n)).collect();
    let mut changes = Vec::new();
    for (id, name) in &new {
        if let Some(old_id) = renamed_to.get(id.as_str()) {
            changes.push(EntityChange::Renamed { old: old_id.to_string(), new: id.clone() });
        } else if let Some(old_name) = old_by_id.get(id.as_str()) {
            if *old_name != name {
                changes.push(EntityChange::NameChanged {
                    id: id.clone(),
                    name: Change { old: (*old_name).clone(), new: name.clone() },
                });
            }
        } else {
            changes.push(EntityChange::Added { id: id.clone(), name: name.clone() });
        }
    }
    for (id, name) in &old {
        if !new_by_id.contains_key(id.as_str()) && !renames.contains_key(id) {
            changes.push(EntityChange::Removed { id: id.clone(), name: name.clone() });
        }
    }
    (changes, renames)
}

/// The items of `a` not matched by an equal item of `b`, each match used once, in `a`'s order.
fn multiset_minus<T: Clone + Eq + std::hash::Hash>(a: &[T], b: &[T]) -> Vec<T> {
    let mut count: HashMap<&T, usize> = HashMap::new();
    for item in b {
        *count.entry(item).or_default() += 1;
    }
    let mut out = Vec::new();
    for item in a {
        match count.get_mut(item) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(item.clone()),
        }
    }
    out
}

fn texts(model: &Model<'_>, texts: &Texts<'_>) -> Translations {
    model
        .languages
        .iter()
        .zip(&texts.values)
        .filter_map(|(lang, value)| value.as_ref().map(|v| (lang.to_string(), v.to_string())))
        .collect()
}

/// A branch label in every language, `yes`/`no` translated.
pub fn label_texts(model: &Model<'_>, label: &Label<'_>) -> Translations {
    match label {
        Label::Text(t) => texts(model, t),
        Label::Yes | Label::No => model
            .languages
            .iter()
            .enumerate()
            .map(|(i, lang)| (lang.to_string(), label.text(i, lang).into_owned()))
            .collect(),
    }
}
