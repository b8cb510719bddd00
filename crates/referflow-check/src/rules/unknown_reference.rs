//! RF003: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// An edge, a `by` or a requirement that names an id nothing defines. The help line
    /// suggests the nearest defined id of the right kind, which is usually the intended one.
    ///
    /// ## Why it matters
    /// A misspelt id is a broken link in the flow: the case would go nowhere, or the step would
    /// belong to no agency.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// end closed "Case closed" by polise
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Correct the spelling, or define the missing stage or actor.
}
