use crate::HashSet;
use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::{Label, Texts};
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// A translation that says what it was made from (`th "…" from "Screen"`) when the text
    /// it translates no longer reads that way: the first language's text changed after the
    /// translation was made. `referflow translate import` writes the `from` of every
    /// translation it imports; `referflow translate export` marks such entries fuzzy.
    ///
    /// ## Why it matters
    /// A hearing reads the chart in every language. A translation of an older text tells the
    /// readers of that language something the chart no longer says, and nothing else shows it.
    ///
    /// ## Example
    /// ```flow
    /// languages en th
    /// actor police "Royal Thai Police" { th "สำนักงานตำรวจแห่งชาติ" }
    /// start tip_off "Tip-off received by phone" by police { th "ได้รับแจ้งเบาะแส" from "Tip-off received" }
    /// end closed "Case closed" by police { th "ปิดคดี" }
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Have the translation brought up to date, and its `from` with it: export a PO file for the
    /// translator (`referflow translate export chart.flow --lang th -o th.po`) and import it back,
    /// or edit both by hand.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = flow.model;
    let report = |out: &mut Vec<Diagnostic>, texts: &Texts<'_>, what: &dyn Fn() -> String, stage: Option<&str>| {
        for (lang, made_from) in model.languages.iter().zip(texts.made_from.iter()) {
            let Some(made_from) = made_from else { continue };
            let now = texts.get(0);
            if made_from.text == now {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                Rule::StaleTranslation,
                made_from.span,
                format!(
                    "the `{lang}` translation of {} was made from \"{}\", but the text now reads \"{now}\"",
                    what(),
                    made_from.text
                ),
                "translated from an older text",
            )
            .with_related(texts.span, "the text now")
            .with_help(format!(
                "bring the translation up to date and write `from \"{now}\"`, or export it for a translator: `referflow translate export FILE --lang {lang}`"
            ));
            if let Some(stage) = stage {
                diagnostic = diagnostic.with_stage(stage);
            }
            out.push(diagnostic);
        }
    };
    if let Some(title) = &model.title {
        report(out, title, &|| "the title".into(), None);
    }
    if let Some(version) = &model.version {
        report(out, version, &|| "the version".into(), None);
    }
    for actor in &model.actors {
        report(out, &actor.name, &|| format!("the name of actor `{}`", actor.id), None);
        for note in &actor.notes {
            report(out, note, &|| format!("a note of actor `{}`", actor.id), None);
        }
    }
    for phase in &model.phases {
        report(out, &phase.name, &|| format!("the name of phase `{}`", phase.id), None);
    }
    for stage in &model.stages {
        report(out, &stage.label, &|| format!("the label of `{}`", stage.id), Some(stage.id));
        for note in &stage.notes {
            report(out, note, &|| format!("a note of `{}`", stage.id), Some(stage.id));
        }
        for reference in &stage.refs {
            report(out, reference, &|| format!("a reference of `{}`", stage.id), Some(stage.id));
        }
        if let Some(public) = &stage.public {
            report(out, public, &|| format!("the public text of `{}`", stage.id), Some(stage.id));
        }
    }
    let leaflet = &model.leaflet;
    if let Some(heading) = &leaflet.heading {
        report(out, heading, &|| "the leaflet's heading".into(), None);
    }
    for texts in leaflet.hotlines.iter().chain(&leaflet.rights) {
        report(out, texts, &|| format!("the leaflet's line \"{}\"", texts.get(0)), None);
    }
    // A chain's label is shared by all its edges: report it once.
    let mut seen: HashSet<u32> = HashSet::default();
    for edge in &model.edges {
        if let Some(Label::Text(texts)) = &edge.label
            && seen.insert(texts.span.start)
        {
            report(out, texts, &|| format!("the branch label `{}`", texts.get(0)), None);
        }
    }
}
