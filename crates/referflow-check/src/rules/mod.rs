//! The rules, one file each, named after the problem it finds. Each file starts with the rule's
//! documentation as a doc comment in fixed sections (what it finds, why it matters, an example,
//! the fix); `referflow explain` and docs/rules.md are made from those comments, and a test
//! checks every example really triggers its rule.
//!
//! RF001–RF009 are found while parsing and resolving; their files hold only their docs. The
//! graph and requirement rules (RF1xx, RF2xx) run here, on a chart without such errors.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::{Label, Model, Requirement};
use crate::registry::{Level, Rule};

/// Captures a rule's `///` doc comment as the constant `DOC`, for `Rule::doc`.
macro_rules! rule_doc {
    ($(#[doc = $line:literal])*) => {
        pub(crate) const DOC: &str = concat!($($line, "\n"),*);
    };
}

pub(crate) mod bad_include;
pub(crate) mod bad_languages;
mod before;
pub(crate) mod dead_end;
pub(crate) mod deadline_exceeded;
pub(crate) mod deadline_unprovable;
pub(crate) mod duplicate_branch;
pub(crate) mod duplicate_edge;
pub(crate) mod duplicate_id;
pub(crate) mod duplicate_number;
pub(crate) mod end_has_exit;
pub(crate) mod invalid_duration;
pub(crate) mod leaflet_gap;
pub(crate) mod lonely_decision;
pub(crate) mod missing_translation;
pub(crate) mod no_start;
pub(crate) mod no_way_out;
pub(crate) mod repeated_attribute;
pub(crate) mod requirement_vacuous;
pub(crate) mod requirement_violated;
pub(crate) mod retired_number;
pub(crate) mod stale_translation;
pub(crate) mod syntax_error;
pub(crate) mod unknown_language;
pub(crate) mod unknown_reference;
pub(crate) mod unlabelled_branch;
pub(crate) mod unnumbered_stage;
pub(crate) mod unowned_stage;
pub(crate) mod unreachable_stage;
pub(crate) mod unused_actor;
pub(crate) mod worst_case;
pub(crate) mod wrong_kind_reference;

type Check = fn(&Context<'_, '_, '_>, &mut Vec<Diagnostic>);

/// The rules that look at the flow, in code order.
const FLOW_RULES: [(Rule, Check); 17] = [
    (Rule::UnreachableStage, |cx, out| unreachable_stage::check(cx.flow, out)),
    (Rule::DeadEnd, |cx, out| dead_end::check(cx.flow, out)),
    (Rule::NoWayOut, |cx, out| no_way_out::check(cx.flow, out)),
    (Rule::LonelyDecision, |cx, out| lonely_decision::check(cx.flow, out)),
    (Rule::UnlabelledBranch, |cx, out| unlabelled_branch::check(cx.flow, out)),
    (Rule::DuplicateBranch, |cx, out| duplicate_branch::check(cx.flow, out)),
    (Rule::DuplicateEdge, |cx, out| duplicate_edge::check(cx.flow, out)),
    (Rule::UnownedStage, |cx, out| unowned_stage::check(cx.flow, out)),
    (Rule::UnusedActor, |cx, out| unused_actor::check(cx.flow, out)),
    (Rule::MissingTranslation, |cx, out| missing_translation::check(cx.flow, out)),
    (Rule::UnnumberedStage, |cx, out| unnumbered_stage::check(cx.flow, out)),
    (Rule::StaleTranslation, |cx, out| stale_translation::check(cx.flow, out)),
    (Rule::LeafletGap, |cx, out| leaflet_gap::check(cx.flow, out)),
    (Rule::RequirementViolated, requirement_violated::check),
    (Rule::DeadlineExceeded, deadline_exceeded::check),
    (Rule::DeadlineUnprovable, deadline_unprovable::check),
    (Rule::RequirementVacuous, requirement_vacuous::check),
];

/// The rules that judge the requirements: they always run, so that every requirement has a
/// verdict even when the user allows the rule.
const VERDICT_RULES: [Rule; 4] =
    [Rule::RequirementViolated, Rule::DeadlineExceeded, Rule::DeadlineUnprovable, Rule::RequirementVacuous];

/// Runs every rule that is not allowed, at its level; returns the verdict on each requirement.
pub(crate) fn run(model: &Model<'_>, levels: &crate::Levels, out: &mut Vec<Diagnostic>) -> Vec<Verdict> {
    let flow = Flow::new(model);
    let cx = Context { flow: &flow, within: OnceLock::new(), before: OnceLock::new() };
    std::thread::scope(|scope| {
        // On a large chart the requirements (a walk of the graph each) are judged on another
        // core while the other rules run; their rules then find the results ready.
        // Where there is one core, or no threads at all (WebAssembly in a browser), on this one.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if !model.requirements.is_empty() && model.stages.len() >= PARALLEL_FROM && cores > 1 {
            scope.spawn(|| {
                cx.before().count();
                cx.within().count();
            });
        }
        run_in_order(&cx, levels, out)
    })
}

/// Below this many stages the rules run on one thread.
const PARALLEL_FROM: usize = 10_000;

fn run_in_order(cx: &Context<'_, '_, '_>, levels: &crate::Levels, out: &mut Vec<Diagnostic>) -> Vec<Verdict> {
    let model = cx.flow.model;
    let mut verdicts = vec![Verdict::Holds; model.requirements.len()];
    let mut by_start = None;
    for (rule, check) in FLOW_RULES {
        let level = levels.get(rule);
        let judges = VERDICT_RULES.contains(&rule);
        if level == Level::Allow && !judges {
            continue;
        }
        let from = out.len();
        check(cx, out);
        if judges {
            // Found by where they start: one lookup per finding, not a scan of the requirements.
            let by_start = by_start.get_or_insert_with(|| {
                model.requirements.iter().enumerate().map(|(i, r)| (r.span().start, i)).collect::<HashMap<_, _>>()
            });
            for d in &out[from..] {
                if let Some(&i) = by_start.get(&d.span.start) {
                    verdicts[i] = Verdict::Fails { rule, message: d.message.clone() };
                }
            }
        }
        if level == Level::Allow {
            out.truncate(from);
        }
        for diagnostic in &mut out[from..] {
            diagnostic.severity = level.severity();
        }
    }
    verdicts
}

/// Whether a requirement holds, by the rules RF201–RF204, whatever their levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    /// Violated (RF201, RF202), unprovable (RF203) or vacuous (RF204), with the message.
    Fails {
        rule: Rule,
        message: String,
    },
}

/// What the rules share: the graph, and the requirement analyses, computed once on first use.
pub(crate) struct Context<'f, 'm, 's> {
    pub flow: &'f Flow<'m, 's>,
    within: OnceLock<Vec<worst_case::WorstCase>>,
    before: OnceLock<Vec<Before>>,
}

pub(crate) use before::Before;

impl<'m, 's> Context<'_, 'm, 's> {
    /// Each `require within` with its worst case.
    pub fn within(&self) -> impl Iterator<Item = (&'m Requirement<'s>, &worst_case::WorstCase)> {
        let model = self.flow.model;
        let results = self.within.get_or_init(|| {
            model
                .requirements
                .iter()
                .filter_map(|r| match r {
                    Requirement::Within { from, to, .. } => Some(worst_case::worst_case(self.flow, *from, *to)),
                    Requirement::Before { .. } => None,
                })
                .collect()
        });
        model.requirements.iter().filter(|r| matches!(r, Requirement::Within { .. })).zip(results)
    }

    /// Each `require before` with its result.
    pub fn before(&self) -> impl Iterator<Item = (&'m Requirement<'s>, &Before)> {
        let model = self.flow.model;
        let flow = self.flow;
        let results = self.before.get_or_init(|| {
            let questions: Vec<before::Question<'_>> = model
                .requirements
                .iter()
                .filter_map(|r| match r {
                    Requirement::Before { first, target, unless, .. } => {
                        Some(before::Question { first: *first, target: *target, unless })
                    }
                    Requirement::Within { .. } => None,
                })
                .collect();
            before::judge(flow, &questions)
        });
        model.requirements.iter().filter(|r| matches!(r, Requirement::Before { .. })).zip(results)
    }
}

/// What makes two branch labels the same: the text in the first language, ignoring case and
/// surrounding spaces; `yes`/`no` stand for their words.
pub(crate) fn label_key<'a>(model: &Model<'_>, label: Option<&'a Label<'_>>) -> Option<Cow<'a, str>> {
    label.map(|l| match l.text(0, model.languages[0]) {
        Cow::Borrowed(text) if text.chars().all(lowercase_already) => Cow::Borrowed(text.trim()),
        text => Cow::Owned(text.trim().to_lowercase()),
    })
}

/// Whether `to_lowercase` leaves `c` as it is.
fn lowercase_already(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase();
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    join(items, "and")
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list(items: &[String]) -> String {
    join(items, "or")
}

fn join(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}
