//! The single table of rules: code ↔ name ↔ default level.

use crate::diagnostic::Severity;

/// How a rule is reported: not at all, as a warning, or as an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $name:literal, $level:ident;)*) => {
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
        }
    };
}

rules! {
    SyntaxError => "RF001", "syntax-error", Deny;
    DuplicateId => "RF002", "duplicate-id", Deny;
    UnknownReference => "RF003", "unknown-reference", Deny;
    WrongKindReference => "RF004", "wrong-kind-reference", Deny;
    InvalidDuration => "RF005", "invalid-duration", Deny;
    UnknownLanguage => "RF006", "unknown-language", Deny;
    NoStart => "RF007", "no-start", Deny;
    EndHasExit => "RF008", "end-has-exit", Deny;
    RepeatedAttribute => "RF009", "repeated-attribute", Deny;
    UnreachableStage => "RF101", "unreachable-stage", Warn;
    DeadEnd => "RF102", "dead-end", Warn;
    NoWayOut => "RF103", "no-way-out", Warn;
    LonelyDecision => "RF104", "lonely-decision", Warn;
    UnlabelledBranch => "RF105", "unlabelled-branch", Warn;
    DuplicateBranch => "RF106", "duplicate-branch", Warn;
    DuplicateEdge => "RF107", "duplicate-edge", Warn;
    UnownedStage => "RF108", "unowned-stage", Warn;
    UnusedActor => "RF109", "unused-actor", Warn;
    MissingTranslation => "RF110", "missing-translation", Warn;
    RequirementViolated => "RF201", "requirement-violated", Deny;
    DeadlineExceeded => "RF202", "deadline-exceeded", Deny;
    DeadlineUnprovable => "RF203", "deadline-unprovable", Warn;
    RequirementVacuous => "RF204", "requirement-vacuous", Warn;
}

impl Rule {
    /// Finds a rule by its code (`RF101`, any case) or its name (`unreachable-stage`).
    pub fn lookup(code_or_name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code_or_name) || r.name() == code_or_name)
    }

    /// Errors of the language itself (RF001–RF009): a file with one cannot be read as a chart,
    /// so their level cannot be changed.
    pub fn is_fixed(self) -> bool {
        self.code() < "RF100"
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
}
