//! `referflow.toml`: rule levels for the charts in its directory and below.
//!
//! ```toml
//! [rules]
//! missing-translation = "allow"   # a rule by name…
//! RF108 = "deny"                  # …or by code; levels are allow, warn and deny
//!
//! [fonts]
//! th = "Laksaman"                 # drawn first in the Thai diagram (docs/publishing.md)
//! "*" = "Noto Sans"               # …or in every language
//! ```
//!
//! The nearest file wins: it is looked for in the chart's directory, then each directory above
//! (for standard input, the current directory), as docs/ci.md says. Every command takes its rule
//! levels from here, through [`levels_for`] or [`Configs::levels_for`], and nowhere else;
//! `render` and `build` take the fonts through [`fonts_for`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use referflow_check::{Level, Levels, Rule};
use referflow_emit::fonts::{self, Choice};
use serde::Deserialize;
use toml::Spanned;

use crate::Failure;

pub const FILE_NAME: &str = "referflow.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    fonts: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// What a config file says.
#[derive(Debug, Clone, Default)]
struct Config {
    levels: Levels,
    /// The fonts chosen, each with where its family is written (`referflow.toml:3:6`).
    fonts: Vec<(Choice, String)>,
}

/// The rule levels for the chart at `chart` (`-` for standard input): the defaults, then the
/// nearest `referflow.toml`. For a command that reads one chart, or reads the file afresh on
/// every change (`serve`, the language server).
pub fn levels_for(chart: &Path) -> Result<Levels, Failure> {
    Configs::default().levels_for(chart)
}

/// Finds and reads the config files for the charts of one run, each directory looked up and
/// each file read once.
#[derive(Debug, Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    read: HashMap<PathBuf, Config>,
}

/// The fonts the nearest `referflow.toml` chooses for the chart at `chart`, each family
/// checked to be installed (an error names the family and where it is written).
pub fn fonts_for(chart: &Path) -> Result<Vec<Choice>, Failure> {
    let config = Configs::default().config_for(chart)?;
    config
        .fonts
        .into_iter()
        .map(|(choice, at)| match fonts::installed(&choice.family) {
            Ok(()) => Ok(choice),
            Err(unknown) => Err(Failure(format!("{at}: {unknown}"))),
        })
        .collect()
}

impl Configs {
    /// The rule levels for the chart at `chart` (`-` for standard input): the defaults, then
    /// the nearest `referflow.toml`.
    pub fn levels_for(&mut self, chart: &Path) -> Result<Levels, Failure> {
        Ok(self.config_for(chart)?.levels)
    }

    fn config_for(&mut self, chart: &Path) -> Result<Config, Failure> {
        let dir = dir_of(chart);
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        let found = match self.by_dir.get(&dir) {
            Some(found) => found.clone(),
            None => {
                let found = dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file());
                self.by_dir.insert(dir, found.clone());
                found
            }
        };
        let Some(path) = found else { return Ok(Config::default()) };
        if let Some(config) = self.read.get(&path) {
            return Ok(config.clone());
        }
        let config = read(&path)?;
        self.read.insert(path, config.clone());
        Ok(config)
    }
}

/// Where the search for `referflow.toml` starts: the chart's directory, the current one for
/// standard input or a bare file name (whose parent is the empty path, which
/// `std::path::absolute` refuses, so the search would not go above it).
fn dir_of(chart: &Path) -> PathBuf {
    if chart.as_os_str() == "-" {
        return PathBuf::from(".");
    }
    chart.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The levels a config file sets, over the defaults, in the order written, and its fonts.
fn read(path: &Path) -> Result<Config, Failure> {
    let name = crate::input::shown(path);
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{name}: cannot read: {e}")))?;
    let lines = referflow_syntax::LineIndex::new(&text);
    let at = |offset: usize| {
        let at = lines.line_col(&text, offset);
        format!("{name}:{}:{}", at.line, at.column)
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let place = e.span().map_or_else(|| name.to_string(), |s| at(s.start));
        Failure(format!("{place}: {}", crate::input::visible(e.message().trim_end())))
    })?;
    let mut levels = Levels::default();
    for (key, value) in &file.rules {
        let rule = Rule::lookup(key.get_ref()).ok_or_else(|| {
            Failure(format!(
                "{}: unknown rule `{}`; `referflow explain` lists the rules",
                at(key.span().start),
                crate::input::visible(key.get_ref())
            ))
        })?;
        let level = Level::parse(value.get_ref()).ok_or_else(|| {
            Failure(format!(
                "{}: `{}` is not a level; use \"allow\", \"warn\" or \"deny\"",
                at(value.span().start),
                crate::input::visible(value.get_ref())
            ))
        })?;
        if rule.is_fixed() && level != Level::Deny {
            return Err(Failure(format!("{}: {}", at(key.span().start), referflow_check::FixedRule(rule))));
        }
        // Fixed rules were refused just above.
        let _ = levels.set(rule, level);
    }
    let mut fonts = Vec::new();
    for (key, value) in &file.fonts {
        let lang = font_language(key.get_ref()).map_err(|why| Failure(format!("{}: {why}", at(key.span().start))))?;
        if value.get_ref().trim().is_empty() {
            return Err(Failure(format!(
                "{}: give the font's family name, such as \"Noto Sans Thai\"",
                at(value.span().start)
            )));
        }
        fonts.push((Choice { lang, family: value.get_ref().clone() }, at(value.span().start)));
    }
    Ok(Config { levels, fonts })
}

/// The language a font is chosen for: a code (`th`, `pt-BR`), or `*` for every language.
pub fn font_language(key: &str) -> Result<Option<String>, String> {
    if key == "*" {
        return Ok(None);
    }
    let mut parts = key.split('-');
    let primary = parts.next().unwrap_or_default();
    let code = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if code {
        Ok(Some(key.to_owned()))
    } else {
        Err(format!(
            "`{}` is not a language code; a font is chosen for a language of the chart (`th`, `pt-BR`) or for every one (`*`)",
            crate::input::visible(key)
        ))
    }
}
