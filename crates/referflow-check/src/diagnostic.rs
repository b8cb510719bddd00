//! What the checker reports: a rule, a message for a committee secretary, the spans involved
//! and a help line.

use std::fmt;

use referflow_syntax::Span;

use crate::registry::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary span with its label: the other definition, a stage on an offending path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// In the diagnostic's file, or in `file` when that is given.
    pub span: Span,
    pub label: String,
    /// Another file of the chart (one it includes, or the one that includes it): set by the
    /// program that read the files, which alone knows them.
    pub file: Option<Box<OtherFile>>,
}

/// A file of the chart other than the diagnostic's, and where the related span is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherFile {
    /// As printed.
    pub name: String,
    /// As the user would write it (relative to the current folder when the chart's path was).
    pub path: std::path::PathBuf,
    /// 1-based line and column (in characters) of the span's start and end.
    pub start: (usize, usize),
    pub end: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The label under the primary span.
    pub label: String,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// The stage the diagnostic is about, where it is about one stage.
    pub stage: Option<String>,
    /// That stage's number, when the chart numbers its stages (`step 14 screen "…"`).
    pub step: Option<u32>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            span,
            label: label.into(),
            related: Vec::new(),
            help: None,
            stage: None,
            step: None,
        }
    }

    /// The RF001 diagnostic of a syntax error.
    pub fn syntax(error: &referflow_syntax::SyntaxError) -> Self {
        let mut d = Diagnostic::new(Rule::SyntaxError, error.span, error.message.clone(), error.label.clone());
        d.help = error.help.clone();
        d
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related { span, label: label.into(), file: None });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_stage(mut self, stage: &str) -> Self {
        self.stage = Some(stage.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{} {}", self.rule.code(), self.rule.name())))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = miette::LabeledSpan::new_primary_with_span(Some(self.label.clone()), to_miette(self.span));
        let related =
            self.related.iter().map(|r| miette::LabeledSpan::new_with_span(Some(r.label.clone()), to_miette(r.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

fn to_miette(span: Span) -> miette::SourceSpan {
    (span.start as usize, span.len()).into()
}
