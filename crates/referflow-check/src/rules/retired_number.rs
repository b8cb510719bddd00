//! RF012: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// A stage that carries a number listed as `retired`: the number of a stage that was
    /// removed from the chart.
    ///
    /// ## Why it matters
    /// Comments, disposition reports and links made on an earlier draft cite that number.
    /// Given to another stage, they would silently point at a step nobody commented on.
    ///
    /// ## Example
    /// ```flow
    /// retired 2 "Identification interview"
    /// actor police "Royal Thai Police"
    /// start 1 tip_off "Tip-off received" by police
    /// end 2 closed "Case closed" by police
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Remove the stage's number and run `referflow number FILE`, which gives it a number never
    /// used before. If the stage really is the one that was removed, delete its `retired` entry.
}
