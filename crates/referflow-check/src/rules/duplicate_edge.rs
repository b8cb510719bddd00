use std::borrow::Cow;

use crate::HashMap;
use crate::diagnostic::Diagnostic;
use crate::flow::Flow;
use crate::model::{Edge, StageId};
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

fn key<'e>(flow: &Flow<'_, '_>, edge: &'e Edge<'_>) -> Option<Cow<'e, str>> {
    super::label_key(flow.model, edge.label.as_ref())
}

pub(crate) fn check(flow: &Flow<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(StageId, Option<Cow<'_, str>>), &Edge<'_>> = HashMap::default();
    // Edges are compared among those that leave the same stage: usually a few, compared
    // pairwise (the label only when the target is the same); a map for a stage with many.
    for stage in flow.stages() {
        if flow.out_degree(stage) <= 8 {
            for (k, edge) in flow.out_edges(stage).enumerate() {
                let mut earlier = flow.out_edges(stage).take(k);
                if let Some(first) = earlier.find(|e| e.to == edge.to && key(flow, e) == key(flow, edge)) {
                    report(flow, edge, first, out);
                }
            }
            continue;
        }
        seen.clear();
        for edge in flow.out_edges(stage) {
            match seen.get(&(edge.to, key(flow, edge))) {
                Some(first) => report(flow, edge, first, out),
                None => {
                    seen.insert((edge.to, key(flow, edge)), edge);
                }
            }
        }
    }
}

fn report(flow: &Flow<'_, '_>, edge: &Edge<'_>, first: &Edge<'_>, out: &mut Vec<Diagnostic>) {
    let (from, to) = (flow.model.stage(edge.from).id, flow.model.stage(edge.to).id);
    let labelled = key(flow, edge).map(|l| format!(" labelled `{l}`")).unwrap_or_default();
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
