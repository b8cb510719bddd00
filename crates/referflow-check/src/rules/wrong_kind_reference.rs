//! RF004: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// An id of the wrong kind: `by` naming a stage or a phase, an edge or a requirement naming
    /// an actor or a phase. The definition is shown beside the reference.
    ///
    /// ## Why it matters
    /// Owners are agencies and edges join stages. Mixing them up usually means two things share
    /// a similar id, and the chart says something other than what the committee agreed.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// end closed "Case closed" by police
    /// tip_off -> police
    /// ```
    ///
    /// ## Fix
    /// Name a stage in edges and requirements, and an actor in `by`.
}
