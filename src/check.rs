//! `referflow check PATH...`

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgMatches, ValueEnum};
use referflow_check::{Diagnostic, Level, Levels, Rule};
use referflow_emit::Source;
use referflow_emit::diagnostics::{self, FileReport, HumanOptions, Summary};

use crate::config::Configs;
use crate::driver;
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
    /// One JSON object on stdout (docs/ci.md, "JSON diagnostics").
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
    // Each chart with the path it was read from (none for standard input), which SARIF names.
    let mut files: Vec<(Option<PathBuf>, Loaded, Vec<Diagnostic>)> = Vec::new();
    let mut paths = input::expand(&args.paths);
    if paths.len() > 1 {
        // A file that another chart of the run includes is checked as part of that chart.
        let named: Vec<PathBuf> =
            paths.iter().filter_map(|p| p.as_ref().ok()).filter(|p| p.as_os_str() != "-").cloned().collect();
        let included = driver::include::included_by(&named);
        if !included.is_empty() {
            paths.retain(|p| match p {
                Ok(p) => std::fs::canonicalize(p).map_or(true, |c| !included.contains(&c)),
                Err(_) => true,
            });
        }
    }
    let count = paths.len();
    for (i, path) in paths.into_iter().enumerate() {
        let keep = if i + 1 == count { driver::Keep::UntilExit } else { driver::Keep::No };
        let file = path.and_then(|p| {
            let levels = with_flags(configs.levels_for(&p)?, &flags);
            driver::check_file(&p, &levels, keep)
        });
        match file {
            Ok(chart) => files.extend(chart),
            Err(failure) => {
                report_failure(&failure);
                outcome = Outcome::Trouble;
            }
        }
    }

    let reports: Vec<FileReport<'_>> = files
        .iter()
        .map(|(path, file, diagnostics)| FileReport {
            source: Source { name: &file.name, text: &file.text, path: path.as_deref() },
            diagnostics,
        })
        .collect();
    let summary = Summary::of(&reports);

    let stdout = match args.format {
        Format::Human => {
            let text = diagnostics::render_human(&reports, HumanOptions { color: crate::stderr_color(), width: None });
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{text}");
            if !files.is_empty() {
                let _ = writeln!(stderr, "{}", diagnostics::summary_line(summary));
            }
            String::new()
        }
        // Written as they are made: the report of a hostile file can be far larger than it.
        Format::Json => {
            let _ = diagnostics::write_json(&reports, &mut std::io::stdout().lock());
            String::new()
        }
        Format::Sarif => {
            // `%SRCROOT%` is the current directory, where paths on the command line start.
            let root = std::env::current_dir().ok();
            let _ = diagnostics::write_sarif(&reports, root.as_deref(), &mut std::io::stdout().lock());
            String::new()
        }
        Format::Github => diagnostics::render_github(&reports),
    };
    let _ = std::io::stdout().lock().write_all(stdout.as_bytes());
    if summary.errors > 0 {
        outcome = outcome.max(Outcome::Errors);
    }
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

/// The levels of the config file, then the flags in order; a later flag wins.
fn with_flags(mut levels: Levels, flags: &[Flag]) -> Levels {
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
