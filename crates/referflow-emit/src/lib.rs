//! Everything referflow writes: diagnostics for people and machines, and the chart in each
//! publishing format. One file per format.

pub mod chart;
pub mod comment_report;
#[cfg(feature = "draw")]
pub mod coverage;
pub mod description;
pub mod diagnostics;
#[cfg(feature = "draw")]
pub(crate) mod diagram;
pub mod diff_report;
pub mod dot;
#[cfg(feature = "draw")]
pub mod fonts;
pub mod glossary;
pub mod graphviz;
#[cfg(feature = "draw")]
pub mod hearing;
pub mod html;
pub mod i18n;
#[cfg(feature = "draw")]
pub mod leaflet;
pub mod markdown;
pub mod mermaid;
pub mod model_json;
pub mod numbers;
mod out;
#[cfg(feature = "draw")]
pub mod pages;
#[cfg(feature = "draw")]
pub mod pdf;
#[cfg(feature = "draw")]
pub mod png;
pub mod rules_doc;
pub mod scene;
pub mod since;
pub mod wrap;

/// A checked source file, as the emitters need it: its name for messages, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path as the user gave it, or `<stdin>`.
    pub name: &'a str,
    pub text: &'a str,
    /// The file the text was read from, as given (relative to the current directory or
    /// absolute); `None` for standard input or a text that was never a file. SARIF names the
    /// file by it, byte for byte, where `name` has its control characters made visible.
    pub path: Option<&'a std::path::Path>,
}

/// Whether `c` would act on a terminal or a log instead of being read: a control character (a
/// line break, a carriage return, an escape) or one that reorders text (bidirectional
/// overrides and isolates).
pub fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [hidden](is_hidden) character made visible as `\n`, `\r`, `\t`,
/// `\u{1b}`…, so that text from a stranger's revision can neither start a line of its own in a
/// CI log (where a line `::error …` is a command) nor rewrite what a reviewer sees.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `c`, made visible if it is [hidden](is_hidden).
pub(crate) fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}
