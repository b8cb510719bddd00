use referflow_syntax::StageKind;

use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// An edge out of a `decision` without a branch label.
    ///
    /// ## Why it matters
    /// A reader of the published chart must see which answer leads where. An unlabelled branch
    /// leaves a social worker guessing whether a child goes to child protection or to the
    /// adult procedure.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// decision adult "Is the person 18 or over?" by mdt {
    ///   -> adult_services, child_protection
    /// }
    /// end adult_services "Adult services" by mdt
    /// end child_protection "Child protection" by mdt
    /// tip_off -> adult
    /// ```
    ///
    /// ## Fix
    /// Write each branch with its answer: `yes -> adult_services`, `no -> child_protection`.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    for edge in &flow.model.edges {
        let from = flow.model.stage(edge.from);
        if from.kind == StageKind::Decision && edge.label.is_none() {
            let to = flow.model.stage(edge.to).id;
            out.push(
                Diagnostic::new(
                    Rule::UnlabelledBranch,
                    edge.span,
                    format!("the branch of decision `{}` to `{to}` has no label", from.id),
                    "which answer leads here?",
                )
                .with_related(from.id_span, "the decision")
                .with_help(format!("write the branch with its answer: `yes -> {to}`, `no -> {to}` or `\"…\" -> {to}`"))
                .with_stage(from.id),
            );
        }
    }
}
