//! RF006: reported while resolving names (`resolve.rs`).

rule_doc! {
    /// ## What it finds
    /// A translation in a language that the `languages` line does not declare. Without a
    /// `languages` line a chart is in English only.
    ///
    /// ## Why it matters
    /// The declared languages are the languages the committee publishes in. A text in another
    /// language is either a typo in the code (`tha` for `th`) or a language nobody will review.
    ///
    /// ## Example
    /// ```flow
    /// languages en th
    /// actor police "Royal Thai Police" { fr "Police royale thaïlandaise" }
    /// start tip_off "Tip-off received" by police { th "ได้รับแจ้งเบาะแส" }
    /// end closed "Case closed" by police { th "ปิดคดี" }
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Add the language to the `languages` line, or correct or remove the translation.
}
