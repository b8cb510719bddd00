use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// An actor that owns no stage: no `by` names it.
    ///
    /// ## Why it matters
    /// An agency listed in the chart but given nothing to do is either a forgotten
    /// responsibility or a leftover; either way, readers will ask what its role is.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// actor embassy "Embassy of the country of origin"
    /// start tip_off "Tip-off received" by police
    /// end closed "Case closed" by police
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Name the actor in the `by` of the stages it is responsible for, or remove it.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; flow.model.actors.len()];
    for s in &flow.model.stages {
        for owner in &s.owners {
            used[owner.index()] = true;
        }
    }
    for (actor, _) in flow.model.actors.iter().zip(&used).filter(|(_, used)| !**used) {
        out.push(
            Diagnostic::new(
                Rule::UnusedActor,
                actor.id_span,
                format!("actor `{}` owns no stage", actor.id),
                "named in no `by`",
            )
            .with_help(format!("add `{}` to the `by` of the stages it is responsible for, or remove it", actor.id)),
        );
    }
}
