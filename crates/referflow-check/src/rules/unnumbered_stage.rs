use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A stage without a number in a chart that declares `numbering required`. It is a warning
    /// while drafting, and an error for `referflow build --hearing`.
    ///
    /// ## Why it matters
    /// A chart put to a public hearing is commented on step by step, by number. A stage without
    /// one cannot be cited, and the numbering the documents would give it changes with every
    /// revision.
    ///
    /// ## Example
    /// ```flow
    /// numbering required
    /// actor police "Royal Thai Police"
    /// start 1 tip_off "Tip-off received" by police
    /// end closed "Case closed" by police
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Run `referflow number FILE`: it gives every stage without a number the next free number,
    /// in reading order, and changes no number already given.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = flow.model;
    let Some(required) = model.numbering.required else { return };
    for s in model.stages.iter().filter(|s| s.number.is_none()) {
        out.push(
            Diagnostic::new(
                Rule::UnnumberedStage,
                s.id_span,
                format!("stage `{}` has no number, and the chart's numbering is required", s.id),
                "no number",
            )
            .with_related(required, "numbering declared required here")
            .with_help("run `referflow number FILE` to give every stage without a number the next free number")
            .with_stage(s.id),
        );
    }
}
