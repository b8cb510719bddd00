//! RF002: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// An id defined twice. Stages, actors and phases share one namespace, so a phase cannot
    /// take the id of an actor either. Both definitions are shown.
    ///
    /// ## Why it matters
    /// Every edge, owner and requirement names its stage or agency by id. With two definitions
    /// nobody can tell which one an edge means, and the published chart would silently merge
    /// or drop one of them.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// end tip_off "Case closed" by police
    /// ```
    ///
    /// ## Fix
    /// Give each definition an id of its own, and update the edges that meant the renamed one.
}
