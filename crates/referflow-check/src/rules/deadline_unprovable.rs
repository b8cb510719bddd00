use crate::diagnostic::Diagnostic;
use crate::model::Requirement;
use crate::registry::Rule;

use super::Context;
use super::worst_case::WorstCase;

rule_doc! {
    /// ## What it finds
    /// A `require within D from A to B` whose worst case cannot be bounded: a `step` or
    /// `decision` on some path from A to B has no `within`, or a loop lies on such a path (a case
    /// could go round it any number of times). The message names the stages or the loop.
    ///
    /// ## Why it matters
    /// A time limit that cannot be proved is a promise the chart does not keep: a case could
    /// wait at the stage without a limit for as long as anyone lets it.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start rescue "Rescue" by mdt
    /// step screen "Screening" by mdt within 24h
    /// step interview "Interview" by mdt
    /// end identified "Identification decided" by mdt
    /// rescue -> screen -> interview -> identified
    /// require within 7d from rescue to identified
    /// ```
    ///
    /// ## Fix
    /// Give every step and decision between A and B a `within`; take loops out of the timed
    /// part, or time a part of the flow that has none.
}

pub(crate) fn check(cx: &Context<'_, '_, '_>, out: &mut Vec<Diagnostic>) {
    let model = cx.flow.model;
    for (requirement, result) in cx.within() {
        let (Requirement::Within { from, to, span, .. }, WorstCase::Unbounded { cycle, no_limit }) =
            (requirement, result)
        else {
            continue;
        };
        let ids = |stages: &[crate::model::StageId]| -> Vec<String> {
            stages.iter().map(|s| format!("`{}`", model.stage(*s).id)).collect()
        };
        let mut reasons = Vec::new();
        if let Some(cycle) = cycle {
            let mut around: Vec<&str> = cycle.iter().map(|s| model.stage(*s).id).collect();
            around.push(around[0]);
            reasons.push(format!("the loop {} can repeat without limit", around.join(" → ")));
        }
        if !no_limit.is_empty() {
            let names = ids(no_limit);
            let verb = if names.len() == 1 { "has" } else { "have" };
            reasons.push(format!("{} {verb} no `within`", super::and_list(&names)));
        }
        let message = format!(
            "the time from `{}` to `{}` cannot be bounded: {}",
            model.stage(*from).id,
            model.stage(*to).id,
            reasons.join(", and ")
        );
        let mut diagnostic = Diagnostic::new(Rule::DeadlineUnprovable, *span, message, "no worst case can be proved")
            .with_help(format!(
                "give every step and decision between `{}` and `{}` a `within`, and keep loops out of that part",
                model.stage(*from).id,
                model.stage(*to).id
            ));
        for s in cycle.iter().flatten() {
            diagnostic = diagnostic.with_related(model.stage(*s).id_span, "part of the loop");
        }
        for s in no_limit {
            diagnostic = diagnostic.with_related(model.stage(*s).id_span, "no `within`");
        }
        out.push(diagnostic);
    }
}
