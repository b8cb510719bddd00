//! RF007: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// A chart without any `start` stage.
    ///
    /// ## Why it matters
    /// A referral mechanism begins where a possible victim is first met: a police operation, a
    /// labour inspection, a hotline call. Without an entry point nothing in the chart can be
    /// reached, and no rule about the flow can be checked.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// step screen "Screen with indicators" by police
    /// end closed "Case closed" by police
    /// screen -> closed
    /// ```
    ///
    /// ## Fix
    /// Mark each entry point with `start`, such as `start tip_off "Tip-off received" by police`.
}
