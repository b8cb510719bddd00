//! `referflow.toml`: rule levels for the charts in its directory and below.
//!
//! ```toml
//! [rules]
//! missing-translation = "allow"   # a rule by name…
//! RF108 = "deny"                  # …or by code; levels are allow, warn and deny
//! ```
//!
//! The nearest file wins: it is looked for in the chart's directory, then each directory above.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use referflow_check::{Level, Levels, Rule};
use serde::Deserialize;
use toml::Spanned;

use crate::Failure;

pub const FILE_NAME: &str = "referflow.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// The rule levels a config file sets, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub levels: Vec<(Rule, Level)>,
}

/// Finds and reads the config that applies to charts in `dir`, remembering what it read.
#[derive(Debug, Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    read: HashMap<PathBuf, Config>,
}

impl Configs {
    /// The config for a chart in directory `dir` (none if no `referflow.toml` is found).
    pub fn for_dir(&mut self, dir: &Path) -> Result<Config, Failure> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let found = match self.by_dir.get(&dir) {
            Some(found) => found.clone(),
            None => {
                let found = dir.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file());
                self.by_dir.insert(dir.clone(), found.clone());
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

fn read(path: &Path) -> Result<Config, Failure> {
    let name = crate::input::shown(path);
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{name}: cannot read: {e}")))?;
    let at = |offset: usize| {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{name}:{line}:{column}")
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let place = e.span().map_or_else(|| name.to_string(), |s| at(s.start));
        Failure(format!("{place}: {}", crate::input::visible(e.message().trim_end())))
    })?;
    let mut levels = Vec::new();
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
        levels.push((rule, level));
    }
    Ok(Config { levels })
}

/// Applies a config to levels.
pub fn apply(config: &Config, levels: &mut Levels) {
    for (rule, level) in &config.levels {
        // Fixed rules were refused when the file was read.
        let _ = levels.set(*rule, *level);
    }
}
