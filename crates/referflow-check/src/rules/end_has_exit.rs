//! RF008: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// An edge that leaves an `end` stage.
    ///
    /// ## Why it matters
    /// An `end` is an outcome: the case is closed, referred elsewhere or the person returned
    /// home. A flow that continues after an outcome says two contradicting things.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// end closed "Case closed" by police
    /// step follow_up "Follow-up visit" by police
    /// tip_off -> closed -> follow_up
    /// ```
    ///
    /// ## Fix
    /// Remove the edge, or make the stage a `step` and lead it to an outcome.
}
