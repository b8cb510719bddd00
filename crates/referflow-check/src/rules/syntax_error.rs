//! RF001: reported by `referflow-syntax` while reading the text.

rule_doc! {
    /// ## What it finds
    /// Text that is not a statement of the language: a missing quote, an unknown keyword, a
    /// duration without its unit, an id where a text belongs. The message says in words what
    /// was expected and where.
    ///
    /// ## Why it matters
    /// A line that cannot be read is a line of the agreement that nobody can check or publish.
    /// Referflow reports every bad statement in one run and goes on with the next one, so the
    /// secretary sees all of them at once.
    ///
    /// ## Example
    /// ```flow
    /// actor police "Royal Thai Police"
    /// start tip_off "Tip-off received" by police within soon
    /// ```
    ///
    /// ## Fix
    /// Write what the message asks for: here a duration such as `24h` or `7d`.
}
