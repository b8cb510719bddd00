//! RF010: a path that can never be included, found while resolving names (`resolve.rs`);
//! what only reading the files can find (a missing file, a link out of the chart's folder, a
//! cycle) is reported by the program that reads them (`src/driver/include.rs`).

rule_doc! {
    /// ## What it finds
    /// An `include` that cannot be read as part of the chart: a URL, an absolute path, a
    /// backslash, a path that leads out of the folder of the chart given on the command line
    /// (`..` too far up, or a symbolic link to somewhere else), a file that does not exist or
    /// is not a regular file, a file included twice, and includes that form a cycle (the
    /// message shows it).
    ///
    /// ## Why it matters
    /// A chart is reviewed and published as a whole. An include that reaches outside its
    /// folder would read what the reviewers never saw, and in CI it could quote any file of
    /// the machine; a URL would fetch text from anywhere. A cycle has no end.
    ///
    /// ## Example
    /// ```flow
    /// include "/etc/agencies.flow"
    /// actor mdt "Multidisciplinary team"
    /// start tip_off "Tip-off received" by mdt
    /// end closed "Case closed" by mdt
    /// tip_off -> closed
    /// ```
    ///
    /// ## Fix
    /// Keep the shared files inside the chart's folder and name them relative to the file that
    /// includes them, with `/` between folders: `include "shared/agencies.flow"`.
}
