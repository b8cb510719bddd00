use crate::HashSet;
use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::{Label, Texts};
use crate::registry::Rule;
use crate::words;

rule_doc! {
    /// ## What it finds
    /// A title, stage label, branch label, actor name or phase name, or a text of the person's
    /// leaflet (a stage's `public` text, the leaflet's heading, a hotline or a right), that lacks
    /// a text in one of the declared languages. `yes` and `no` are translated by referflow for the languages it
    /// knows (English, Thai and a dozen more); in any other language they need a text too.
    ///
    /// ## Why it matters
    /// The chart is published in every declared language, and a public hearing in Thai cannot
    /// rely on a diagram with English holes in it.
    ///
    /// ## Example
    /// ```flow
    /// languages en th
    /// actor police "Royal Thai Police" { th "สำนักงานตำรวจแห่งชาติ" }
    /// start tip_off "Tip-off received" by police
    /// end closed "Case closed" by police { th "ปิดคดี" }
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Add the translation beside the text: `th "ได้รับแจ้งเบาะแส"` in the stage's block, or after
    /// the title, branch label or note on the same line.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = flow.model;
    if model.languages.len() < 2 {
        return;
    }
    // `what` is a closure: most texts are complete, and naming them would cost an allocation each.
    let report = |texts: &Texts<'_>, what: &dyn Fn() -> String, stage: Option<&str>| -> Option<Diagnostic> {
        if texts.values.iter().all(Option::is_some) {
            return None;
        }
        let missing: Vec<String> = model
            .languages
            .iter()
            .zip(&texts.values)
            .filter(|(_, v)| v.is_none())
            .map(|(l, _)| format!("`{l}`"))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let example =
            model.languages.iter().zip(&texts.values).find(|(_, v)| v.is_none()).map(|(l, _)| *l).unwrap_or_default();
        let mut diagnostic = Diagnostic::new(
            Rule::MissingTranslation,
            texts.span,
            format!("{} has no text in {}", what(), super::and_list(&missing)),
            format!("no {} text", super::and_list(&missing)),
        )
        .with_help(format!("add the translation beside it: `{example} \"…\"`"));
        if let Some(stage) = stage {
            diagnostic = diagnostic.with_stage(stage);
        }
        Some(diagnostic)
    };

    if let Some(title) = &model.title {
        out.extend(report(title, &|| "the title".into(), None));
    }
    for actor in &model.actors {
        out.extend(report(&actor.name, &|| format!("the name of actor `{}`", actor.id), None));
    }
    for phase in &model.phases {
        out.extend(report(&phase.name, &|| format!("the name of phase `{}`", phase.id), None));
    }
    for stage in &model.stages {
        out.extend(report(&stage.label, &|| format!("the label of `{}`", stage.id), Some(stage.id)));
        if let Some(public) = &stage.public {
            out.extend(report(public, &|| format!("the public text of `{}`", stage.id), Some(stage.id)));
        }
    }
    // The leaflet is for a person who reads only their own language: every one of its texts.
    let leaflet = &model.leaflet;
    if let Some(heading) = &leaflet.heading {
        out.extend(report(heading, &|| "the leaflet's heading".into(), None));
    }
    for hotline in &leaflet.hotlines {
        out.extend(report(hotline, &|| format!("the hotline \"{}\"", hotline.get(0)), None));
    }
    for right in &leaflet.rights {
        out.extend(report(right, &|| format!("the right \"{}\"", right.get(0)), None));
    }
    // A chain's label is shared by all its edges: report it once.
    let unknown: Vec<String> = model.languages.iter().filter(|l| !words::knows(l)).map(|l| format!("`{l}`")).collect();
    let mut seen: HashSet<u32> = HashSet::default();
    for edge in &model.edges {
        match &edge.label {
            Some(Label::Text(texts)) if seen.insert(texts.span.start) => {
                out.extend(report(texts, &|| format!("the branch label `{}`", texts.get(0)), None));
            }
            Some(Label::Text(_)) => {}
            Some(word @ (Label::Yes | Label::No)) if !unknown.is_empty() && seen.insert(edge.span.start) => {
                let word = if matches!(word, Label::Yes) { "yes" } else { "no" };
                out.push(
                    Diagnostic::new(
                        Rule::MissingTranslation,
                        edge.span,
                        format!(
                            "`{word}` has no text in {}: referflow does not know the word in that language",
                            super::and_list(&unknown)
                        ),
                        "untranslated branch",
                    )
                    .with_help(format!(
                        "write the branch as a text with its translations: `\"{word}\" {} \"…\" -> …`",
                        unknown[0].trim_matches('`')
                    )),
                );
            }
            Some(Label::Yes | Label::No) | None => {}
        }
    }
}
