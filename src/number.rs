//! `referflow number FILE...`: gives every stage without a number the next free number, in
//! reading order, and records the numbers of removed stages as retired.
//!
//! The numbers already written never change. The next free number is one above every number
//! in use, retired or recorded as given (`numbering last N`), so a number is never given twice
//! even when the stage that had the highest one was removed. A number up to `last` that no
//! stage carries any more is retired (`retired 14`, with the stage's text when `--previous`
//! names the revision it comes from). The chart is edited in place, as text: only the numbers
//! and the `numbering` and `retired` lines are written, every comment and line stays as it is,
//! and each file is written atomically (`output::rewrite`).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use referflow_check::{Diagnostic, Levels, Model, Rule, StageId};
use referflow_emit::chart::Chart;
use referflow_syntax::{Span, Statement};

use crate::driver::include::WholeChart;
use crate::edit::{self, Edit, file_of, line_end, texts};
use crate::input;
use crate::{Failure, Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The charts to number (each with the files it includes), or `-`: standard input to
    /// standard output.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Change nothing: say what would be numbered or retired, and exit 1 if anything would.
    #[arg(long)]
    check: bool,
    /// The chart's previous revision: the numbers its stages had that no stage has now are
    /// retired, with the text the stage had.
    #[arg(long, value_name = "OLD")]
    previous: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let previous = match &args.previous {
        None => Vec::new(),
        Some(path) => match previous_numbers(path) {
            Ok(numbers) => numbers,
            Err(failure) => {
                report_failure(&failure);
                return Outcome::Trouble;
            }
        },
    };
    let mut outcome = Outcome::Clean;
    for path in &args.files {
        let done = number_file(path, &args, &previous).unwrap_or_else(|failure| {
            report_failure(&failure);
            Outcome::Trouble
        });
        outcome = outcome.max(done);
    }
    outcome
}

/// The numbers of the previous revision's stages, with their texts (in its first language).
fn previous_numbers(path: &Path) -> Result<Vec<(u32, String)>, Failure> {
    let files = WholeChart::read(path)?;
    let arena = bumpalo::Bump::new();
    let checked = files.check(&arena, &Levels::default());
    if checked.diagnostics.iter().any(|d| d.rule == Rule::SyntaxError) {
        files.print(&checked.diagnostics);
        return Err(Failure(format!("{}: the previous revision does not parse", input::shown(path))));
    }
    let model = &checked.model;
    Ok(model.stages.iter().filter_map(|s| Some((s.number?.value, s.label.get(0).to_string()))).collect())
}

/// What numbering a chart changes.
struct Plan {
    /// Stages given a number, in reading order.
    given: Vec<(StageId, u32)>,
    /// Numbers retired now, with the removed stage's text when known.
    retired: Vec<(u32, Option<String>)>,
    /// The highest number given, as `numbering last` will record it.
    last: u32,
}

/// More numbers than this missing below `last` is not a chart whose stages were removed one by
/// one but a mistyped `last`: refused rather than written out as retired one per line.
const MAX_NEW_RETIRED: usize = 10_000;

fn plan(model: &Model<'_>, chart: &Chart<'_, '_>, previous: &[(u32, String)], name: &str) -> Result<Plan, Failure> {
    let numbering = &model.numbering;
    let mut taken: Vec<u32> = model.stages.iter().filter_map(|s| s.number).map(|n| n.value).collect();
    taken.extend(numbering.retired.iter().map(|r| r.number.value));
    taken.sort_unstable();
    taken.dedup();
    let free = |n: &u32| taken.binary_search(n).is_err();
    // Numbers given before (up to `last`, or by the previous revision) that no stage has now:
    // the gaps between the numbers taken, walked gap by gap.
    let last = numbering.last.map_or(0, |l| l.value);
    let missing = last as usize - taken.iter().filter(|&&n| n <= last).count();
    if missing > MAX_NEW_RETIRED {
        return Err(Failure(format!(
            "{name}: `numbering last {last}` says {missing} numbers were given to stages no longer in the chart; \
             if that is a typing mistake, correct `last` to the highest number given"
        )));
    }
    let mut gone: Vec<u32> = Vec::with_capacity(missing);
    let mut from = 1;
    for &n in taken.iter().take_while(|&&n| n <= last).chain(std::iter::once(&last.saturating_add(1))) {
        gone.extend(from..n.min(last.saturating_add(1)));
        from = n.saturating_add(1);
    }
    gone.extend(previous.iter().map(|(n, _)| *n).filter(free));
    gone.sort_unstable();
    gone.dedup();
    let texts: std::collections::HashMap<u32, &String> = previous.iter().map(|(n, text)| (*n, text)).collect();
    let retired = gone.into_iter().map(|n| (n, texts.get(&n).map(|t| t.to_string()))).collect::<Vec<_>>();
    let mut next = numbering.highest(&model.stages).max(retired.last().map_or(0, |r| r.0));
    let mut given = Vec::new();
    for stage in referflow_emit::numbers::in_reading_order(chart) {
        if model.stage(stage).number.is_none() {
            next = next.checked_add(1).ok_or_else(|| {
                Failure(format!("{name}: no step number is left above {next}, the highest a number can be"))
            })?;
            given.push((stage, next));
        }
    }
    Ok(Plan { given, retired, last: next })
}

fn edits(model: &Model<'_>, files: &WholeChart, plan: &Plan) -> Vec<Edit> {
    let mut out: Vec<Edit> = plan
        .given
        .iter()
        .map(|&(stage, n)| {
            let at = model.stage(stage).id_span.start as usize;
            Edit { span: Span::new(at, at), text: format!("{n} ") }
        })
        .collect();
    let numbering = &model.numbering;
    if plan.last == 0 {
        return out; // no stage, nothing ever given
    }
    let required = if numbering.required.is_some() { " required" } else { "" };
    let line = format!("numbering{required} last {}", plan.last);
    let texts = texts(files);
    let newline = |offset: u32| {
        let (text, _) = texts[file_of(files, offset)];
        edit::newline(text)
    };
    let retired: String = plan
        .retired
        .iter()
        .map(|(n, text)| match text {
            Some(text) => format!("retired {n} {}", referflow_fmt::quote(text)),
            None => format!("retired {n}"),
        })
        .map(|line| line + newline(numbering.span.map_or(0, |s| s.start)))
        .collect();
    match numbering.span {
        Some(span) => {
            if numbering.last.map(|l| l.value) != Some(plan.last) {
                out.push(Edit { span, text: line });
            }
            if !retired.is_empty() {
                // After the last `retired` line there is, else after the `numbering` line.
                let after = numbering.retired.iter().map(|r| r.number.span.end).fold(span.end, u32::max);
                let at = line_end(&texts, files, after);
                out.push(Edit { span: Span::new(at, at), text: retired });
            }
        }
        None => {
            let at = after_header(texts[0].0);
            let nl = newline(0);
            out.push(Edit { span: Span::new(at, at), text: format!("{line}{nl}{retired}") });
        }
    }
    out
}

/// Where a new `numbering` line goes in the chart's first file: on the line after its
/// `title`, `version` or `languages` (whichever comes last), else at the top.
fn after_header(text: &str) -> usize {
    let parsed = referflow_syntax::parse(text);
    let header = parsed.statements.iter().filter_map(|s| match s {
        Statement::Title(t) => Some(t.span),
        Statement::Version(v) => Some(v.span),
        Statement::Languages(l) => Some(l.span),
        _ => None,
    });
    match header.map(|s| s.end as usize).max() {
        Some(end) => text[end..].find('\n').map_or(text.len(), |i| end + i + 1),
        None => referflow_syntax::text_start(text),
    }
}

fn number_file(path: &Path, args: &Args, previous: &[(u32, String)]) -> Result<Outcome, Failure> {
    let files = WholeChart::read(path)?;
    let arena = bumpalo::Bump::new();
    let checked = files.check(&arena, &Levels::default());
    // A stage defined twice is not in the model, and would be left without a number.
    let blocking = [Rule::SyntaxError, Rule::DuplicateId, Rule::DuplicateNumber, Rule::RetiredNumber];
    let problems: Vec<Diagnostic> =
        checked.diagnostics.iter().filter(|d| blocking.contains(&d.rule)).cloned().collect();
    let name = input::shown(path);
    if !problems.is_empty() {
        files.print(&problems);
        let _ = writeln!(std::io::stderr(), "error: {name}: fix these before numbering; nothing was changed");
        return Ok(Outcome::Errors);
    }
    let model = &checked.model;
    let chart = Chart::new(model, &checked.diagnostics);
    let plan = plan(model, &chart, previous, &name)?;
    let edits = edits(model, &files, &plan);
    let stdin = path.as_os_str() == "-";
    if edits.is_empty() {
        if stdin {
            write_stdout(&files.file.text)?;
        }
        return Ok(Outcome::Clean);
    }
    let summary = summary(model, &plan);
    if args.check {
        let _ = writeln!(std::io::stderr(), "{name}: would change: {summary}");
        return Ok(Outcome::Errors);
    }
    let changed = edit::apply(&files, edits);
    if stdin {
        write_stdout(&changed[0])?;
    } else {
        edit::write(path, &files, &changed)?;
    }
    let _ = writeln!(std::io::stderr(), "{name}: {summary}");
    Ok(Outcome::Clean)
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| Failure(format!("standard output: {e}")))
}

/// "numbered 2 stages (`intake` 38, `review` 39); retired 14".
fn summary(model: &Model<'_>, plan: &Plan) -> String {
    let mut parts = Vec::new();
    if !plan.given.is_empty() {
        let shown: Vec<String> =
            plan.given.iter().take(5).map(|&(s, n)| format!("`{}` {n}", model.stage(s).id)).collect();
        let more = if plan.given.len() > 5 { ", …" } else { "" };
        let count = plan.given.len();
        parts.push(format!("numbered {count} stage{} ({}{more})", if count == 1 { "" } else { "s" }, shown.join(", ")));
    }
    if !plan.retired.is_empty() {
        let numbers: Vec<String> = plan.retired.iter().map(|(n, _)| n.to_string()).collect();
        parts.push(format!("retired {}", numbers.join(", ")));
    }
    if parts.is_empty() {
        parts.push(format!("recorded the last number given, {}", plan.last));
    }
    parts.join("; ")
}
