//! docs/rules.md and `referflow explain`, made from the rules' doc comments.

use referflow_check::{Level, Rule};

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Allow => "allowed",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

/// Where the project's source lives: the `repository` of the package metadata (set it once in
/// the root Cargo.toml's `[workspace.package]`, with `repository.workspace = true` here), or,
/// while the workspace names none, the placeholder that docs/ci.md uses too.
pub const REPOSITORY: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://github.com/OWNER/referflow"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

/// The anchor of a rule's section in docs/rules.md: GitHub's slug of its heading
/// `## RF101 unreachable-stage` (lower case, the space a `-`).
pub fn anchor(rule: Rule) -> String {
    format!("{}-{}", rule.code(), rule.name()).to_lowercase()
}

/// The address of a rule's section in docs/rules.md on the default branch (SARIF's `helpUri`).
pub fn rule_url(rule: Rule) -> String {
    format!("{REPOSITORY}/blob/main/docs/rules.md#{}", anchor(rule))
}

/// What `referflow explain RULE` prints.
pub fn explain(rule: Rule) -> String {
    let fixed = if rule.is_fixed() { "; an error of the language, always reported" } else { "" };
    format!(
        "{} {} (default: {}{fixed})\n\n{}\n",
        rule.code(),
        rule.name(),
        level_word(rule.default_level()),
        rule.docs().trim_end()
    )
}

/// The whole of docs/rules.md.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from the doc comments in crates/referflow-check/src/rules/ by the test\n     \
         `rules_doc_is_current`; run `REFERFLOW_BLESS=1 cargo test --test it rules_doc` after\n     \
         changing a rule's doc comment. Do not edit by hand. -->\n\n\
         Every diagnostic has a stable code and name. `referflow explain RULE` prints a rule's\n\
         entry below. Errors of the language (RF001–RF013) are always errors; the level of every\n\
         other rule can be changed with `-A`, `-W` and `-D` (by code or name), `-D warnings`, or a\n\
         `referflow.toml` (see [ci.md](ci.md)).\n\n\
         | code | name | default | what it finds |\n| --- | --- | --- | --- |\n",
    );
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| [{code}](#{anchor}) | `{name}` | {level} | {summary} |\n",
            code = rule.code(),
            anchor = anchor(*rule),
            name = rule.name(),
            level = level_word(rule.default_level()),
            summary = rule.summary().replace('|', "\\|"),
        ));
    }
    for rule in Rule::ALL {
        out.push_str(&format!(
            "\n## {} {}\n\nDefault: {}.\n\n",
            rule.code(),
            rule.name(),
            level_word(rule.default_level())
        ));
        for line in rule.docs().trim_end().lines() {
            match line.strip_prefix("## ") {
                Some(heading) => out.push_str(&format!("### {heading}\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}
