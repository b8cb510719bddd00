use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// In a chart with a `leaflet` line: a decision that asks for the person's consent but has
    /// no `public` text, so the leaflet does not tell the person that they will be asked and
    /// may say no; and a leaflet with no `public` text at all. A consent decision is a decision
    /// whose id or label, in any language, says *consent*, *agree* or *willing*, or ยินยอม or
    /// สมัครใจ.
    ///
    /// ## Why it matters
    /// A victim-centred referral asks before it acts: the person may refuse shelter, an
    /// interview or a referral. The leaflet is how the person learns where those moments are.
    /// A leaflet that skips them tells the person what will be done to them, not what they may
    /// decide.
    ///
    /// ## Example
    /// ```flow
    /// leaflet "What happens next"
    /// actor mdt "Multidisciplinary team"
    /// start found "Person found" by mdt { public "A social worker talks with you in private." }
    /// decision consents "Does the person consent to shelter?" by mdt { yes -> sheltered; no -> closed }
    /// end sheltered "Placed in a shelter" by mdt
    /// end closed "Case closed" by mdt
    /// found -> consents
    /// ```
    ///
    /// ## Fix
    /// Give the decision a `public` text in plain words that says what the person is asked and
    /// that they can say no: `public "We ask if you want to stay in a shelter. You can say no."`,
    /// with its translations.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = flow.model;
    let Some(leaflet) = model.leaflet.span else { return };
    if !model.stages.iter().any(|s| s.public.is_some()) {
        out.push(
            Diagnostic::new(
                Rule::LeafletGap,
                leaflet,
                "the chart declares a leaflet, but no stage has a `public` text to put on it",
                "a leaflet with nothing to say",
            )
            .with_help(
                "give each stage the person sees a plain-words text in its block: `public \"A social worker talks with you in private.\"`",
            ),
        );
    }
    for stage in model.stages.iter().filter(|s| s.public.is_none() && s.asks_consent()) {
        out.push(
            Diagnostic::new(
                Rule::LeafletGap,
                stage.id_span,
                format!(
                    "decision `{}` asks for the person's consent, but the leaflet says nothing about it: it has no `public` text",
                    stage.id
                ),
                "no public text",
            )
            .with_related(leaflet, "the leaflet is declared here")
            .with_help(
                "say in plain words what the person is asked and that they may say no: `public \"We ask if you agree. You can say no.\"`",
            )
            .with_stage(stage.id),
        );
    }
}
