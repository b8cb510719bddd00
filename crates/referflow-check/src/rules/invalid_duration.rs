//! RF005: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// A duration that is zero, has no unit or an unknown one (units are `min`, `h`, `d`, `w`
    /// and `wd` for working days, in lowercase), or is too large to count with.
    ///
    /// ## Why it matters
    /// Time limits are legal obligations (24 hours under section 29 of Thailand's
    /// Anti-Trafficking in Persons Act, five working days for a UK reasonable grounds
    /// decision). A limit that cannot be read cannot be checked or published.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police
    /// step hold "Temporary protection" by police within 0h
    /// end closed "Case closed" by police
    /// tip_off -> hold -> closed
    /// ```
    ///
    /// ## Fix
    /// Write a whole number above zero and a unit: `30min`, `24h`, `7d`, `2w`, `5wd`.
}
