use crate::diagnostic::Diagnostic;
use crate::model::Requirement;
use crate::registry::Rule;

use super::Context;
use super::worst_case::WorstCase;

rule_doc! {
    /// ## What it finds
    /// A requirement whose target cannot be reached from its source at all: for
    /// `require within D from A to B`, no path leads from A to B; for `require A before B`, no
    /// path leads from A to B (and none reaches B without A, or the requirement would be
    /// violated instead).
    ///
    /// ## Why it matters
    /// Such a requirement is true of every chart and proves nothing. It usually names the wrong
    /// stage, or an edit cut the path it was written for.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// step screen "Screening" by mdt within 24h
    /// end closed "Case closed" by mdt
    /// end referred "Referred elsewhere" by mdt
    /// tip_off -> screen -> closed
    /// tip_off -> referred
    /// require within 2d from screen to referred
    /// ```
    ///
    /// ## Fix
    /// Check the stages the requirement names, or remove it.
}

pub(crate) fn check(cx: &Context<'_, '_, '_>, out: &mut Vec<Diagnostic>) {
    let model = cx.flow.model;
    let vacuous = cx
        .within()
        .filter(|(_, result)| *result == &WorstCase::Vacuous)
        .map(|(r, _)| r)
        .chain(cx.before().filter(|(_, result)| result.vacuous).map(|(r, _)| r));
    for requirement in vacuous {
        let (from, to, span) = match requirement {
            Requirement::Before { first, target, span, .. } => (first, target, span),
            Requirement::Within { from, to, span, .. } => (from, to, span),
        };
        out.push(
            Diagnostic::new(
                Rule::RequirementVacuous,
                *span,
                format!(
                    "`{}` cannot be reached from `{}` at all, so this requirement proves nothing",
                    model.stage(*to).id,
                    model.stage(*from).id
                ),
                "always true",
            )
            .with_related(model.stage(*from).id_span, "from here")
            .with_related(model.stage(*to).id_span, "no path leads here")
            .with_help("check the stages the requirement names, or remove it"),
        );
    }
}
