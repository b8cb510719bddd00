use referflow_syntax::StageKind;

use crate::HashMap;
use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// Two branches of one decision with the same label. Labels are compared in the first
    /// language, ignoring case and surrounding spaces, and `yes`/`no` count as the words they
    /// stand for.
    ///
    /// ## Why it matters
    /// If "yes" leads to two different places, the chart does not say what happens after a
    /// "yes"; usually one of the branches was meant to be "no".
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// decision identified "Identified as a victim?" by mdt {
    ///   yes -> assistance
    ///   yes -> other_services
    /// }
    /// end assistance "Assistance plan" by mdt
    /// end other_services "Referred to other services" by mdt
    /// tip_off -> identified
    /// ```
    ///
    /// ## Fix
    /// Give each branch its own answer.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    for stage in flow.stages() {
        let s = flow.model.stage(stage);
        if s.kind != StageKind::Decision {
            continue;
        }
        let mut seen: HashMap<std::borrow::Cow<'_, str>, &crate::model::Edge<'_>> = HashMap::default();
        for edge in flow.out_edges(stage) {
            let Some(key) = super::label_key(flow.model, edge.label.as_ref()) else {
                continue;
            };
            match seen.get(&key) {
                Some(first) => out.push(
                    Diagnostic::new(
                        Rule::DuplicateBranch,
                        edge.span,
                        format!("decision `{}` has two branches labelled `{key}`", s.id),
                        "same label again",
                    )
                    .with_related(first.span, "first branch with this label")
                    .with_help("give each branch its own answer")
                    .with_stage(s.id),
                ),
                None => {
                    seen.insert(key, edge);
                }
            }
        }
    }
}
