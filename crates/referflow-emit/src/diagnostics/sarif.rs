//! `check --format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. The driver lists every
//! rule with its description and help; each result has its rule, level, message, a region with
//! start and end line and column, and related locations for the other spans (the stages of an
//! offending path, the other definition).

use referflow_check::{Level, Rule};
use referflow_syntax::{LineIndex, Span};
use serde_json::{Value, json};

use super::FileReport;

/// The whole run as one SARIF log, pretty-printed, with a trailing newline.
pub fn render_sarif(reports: &[FileReport<'_>]) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": rule.summary()},
                "help": {"text": rule.docs(), "markdown": rule.docs()},
                "defaultConfiguration": {"level": level(rule.default_level())},
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue; // no line index to build for a clean file
        }
        let index = LineIndex::new(report.source.text);
        let location = |span: Span| {
            let start = index.line_col(report.source.text, span.start as usize);
            let end = index.line_col(report.source.text, span.end as usize);
            json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(report.source.name)},
                    "region": {
                        "startLine": start.line,
                        "startColumn": start.column,
                        "endLine": end.line,
                        "endColumn": end.column,
                    }
                }
            })
        };
        for d in report.diagnostics {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(r.span);
                    l["id"] = json!(i + 1);
                    l["message"] = json!({"text": r.label});
                    l
                })
                .collect();
            let mut result = json!({
                "ruleId": d.rule.code(),
                "ruleIndex": d.rule as usize,
                "level": if d.is_error() { "error" } else { "warning" },
                "message": {"text": text},
                "locations": [location(d.span)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "referflow",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|e| unreachable!("plain data serializes: {e}"));
    text.push('\n');
    text
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
