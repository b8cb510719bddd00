//! The single table of rules: code ↔ name ↔ default level.

use crate::diagnostic::Severity;

/// How a rule is reported: not at all, as a warning, or as an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    /// `allow`, `warn` or `deny`.
    pub fn parse(word: &str) -> Option<Level> {
        match word {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// The severity a reported diagnostic gets; allowed rules report nothing.
    pub fn severity(self) -> Severity {
        match self {
            Level::Deny => Severity::Error,
            Level::Warn | Level::Allow => Severity::Warning,
        }
    }
}

/// The level of every rule for one run: the defaults, then `referflow.toml`, then flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    levels: Vec<Level>,
}

impl Default for Levels {
    fn default() -> Self {
        Levels { levels: Rule::ALL.iter().map(|r| r.default_level()).collect() }
    }
}

/// A level that cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {} is an error of the language itself and is always reported as an error", .0.code(), .0.name())]
pub struct FixedRule(pub Rule);

impl Levels {
    pub fn get(&self, rule: Rule) -> Level {
        self.levels[rule as usize]
    }

    /// Sets a rule's level; the errors of the language (RF001–RF013) stay errors.
    pub fn set(&mut self, rule: Rule, level: Level) -> Result<(), FixedRule> {
        if rule.is_fixed() && level != Level::Deny {
            return Err(FixedRule(rule));
        }
        self.levels[rule as usize] = level;
        Ok(())
    }

    /// `-A warnings`: every rule now at `warn` becomes `allow`.
    pub fn allow_warnings(&mut self) {
        for level in &mut self.levels {
            if *level == Level::Warn {
                *level = Level::Allow;
            }
        }
    }

    /// `-D warnings`: every rule now at `warn` becomes `deny`.
    pub fn deny_warnings(&mut self) {
        for level in &mut self.levels {
            if *level == Level::Warn {
                *level = Level::Deny;
            }
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $name:literal, $level:ident, $module:ident;)*) => {
        /// Every diagnostic referflow can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable code, such as `RF101`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)*
                }
            }

            /// The stable kebab-case name, such as `unreachable-stage`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            pub fn default_level(self) -> Level {
                match self {
                    $(Rule::$variant => Level::$level,)*
                }
            }

            /// The rule's doc comment as written (each line indented by one space).
            fn doc(self) -> &'static str {
                match self {
                    $(Rule::$variant => crate::rules::$module::DOC,)*
                }
            }
        }
    };
}

rules! {
    SyntaxError => "RF001", "syntax-error", Deny, syntax_error;
    DuplicateId => "RF002", "duplicate-id", Deny, duplicate_id;
    UnknownReference => "RF003", "unknown-reference", Deny, unknown_reference;
    WrongKindReference => "RF004", "wrong-kind-reference", Deny, wrong_kind_reference;
    InvalidDuration => "RF005", "invalid-duration", Deny, invalid_duration;
    UnknownLanguage => "RF006", "unknown-language", Deny, unknown_language;
    NoStart => "RF007", "no-start", Deny, no_start;
    EndHasExit => "RF008", "end-has-exit", Deny, end_has_exit;
    RepeatedAttribute => "RF009", "repeated-attribute", Deny, repeated_attribute;
    BadInclude => "RF010", "bad-include", Deny, bad_include;
    DuplicateNumber => "RF011", "duplicate-number", Deny, duplicate_number;
    RetiredNumber => "RF012", "retired-number", Deny, retired_number;
    BadLanguages => "RF013", "bad-languages", Deny, bad_languages;
    UnreachableStage => "RF101", "unreachable-stage", Warn, unreachable_stage;
    DeadEnd => "RF102", "dead-end", Warn, dead_end;
    NoWayOut => "RF103", "no-way-out", Warn, no_way_out;
    LonelyDecision => "RF104", "lonely-decision", Warn, lonely_decision;
    UnlabelledBranch => "RF105", "unlabelled-branch", Warn, unlabelled_branch;
    DuplicateBranch => "RF106", "duplicate-branch", Warn, duplicate_branch;
    DuplicateEdge => "RF107", "duplicate-edge", Warn, duplicate_edge;
    UnownedStage => "RF108", "unowned-stage", Warn, unowned_stage;
    UnusedActor => "RF109", "unused-actor", Warn, unused_actor;
    MissingTranslation => "RF110", "missing-translation", Warn, missing_translation;
    UnnumberedStage => "RF111", "unnumbered-stage", Warn, unnumbered_stage;
    StaleTranslation => "RF112", "stale-translation", Warn, stale_translation;
    LeafletGap => "RF113", "leaflet-gap", Warn, leaflet_gap;
    RequirementViolated => "RF201", "requirement-violated", Deny, requirement_violated;
    DeadlineExceeded => "RF202", "deadline-exceeded", Deny, deadline_exceeded;
    DeadlineUnprovable => "RF203", "deadline-unprovable", Warn, deadline_unprovable;
    RequirementVacuous => "RF204", "requirement-vacuous", Warn, requirement_vacuous;
}

impl Rule {
    /// Finds a rule by its code (`RF101`, any case) or its name (`unreachable-stage`).
    pub fn lookup(code_or_name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name() == code_or_name)
    }

    /// Errors of the language itself (RF001–RF013): a file with one cannot be read as a chart,
    /// so their level cannot be changed.
    pub fn is_fixed(self) -> bool {
        self.code() < "RF100"
    }

    /// The rule's documentation in Markdown (the doc comment, unindented).
    pub fn docs(self) -> String {
        self.doc().lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n")
    }

    /// The first paragraph of "What it finds", on one line.
    pub fn summary(self) -> String {
        let docs = self.docs();
        let body = docs.split("## What it finds").nth(1).unwrap_or(&docs).trim_start();
        let paragraph = body.split("\n\n").next().unwrap_or(body);
        paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The first sentence of [`Rule::summary`]: what the rule finds, in one sentence (SARIF's
    /// `shortDescription`, which code scanning shows in its list of rules).
    pub fn sentence(self) -> String {
        let summary = self.summary();
        match summary.find(". ") {
            Some(end) => summary[..=end].to_owned(),
            None => summary,
        }
    }

    pub fn default_severity(self) -> Severity {
        match self.default_level() {
            Level::Deny => Severity::Error,
            Level::Warn | Level::Allow => Severity::Warning,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_found_both_ways() {
        for rule in Rule::ALL {
            assert_eq!(Rule::lookup(rule.code()), Some(*rule));
            assert_eq!(Rule::lookup(rule.name()), Some(*rule));
            assert_eq!(Rule::lookup(&rule.code().to_lowercase()), Some(*rule));
        }
        assert_eq!(Rule::lookup("RF999"), None);
        assert!(Rule::SyntaxError.is_fixed() && Rule::RepeatedAttribute.is_fixed());
        assert!(!Rule::UnreachableStage.is_fixed());
    }

    #[test]
    fn each_rule_says_what_it_finds_in_one_sentence() {
        for rule in Rule::ALL {
            let sentence = rule.sentence();
            assert!(sentence.ends_with('.') && !sentence.contains(". "), "{}: {sentence}", rule.code());
            assert!(rule.summary().starts_with(&sentence), "{}", rule.code());
        }
        assert_eq!(Rule::NoStart.sentence(), "A chart without any `start` stage.");
        assert_eq!(
            Rule::NoWayOut.sentence(),
            "A loop of stages from which no `end` can be reached: once a case enters it, it goes round for ever."
        );
    }
}
