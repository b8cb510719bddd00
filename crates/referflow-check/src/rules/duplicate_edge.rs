use std::borrow::Cow;

use crate::HashMap;
use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::StageId;
use crate::registry::Rule;

rule_doc! {
    /// ## What it finds
    /// The same edge written twice: the same two stages and the same label (or none).
    ///
    /// ## Why it matters
    /// It is harmless to the flow but shows twice in the published diagram, and usually means
    /// an edit left an old line behind.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police { -> closed }
    /// end closed "Case closed" by police
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Remove one of them.
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(StageId, StageId, Option<Cow<'_, str>>), &crate::model::Edge<'_>> =
        HashMap::with_capacity_and_hasher(flow.model.edges.len(), Default::default());
    for edge in &flow.model.edges {
        let key = (edge.from, edge.to, super::label_key(flow.model, edge.label.as_ref()));
        match seen.get(&key) {
            Some(first) => {
                let (from, to) = (flow.model.stage(edge.from).id, flow.model.stage(edge.to).id);
                let labelled = key.2.as_ref().map(|l| format!(" labelled `{l}`")).unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        Rule::DuplicateEdge,
                        edge.span,
                        format!("the edge `{from} -> {to}`{labelled} is written twice"),
                        "written again here",
                    )
                    .with_related(first.span, "first written here")
                    .with_help("remove one of them"),
                );
            }
            None => {
                seen.insert(key, edge);
            }
        }
    }
}
