//! `referflow render` and `referflow build`: the chart in each publishing format.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use referflow_check::Checked;
use referflow_emit::chart::{Chart, Direction, RenderOptions};
use referflow_emit::graphviz::{self, GraphvizError, ImageFormat};
use referflow_emit::{dot, html, markdown, mermaid, model_json};

use crate::config::{self, Configs};
use crate::input::{self, Loaded};
use crate::output;
use crate::{Failure, Outcome, report_failure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Dot,
    Md,
    Json,
    Mermaid,
    Svg,
    Png,
    Pdf,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    #[value(name = "TB", alias = "tb")]
    Tb,
    #[value(name = "LR", alias = "lr")]
    Lr,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The chart, or `-` for standard input.
    file: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    to: Format,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    style: StyleArgs,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The chart, or `-` for standard input.
    file: PathBuf,
    /// The folder for the bundle (default: the chart's folder).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    #[command(flatten)]
    style: StyleArgs,
}

#[derive(Debug, clap::Args)]
struct StyleArgs {
    /// The language to render in (default: the first declared).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// The direction of the diagram.
    #[arg(long, value_enum, default_value = "TB")]
    direction: DirectionArg,
    /// Leave the Mermaid diagram out of the Markdown narrative.
    #[arg(long)]
    no_diagram: bool,
}

/// A chart read and checked, ready to publish.
struct Publishable<'s> {
    checked: Checked<'s>,
    options: RenderOptions,
}

/// Reads and checks the chart; prints its diagnostics; refuses a chart with errors.
fn prepare<'s>(file: &'s Loaded, path: &Path, style: &StyleArgs) -> Result<Publishable<'s>, Outcome> {
    let dir = if path.as_os_str() == "-" {
        PathBuf::from(".")
    } else {
        path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let mut levels = referflow_check::Levels::default();
    match Configs::default().for_dir(&dir) {
        Ok(config) => config::apply(&config, &mut levels),
        Err(failure) => {
            report_failure(&failure);
            return Err(Outcome::Trouble);
        }
    }
    let checked = referflow_check::check_source(&file.text, &levels);
    if !checked.diagnostics.is_empty() {
        crate::print_diagnostics(file, &checked.diagnostics);
    }
    if checked.has_errors() {
        let _ = writeln!(std::io::stderr(), "error: {}: the chart has errors; fix them before publishing", file.name);
        return Err(Outcome::Errors);
    }
    let lang = match &style.lang {
        None => 0,
        Some(code) => match checked.model.languages.iter().position(|l| l == code) {
            Some(i) => i,
            None => {
                report_failure(&Failure(format!(
                    "{}: `{code}` is not a declared language (declared: {})",
                    file.name,
                    checked.model.languages.join(", ")
                )));
                return Err(Outcome::Trouble);
            }
        },
    };
    let direction = match style.direction {
        DirectionArg::Tb => Direction::TopBottom,
        DirectionArg::Lr => Direction::LeftRight,
    };
    Ok(Publishable { checked, options: RenderOptions { lang, direction, diagram: !style.no_diagram } })
}

/// Writes the chart in one format to `sink`. The text formats go out as they are made: at a
/// million stages they are hundreds of megabytes, which need not all be in memory at once.
fn render(
    chart: &Chart<'_, '_>,
    source: &str,
    format: Format,
    options: &RenderOptions,
    sink: &mut dyn Write,
) -> Result<(), RenderError> {
    let image = |format| graphviz::layout(&dot::render_dot(chart, options), format);
    let bytes = match format {
        Format::Dot => return Ok(dot::write_dot(chart, options, sink)?),
        Format::Md => return Ok(markdown::write_markdown(chart, options, sink)?),
        Format::Json => return Ok(model_json::write_model_json(chart, source, sink)?),
        Format::Mermaid => mermaid::render_mermaid(chart, options).into_bytes(),
        Format::Svg => image(ImageFormat::Svg)?,
        Format::Png => image(ImageFormat::Png)?,
        Format::Pdf => image(ImageFormat::Pdf)?,
        Format::Html => html::render_html(chart, &svgs(chart, options)?, options).into_bytes(),
    };
    Ok(sink.write_all(&bytes)?)
}

/// What stops `render`: Graphviz, or the file or stream written to.
#[derive(Debug)]
enum RenderError {
    Graphviz(GraphvizError),
    Write(std::io::Error),
}

impl From<GraphvizError> for RenderError {
    fn from(error: GraphvizError) -> Self {
        RenderError::Graphviz(error)
    }
}

impl From<std::io::Error> for RenderError {
    fn from(error: std::io::Error) -> Self {
        RenderError::Write(error)
    }
}

/// The diagram in every declared language, for the HTML page's switch.
fn svgs(chart: &Chart<'_, '_>, options: &RenderOptions) -> Result<Vec<String>, GraphvizError> {
    (0..chart.model.languages.len())
        .map(|lang| {
            let dot = dot::render_dot(chart, &RenderOptions { lang, ..*options });
            graphviz::layout(&dot, ImageFormat::Svg).map(|svg| String::from_utf8_lossy(&svg).into_owned())
        })
        .collect()
}

fn graphviz_failure(file: &str, error: &GraphvizError) -> Failure {
    match error {
        GraphvizError::Missing => Failure(error.to_string()),
        GraphvizError::Failed(_) => Failure(format!("{file}: {error}")),
    }
}

pub fn run_render(args: RenderArgs) -> Outcome {
    let file = match input::load(&args.file) {
        Ok(file) => file,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };
    let publishable = match prepare(&file, &args.file, &args.style) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let chart = Chart { model: &publishable.checked.model, diagnostics: &publishable.checked.diagnostics };
    let inputs = std::slice::from_ref(&args.file);
    let mut failed = None;
    let mut write = |sink: &mut dyn Write| match render(&chart, &file.text, args.to, &publishable.options, sink) {
        Ok(()) => Ok(()),
        Err(RenderError::Write(error)) => Err(error),
        Err(RenderError::Graphviz(error)) => {
            failed = Some(graphviz_failure(&file.name, &error));
            Err(std::io::Error::other("Graphviz failed"))
        }
    };
    // A file is written whole or not at all (see output.rs); standard output as it comes.
    let written = match &args.output {
        Some(out) => output::write_with(out, inputs, &mut write),
        None => write(&mut std::io::stdout().lock()).map_err(|e| Failure(format!("standard output: {e}"))),
    };
    let outcome = match (failed, written) {
        (Some(failure), _) | (None, Err(failure)) => {
            report_failure(&failure);
            Outcome::Trouble
        }
        (None, Ok(())) => Outcome::Clean,
    };
    crate::leave_to_exit(publishable);
    outcome
}

pub fn run_build(args: BuildArgs) -> Outcome {
    let file = match input::load(&args.file) {
        Ok(file) => file,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };
    let publishable = match prepare(&file, &args.file, &args.style) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let stem = if args.file.as_os_str() == "-" {
        "chart".to_string()
    } else {
        args.file.file_stem().map_or_else(|| "chart".into(), |s| s.to_string_lossy().into_owned())
    };
    let dir = args.output.clone().unwrap_or_else(|| match args.file.parent() {
        Some(p) if args.file.as_os_str() != "-" && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    });
    if let Err(e) = std::fs::create_dir_all(&dir) {
        report_failure(&Failure(format!("{}: cannot create the folder: {e}", dir.display())));
        return Outcome::Trouble;
    }
    let chart = Chart { model: &publishable.checked.model, diagnostics: &publishable.checked.diagnostics };
    let options = publishable.options;
    let languages = &chart.model.languages;

    // Everything is made and staged before anything is renamed into place: a failure leaves
    // the folder as it was.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let name = |lang: usize, ext: &str| {
        if lang == 0 {
            dir.join(format!("{stem}.{ext}"))
        } else {
            dir.join(format!("{stem}.{}.{ext}", languages[lang]))
        }
    };
    files.push((dir.join(format!("{stem}.json")), model_json::render_model_json(&chart, &file.text).into_bytes()));
    for lang in 0..languages.len() {
        let here = RenderOptions { lang, ..options };
        files.push((name(lang, "md"), markdown::render_markdown(&chart, &here).into_bytes()));
        files.push((name(lang, "dot"), dot::render_dot(&chart, &here).into_bytes()));
        files.push((name(lang, "mmd"), mermaid::render_mermaid(&chart, &here).into_bytes()));
    }
    match svgs(&chart, &options) {
        Ok(svgs) => {
            files.push((dir.join(format!("{stem}.html")), html::render_html(&chart, &svgs, &options).into_bytes()));
            for (lang, svg) in svgs.into_iter().enumerate() {
                files.push((name(lang, "svg"), svg.into_bytes()));
            }
        }
        Err(GraphvizError::Missing) => {
            eprintln!(
                "note: Graphviz's `dot` is not on PATH, so the .svg and .html files were skipped; install Graphviz to make them"
            );
        }
        Err(error) => {
            report_failure(&graphviz_failure(&file.name, &error));
            return Outcome::Trouble;
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let inputs = [args.file.clone()];
    let mut staged = Vec::new();
    for (path, bytes) in &files {
        match output::stage(path, bytes, &inputs) {
            Ok(s) => staged.push(s),
            Err(failure) => {
                report_failure(&failure);
                return Outcome::Trouble;
            }
        }
    }
    for s in staged {
        if let Err(failure) = s.commit() {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    }
    for (path, _) in &files {
        println!("{}", path.display());
    }
    Outcome::Clean
}
