//! `referflow diff OLD NEW [--format md|json|dot|svg]`

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use referflow_check::diff;
use referflow_emit::chart::{Chart, RenderOptions};
use referflow_emit::diff_report;
use referflow_emit::graphviz::{self, ImageFormat};

use crate::driver::include::WholeChart;
use crate::input::Loaded;
use crate::{Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart before the revision, or `-` for standard input.
    old: PathBuf,
    /// The chart after the revision, or `-` for standard input.
    new: PathBuf,
    /// How to show the changes.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A summary line, then a section per kind of change (for a pull-request comment).
    Md,
    /// A stable JSON shape (docs/diff.md).
    Json,
    /// The new chart in Graphviz's language, with what changed highlighted and a key.
    Dot,
    /// The same, laid out by Graphviz.
    Svg,
}

pub fn run(args: Args) -> Outcome {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        report_failure(&crate::Failure("only one side of a diff can be read from standard input".into()));
        return Outcome::Trouble;
    }
    let mut sides = Vec::new();
    for path in [&args.old, &args.new] {
        match WholeChart::read(path) {
            Ok(side) => sides.push(side),
            Err(failure) => {
                report_failure(&failure);
                return Outcome::Trouble;
            }
        }
    }
    // Both charts at the levels of the new one, the revision under review: its `referflow.toml`
    // (docs/diff.md). `compare` runs the rules at them again.
    let levels = match crate::config::levels_for(&args.new) {
        Ok(levels) => levels,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };
    let arena = bumpalo::Bump::new();
    let checked: Vec<_> = sides.iter().map(|side| side.check(&arena, &levels)).collect();
    // Every chart that cannot be compared is reported, not only the first.
    let mut broken = false;
    for (side, checked) in sides.iter().zip(&checked) {
        broken |= side.refused(checked, "so it is not compared");
    }
    if broken {
        return Outcome::Trouble;
    }
    let files: Vec<&Loaded> = sides.iter().map(|side| &side.file).collect();
    let (old, new) = (&checked[0], &checked[1]);
    let changes = diff::compare(old, new, &levels);
    let text = match args.format {
        Format::Md => diff_report::render_diff_markdown(&changes, &files[0].name, &files[1].name),
        Format::Json => diff_report::render_diff_json(&changes),
        Format::Dot | Format::Svg => {
            let chart = Chart::new(&new.model, &new.diagnostics);
            let options = RenderOptions::default();
            let marks = diff_report::marks(&changes, &chart, &options);
            let dot = referflow_emit::dot::render_dot_with_marks(&chart, &options, &marks);
            if args.format == Format::Dot {
                dot
            } else {
                match graphviz::layout(&dot, ImageFormat::Svg) {
                    Ok(svg) => String::from_utf8_lossy(&svg).into_owned(),
                    Err(error) => {
                        report_failure(&crate::Failure(error.to_string()));
                        return Outcome::Trouble;
                    }
                }
            }
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if changes.is_empty() { Outcome::Clean } else { Outcome::Errors }
}
