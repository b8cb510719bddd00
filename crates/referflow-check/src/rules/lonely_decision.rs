use referflow_syntax::StageKind;

use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A `decision` with fewer than two branches.
    ///
    /// ## Why it matters
    /// A decision chooses between ways forward: identified as a victim or not, adult or child,
    /// consent given or refused. With one branch the other answer has no agreed path, and the
    /// person it concerns is left without a procedure.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// decision consent "Does the person consent to shelter?" by mdt {
    ///   yes -> shelter
    /// }
    /// end shelter "Temporary shelter" by mdt
    /// tip_off -> consent
    /// ```
    ///
    /// ## Fix
    /// Add the missing branch (`no -> declined`), or make the stage a `step`.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    for stage in flow.stages() {
        let s = flow.model.stage(stage);
        let branches = flow.out_degree(stage);
        if s.kind != StageKind::Decision || branches >= 2 {
            continue;
        }
        let what = if branches == 0 { "no branch" } else { "only one branch" };
        out.push(
            Diagnostic::new(Rule::LonelyDecision, s.id_span, format!("decision `{}` has {what}", s.id), "fewer than two ways on")
                .with_help("a decision chooses between at least two ways: add its `yes ->` and `no ->` branches, or make it a `step`")
                .with_stage(s.id),
        );
    }
}
