//! `check --format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. The driver lists every
//! rule with its description and help; each result has its rule, level, message, a region with
//! start and end line and column, and related locations for the other spans (the stages of an
//! offending path, the other definition).

use referflow_check::{Diagnostic, Level, Rule};
use referflow_syntax::{LineIndex, Span};
use serde::Serialize;

use super::{Each, FileReport, write_pretty};

/// The whole run as one SARIF log, pretty-printed, with a trailing newline.
pub fn render_sarif(reports: &[FileReport<'_>]) -> String {
    super::to_string(|sink| write_sarif(reports, sink))
}

/// [`render_sarif`] written to `sink` as it is made: each result is made, written and dropped
/// in turn, so memory is bounded by the charts, not by the report (300,000 results of a
/// hostile file took 2.9 GB as one JSON value tree).
pub fn write_sarif(reports: &[FileReport<'_>], sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules = Rule::ALL
        .iter()
        .map(|rule| RuleDescriptor {
            id: rule.code(),
            name: rule.name(),
            short_description: Text { text: rule.summary().to_owned() },
            full_description: Text { text: rule.summary().to_owned() },
            help: {
                let docs = rule.docs();
                Help { text: docs.clone(), markdown: docs }
            },
            default_configuration: Configuration { level: level(rule.default_level()) },
        })
        .collect();
    let results = Each {
        reports,
        prepare: |report: &FileReport<'_>| (LineIndex::new(report.source.text), uri(report.source.name)),
        element: |report: &FileReport<'_>, (index, uri): &(LineIndex, String), d: &Diagnostic| {
            let place = |span: Span| {
                let start = index.line_col(report.source.text, span.start as usize);
                let end = index.line_col(report.source.text, span.end as usize);
                PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: uri.clone() },
                    region: Region {
                        start_line: start.line,
                        start_column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                    },
                }
            };
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let related = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| Location {
                    id: Some(i + 1),
                    message: Some(Text { text: r.label.clone() }),
                    physical_location: place(r.span),
                })
                .collect();
            ResultOut {
                rule_id: d.rule.code(),
                rule_index: d.rule as usize,
                level: if d.is_error() { "error" } else { "warning" },
                message: Text { text },
                locations: [Location { id: None, message: None, physical_location: place(d.span) }],
                related_locations: related,
            }
        },
    };
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [RunOut {
            tool: Tool { driver: Driver { name: "referflow", version: env!("CARGO_PKG_VERSION"), rules } },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    write_pretty(&log, sink)
}

#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [RunOut<R>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunOut<R> {
    tool: Tool,
    column_kind: &'static str,
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Allow => "none",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

/// A relative URI reference for a path: `/` separators, and everything but unreserved
/// characters percent-encoded.
fn uri(path: &str) -> String {
    let path = if path == "<stdin>" { "stdin" } else { path };
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("charts/thai nrm.flow"), "charts/thai%20nrm.flow");
        assert_eq!(super::uri("ก.flow"), "%E0%B8%81.flow");
        assert_eq!(super::uri("<stdin>"), "stdin");
    }
}
