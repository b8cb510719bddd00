//! `referflow check PATH...`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use referflow_emit::Source;
use referflow_emit::diagnostics::{self, FileReport, HumanOptions, Summary};

use crate::input::{self, Loaded};
use crate::{Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Charts to check: files, directories (every `*.flow` below) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// How to report the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// miette's report with the source shown, on stderr.
    Human,
    /// One JSON object on stdout (SPEC §4).
    Json,
}

pub fn run(args: Args) -> Outcome {
    let mut outcome = Outcome::Clean;
    let mut loaded: Vec<Loaded> = Vec::new();
    for path in input::expand(&args.paths) {
        match path.and_then(|p| input::load(&p)) {
            Ok(file) => loaded.push(file),
            Err(failure) => {
                report_failure(&failure);
                outcome = Outcome::Trouble;
            }
        }
    }

    let results: Vec<Vec<referflow_check::Diagnostic>> = loaded
        .iter()
        .map(|file| {
            let parsed = referflow_syntax::parse(&file.text);
            referflow_check::check(&parsed).diagnostics
        })
        .collect();
    let reports: Vec<FileReport<'_>> = loaded
        .iter()
        .zip(&results)
        .map(|(file, diagnostics)| FileReport {
            source: Source {
                name: &file.name,
                text: &file.text,
            },
            diagnostics,
        })
        .collect();
    let summary = Summary::of(&reports);

    match args.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let text = diagnostics::render_human(&reports, HumanOptions { color, width: None });
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{text}");
            if !loaded.is_empty() {
                let _ = writeln!(stderr, "{}", diagnostics::summary_line(summary));
            }
        }
        Format::Json => {
            let _ = std::io::stdout()
                .lock()
                .write_all(diagnostics::render_json(&reports).as_bytes());
        }
    }
    if summary.errors > 0 {
        outcome = outcome.max(Outcome::Errors);
    }
    outcome
}
