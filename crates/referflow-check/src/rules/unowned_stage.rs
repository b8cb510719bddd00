use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A stage with no `by`: no agency is responsible for it.
    ///
    /// ## Why it matters
    /// A referral mechanism is an agreement about who does what. A step nobody owns is a step
    /// nobody will do, and the diagram cannot put it in any agency's swimlane.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// step interview "Identification interview"
    /// end closed "Case closed" by police
    /// tip_off -> interview -> closed
    /// ```
    ///
    /// ## Fix
    /// Name the responsible agency, the lead first: `by mdt` or `by police, mdt`.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in flow.model.stages.iter().filter(|s| s.owners.is_empty()) {
        out.push(
            Diagnostic::new(Rule::UnownedStage, s.id_span, format!("stage `{}` has no owner", s.id), "no `by`")
                .with_help("name the agency responsible, the lead first: `by police` or `by police, mdt`")
                .with_stage(s.id),
        );
    }
}
