//! `referflow comments template|check|report`: the comment matrix of a public hearing
//! (docs/hearing-comments.md). `template` writes the form, `check` checks a filled one
//! against a revision, `report` writes the disposition report from it and two revisions.

mod matrix;
mod template;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use referflow_check::{Checked, Levels};
use referflow_emit::chart::Chart;
use referflow_emit::comment_report;
use referflow_emit::numbers::step_numbers;

use crate::driver::include::WholeChart;
use crate::input::{self, shown};
use crate::{Failure, Outcome, output, report_failure};

use matrix::{Format, Matrix, Unreadable};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the hearing's comment form: one row per step, with empty columns to fill.
    Template(TemplateArgs),
    /// Check a filled matrix against a revision: numbers, dispositions, open comments.
    Check(CheckArgs),
    /// Write the disposition report: each commented step, its comments, the decisions and
    /// what changed in it between two revisions.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
struct TemplateArgs {
    /// The chart.
    file: PathBuf,
    /// The matrix to write: `.csv` or `.xlsx`, or `-` for CSV on standard output.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// The format (default: from the extension of OUT).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The filled matrix (`.csv` or `.xlsx`).
    matrix: PathBuf,
    /// The revision of the chart the matrix was made from.
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// The filled matrix (`.csv` or `.xlsx`).
    matrix: PathBuf,
    /// The revision the hearing commented on.
    old: PathBuf,
    /// The revision that answers the comments.
    new: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    to: ReportFormat,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Md,
    Html,
}

pub fn run(args: Args) -> Outcome {
    let result = match args.command {
        Command::Template(args) => run_template(args),
        Command::Check(args) => run_check(args),
        Command::Report(args) => run_report(args),
    };
    result.unwrap_or_else(|outcome| outcome)
}

fn fail(failure: Failure) -> Outcome {
    report_failure(&failure);
    Outcome::Trouble
}

fn unreadable(error: Unreadable) -> Outcome {
    for line in error.0 {
        eprintln!("error: {line}");
    }
    Outcome::Trouble
}

/// Charts read from disk with their included files, ready to check at the levels of the last.
struct Charts {
    files: Vec<WholeChart>,
    levels: Levels,
}

impl Charts {
    fn load(paths: &[&Path]) -> Result<Charts, Outcome> {
        let files = paths.iter().map(|path| WholeChart::read(path).map_err(fail)).collect::<Result<Vec<_>, _>>()?;
        let last = paths.last().unwrap_or_else(|| unreachable!("at least one chart"));
        let levels = crate::config::levels_for(last).map_err(fail)?;
        Ok(Charts { files, levels })
    }

    /// Every chart checked. One with errors of the language is refused (its diagnostics
    /// shown): its numbers and texts are not what its author meant. A requirement that fails is
    /// no reason to refuse a hearing's paperwork.
    fn check<'s>(&'s self, arena: &'s bumpalo::Bump) -> Result<Vec<Checked<'s>>, Outcome> {
        let mut out = Vec::new();
        let mut broken = false;
        for file in &self.files {
            let checked = file.check(arena, &self.levels);
            broken |= file.refused(&checked, "fix them first");
            out.push(checked);
        }
        if broken { Err(Outcome::Trouble) } else { Ok(out) }
    }
}

fn run_template(args: TemplateArgs) -> Result<Outcome, Outcome> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match (args.format, Format::of(&args.output)) {
        (Some(format), _) | (None, Some(format)) => format,
        (None, None) if to_stdout => Format::Csv,
        (None, None) => {
            return Err(fail(Failure(format!(
                "{}: name the matrix .csv or .xlsx, or give --format csv|xlsx",
                shown(&args.output)
            ))));
        }
    };
    if to_stdout && format == Format::Xlsx {
        return Err(fail(Failure("an xlsx matrix cannot go to standard output; give -o matrix.xlsx".into())));
    }
    let charts = Charts::load(&[&args.file])?;
    let arena = bumpalo::Bump::new();
    let checked = charts.check(&arena)?;
    let chart = Chart::new(&checked[0].model, &checked[0].diagnostics);
    let form = template::form(&chart);
    if !form.unnumbered.is_empty() {
        eprintln!(
            "warning: {}: {} stage{} without a number ({}): {} row{} cannot be cited; give every stage a number",
            charts.files[0].file.name,
            form.unnumbered.len(),
            if form.unnumbered.len() == 1 { "" } else { "s" },
            form.unnumbered.join(", "),
            if form.unnumbered.len() == 1 { "its" } else { "their" },
            if form.unnumbered.len() == 1 { "" } else { "s" },
        );
    }
    let bytes = match format {
        Format::Csv => template::csv(&form).map_err(|e| fail(Failure(format!("cannot write the CSV: {e}"))))?,
        Format::Xlsx => template::xlsx(&form)
            .map_err(|e| fail(Failure(format!("{}: cannot make the workbook: {e}", shown(&args.output)))))?,
    };
    if to_stdout {
        let _ = std::io::stdout().lock().write_all(&bytes);
    } else {
        output::write(&args.output, &bytes, std::slice::from_ref(&args.file)).map_err(fail)?;
    }
    Ok(Outcome::Clean)
}

/// What is wrong with a row, as a line: `matrix.csv: row 5: step 99: …`.
#[derive(Debug)]
struct Problem {
    row: usize,
    number: u32,
    cause: String,
}

/// Checks every row of `matrix` against a checked chart.
fn problems(matrix: &Matrix, chart: &Chart<'_, '_>, chart_name: &str) -> Vec<Problem> {
    let model = chart.model;
    let numbers = step_numbers(chart);
    let known: HashMap<u32, usize> = numbers.iter().enumerate().filter_map(|(i, n)| n.map(|n| (n, i))).collect();
    let mut out = Vec::new();
    for row in &matrix.rows {
        let n = row.number;
        let problem = |cause: String| Problem { row: row.row, number: n, cause };
        if !known.contains_key(&n) {
            let row_text = (!row.step_text.is_empty()).then_some(row.step_text.as_str());
            if model.numbering.is_retired(n) {
                let retired =
                    model.numbering.retired.iter().find(|r| r.number.value == n).and_then(|r| r.text.as_deref());
                let text = match retired.or(row_text) {
                    Some(text) => format!(" (it was “{}”)", input::visible(text)),
                    None => String::new(),
                };
                out.push(problem(format!("step {n} is retired in {chart_name}{text}")));
            } else {
                let text = row_text.map_or(String::new(), |t| format!(" (the row calls it “{}”)", input::visible(t)));
                out.push(problem(format!("no step {n} in {chart_name}{text}")));
            }
        }
        if !row.disposition.is_empty() {
            if matrix::disposition(&row.disposition, &model.languages).is_none() {
                out.push(problem(format!(
                    "disposition “{}” is not one of: {}",
                    input::visible(&row.disposition),
                    matrix::allowed(&model.languages)
                )));
            }
        } else if !row.comment.is_empty() {
            out.push(problem("a comment without a disposition".into()));
        }
    }
    out
}

fn run_check(args: CheckArgs) -> Result<Outcome, Outcome> {
    let matrix = matrix::read(&args.matrix).map_err(unreadable)?;
    let charts = Charts::load(&[&args.file])?;
    let arena = bumpalo::Bump::new();
    let checked = charts.check(&arena)?;
    let chart = Chart::new(&checked[0].model, &checked[0].diagnostics);
    let found = problems(&matrix, &chart, &charts.files[0].file.name);
    let mut out = std::io::stdout().lock();
    for p in &found {
        let _ = writeln!(out, "{}: row {}: step {}: {}", matrix.name, p.row, p.number, p.cause);
    }
    let comments = matrix.rows.iter().filter(|r| !r.comment.is_empty()).count();
    let decided = matrix.rows.iter().filter(|r| !r.comment.is_empty() && !r.disposition.is_empty()).count();
    let summary = format!(
        "{comments} comment{} in {} row{}, {decided} with a disposition",
        if comments == 1 { "" } else { "s" },
        matrix.rows.len(),
        if matrix.rows.len() == 1 { "" } else { "s" }
    );
    if found.is_empty() {
        let _ = writeln!(out, "{}: no problems: {summary}", matrix.name);
        Ok(Outcome::Clean)
    } else {
        let rows: std::collections::BTreeSet<usize> = found.iter().map(|p| p.row).collect();
        let _ = writeln!(
            out,
            "{}: {} problem{} in {} row{}; {summary}",
            matrix.name,
            found.len(),
            if found.len() == 1 { "" } else { "s" },
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        );
        Ok(Outcome::Errors)
    }
}

fn run_report(args: ReportArgs) -> Result<Outcome, Outcome> {
    if let Some(out) = &args.output
        && out.as_os_str() != "-"
        && let (Ok(a), Ok(b)) = (std::fs::canonicalize(out), std::fs::canonicalize(&args.matrix))
        && a == b
    {
        return Err(fail(Failure(format!("{}: refusing to write over the matrix", shown(out)))));
    }
    let matrix = matrix::read(&args.matrix).map_err(unreadable)?;
    let charts = Charts::load(&[&args.old, &args.new])?;
    let arena = bumpalo::Bump::new();
    let checked = charts.check(&arena)?;
    let (old, new) = (&checked[0], &checked[1]);
    let old_chart = Chart::new(&old.model, &old.diagnostics);
    let new_chart = Chart::new(&new.model, &new.diagnostics);
    // The matrix cites the revision commented on: its problems are worth knowing, but they do
    // not stop the report, which shows unknown numbers and undecided comments as such.
    for p in problems(&matrix, &old_chart, &charts.files[0].file.name) {
        eprintln!("warning: {}: row {}: step {}: {}", matrix.name, p.row, p.number, p.cause);
    }
    let diff = referflow_check::diff::compare(old, new, &charts.levels);
    let comments: Vec<comment_report::Comment> = (matrix.rows.iter())
        .filter(|r| {
            !(r.comment.is_empty() && r.proposed_change.is_empty() && r.disposition.is_empty() && r.reason.is_empty())
        })
        .cloned()
        .collect();
    let names = [matrix.name.as_str(), charts.files[0].file.name.as_str(), charts.files[1].file.name.as_str()];
    let text = match args.to {
        ReportFormat::Md => comment_report::render_markdown(&comments, &old_chart, &new_chart, &diff, names),
        ReportFormat::Html => comment_report::render_html(&comments, &old_chart, &new_chart, &diff, names),
    };
    match &args.output {
        Some(out) if out.as_os_str() != "-" => {
            let inputs = [args.matrix.clone(), args.old.clone(), args.new.clone()];
            output::write(out, text.as_bytes(), &inputs).map_err(fail)?;
        }
        _ => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(Outcome::Clean)
}
