use crate::diagnostic::Diagnostic;
use crate::model::{Requirement, StageId};
use crate::registry::Rule;

use super::Context;
use super::before::Path;

rule_doc! {
    /// ## What it finds
    /// A `require A before B [unless C, …]` that does not hold: some path from a `start` reaches
    /// B without passing A or one of the `unless` stages. The message shows the shortest such
    /// path, and every stage on it is labelled in the report (of a path longer than eight
    /// stages, its start and its last seven).
    ///
    /// ## Why it matters
    /// These are the committee's own principles: consent before shelter (unless the person is a
    /// child), a risk assessment before any return, screening before identification. A chart
    /// that lets a case skip them contradicts the policy it is meant to publish.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// step consent "Ask for consent to shelter" by mdt
    /// step shelter "Temporary shelter" by mdt
    /// end closed "Case closed" by mdt
    /// tip_off -> consent -> shelter -> closed
    /// tip_off -> shelter
    /// require consent before shelter
    /// ```
    ///
    /// ## Fix
    /// Route every path into B through A, or name the agreed exception with `unless`.
}

pub(crate) fn check(cx: &Context<'_, '_, '_>, out: &mut Vec<Diagnostic>) {
    let model = cx.flow.model;
    for (requirement, result) in cx.before() {
        let (Requirement::Before { first, target, unless, span }, Some(path)) = (requirement, &result.violation) else {
            continue;
        };
        let shown = match path {
            Some(path) => path_text(cx, path),
            None => "the chart has too many such requirements for every path to be traced".to_string(),
        };
        let mut guards = vec![format!("`{}`", model.stage(*first).id)];
        guards.extend(unless.iter().map(|u| format!("`{}`", model.stage(*u).id)));
        let message = format!(
            "`{}` can be reached without passing {}: {}",
            model.stage(*target).id,
            super::or_list(&guards),
            shown
        );
        let mut diagnostic =
            Diagnostic::new(Rule::RequirementViolated, *span, message, "this requirement does not hold").with_help(
                format!(
                    "route every path into `{}` through `{}`, or name the agreed exception with `unless`",
                    model.stage(*target).id,
                    model.stage(*first).id
                ),
            );
        for (i, stage) in path.iter().flat_map(|p| p.positions()) {
            diagnostic = diagnostic.with_related(model.stage(stage).id_span, format!("{i}. on the path"));
        }
        out.push(diagnostic);
    }
}

/// `tip_off → verify → shelter`, or `tip_off → … (12 stages) → verify → shelter` when stages
/// are left out.
pub(crate) fn path_text(cx: &Context<'_, '_, '_>, path: &Path) -> String {
    let id = |s: &StageId| cx.flow.model.stage(*s).id;
    let mut text = id(&path.stages[0]).to_string();
    if path.left_out > 0 {
        text.push_str(&format!(" → … ({} stages) …", path.left_out));
    }
    for stage in &path.stages[1..] {
        text.push_str(" → ");
        text.push_str(id(stage));
    }
    text
}
