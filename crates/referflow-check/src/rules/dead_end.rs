use referflow_syntax::StageKind;

use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A stage that is not an `end` and has no outgoing edge.
    ///
    /// ## Why it matters
    /// A case that reaches this stage has nowhere to go next and no recorded outcome: the
    /// person falls out of the mechanism without anyone deciding so.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// step interview "Identification interview" by mdt
    /// end closed "Case closed" by mdt
    /// tip_off -> interview
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Lead the stage to what happens next (`-> next_stage`), or make it an `end` if the case
    /// closes there.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    for stage in flow.stages() {
        let s = flow.model.stage(stage);
        if s.kind != StageKind::End && flow.out_degree(stage) == 0 {
            out.push(
                Diagnostic::new(
                    Rule::DeadEnd,
                    s.id_span,
                    format!("stage `{}` leads nowhere: it is not an `end` and no edge leaves it", s.id),
                    "no way on from here",
                )
                .with_help(format!(
                    "add `-> next_stage` to the block of `{}`, or make it an `end` if the case closes here",
                    s.id
                ))
                .with_stage(s.id),
            );
        }
    }
}
