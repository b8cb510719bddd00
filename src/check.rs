//! `referflow check PATH...`

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{ArgMatches, ValueEnum};
use referflow_check::{Checked, Level, Levels, Rule};
use referflow_emit::Source;
use referflow_emit::diagnostics::{self, FileReport, HumanOptions, Summary};

use crate::config::{self, Configs};
use crate::input::{self, Loaded};
use crate::{Failure, Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Charts to check: files, directories (every `*.flow` below) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// How to report the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Make a rule an error (by code or name); `-D warnings` makes every warning an error.
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    deny: Vec<String>,

    /// Make a rule a warning.
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    warn: Vec<String>,

    /// Do not report a rule; `-A warnings` hides every warning.
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    allow: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// miette's report with the source shown, on stderr.
    Human,
    /// One JSON object on stdout (SPEC §4).
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands on stdout, which become annotations.
    Github,
}

/// A level flag as given: `-D warnings` or `-A RF109`.
#[derive(Debug, Clone, Copy)]
enum Flag {
    Rule(Rule, Level),
    Warnings(Level),
}

pub fn run(args: Args, matches: &ArgMatches) -> Outcome {
    let flags = match level_flags(matches) {
        Ok(flags) => flags,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };

    let mut outcome = Outcome::Clean;
    let mut configs = Configs::default();
    let mut loaded: Vec<(Loaded, Levels)> = Vec::new();
    for path in input::expand(&args.paths) {
        let file = path.and_then(|p| {
            let file = input::load(&p)?;
            let dir = if p.as_os_str() == "-" {
                PathBuf::from(".")
            } else {
                p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            };
            let levels = levels_for(&configs.for_dir(&dir)?, &flags);
            Ok((file, levels))
        });
        match file {
            Ok(file) => loaded.push(file),
            Err(failure) => {
                report_failure(&failure);
                outcome = Outcome::Trouble;
            }
        }
    }

    let checked: Vec<Checked<'_>> =
        loaded.iter().map(|(file, levels)| referflow_check::check_source(&file.text, levels)).collect();
    let reports: Vec<FileReport<'_>> = loaded
        .iter()
        .zip(&checked)
        .map(|((file, _), checked)| FileReport {
            source: Source { name: &file.name, text: &file.text },
            diagnostics: &checked.diagnostics,
        })
        .collect();
    let summary = Summary::of(&reports);

    let stdout = match args.format {
        Format::Human => {
            let text = diagnostics::render_human(&reports, HumanOptions { color: crate::stderr_color(), width: None });
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{text}");
            if !loaded.is_empty() {
                let _ = writeln!(stderr, "{}", diagnostics::summary_line(summary));
            }
            String::new()
        }
        Format::Json => diagnostics::render_json(&reports),
        Format::Sarif => diagnostics::render_sarif(&reports),
        Format::Github => diagnostics::render_github(&reports),
    };
    let _ = std::io::stdout().lock().write_all(stdout.as_bytes());
    if summary.errors > 0 {
        outcome = outcome.max(Outcome::Errors);
    }
    drop(reports);
    crate::leave_to_exit(checked);
    outcome
}

/// The `-D`/`-W`/`-A` flags in the order they were given, checked.
fn level_flags(matches: &ArgMatches) -> Result<Vec<Flag>, Failure> {
    let mut given: Vec<(usize, Level, &String)> = Vec::new();
    for (id, level) in [("deny", Level::Deny), ("warn", Level::Warn), ("allow", Level::Allow)] {
        if let (Some(indices), Some(values)) = (matches.indices_of(id), matches.get_many::<String>(id)) {
            given.extend(indices.zip(values).map(|(i, v)| (i, level, v)));
        }
    }
    given.sort_by_key(|(i, _, _)| *i);
    given
        .into_iter()
        .map(|(_, level, name)| {
            if name == "warnings" {
                return Ok(Flag::Warnings(level));
            }
            let rule = Rule::lookup(name)
                .ok_or_else(|| Failure(format!("unknown rule `{name}`; `referflow explain` lists the rules")))?;
            if rule.is_fixed() && level != Level::Deny {
                return Err(Failure(referflow_check::FixedRule(rule).to_string()));
            }
            Ok(Flag::Rule(rule, level))
        })
        .collect()
}

/// Defaults, then the config file, then the flags in order; a later flag wins.
fn levels_for(config: &config::Config, flags: &[Flag]) -> Levels {
    let mut levels = Levels::default();
    config::apply(config, &mut levels);
    for flag in flags {
        match *flag {
            Flag::Rule(rule, level) => {
                let _ = levels.set(rule, level); // fixed rules were refused above
            }
            Flag::Warnings(Level::Deny) => levels.deny_warnings(),
            Flag::Warnings(Level::Allow) => levels.allow_warnings(),
            Flag::Warnings(Level::Warn) => {}
        }
    }
    levels
}
