//! RF013: reported while resolving names (`resolve.rs`), from what the parser read
//! (`referflow_syntax::LanguagesMistake`).

rule_doc! {
    /// ## What it finds
    /// A `languages` line written with commas, language names instead of codes, or codes in
    /// upper case: `languages en, th`, `languages English Thai`, `languages EN TH`. The chart is
    /// read with the codes meant, so the error is reported once, with the line as it should be,
    /// and the rest of the chart is checked as usual.
    ///
    /// ## Why it matters
    /// Every translation names its language by code. A line the tool had to guess at is one a
    /// reader may read differently; written as codes, it means one thing.
    ///
    /// ## Example
    /// ```flow
    /// languages en, th
    /// actor police "Royal Thai Police" { th "สำนักงานตำรวจแห่งชาติ" }
    /// start tip_off "Tip-off received" by police { th "ได้รับแจ้งเบาะแส" }
    /// end closed "Case closed" by police { th "ปิดคดี" }
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Write the codes, in lower case, separated by spaces, the language of plain texts first:
    /// `languages en th`.
}
