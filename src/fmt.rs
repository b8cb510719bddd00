//! `referflow fmt [--check] [--diff] [PATH...]`

use std::io::Write;
use std::path::PathBuf;

use referflow_check::Diagnostic;

use crate::input;
use crate::output;
use crate::{Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Charts to format: files, directories (every `*.flow` below) or `-` (standard input to
    /// standard output). Default: the current directory.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    /// With `--check`: show what would change, as a unified diff.
    #[arg(long)]
    diff: bool,
}

pub fn run(args: Args) -> Outcome {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let check = args.check || args.diff;
    let mut outcome = Outcome::Clean;
    let mut stdout = std::io::stdout().lock();
    for path in with_includes(input::expand(&paths)) {
        let file = match path.and_then(|p| input::load(&p).map(|f| (p, f))) {
            Ok(file) => file,
            Err(failure) => {
                report_failure(&failure);
                outcome = outcome.max(Outcome::Trouble);
                continue;
            }
        };
        let (path, loaded) = file;
        let formatted = match referflow_fmt::format(&loaded.text) {
            Ok(formatted) => formatted,
            Err(referflow_fmt::HasSyntaxErrors(errors)) => {
                report_syntax_errors(&loaded, &errors);
                outcome = outcome.max(Outcome::Errors);
                continue;
            }
        };
        let stdin = path.as_os_str() == "-";
        if stdin && !check {
            let _ = stdout.write_all(formatted.as_bytes());
            continue;
        }
        if formatted == loaded.text {
            continue;
        }
        if check {
            outcome = outcome.max(Outcome::Errors);
            if args.diff {
                // Lines as the reports quote them: a carriage return or an escape in a chart
                // must not reach the terminal, nor a line break start a line of its own.
                let (old, new) = (visible_lines(&loaded.text), visible_lines(&formatted));
                let diff = similar::TextDiff::from_lines(&old, &new);
                let name = loaded.name.as_str();
                let _ = write!(stdout, "{}", diff.unified_diff().context_radius(3).header(name, name));
            } else {
                let _ = writeln!(stdout, "{}", loaded.name);
            }
            continue;
        }
        if let Err(failure) = output::rewrite(&path, &loaded.name, loaded.text.as_bytes(), formatted.as_bytes()) {
            report_failure(&failure);
            outcome = outcome.max(Outcome::Trouble);
        }
    }
    outcome
}

/// `text` with each line's control characters made visible, the line feeds kept.
fn visible_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let (body, end) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
            format!("{}{end}", input::visible(body))
        })
        .collect()
}

/// `paths` and, after each chart that includes files, the files it includes (each file once):
/// formatting a chart formats every file of it, each in place.
fn with_includes(paths: Vec<Result<PathBuf, crate::Failure>>) -> Vec<Result<PathBuf, crate::Failure>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for path in paths {
        let Ok(path) = path else {
            out.push(path);
            continue;
        };
        if path.as_os_str() == "-" {
            out.push(Ok(path));
            continue;
        }
        let included = match input::load(&path) {
            Ok(loaded) => crate::driver::include::chart_of(&path, &loaded).ok().flatten(),
            Err(_) => None,
        };
        if seen.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
            out.push(Ok(path));
        }
        for file in included.into_iter().flat_map(|s| s.files.into_iter().skip(1)) {
            if seen.insert(file.canonical) {
                out.push(Ok(file.path));
            }
        }
    }
    out
}

fn report_syntax_errors(file: &input::Loaded, errors: &[referflow_syntax::SyntaxError]) {
    let diagnostics: Vec<Diagnostic> = errors.iter().map(Diagnostic::syntax).collect();
    crate::print_diagnostics(file, &diagnostics);
    eprintln!("error: {}: not formatted, because it has syntax errors", file.name);
}
