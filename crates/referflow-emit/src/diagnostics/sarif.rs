//! `check --format sarif`: SARIF 2.1.0, as GitHub code scanning reads it. The driver lists every
//! rule with a one-sentence `shortDescription`, its description, its help and a `helpUri` to
//! its section of docs/rules.md; each result has its rule, level, message, a region with start
//! and end line and column, related locations for the other spans (the stages of an offending
//! path, the other definition), and a `partialFingerprints` entry that follows the finding
//! when lines are added or removed elsewhere in the file.
//!
//! Files are named relative to `%SRCROOT%` (the current directory, given in the run's
//! `originalUriBaseIds`), so that code scanning matches them to the checkout wherever it is; a
//! file outside it gets an absolute `file://` URI, and standard input the relative URI `stdin`
//! with no base. A path's bytes are percent-encoded (everything but RFC 3986's unreserved
//! characters), so no file name, however hostile, can break or bend the URI.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use referflow_check::{Diagnostic, Level, Rule};
use referflow_syntax::{LineIndex, Span};
use serde::Serialize;

use super::{Each, FileReport, write_pretty};
use crate::rules_doc;

/// The name of the base URI that relative file URIs are resolved against.
const SRCROOT: &str = "%SRCROOT%";

/// The whole run as one SARIF log, pretty-printed, with a trailing newline. `root` is the
/// directory `%SRCROOT%` stands for (the current directory); see [`write_sarif`].
pub fn render_sarif(reports: &[FileReport<'_>], root: Option<&Path>) -> String {
    super::to_string(|sink| write_sarif(reports, root, sink))
}

/// [`render_sarif`] written to `sink` as it is made: each result is made, written and dropped
/// in turn, so memory is bounded by the charts, not by the report (300,000 results of a
/// hostile file took 2.9 GB as one JSON value tree).
///
/// `root`, an absolute path, is the directory that `%SRCROOT%` stands for: a file below it is
/// named relative to it. Without a root, `%SRCROOT%` is left to the reader of the log (code
/// scanning takes the checkout) and only relative paths are named relative to it.
pub fn write_sarif(
    reports: &[FileReport<'_>],
    root: Option<&Path>,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let root = root.map(normalized);
    let rules = Rule::ALL
        .iter()
        .map(|rule| RuleDescriptor {
            id: rule.code(),
            name: rule.name(),
            short_description: Text { text: rule.sentence() },
            full_description: Text { text: rule.summary() },
            help_uri: rules_doc::rule_url(*rule),
            help: {
                let docs = rule.docs();
                Help { text: docs.clone(), markdown: docs }
            },
            default_configuration: Configuration { level: level(rule.default_level()) },
        })
        .collect();
    let results = Each {
        reports,
        prepare: |report: &FileReport<'_>| FileContext {
            index: LineIndex::new(report.source.text),
            artifact: artifact(report, root.as_deref()),
            fingerprints: RefCell::new(Fingerprints::default()),
        },
        element: |report: &FileReport<'_>, file: &FileContext, d: &Diagnostic| {
            let text = report.source.text;
            let place = |span: Span| {
                let start = file.index.line_col(text, span.start as usize);
                let end = file.index.line_col(text, span.end as usize);
                PhysicalLocation {
                    artifact_location: file.artifact.clone(),
                    region: Region {
                        start_line: start.line,
                        start_column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                    },
                }
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| Location {
                    id: Some(i + 1),
                    message: Some(Text { text: r.label.clone() }),
                    physical_location: match &r.file {
                        // In another file of the chart (an included one).
                        Some(other) => PhysicalLocation {
                            artifact_location: artifact_of(&other.path, root.as_deref()),
                            region: Region {
                                start_line: other.start.0,
                                start_column: other.start.1,
                                end_line: other.end.0,
                                end_column: other.end.1,
                            },
                        },
                        None => place(r.span),
                    },
                })
                .collect();
            let fingerprint = file.fingerprints.borrow_mut().next(d.rule, text, &file.index, d.span.start as usize);
            ResultOut {
                rule_id: d.rule.code(),
                rule_index: d.rule as usize,
                level: if d.is_error() { "error" } else { "warning" },
                message: Text { text: message },
                locations: [Location { id: None, message: None, physical_location: place(d.span) }],
                related_locations: related,
                partial_fingerprints: PartialFingerprints { referflow_hash_v1: fingerprint },
            }
        },
    };
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [RunOut {
            tool: Tool {
                driver: Driver {
                    name: "referflow",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: rules_doc::REPOSITORY,
                    rules,
                },
            },
            original_uri_base_ids: root
                .as_deref()
                .map(|root| OriginalUriBaseIds { srcroot: BaseUri { uri: directory_uri(root) } }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    write_pretty(&log, sink)
}

/// What the results of one file share.
struct FileContext {
    index: LineIndex,
    artifact: ArtifactLocation,
    fingerprints: RefCell<Fingerprints>,
}

/// `referflowHash/v1`, the key code scanning uses to tell whether a result of this run is an
/// alert it already knows: `HASH:N`, where HASH (16 hex digits, FNV-1a 64) is made of the rule's
/// code and the text of the line the finding starts on, trimmed and with every run of white
/// space made one space, and N counts the results of the file with the same HASH, from 1, in
/// the order they are reported. The line's number is not part of it, so lines added or
/// removed elsewhere leave the key as it was, and re-indenting the line does too; editing the
/// line itself, or adding an identical finding on an identical line above it, changes it.
///
/// Each line is hashed once however many results it has (200,000 on one line of `}`), and the
/// tables hold one entry per line and per key with results: memory in the diagnostics, time
/// linear in the text.
#[derive(Default)]
struct Fingerprints {
    lines: HashMap<usize, u64>,
    seen: HashMap<u64, u32>,
}

impl Fingerprints {
    fn next(&mut self, rule: Rule, text: &str, index: &LineIndex, offset: usize) -> String {
        let line = index.line_of(offset.min(text.len()));
        let line_hash = *self.lines.entry(line).or_insert_with(|| {
            let start = index.line_start(line, text);
            let end = index.line_start(line + 1, text);
            normalized_line_hash(text.get(start..end).unwrap_or(""))
        });
        let mut hash = Fnv::default();
        hash.write(rule.code().as_bytes());
        hash.write(&[0]);
        hash.write(&line_hash.to_le_bytes());
        let key = hash.0;
        let n = self.seen.entry(key).or_insert(0);
        *n += 1;
        format!("{key:016x}:{n}")
    }
}

/// The FNV-1a 64 hash of a line trimmed and with each run of white space (and a byte order
/// mark) made one space, made without copying the line.
fn normalized_line_hash(line: &str) -> u64 {
    let mut hash = Fnv::default();
    let mut space = false;
    let mut started = false;
    for c in line.chars() {
        if c.is_whitespace() || c == '\u{FEFF}' {
            space = started;
            continue;
        }
        if space {
            hash.write(b" ");
            space = false;
        }
        started = true;
        hash.write(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    hash.0
}

/// FNV-1a, 64 bits: tiny, and the same on every platform and release, which a fingerprint
/// must be (std's hashers promise neither).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
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
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<OriginalUriBaseIds>,
    column_kind: &'static str,
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseUri,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help_uri: String,
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
    partial_fingerprints: PartialFingerprints,
}

#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "referflowHash/v1")]
    referflow_hash_v1: String,
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

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
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

/// Where a report's file is: relative to `%SRCROOT%` when it lies below `root`, an absolute
/// `file://` URI when it lies elsewhere, `stdin` (relative, with no base: there is no file)
/// for standard input.
fn artifact(report: &FileReport<'_>, root: Option<&Path>) -> ArtifactLocation {
    let Some(path) = report.source.path else {
        if report.source.name == "<stdin>" {
            return ArtifactLocation { uri: "stdin".into(), uri_base_id: None };
        }
        let uri = encoded(report.source.name.split('/').map(str::as_bytes));
        return ArtifactLocation { uri, uri_base_id: Some(SRCROOT) };
    };
    artifact_of(path, root)
}

/// The location of the file at `path` (as given on the command line, or as an included
/// file's path is written from there).
fn artifact_of(path: &Path, root: Option<&Path>) -> ArtifactLocation {
    let relative = |uri: String| ArtifactLocation { uri, uri_base_id: Some(SRCROOT) };
    let absolute = match root {
        Some(root) if !path.is_absolute() => normalized(&root.join(path)),
        _ => normalized(path),
    };
    if let Some(below) = root.and_then(|root| absolute.strip_prefix(root).ok()) {
        return relative(encoded(below.components().map(|c| c.as_os_str().as_encoded_bytes())));
    }
    if absolute.is_absolute() {
        return ArtifactLocation { uri: file_uri(&absolute), uri_base_id: None };
    }
    relative(encoded(absolute.components().map(|c| c.as_os_str().as_encoded_bytes())))
}

/// `path` with `.` dropped and each `..` taking away the name before it, without asking the
/// file system (a chart's name, not the file a link leads to, is what code scanning knows).
pub fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push(component); // `../x` with nothing to take away
                }
            }
            _ => out.push(component),
        }
    }
    out
}

/// The `file://` URI of an absolute path: `file:///home/a/b.flow`, `file:///C:/a/b.flow`.
pub fn file_uri(path: &Path) -> String {
    let mut prefix = String::new();
    let mut names = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(p) => prefix = p.as_os_str().to_string_lossy().replace('\\', "/"),
            Component::RootDir => {}
            other => names.push(other.as_os_str().as_encoded_bytes()),
        }
    }
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() { String::new() } else { format!("/{prefix}") };
    format!("file://{prefix}/{}", encoded(names))
}

/// The `file://` URI of a directory, which ends in `/` (a base URI must).
fn directory_uri(path: &Path) -> String {
    let mut uri = file_uri(path);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Path names joined by `/`, each byte but RFC 3986's unreserved characters percent-encoded:
/// spaces, non-ASCII text, `%`, `#`, `?`, line breaks and every other control byte.
fn encoded<'p>(names: impl IntoIterator<Item = &'p [u8]>) -> String {
    let mut out = String::new();
    for (i, name) in names.into_iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        for &b in name {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    out
}

#[cfg(test)]
#[cfg_attr(not(unix), allow(dead_code, unused_imports))] // the path tests are Unix only
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Source;

    fn located(name: &str, path: Option<&str>, root: Option<&str>) -> ArtifactLocation {
        let source = Source { name, text: "", path: path.map(Path::new) };
        artifact(&FileReport { source, diagnostics: &[] }, root.map(Path::new))
    }

    fn below(uri: &str) -> ArtifactLocation {
        ArtifactLocation { uri: uri.into(), uri_base_id: Some(SRCROOT) }
    }

    fn absolute(uri: &str) -> ArtifactLocation {
        ArtifactLocation { uri: uri.into(), uri_base_id: None }
    }

    #[test]
    #[cfg(unix)] // the paths are Unix paths
    fn files_below_the_root_are_relative_to_srcroot() {
        let root = Some("/work/repo");
        assert_eq!(
            located("charts/thai nrm.flow", Some("charts/thai nrm.flow"), root),
            below("charts/thai%20nrm.flow")
        );
        assert_eq!(located("ก.flow", Some("./ก.flow"), root), below("%E0%B8%81.flow"));
        assert_eq!(located("x", Some("/work/repo/charts/a.flow"), root), below("charts/a.flow"));
        assert_eq!(located("x", Some("charts/../a.flow"), root), below("a.flow"));
        assert_eq!(located("x", Some("a#1?.flow"), root), below("a%231%3F.flow"));
    }

    #[test]
    #[cfg(unix)] // the paths are Unix paths
    fn files_elsewhere_are_absolute() {
        let root = Some("/work/repo");
        assert_eq!(located("x", Some("/tmp/a b.flow"), root), absolute("file:///tmp/a%20b.flow"));
        assert_eq!(located("x", Some("../other/a.flow"), root), absolute("file:///work/other/a.flow"));
        assert_eq!(located("x", Some("/work/repository/a.flow"), root), absolute("file:///work/repository/a.flow"));
        assert_eq!(located("x", Some("../../../../a.flow"), root), absolute("file:///a.flow"));
        // Without a root, a relative path stays relative to %SRCROOT%.
        assert_eq!(located("x", Some("charts/a.flow"), None), below("charts/a.flow"));
        assert_eq!(located("x", Some("/tmp/a.flow"), None), absolute("file:///tmp/a.flow"));
    }

    #[test]
    #[cfg(unix)] // the paths are Unix paths
    fn standard_input_has_a_name_but_no_base() {
        assert_eq!(located("<stdin>", None, Some("/work/repo")), absolute("stdin"));
        assert_eq!(located("fuzz.flow", None, None), below("fuzz.flow"));
    }

    #[test]
    #[cfg(unix)] // the paths are Unix paths
    fn every_byte_of_a_hostile_name_is_encoded() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"a\n::error file=x::p\r\x1b[2K\xff%\\.flow");
        let source = Source { name: "shown", text: "", path: Some(Path::new(name)) };
        let location = artifact(&FileReport { source, diagnostics: &[] }, Some(Path::new("/r")));
        assert_eq!(location, below("a%0A%3A%3Aerror%20file%3Dx%3A%3Ap%0D%1B%5B2K%FF%25%5C.flow"));
        assert_eq!(directory_uri(Path::new("/r/")), "file:///r/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
        assert_eq!(directory_uri(Path::new("/a b/ก")), "file:///a%20b/%E0%B8%81/");
    }

    #[test]
    fn a_fingerprint_ignores_the_line_number_and_the_indentation() {
        let first = "start s \"S\"\nstep x \"X\" by nobody\n";
        let later = "# a comment\n\nstart s \"S\"\n   step   x \"X\"  by nobody \r\n";
        let key = |text: &str, offset: usize| {
            let index = LineIndex::new(text);
            Fingerprints::default().next(Rule::UnknownReference, text, &index, offset)
        };
        let a = key(first, first.find("nobody").unwrap_or(0));
        assert_eq!(a, key(later, later.find("nobody").unwrap_or(0)));
        assert!(a.ends_with(":1") && a.len() == 18, "{a}");
        assert_ne!(a, key("step x \"X\" by nobodi\n", 15), "the line's text counts");
        let index = LineIndex::new(first);
        let mut keys = Fingerprints::default();
        let one = keys.next(Rule::UnknownReference, first, &index, 20);
        let two = keys.next(Rule::UnknownReference, first, &index, 21);
        let other_rule = keys.next(Rule::UnownedStage, first, &index, 20);
        assert_eq!((one[..16].to_owned(), &one[16..], &two[16..]), (two[..16].to_owned(), ":1", ":2"));
        assert!(other_rule.ends_with(":1") && other_rule[..16] != one[..16]);
    }
}
