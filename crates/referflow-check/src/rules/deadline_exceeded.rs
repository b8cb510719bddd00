use crate::diagnostic::Diagnostic;
use crate::model::Requirement;
use crate::registry::Rule;

use super::Context;
use super::worst_case::{WorstCase, cost};

rule_doc! {
    /// ## What it finds
    /// A `require within D from A to B` whose worst case takes longer than D. The worst case is
    /// the largest sum, over the paths from A to their first arrival at B, of the `within` of the
    /// stages from A inclusive to B exclusive (`start` and `end` take no time; a working day
    /// counts as 1.4 days). The message shows that path and its sum.
    ///
    /// ## Why it matters
    /// Legal time limits hold on every path, not on the usual one: under section 29 of
    /// Thailand's Anti-Trafficking in Persons Act a person may be held for identification for
    /// 24 hours, at most 7 days with a court's leave, whichever way the case goes.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start rescue "Rescue" by police
    /// step hold "Temporary protection" by police within 24h
    /// step extend "Court extends protection" by police within 7d
    /// end interview "Identification interview" by police
    /// rescue -> hold -> extend -> interview
    /// require within 7d from rescue to interview
    /// ```
    ///
    /// ## Fix
    /// Shorten a `within` on the path shown, add a quicker route, or correct the requirement.
}

pub(crate) fn check(cx: &Context<'_, '_, '_>, out: &mut Vec<Diagnostic>) {
    let model = cx.flow.model;
    for (requirement, result) in cx.within() {
        let (Requirement::Within { limit, from, to, span }, WorstCase::Bounded { total, path }) = (requirement, result)
        else {
            continue;
        };
        if total.is_some_and(|t| t <= limit.minutes) {
            continue;
        }
        // Each stage with its limit as written; the sum in readable units.
        let timed = |s: &crate::model::StageId| {
            let stage = model.stage(*s);
            stage.within.filter(|_| *s != *to && cost(cx.flow, *s).is_some_and(|t| t.0 > 0)).map(|w| w.text)
        };
        let steps: Vec<String> = path
            .iter()
            .map(|s| match timed(s) {
                Some(limit) => format!("{} ({limit})", model.stage(*s).id),
                None => model.stage(*s).id.to_string(),
            })
            .collect();
        let sum = total.map_or_else(|| "longer than can be counted".to_string(), |t| t.to_string());
        let message = format!(
            "from `{}` to `{}` can take {sum} in the worst case, more than the {} required: {}",
            model.stage(*from).id,
            model.stage(*to).id,
            limit.text,
            steps.join(" → ")
        );
        let mut diagnostic = Diagnostic::new(Rule::DeadlineExceeded, *span, message, format!("{sum} > {}", limit.text))
            .with_help("shorten a `within` on this path, or change the limit if the law allows it");
        for s in path {
            let label = match timed(s) {
                Some(limit) => format!("up to {limit}"),
                None if *s == *to => "arrival".to_string(),
                None => "no time".to_string(),
            };
            diagnostic = diagnostic.with_related(model.stage(*s).id_span, label);
        }
        out.push(diagnostic);
    }
}
