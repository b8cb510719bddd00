use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A stage that no path from any `start` reaches.
    ///
    /// ## Why it matters
    /// A service that no case can ever be referred to exists only on paper: a shelter, a
    /// medical check or a legal aid step that the flow forgets. Often an edge into it was lost
    /// in an edit.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// step medical "Medical check" by police
    /// end closed "Case closed" by police
    /// tip_off -> closed
    /// medical -> closed
    /// ```
    ///
    /// ## Fix
    /// Add the edge that leads into the stage, or remove the stage if it is no longer part of
    /// the mechanism.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let reached = flow.reach(flow.starts(), |_| false);
    for stage in flow.stages().filter(|s| !reached[s.index()]) {
        let s = flow.model.stage(stage);
        out.push(
            Diagnostic::new(
                Rule::UnreachableStage,
                s.id_span,
                format!("stage `{}` cannot be reached from any start", s.id),
                "unreachable",
            )
            .with_help(format!(
                "add an edge into `{}` from the stage before it, or remove it if it is no longer used",
                s.id
            ))
            .with_stage(s.id),
        );
    }
}
