//! Referflow in a browser: the checker and the text emitters of the CLI, compiled to
//! `wasm32-unknown-unknown` and exported with wasm-bindgen for the playground
//! (docs/playground.md, "The wasm API").
//!
//! Nothing here checks or writes a chart: every function calls the library functions the CLI
//! calls, on a chart named `chart.flow` read from the text it is given, with every rule at
//! its default level (a browser has no `referflow.toml`). What the CLI prints for a file of
//! that name and text, these functions return, byte for byte; tests/it/playground.rs holds
//! them to the real binary on every bundled chart and fixture.
//!
//! The exports, as JavaScript sees them:
//!
//! - [`check`]`(source) -> string`: `referflow check --format json chart.flow`.
//! - `render(source, format, lang) -> string`, throwing an `Error` with the CLI's words when
//!   the chart has errors, the language is not declared or the format is unknown
//!   ([`render`] in Rust, which returns the words as the error).
//! - [`info`]`(source) -> string`: the title and the languages, as JSON.
//! - [`keywords`]`() -> string`: the language's words by role, as JSON, from
//!   [`referflow_syntax::language`].
//! - [`version`]`() -> string`.
//!
//! A chart in the browser is one file: an `include` cannot be followed, and is reported as
//! RF010 (`bad-include`), an error, where the CLI would read the file.

use std::collections::BTreeMap;

#[cfg(test)]
mod tests;

use referflow_check::{Checked, Diagnostic, Levels, Rule};
use referflow_emit::Source;
use referflow_emit::chart::{self, Chart, RenderOptions};
use referflow_emit::diagnostics::{FileReport, render_json};
use referflow_emit::{dot, html, markdown, mermaid, model_json};
use referflow_syntax::Statement;
use referflow_syntax::language::{self, Place, Role};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The name the chart goes by in diagnostics and messages, as if the CLI had read a file of
/// that name in the current folder.
pub const FILE_NAME: &str = "chart.flow";

/// The formats [`render`] writes, as its `format` argument names them.
pub const FORMATS: [&str; 5] = ["dot", "md", "narrative-html", "mermaid", "json"];

/// The diagnostics of the chart `source`: exactly what `referflow check --format json
/// chart.flow` prints for a file with that text (the JSON of docs/ci.md, "JSON diagnostics").
#[wasm_bindgen]
pub fn check(source: &str) -> String {
    let checked = checked(source);
    let report =
        FileReport { source: Source { name: FILE_NAME, text: source, path: None }, diagnostics: &checked.diagnostics };
    render_json(std::slice::from_ref(&report))
}

/// The chart `source` in `format`, in language `lang` (a declared code, or `""` for the first):
///
/// - `dot`: exactly what `referflow render --to dot` prints;
/// - `md`: the Markdown narrative without its Mermaid block (`render --to md --no-diagram`);
/// - `narrative-html`: the narrative as HTML, as the HTML page shows it (user text escaped,
///   no script), to put inside an element of a page;
/// - `mermaid`: `render --to mermaid`;
/// - `json`: the model (`render --to json`, docs/model.md).
///
/// A chart with errors is refused, in the CLI's words (`chart.flow: the chart has errors; fix
/// them before publishing`), as are an undeclared language and an unknown format. JavaScript
/// gets the words as an `Error`'s message.
pub fn render(source: &str, format: &str, lang: &str) -> Result<String, String> {
    if !FORMATS.contains(&format) {
        return Err(format!("unknown format `{format}`: write one of {}", FORMATS.join(", ")));
    }
    let checked = checked(source);
    if checked.has_errors() {
        return Err(chart::has_errors(FILE_NAME));
    }
    let code = (!lang.is_empty()).then_some(lang);
    let lang = chart::language_index(FILE_NAME, &checked.model.languages, code)?;
    let chart = Chart::new(&checked.model, &checked.diagnostics);
    let options = RenderOptions { lang, diagram: true, ..RenderOptions::default() };
    Ok(match format {
        "dot" => dot::render_dot(&chart, &options),
        "md" => markdown::render_markdown(&chart, &RenderOptions { diagram: false, ..options }),
        "narrative-html" => html::render_narrative(&chart, &options),
        "mermaid" => mermaid::render_mermaid(&chart, &options),
        "json" => model_json::render_model_json(&chart, source),
        _ => unreachable!("format `{format}` is in FORMATS"),
    })
}

/// [`render`] for JavaScript: the refusal is thrown as an `Error`.
#[wasm_bindgen(js_name = render)]
pub fn render_js(source: &str, format: &str, lang: &str) -> Result<String, JsError> {
    render(source, format, lang).map_err(|message| JsError::new(&message))
}

/// The chart's title and languages, as JSON: `{"title": "…", "languages": [{"code": "en",
/// "name": "English"}, …]}`. The title is in the first language, as the HTML page's window
/// title has it (the catalogue's "Referral chart" for a chart without one); each language's
/// name is the one on the HTML page's switch. Given for any text, errors or not: a chart
/// without a `languages` line is in English.
#[wasm_bindgen]
pub fn info(source: &str) -> String {
    let checked = checked(source);
    let model = &checked.model;
    let first = RenderOptions::default();
    let chart = Chart::new(model, &checked.diagnostics);
    let title = match &model.title {
        Some(title) => chart.text(title, &first).to_owned(),
        None => referflow_emit::i18n::Catalogue::for_lang(chart.lang(&first)).0.text("untitled"),
    };
    let languages = model
        .languages
        .iter()
        .map(|code| LanguageInfo { code, name: html::language_name(code).into_owned() })
        .collect();
    to_json(&Info { title, languages })
}

#[derive(Serialize)]
struct Info<'a> {
    title: String,
    languages: Vec<LanguageInfo<'a>>,
}

#[derive(Serialize)]
struct LanguageInfo<'a> {
    code: &'a str,
    name: String,
}

/// The words of the language, as JSON, from the one table of them
/// ([`referflow_syntax::language`]), for the editor's highlighting and completion:
///
/// ```json
/// {
///   "roles": {"statement": ["title", …], "stage": […], "attribute": […],
///             "requirement": […], "numbering": […], "branch": ["yes", "no"]},
///   "keywords": [{"word": "title", "role": "statement", "starts_line_in": ["top"],
///                 "meaning": "…"}, …],
///   "reserved": ["title", …],
///   "leaflet_parts": ["hotline", "right"],
///   "units": [{"suffix": "min", "meaning": "minutes", "example": "30min"}, …]
/// }
/// ```
///
/// `roles` lists every keyword once, under its role; `reserved` is every keyword (none can be
/// an id); the leaflet's parts mean something only after `leaflet` and are not reserved.
/// Places are `top`, `phase`, `actor` and `stage`.
#[wasm_bindgen]
pub fn keywords() -> String {
    let mut roles: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for k in &language::KEYWORDS {
        roles.entry(role_name(k.role)).or_default().push(k.word);
    }
    let keywords = language::KEYWORDS
        .iter()
        .map(|k| KeywordInfo {
            word: k.word,
            role: role_name(k.role),
            starts_line_in: k.starts_line_in.iter().map(|&p| place_name(p)).collect(),
            meaning: k.meaning,
        })
        .collect();
    let units =
        language::UNITS.iter().map(|u| UnitInfo { suffix: u.suffix, meaning: u.meaning, example: u.example }).collect();
    to_json(&Words {
        roles,
        keywords,
        reserved: language::RESERVED.to_vec(),
        leaflet_parts: language::LEAFLET_PARTS.to_vec(),
        units,
    })
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Statement => "statement",
        Role::Stage => "stage",
        Role::Attribute => "attribute",
        Role::Requirement => "requirement",
        Role::Numbering => "numbering",
        Role::Branch => "branch",
    }
}

fn place_name(place: Place) -> &'static str {
    match place {
        Place::Top => "top",
        Place::Phase => "phase",
        Place::Actor => "actor",
        Place::Stage => "stage",
    }
}

#[derive(Serialize)]
struct Words {
    /// By role, the roles in alphabetical order, the words of each in the table's.
    roles: BTreeMap<&'static str, Vec<&'static str>>,
    keywords: Vec<KeywordInfo>,
    reserved: Vec<&'static str>,
    leaflet_parts: Vec<&'static str>,
    units: Vec<UnitInfo>,
}

#[derive(Serialize)]
struct KeywordInfo {
    word: &'static str,
    role: &'static str,
    starts_line_in: Vec<&'static str>,
    meaning: &'static str,
}

#[derive(Serialize)]
struct UnitInfo {
    suffix: &'static str,
    meaning: &'static str,
    example: &'static str,
}

/// The version of Referflow, as `referflow --version` gives it after the program's name:
/// `0.1.0`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The chart checked as the CLI checks a file of one chart (`check_source` at the default
/// levels), with an RF010 for each `include`, which a browser cannot follow, placed among the
/// diagnostics as the CLI places what it cannot include.
fn checked(source: &str) -> Checked<'_> {
    let mut checked = referflow_check::check_source(source, &Levels::default());
    let unfollowed = includes(source);
    if !unfollowed.is_empty() {
        checked.diagnostics.extend(unfollowed);
        checked.diagnostics.sort_by_key(|d| d.span.start);
    }
    checked
}

/// An RF010 for every `include` of `source` whose path the checker does not refuse on its own.
fn includes(source: &str) -> Vec<Diagnostic> {
    // Parsing again only a chart that may include: most charts never write the word.
    if !source.contains("include") {
        return Vec::new();
    }
    referflow_syntax::parse(source)
        .statements
        .iter()
        .filter_map(|s| match s {
            Statement::Include(include) if referflow_check::bad_include_path(&include.path.value).is_none() => {
                let message = format!(
                    "`include \"{}\"`: the playground reads no other file",
                    include.path.value.escape_debug()
                );
                let help = "paste that file's statements here in place of the `include`, or check the chart with the referflow program";
                Some(Diagnostic::new(Rule::BadInclude, include.path.span, message, "cannot be included").with_help(help))
            }
            _ => None,
        })
        .collect()
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("plain strings and lists serialize: {e}"))
}
