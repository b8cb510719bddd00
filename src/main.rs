//! `referflow`: check and publish referral flowcharts.

mod check;
mod comments;
mod config;
mod diff;
mod driver;
mod explain;
mod fmt;
use driver::input;
mod edit;
mod lsp;
mod number;
mod output;
mod publish;
mod serve;
mod translate;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Check and publish referral flowcharts written as text.
#[derive(Debug, Parser)]
#[command(name = "referflow", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// The largest chart to read, such as `512M` or `1G` (default 256M).
    #[arg(long, global = true, value_name = "SIZE", value_parser = input::parse_size)]
    max_file_size: Option<u64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check charts and report every problem, in source order.
    Check(check::Args),
    /// Write a chart in one publishing format.
    Render(publish::RenderArgs),
    /// Write the publishing bundle: md, json, dot, mmd, and svg and html with Graphviz.
    Build(publish::BuildArgs),
    /// Show what changed in the flow between two versions of a chart.
    Diff(diff::Args),
    /// Rewrite charts in the canonical layout, keeping every comment.
    Fmt(fmt::Args),
    /// Give every stage without a number the next free number, and retire removed numbers.
    Number(number::Args),
    /// The comment matrix of a public hearing: the form, its check, the disposition report.
    Comments(comments::Args),
    /// Translations as gettext PO files: export a chart's texts, import a translator's work.
    Translate(translate::Args),
    /// Explain a rule: what it finds, why it matters, an example and the fix.
    Explain(explain::Args),
    /// A live preview of a chart in the browser, updated on every save.
    Serve(serve::Args),
    /// The language server, over stdio, for editors.
    Lsp {
        /// Accepted for clients that pass it (vscode-languageclient does); stdio is the only
        /// transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// The exit codes, as README.md ("Exit codes") and docs/ci.md list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// No errors (after rule levels are applied).
    Clean = 0,
    /// Errors were found.
    Errors = 1,
    /// The command itself could not run.
    Trouble = 2,
}

/// A failure that stops a command: one line naming the file and the cause.
#[derive(Debug)]
pub struct Failure(pub String);

/// mimalloc rather than the system allocator: a large chart is millions of small allocations,
/// made and freed on several threads, where glibc's malloc spent a fifth of `check`'s time in
/// page faults and `mprotect` growing its per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Leaves `value` to the end of the process instead of freeing it: the command ends right
/// after, and the system takes back a large chart's model (millions of small allocations) at
/// once, faster than freeing it piece by piece (0.1 s at a million stages).
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

fn main() -> ExitCode {
    let parsed = Cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            // clap's own exit codes: 0 for --help/--version, 2 for usage errors.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { Outcome::Trouble as u8 } else { 0 });
        }
    };
    if let Some(bytes) = cli.max_file_size {
        input::set_max_file_size(bytes);
    }
    let outcome = match cli.command {
        Command::Check(args) => {
            let sub = matches.subcommand_matches("check").unwrap_or_else(|| unreachable!("check was parsed"));
            check::run(args, sub)
        }
        Command::Render(args) => publish::run_render(args),
        Command::Build(args) => publish::run_build(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Number(args) => number::run(args),
        Command::Comments(args) => comments::run(args),
        Command::Translate(args) => translate::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Lsp { stdio: _ } => lsp::run(),
    };
    ExitCode::from(outcome as u8)
}

/// Whether stderr gets colour: only on a terminal, and never when `NO_COLOR` is set.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Warns, once per language in a run, that a language the outputs are written in has no
/// message catalogue, so their fixed texts (headings, legends, durations) are in English.
pub fn warn_without_catalogue<'l>(languages: impl IntoIterator<Item = &'l str>) {
    static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for code in languages {
        if !referflow_emit::i18n::Catalogue::exists(code) && !warned.iter().any(|w| w == code) {
            warned.push(code.to_owned());
            eprintln!(
                "warning: no message catalogue for `{}`; fixed texts are in English (docs/translating.md)",
                referflow_emit::visible(code)
            );
        }
    }
}

/// Prints the diagnostics of one file on stderr as people read them, with the summary line.
pub fn print_diagnostics(file: &input::Loaded, diagnostics: &[referflow_check::Diagnostic]) {
    use referflow_emit::diagnostics::{self, FileReport, HumanOptions, Summary};
    use std::io::Write;
    let reports =
        [FileReport { source: referflow_emit::Source { name: &file.name, text: &file.text, path: None }, diagnostics }];
    let text = diagnostics::render_human(&reports, HumanOptions { color: stderr_color(), width: None });
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{text}");
    let _ = writeln!(stderr, "{}", diagnostics::summary_line(Summary::of(&reports)));
}

/// Prints a failure as one line on stderr.
pub fn report_failure(failure: &Failure) {
    eprintln!("error: {}", failure.0);
}
