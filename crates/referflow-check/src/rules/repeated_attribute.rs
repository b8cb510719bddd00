//! RF009: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// Something said twice where it may be said once: `by` or `within` twice on a stage
    /// (inline and in the block count alike), an owner named twice, a text given twice in one
    /// language (or in the first language, which the plain text already is), two `title`,
    /// `version` or `languages` lines, a language listed twice.
    ///
    /// ## Why it matters
    /// Two time limits or two owner lists for one stage contradict each other, and the
    /// published chart could show only one of them.
    ///
    /// ## Example
    /// ```flow
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// step screen "Screen with indicators" by mdt within 24h {
    ///   within 2d
    /// }
    /// end closed "Case closed" by mdt
    /// tip_off -> screen -> closed
    /// ```
    ///
    /// ## Fix
    /// Keep one of them.
}
