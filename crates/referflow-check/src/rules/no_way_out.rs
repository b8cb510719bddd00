use petgraph::algo::kosaraju_scc;

use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::StageId;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A loop of stages from which no `end` can be reached: once a case enters it, it goes
    /// round for ever. It is reported once per loop (a strongly connected group of stages),
    /// naming its stages; the stages that merely lead into the loop are not reported.
    ///
    /// ## Why it matters
    /// A trap loop is a person passed back and forth between agencies with no outcome, such as
    /// a review that can only send the case back for another review.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// step review "Review the file" by mdt
    /// step more_info "Ask for more information" by mdt
    /// end closed "Case closed" by mdt
    /// tip_off -> review -> more_info -> review
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Give one stage of the loop a way out towards an outcome, such as
    /// `"Facts clear" -> decide`.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let can_end = flow.reach_back(flow.ends(), |_| false);
    // A loop with no way out is made of stages that cannot reach an end: without such stages
    // (a chart without dead ends) there is nothing to look for.
    if can_end.iter().all(|c| *c) {
        return;
    }
    // Kosaraju, not Tarjan: petgraph's Tarjan recurses once per stage on a path and overflows the
    // stack on long charts; Kosaraju walks with an explicit stack.
    let graph = flow.graph();
    for component in kosaraju_scc(graph) {
        let mut stages: Vec<StageId> = component.iter().map(|n| graph[*n]).collect();
        let cyclic = stages.len() > 1 || flow.out_edges(stages[0]).any(|e| e.to == stages[0]);
        if !cyclic || can_end[stages[0].index()] {
            continue;
        }
        stages.sort();
        let first = flow.model.stage(stages[0]);
        let names: Vec<String> = stages.iter().map(|s| format!("`{}`", flow.model.stage(*s).id)).collect();
        let message = if stages.len() == 1 {
            format!("stage `{}` loops back to itself and no `end` can be reached from it", first.id)
        } else {
            format!("the loop {} has no way out: no `end` can be reached from it", super::and_list(&names))
        };
        let mut diagnostic =
            Diagnostic::new(Rule::NoWayOut, first.id_span, message, "a case that gets here never reaches an outcome")
                .with_help("give one stage of the loop an edge towards an outcome")
                .with_stage(first.id);
        for s in &stages[1..] {
            diagnostic = diagnostic.with_related(flow.model.stage(*s).id_span, "part of the loop");
        }
        out.push(diagnostic);
    }
}
