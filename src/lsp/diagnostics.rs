//! The checker's diagnostics as the protocol carries them.

use std::fmt::Write;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Uri,
};
use referflow_check::{Levels, Rule, Severity};

use super::text::LineMap;
use crate::driver::include::{Sources, chart_of as sources_of};
use crate::input::Loaded;

/// Whether the file has a `start` stage (at the top or in a phase).
fn has_start(file: &referflow_syntax::File<'_>) -> bool {
    use referflow_syntax::{PhaseItem, StageKind, Statement};
    file.statements.iter().any(|s| match s {
        Statement::Stage(stage) => stage.kind == StageKind::Start,
        Statement::Phase(phase) => {
            phase.items.iter().any(|i| matches!(i, PhaseItem::Stage(stage) if stage.kind == StageKind::Start))
        }
        _ => false,
    })
}

/// The files of the chart whose first file is `text` at `path`, when it includes any.
pub fn chart_of(path: &std::path::Path, text: &str) -> Option<Sources> {
    let main = Loaded { name: crate::input::shown(path), text: text.to_string() };
    sources_of(path, &main).ok().flatten()
}

/// Checks a document and converts every diagnostic.
///
/// The help line goes into the message, after a line break: editors show related information
/// only when a diagnostic is expanded, and the help is the part a secretary needs first.
/// Related spans (the other definition, each stage of an offending path) become related
/// information, labelled as in `referflow check`; for a client that does not show related
/// information (`related_shown` false) they are also written into the message, one
/// `line:column: label` line each (counted as `referflow check` counts), so that they are not lost.
///
/// A chart with an `include` (saved as a file) is checked with the files it includes, as
/// `referflow check` does, this document's text as the editor has it: what the included
/// files define is known, and only this document's diagnostics are shown.
pub fn check(uri: &Uri, lines: &LineMap<'_>, levels: &Levels, related_shown: bool) -> Vec<Diagnostic> {
    let file = referflow_syntax::parse(lines.text());
    let path = super::file_path(uri);
    // A chart that includes files, or a file that a chart includes (it has no `start` of its
    // own), is checked as the whole chart; the diagnostics of this file are shown.
    let whole = path.as_ref().and_then(|path| match chart_of(path, lines.text()) {
        Some(sources) => Some((sources, 0)),
        None if !has_start(&file) => crate::driver::include::owner_of(path, lines.text()),
        None => None,
    });
    let (diagnostics, sources) = match whole {
        Some((sources, index)) => {
            let arena = bumpalo::Bump::new();
            let diagnostics = sources.split(sources.check(&arena, levels).diagnostics).swap_remove(index);
            (diagnostics, Some(sources))
        }
        None => (referflow_check::check_with(&file, levels).diagnostics, None),
    };
    // The other files of the chart, as they were checked: where a related place in one is.
    let other_file = |path: &std::path::Path| sources.as_ref()?.files.iter().find(|f| f.path == path);
    let index = (!related_shown).then(|| lines.index());
    diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            if let Some(index) = &index {
                for r in &d.related {
                    match &r.file {
                        Some(other) => {
                            let _ =
                                write!(message, "\n{}:{}:{}: {}", other.name, other.start.0, other.start.1, r.label);
                        }
                        None => {
                            let at = index.line_col(lines.text(), r.span.start as usize);
                            let _ = write!(message, "\n{}:{}: {}", at.line, at.column, r.label);
                        }
                    }
                }
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .related
                .iter()
                .filter_map(|r| {
                    let location = match &r.file {
                        None => Location { uri: uri.clone(), range: lines.range(r.span) },
                        // In an included file: its own lines, counted in the negotiated units.
                        Some(other) => {
                            let file = other_file(&other.path)?;
                            let there = LineMap::new(&file.loaded.text, lines.encoding());
                            Location { uri: super::file_uri(&file.canonical)?, range: there.range(r.span) }
                        }
                    };
                    Some(DiagnosticRelatedInformation { location, message: r.label.clone() })
                })
                .collect();
            Diagnostic {
                range: lines.range(d.span),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.rule.code().to_string())),
                code_description: None,
                source: Some("referflow".to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                // Editors fade what is marked unnecessary: a stage nobody reaches and an actor
                // nobody needs are exactly that.
                tags: matches!(d.rule, Rule::UnreachableStage | Rule::UnusedActor)
                    .then(|| vec![DiagnosticTag::UNNECESSARY]),
                data: None,
            }
        })
        .collect()
}
