//! What changed since an earlier revision, shown on the chart itself (`render --since OLD`):
//! the stages a revision added or changed, each marked where it is drawn or described, and a
//! legend that says what the marks mean. A hearing shows its changes on the diagram.
//!
//! The mark must survive a greyscale printer and a projector: a thick dashed outline and a
//! word (`NEW`, `CHANGED`) in the stage's own box, never a colour alone. In the narrative, the
//! step's heading ends with *(new)* or *(changed)*.
//!
//! The backends ask this module, and only this one, whether and how a stage is marked; a chart
//! without `since` draws exactly as it did.

use referflow_check::diff::{EdgeChange, ModelDiff, StageChange};
use referflow_check::{Model, StageId};

use std::sync::OnceLock;

use crate::chart::Chart;
use crate::i18n::{self, Catalogue};

// The marks in the laid-out diagram, which needs the fonts.
#[cfg(feature = "draw")]
mod drawn;
#[cfg(feature = "draw")]
pub(crate) use drawn::{box_text, class, legend, outline};

/// The stages of the new chart that a revision added or changed, by stage index; and the old
/// revision's version, which the legend names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<bool>,
    pub changed: Vec<bool>,
    /// The old chart's `version` text, if it has one ("draft 1").
    pub old_version: Option<String>,
}

/// How one stage compares with the old revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    New,
    Changed,
}

impl Changes {
    /// The marks of `diff` (old → `new`) on the stages of `new`. A stage is *new* when the old
    /// chart has no stage of its id (nor one it was renamed from); *changed* when anything a
    /// reader sees of it changed: its label in any language, kind, owners, time limit, phase,
    /// legal references, notes, its step number, or the edges that leave it (where it leads and
    /// on which branch). A pure rename changes nothing a reader sees and is not marked.
    pub fn between(diff: &ModelDiff, new: &Model<'_>, old_version: Option<&str>) -> Changes {
        let n = new.stages.len();
        let mut changes =
            Changes { added: vec![false; n], changed: vec![false; n], old_version: old_version.map(String::from) };
        let index: std::collections::HashMap<&str, usize> =
            new.stages.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        for change in &diff.stages {
            match change {
                StageChange::Added { id, .. } => {
                    if let Some(&i) = index.get(id.as_str()) {
                        changes.added[i] = true;
                    }
                }
                StageChange::Changed { id, fields, .. } if !fields.is_empty() => {
                    if let Some(&i) = index.get(id.as_str()) {
                        changes.changed[i] = true;
                    }
                }
                StageChange::Renamed { new, number, .. } if number.old != number.new => {
                    if let Some(&i) = index.get(new.as_str()) {
                        changes.changed[i] = true;
                    }
                }
                _ => {}
            }
        }
        for change in &diff.edges {
            let from = match change {
                EdgeChange::Added { from, .. }
                | EdgeChange::Removed { from, .. }
                | EdgeChange::Relabelled { from, .. } => from,
            };
            if let Some(&i) = index.get(from.as_str())
                && !changes.added[i]
            {
                changes.changed[i] = true;
            }
        }
        changes
    }

    /// The mark of stage `index`, if any.
    pub fn mark(&self, index: usize) -> Option<Mark> {
        if self.added.get(index).copied().unwrap_or(false) {
            Some(Mark::New)
        } else if self.changed.get(index).copied().unwrap_or(false) {
            Some(Mark::Changed)
        } else {
            None
        }
    }

    /// Whether any stage carries `mark`: the legend explains only the marks the chart shows.
    pub fn shows(&self, mark: Mark) -> bool {
        match mark {
            Mark::New => self.added.contains(&true),
            Mark::Changed => self.changed.iter().zip(&self.added).any(|(c, a)| *c && !*a),
        }
    }
}

/// The mark of a stage of `chart`, if it is drawn with changes since a revision.
pub fn mark(chart: &Chart<'_, '_>, stage: StageId) -> Option<Mark> {
    chart.since.and_then(|changes| changes.mark(stage.index()))
}

/// The words of the marks, from the language's catalogue ([`crate::i18n`]).
#[derive(Debug)]
pub(crate) struct Words {
    /// The word in the box.
    pub tag: [String; 2],
    /// The word after the step's heading in the narrative.
    pub heading: [String; 2],
    /// The old revision when it has no version.
    pub previous: String,
    catalogue: &'static Catalogue,
}

pub(crate) fn words(lang: &str) -> &'static Words {
    static WORDS: [OnceLock<Words>; i18n::COUNT] = [const { OnceLock::new() }; i18n::COUNT];
    i18n::cached(&WORDS, Catalogue::for_lang(lang).0, |c| Words {
        tag: [c.text("since-tag-new"), c.text("since-tag-changed")],
        heading: [c.text("since-heading-new"), c.text("since-heading-changed")],
        previous: c.text("since-previous"),
        catalogue: c,
    })
}

fn slot(mark: Mark) -> usize {
    match mark {
        Mark::New => 0,
        Mark::Changed => 1,
    }
}

/// The word in a marked stage's box: `NEW`, `CHANGED`.
pub(crate) fn tag(lang: &str, mark: Mark) -> &'static str {
    &words(lang).tag[slot(mark)]
}

/// What the legend says of a mark, as plain text: `added since draft 1`, `changed since the
/// previous revision`. The version is the author's text: each backend escapes it.
pub(crate) fn legend_text(changes: &Changes, lang: &str, mark: Mark) -> String {
    let w = words(lang);
    let since = changes.old_version.as_deref().map_or(w.previous.as_str(), str::trim);
    let id = match mark {
        Mark::New => "since-legend-new",
        Mark::Changed => "since-legend-changed",
    };
    w.catalogue.with(id, &[("revision", since)])
}

/// What ends a step's heading in the narrative: ` *(new)*`, or nothing.
pub(crate) fn heading_mark(chart: &Chart<'_, '_>, lang: &str, stage: StageId) -> String {
    match mark(chart, stage) {
        Some(m) => format!(" *({})*", words(lang).heading[slot(m)]),
        None => String::new(),
    }
}

/// The narrative's note on the marks, under its introduction: a paragraph with a line break
/// after it, or nothing when nothing is marked. `escape` makes the old version Markdown text.
pub(crate) fn narrative_note(chart: &Chart<'_, '_>, lang: &str, escape: impl Fn(&str) -> String) -> String {
    let Some(changes) = chart.since.filter(|c| c.shows(Mark::New) || c.shows(Mark::Changed)) else {
        return String::new();
    };
    let w = words(lang);
    let since = changes.old_version.as_deref().map_or_else(|| w.previous.to_owned(), |v| escape(v.trim()));
    let mark = |m: Mark| format!("*({})*", w.heading[slot(m)]);
    let note = w
        .catalogue
        .with("since-note", &[("new", &mark(Mark::New)), ("changed", &mark(Mark::Changed)), ("revision", &since)]);
    format!("{note}\n\n")
}
