//! RF011: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// A step number given to two stages. Both places are shown.
    ///
    /// ## Why it matters
    /// People cite steps by number at a hearing ("step 14 should allow 48 hours"), and the
    /// published narrative links to `#step-14`. With two stages numbered 14, a comment or a link
    /// points at either.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start 1 tip_off "Tip-off received" by police
    /// step 2 interview "Identification interview" by police
    /// end 2 closed "Case closed" by police
    /// tip_off -> interview -> closed
    /// ```
    ///
    /// ## Fix
    /// Remove the number of the stage that took it by mistake (usually the newer one) and run
    /// `referflow number FILE`, which gives it the next free number.
}
