//! `referflow render` and `referflow build`: the chart in each publishing format.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use referflow_check::Checked;
use referflow_emit::chart::{self, Chart, Direction, RenderOptions};
use referflow_emit::coverage::{self, Uncovered};
use referflow_emit::description::description;
use referflow_emit::fonts::{self, Choice};
use referflow_emit::hearing::{self, Cover};
use referflow_emit::pages::{self, LayoutError, PageSize, PageSpec};
use referflow_emit::scene::{self, Page};
use referflow_emit::since::Changes;
use referflow_emit::{dot, html, leaflet, markdown, mermaid, model_json, pdf, png};

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
    /// The person's leaflet: one A4 PDF and one HTML page per language, into a folder.
    Leaflet,
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
    #[command(flatten)]
    paper: PaperArgs,
    /// Mark the stages added or changed since this earlier revision of the chart, with a legend
    /// (dot, md, svg, png, pdf, html).
    #[arg(long, value_name = "OLD.flow")]
    since: Option<PathBuf>,
}

/// Pages of a fixed size for svg, png and pdf.
#[derive(Debug, clap::Args)]
struct PaperArgs {
    /// Lay the diagram out on pages of this size (a4, a3, letter, slide), split by phase when
    /// it does not fit; without it, one canvas of the diagram's own size.
    #[arg(long, value_name = "SIZE", value_parser = parse_page)]
    page: Option<PageSize>,
    /// Pages in landscape (the default for slide).
    #[arg(long, conflicts_with = "portrait", requires = "page")]
    landscape: bool,
    /// Pages in portrait (the default for paper).
    #[arg(long, requires = "page")]
    portrait: bool,
    /// The smallest text on a page, in points (default: 9 on paper, 14 on a slide).
    #[arg(long, value_name = "PT", value_parser = parse_min_font, requires = "page")]
    min_font: Option<f32>,
}

impl PaperArgs {
    fn spec(&self) -> Option<PageSpec> {
        let landscape = if self.landscape {
            Some(true)
        } else if self.portrait {
            Some(false)
        } else {
            None
        };
        self.page.map(|size| PageSpec::new(size, landscape, self.min_font))
    }
}

fn parse_page(name: &str) -> Result<PageSize, String> {
    PageSize::from_name(name)
        .ok_or_else(|| format!("unknown page size `{name}`; the page sizes are {}", PageSize::NAMES.join(", ")))
}

fn parse_min_font(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(pt) if pt.is_finite() && (1.0..=144.0).contains(&pt) => Ok(pt),
        _ => Err(format!("`{text}` is not a font size; give points between 1 and 144, such as 9 or 12.5")),
    }
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
    /// Write the hearing pack instead: one PDF per language with a cover, the diagram on pages,
    /// the narrative, the requirements and the agencies (NAME.hearing.pdf, NAME.LANG.hearing.pdf).
    #[arg(long)]
    hearing: bool,
    /// The date on the cover, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else the chart's
    /// modification date).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "hearing")]
    date: Option<[u16; 3]>,
    /// The status line on the cover (default: "Draft for public hearing", in each language).
    #[arg(long, value_name = "TEXT", requires = "hearing")]
    status: Option<String>,
    #[command(flatten)]
    paper: PaperArgs,
    /// Mark the stages added or changed since this earlier revision of the chart, with a legend,
    /// in every document of the bundle (or the hearing pack) but the model's JSON.
    #[arg(long, value_name = "OLD.flow")]
    since: Option<PathBuf>,
}

fn parse_date(text: &str) -> Result<[u16; 3], String> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| s.parse::<u16>().ok();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (number(y), number(m), number(d)) {
            (Some(y), Some(m @ 1..=12), Some(d @ 1..=31)) => Ok([y, m, d]),
            _ => Err(format!("`{text}` is not a date; give it as YYYY-MM-DD, such as 2026-12-05")),
        },
        _ => Err(format!("`{text}` is not a date; give it as YYYY-MM-DD, such as 2026-12-05")),
    }
}

/// The cover's date: as given, else `SOURCE_DATE_EPOCH`, else the chart's modification time
/// (so two runs on the same chart agree), else today.
fn cover_date(given: Option<[u16; 3]>, chart: &Path) -> [u16; 3] {
    let seconds = || -> Option<i64> {
        if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
            return Some(epoch);
        }
        let modified =
            std::fs::metadata(chart).and_then(|m| m.modified()).ok().unwrap_or_else(std::time::SystemTime::now);
        modified.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
    };
    given.unwrap_or_else(|| {
        let [y, m, d, ..] = civil_date(seconds().unwrap_or(0));
        [y, m, d]
    })
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
    /// Draw a language's text in this installed font family first (svg, png, pdf, html):
    /// `th=Laksaman`, or a family alone for every language. Repeatable; before the fonts of
    /// referflow.toml's [fonts] (docs/publishing.md).
    #[arg(long = "font", value_name = "[LANG=]FAMILY", value_parser = parse_font)]
    fonts: Vec<Choice>,
}

/// `th=Laksaman`, `*=Noto Sans`, or `Noto Sans` (every language). A family whose name holds
/// `=` is written with its language.
fn parse_font(text: &str) -> Result<Choice, String> {
    let (lang, family) = match text.split_once('=') {
        Some((lang, family)) => (crate::config::font_language(lang.trim())?, family.trim()),
        None => (None, text.trim()),
    };
    if family.is_empty() {
        return Err("give a font's family name, such as th=\"Noto Sans Thai\"".into());
    }
    Ok(Choice { lang, family: family.to_owned() })
}

/// Puts the fonts chosen by `--font`, then by referflow.toml, first in their languages'
/// chains, before anything is laid out. A `--font` for a language the chart does not declare
/// is refused (a mistyped code would otherwise change nothing, silently); referflow.toml
/// serves many charts and may name others.
fn choose_fonts(path: &Path, style: &StyleArgs, publishable: &Publishable<'_>) -> Result<(), Outcome> {
    let fail = |failure: Failure| {
        report_failure(&failure);
        Outcome::Trouble
    };
    let languages = &publishable.checked.model.languages;
    for choice in &style.fonts {
        if let Some(lang) = &choice.lang
            && !languages.iter().any(|l| l == lang || l.split('-').next() == Some(lang))
        {
            return Err(fail(Failure(format!(
                "--font {lang}={}: `{lang}` is not a declared language (declared: {})",
                crate::input::visible(&choice.family),
                languages.join(", ")
            ))));
        }
        if let Err(unknown) = fonts::installed(&choice.family) {
            return Err(fail(Failure(format!("--font: {unknown}"))));
        }
    }
    let mut choices = style.fonts.clone();
    choices.extend(crate::config::fonts_for(path).map_err(fail)?);
    fonts::choose(choices).map_err(|unknown| fail(Failure(format!("--font: {unknown}"))))
}

/// A chart read and checked, ready to publish.
struct Publishable<'s> {
    checked: Checked<'s>,
    options: RenderOptions,
    /// For a chart with includes: its files joined, one line break between two, so that an
    /// offset of the chart's offset space is an offset of this text; and the files.
    joined: Option<Loaded>,
    sources: Option<crate::driver::include::Sources>,
    /// The files' paths as written from the chart's folder, `/` between folders.
    names: Vec<String>,
    /// The rule levels it was checked at, which `--since` checks the old revision at.
    levels: referflow_check::Levels,
}

impl Publishable<'_> {
    /// The chart's files for the positions in the model's JSON: `file` (the chart), or the
    /// files of a chart with includes, named from the chart's folder.
    fn texts<'t>(&'t self, file: &'t Loaded) -> Vec<model_json::SourceText<'t>> {
        let Some(sources) = &self.sources else {
            return vec![model_json::SourceText { name: "", base: 0, text: &file.text }];
        };
        (sources.files.iter().zip(&self.names))
            .map(|(f, name)| model_json::SourceText { name, base: f.base, text: &f.loaded.text })
            .collect()
    }
}

/// Reads and checks the chart; prints its diagnostics; refuses a chart with errors. For the
/// hearing pack, a stage without a number in a chart that requires numbers is an error
/// (RF111): the hearing comments on steps by number.
fn prepare<'s>(
    file: &'s Loaded,
    path: &Path,
    style: &StyleArgs,
    arena: &'s bumpalo::Bump,
    hearing: bool,
) -> Result<Publishable<'s>, Outcome> {
    let levels = match crate::config::levels_for(path) {
        Ok(mut levels) => {
            if hearing {
                let _ = levels.set(referflow_check::Rule::UnnumberedStage, referflow_check::Level::Deny);
            }
            levels
        }
        Err(failure) => {
            report_failure(&failure);
            return Err(Outcome::Trouble);
        }
    };
    let (checked, joined) = match crate::driver::include::chart_of(path, file) {
        Ok(None) => (referflow_check::check_source(&file.text, &levels), None),
        Ok(Some(sources)) => {
            let checked = sources.check(arena, &levels);
            sources.print(&checked.diagnostics);
            let joined = sources.joined();
            (checked, Some((joined, sources)))
        }
        Err(failure) => {
            report_failure(&failure);
            return Err(Outcome::Trouble);
        }
    };
    if joined.is_none() && !checked.diagnostics.is_empty() {
        crate::print_diagnostics(file, &checked.diagnostics);
    }
    if checked.has_errors() {
        let _ = writeln!(std::io::stderr(), "error: {}", chart::has_errors(&file.name));
        return Err(Outcome::Errors);
    }
    let lang = match chart::language_index(&file.name, &checked.model.languages, style.lang.as_deref()) {
        Ok(lang) => lang,
        Err(message) => {
            report_failure(&Failure(message));
            return Err(Outcome::Trouble);
        }
    };
    let direction = match style.direction {
        DirectionArg::Tb => Direction::TopBottom,
        DirectionArg::Lr => Direction::LeftRight,
    };
    let (joined, sources) = joined.map_or((None, None), |(joined, sources)| (Some(joined), Some(sources)));
    let names = sources.iter().flat_map(|s| {
        let folder = s.files[0].path.parent().unwrap_or(Path::new("")).to_path_buf();
        s.files.iter().map(move |f| {
            let name = f.path.strip_prefix(&folder).unwrap_or(&f.path);
            name.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
        })
    });
    let names = names.collect();
    let options = RenderOptions { lang, direction, diagram: !style.no_diagram };
    Ok(Publishable { checked, options, joined, sources, names, levels })
}

/// The stages of the chart at `new` added or changed since the revision at `old` (`--since`):
/// the old chart read, checked and compared as `referflow diff` does, at the levels the chart
/// was checked at. An old chart that cannot be compared is reported as `diff` reports it.
/// What `render` and `build` share once the chart is read: the chart checked and refused on
/// errors, its fonts chosen when the format draws, and what changed since `--since`.
fn ready<'s>(
    file: &'s Loaded,
    path: &Path,
    style: &StyleArgs,
    arena: &'s bumpalo::Bump,
    hearing: bool,
    draws: bool,
    since: Option<&Path>,
) -> Result<(Publishable<'s>, Option<Changes>), Outcome> {
    let publishable = prepare(file, path, style, arena, hearing)?;
    if draws {
        choose_fonts(path, style, &publishable)?;
    }
    let since = since.map(|old| changes_since(old, path, &publishable)).transpose()?;
    Ok((publishable, since))
}

fn changes_since(old: &Path, new: &Path, publishable: &Publishable<'_>) -> Result<Changes, Outcome> {
    if old.as_os_str() == "-" && new.as_os_str() == "-" {
        report_failure(&Failure("only one of the chart and --since can be read from standard input".into()));
        return Err(Outcome::Trouble);
    }
    let side = crate::driver::include::WholeChart::read(old).map_err(|failure| {
        report_failure(&failure);
        Outcome::Trouble
    })?;
    let arena = bumpalo::Bump::new();
    let checked = side.check(&arena, &publishable.levels);
    if side.refused(&checked, "so it is not compared") {
        return Err(Outcome::Trouble);
    }
    let changes = referflow_check::diff::compare(&checked, &publishable.checked, &publishable.levels);
    let model = &publishable.checked.model;
    Ok(Changes::between(&changes, model, checked.model.version.as_ref().map(|v| v.get(0))))
}

/// Writes the chart in one format to `sink`. The text formats go out as they are made: at a
/// million stages they are hundreds of megabytes, which need not all be in memory at once.
fn render(
    chart: &Chart<'_, '_>,
    files: &[model_json::SourceText<'_>],
    format: Format,
    options: &RenderOptions,
    sink: &mut dyn Write,
) -> Result<(), RenderError> {
    let bytes = match format {
        Format::Dot => return Ok(dot::write_dot(chart, options, sink)?),
        Format::Md => return Ok(markdown::write_markdown(chart, options, sink)?),
        Format::Json => return Ok(model_json::write_model_json_in(chart, files, sink)?),
        Format::Mermaid => mermaid::render_mermaid(chart, options).into_bytes(),
        Format::Html => {
            let canvases = canvases(chart, options)?;
            coverage::check(&canvases)?;
            html_page(chart, &canvases, options, &[]).into_bytes()
        }
        Format::Svg | Format::Png | Format::Pdf => {
            let page = pages::canvas(chart, options)?;
            coverage::check(std::slice::from_ref(&page))?;
            drawn(chart, options, format, std::slice::from_ref(&page), false)?.remove(0)
        }
        Format::Leaflet => unreachable!("the leaflet is several files: run_render hands it to render_leaflets"),
    };
    Ok(sink.write_all(&bytes)?)
}

/// Laid-out pages in a drawn format: one PDF, or one SVG or PNG per page.
fn drawn(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    format: Format,
    pages: &[Page],
    physical: bool,
) -> Result<Vec<Vec<u8>>, RenderError> {
    Ok(match format {
        Format::Pdf => vec![pdf::to_pdf(pages, &pdf_info(chart, options)).map_err(RenderError::Draw)?],
        Format::Png => pages.iter().map(png::to_png).collect::<Result<_, _>>().map_err(RenderError::Draw)?,
        _ => {
            let description = description(chart, options);
            pages.iter().map(|page| scene::to_svg(page, "", physical, Some(&description)).into_bytes()).collect()
        }
    })
}

/// The PDF's title and language, and its date from `SOURCE_DATE_EPOCH` (none without it, so
/// that two runs give the same bytes).
fn pdf_info(chart: &Chart<'_, '_>, options: &RenderOptions) -> pdf::Info {
    let title =
        chart.model.title.as_ref().map_or_else(|| "Referral chart".to_owned(), |t| chart.text(t, options).to_owned());
    let date = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).map(civil_date);
    pdf::Info { title, lang: chart.lang(options).to_owned(), date }
}

/// Seconds since 1970 as year, month, day, hour, minute, second (UTC).
pub(crate) fn civil_date(seconds: i64) -> [u16; 6] {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(0, 9999);
    [year as u16, month as u16, day as u16, (rest / 3600) as u16, (rest / 60 % 60) as u16, (rest % 60) as u16]
}

/// What stops `render`: the layout, drawing, or the file or stream written to.
#[derive(Debug)]
enum RenderError {
    Layout(LayoutError),
    /// A character that no font draws: checked before anything is written.
    Fonts(Box<Uncovered>),
    Draw(String),
    Write(std::io::Error),
}

impl From<Box<Uncovered>> for RenderError {
    fn from(error: Box<Uncovered>) -> Self {
        RenderError::Fonts(error)
    }
}

impl From<LayoutError> for RenderError {
    fn from(error: LayoutError) -> Self {
        RenderError::Layout(error)
    }
}

impl From<std::io::Error> for RenderError {
    fn from(error: std::io::Error) -> Self {
        RenderError::Write(error)
    }
}

/// The diagram in every declared language, laid out once for both the HTML page's switch and
/// the bundle's SVG files.
fn canvases(chart: &Chart<'_, '_>, options: &RenderOptions) -> Result<Vec<Page>, LayoutError> {
    (0..chart.model.languages.len()).map(|lang| pages::canvas(chart, &RenderOptions { lang, ..*options })).collect()
}

/// The page with the diagram in every declared language. `files[i]`, when there is one, is
/// the name of the SVG file of language `i` written next to the page, which the page links to.
fn html_page(chart: &Chart<'_, '_>, canvases: &[Page], options: &RenderOptions, files: &[String]) -> String {
    let diagrams: Vec<html::Diagram> = (canvases.iter().enumerate())
        .map(|(lang, page)| html::Diagram {
            svg: html::diagram_svg(chart, page, &RenderOptions { lang, ..*options }),
            file: files.get(lang).cloned(),
        })
        .collect();
    html::render_html(chart, &diagrams, options)
}

pub fn run_render(args: RenderArgs) -> Outcome {
    let spec = args.paper.spec();
    if spec.is_some() && !matches!(args.to, Format::Svg | Format::Png | Format::Pdf) {
        report_failure(&Failure("--page applies to --to svg, png and pdf".into()));
        return Outcome::Trouble;
    }
    if !args.style.fonts.is_empty() && !draws(args.to) {
        report_failure(&Failure("--font applies to --to svg, png, pdf and html".into()));
        return Outcome::Trouble;
    }
    if args.since.is_some() && matches!(args.to, Format::Json | Format::Mermaid | Format::Leaflet) {
        report_failure(&Failure("--since applies to --to dot, md, svg, png, pdf and html".into()));
        return Outcome::Trouble;
    }
    let file = match input::load(&args.file) {
        Ok(file) => file,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };
    let arena = bumpalo::Bump::new();
    let ready = ready(&file, &args.file, &args.style, &arena, false, draws(args.to), args.since.as_deref());
    let (publishable, since) = match ready {
        Ok(ready) => ready,
        Err(outcome) => return outcome,
    };
    let file = publishable.joined.as_ref().unwrap_or(&file);
    let chart = Chart {
        model: &publishable.checked.model,
        diagnostics: &publishable.checked.diagnostics,
        since: since.as_ref(),
    };
    // The model's JSON has no fixed texts; the HTML page holds every language.
    match args.to {
        Format::Json => {}
        Format::Html => crate::warn_without_catalogue(chart.model.languages.iter().map(|l| &**l)),
        Format::Leaflet if args.style.lang.is_none() => {
            crate::warn_without_catalogue(chart.model.languages.iter().map(|l| &**l))
        }
        _ => crate::warn_without_catalogue([chart.lang(&publishable.options)]),
    }
    if args.to == Format::Leaflet {
        let outcome = render_leaflets(&chart, &file.name, &args, &publishable.options);
        crate::leave_to_exit(publishable);
        return outcome;
    }
    let outcome = match spec {
        Some(spec) => render_pages(&chart, &file.name, &args, &spec, &publishable.options),
        None => render_one(&chart, file, &publishable.texts(file), &args, &publishable.options),
    };
    crate::leave_to_exit(publishable);
    outcome
}

/// One output, to a file or standard output.
fn render_one(
    chart: &Chart<'_, '_>,
    file: &Loaded,
    files: &[model_json::SourceText<'_>],
    args: &RenderArgs,
    options: &RenderOptions,
) -> Outcome {
    let inputs = std::slice::from_ref(&args.file);
    if draws(args.to) {
        // Laid out, checked and drawn whole before anything is created: a chart that cannot
        // be drawn leaves no file behind, not even a temporary one, and nothing on stdout.
        let mut bytes = Vec::new();
        if let Err(error) = render(chart, files, args.to, options, &mut bytes) {
            report_failure(&render_failure(&file.name, error));
            return Outcome::Trouble;
        }
        let written = match &args.output {
            Some(out) => output::write(out, &bytes, inputs),
            None => std::io::stdout().lock().write_all(&bytes).map_err(|e| Failure(format!("standard output: {e}"))),
        };
        return match written {
            Ok(()) => Outcome::Clean,
            Err(failure) => {
                report_failure(&failure);
                Outcome::Trouble
            }
        };
    }
    let mut failed = None;
    let mut write = |sink: &mut dyn Write| match render(chart, files, args.to, options, sink) {
        Ok(()) => Ok(()),
        Err(RenderError::Write(error)) => Err(error),
        Err(error) => {
            failed = Some(render_failure(&file.name, error));
            Err(std::io::Error::other("the diagram could not be drawn"))
        }
    };
    // A file is written whole or not at all (see output.rs); standard output as it comes.
    let written = match &args.output {
        Some(out) => output::write_with(out, inputs, &mut write),
        None => write(&mut std::io::stdout().lock()).map_err(|e| Failure(format!("standard output: {e}"))),
    };
    match (failed, written) {
        (Some(failure), _) | (None, Err(failure)) => {
            report_failure(&failure);
            Outcome::Trouble
        }
        (None, Ok(())) => Outcome::Clean,
    }
}

fn render_failure(file: &str, error: RenderError) -> Failure {
    let cause = match error {
        RenderError::Layout(error) => error.to_string(),
        RenderError::Fonts(error) => error.to_string(),
        RenderError::Draw(error) => error,
        RenderError::Write(error) => error.to_string(),
    };
    Failure(format!("{file}: {cause}"))
}

/// The diagram on pages: one PDF, or an SVG or PNG per page (`OUT-1.svg`, `OUT-2.svg`, … when
/// there are several, their paths printed).
fn render_pages(
    chart: &Chart<'_, '_>,
    name: &str,
    args: &RenderArgs,
    spec: &PageSpec,
    options: &RenderOptions,
) -> Outcome {
    let made = pages::pages(chart, options, spec).map_err(RenderError::from).and_then(|pages| {
        coverage::check(&pages)?;
        drawn(chart, options, args.to, &pages, true)
    });
    let files = match made {
        Ok(files) => files,
        Err(error) => {
            report_failure(&render_failure(name, error));
            return Outcome::Trouble;
        }
    };
    let inputs = std::slice::from_ref(&args.file);
    match (&args.output, files.len()) {
        (None, 1) => match std::io::stdout().lock().write_all(&files[0]) {
            Ok(()) => Outcome::Clean,
            Err(e) => {
                report_failure(&Failure(format!("standard output: {e}")));
                Outcome::Trouble
            }
        },
        (None, n) => {
            report_failure(&Failure(format!(
                "{name}: the diagram takes {n} pages, which are written as one file each: give -o OUT.{}",
                if args.to == Format::Png { "png" } else { "svg" }
            )));
            Outcome::Trouble
        }
        (Some(out), 1) => match output::write(out, &files[0], inputs) {
            Ok(()) => Outcome::Clean,
            Err(failure) => {
                report_failure(&failure);
                Outcome::Trouble
            }
        },
        (Some(out), _) => write_all(numbered(out, files.len()).into_iter().zip(files).collect(), &args.file),
    }
}

/// Whether a format draws glyphs with the fonts (and so is checked for the characters they
/// lack): the laid-out diagram, alone or in the HTML page, and the leaflet.
fn draws(format: Format) -> bool {
    matches!(format, Format::Svg | Format::Png | Format::Pdf | Format::Html | Format::Leaflet)
}

/// `render --to leaflet`: the leaflet in every declared language (or the one `--lang` names),
/// as `NAME[.LANG].leaflet.pdf` and `.html` in the folder `-o` names (default: the chart's).
fn render_leaflets(chart: &Chart<'_, '_>, name: &str, args: &RenderArgs, options: &RenderOptions) -> Outcome {
    let file_like = |out: &Path| {
        out.as_os_str() == "-"
            || out.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("html"))
    };
    if args.output.as_deref().is_some_and(file_like) {
        report_failure(&Failure(format!(
            "{name}: the leaflet is several files (a PDF and an HTML page per language): give -o a folder"
        )));
        return Outcome::Trouble;
    }
    let dir = bundle_dir(args.output.as_deref(), &args.file);
    let languages: Vec<usize> = match args.style.lang {
        Some(_) => vec![options.lang],
        None => (0..chart.model.languages.len()).collect(),
    };
    let named = |lang: usize, ext: &str| bundle_file(&dir, &stem(&args.file), &chart.model.languages, lang, ext);
    match leaflet_files(chart, options, &languages, &named) {
        Ok(files) => write_into(&dir, files, &args.file),
        Err(failure) => {
            report_failure(&Failure(format!("{name}: {}", failure.0)));
            Outcome::Trouble
        }
    }
}

/// The leaflet in each of `languages`: a one-page A4 PDF and an HTML page each, made whole
/// before anything is written.
fn leaflet_files(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    languages: &[usize],
    named: &dyn Fn(usize, &str) -> PathBuf,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let date = pdf_info(chart, options).date;
    let mut files = Vec::new();
    for &lang in languages {
        let here = RenderOptions { lang, ..*options };
        let fail = |e: leaflet::LeafletError| Failure(e.to_string());
        files.push((named(lang, "leaflet.pdf"), leaflet::leaflet_pdf(chart, &here, date).map_err(fail)?));
        files.push((named(lang, "leaflet.html"), leaflet::leaflet_html(chart, &here).map_err(fail)?.into_bytes()));
    }
    Ok(files)
}

/// The stem of a bundle's files: the chart's file name without `.flow`; `chart` for stdin.
fn stem(file: &Path) -> String {
    if file.as_os_str() == "-" {
        return "chart".to_string();
    }
    file.file_stem().map_or_else(|| "chart".into(), |s| s.to_string_lossy().into_owned())
}

/// The folder a bundle goes to: the one given, else the chart's own (`.` for stdin).
fn bundle_dir(output: Option<&Path>, file: &Path) -> PathBuf {
    output.map(Path::to_path_buf).unwrap_or_else(|| match file.parent() {
        Some(p) if file.as_os_str() != "-" && !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// `DIR/STEM.EXT` in the first language, `DIR/STEM.LANG.EXT` in the others.
fn bundle_file(dir: &Path, stem: &str, languages: &[&str], lang: usize, ext: &str) -> PathBuf {
    if lang == 0 { dir.join(format!("{stem}.{ext}")) } else { dir.join(format!("{stem}.{}.{ext}", languages[lang])) }
}

/// `dir/name.svg` as `dir/name-1.svg`, `dir/name-2.svg`, …
fn numbered(out: &Path, count: usize) -> Vec<PathBuf> {
    let stem = out.file_stem().map_or_else(|| "diagram".into(), |s| s.to_string_lossy().into_owned());
    let ext = out.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (1..=count).map(|k| out.with_file_name(format!("{stem}-{k}{ext}"))).collect()
}

pub fn run_build(args: BuildArgs) -> Outcome {
    if args.paper.page.is_some() && !args.hearing {
        report_failure(&Failure("--page applies to build --hearing (and to render)".into()));
        return Outcome::Trouble;
    }
    let file = match input::load(&args.file) {
        Ok(file) => file,
        Err(failure) => {
            report_failure(&failure);
            return Outcome::Trouble;
        }
    };
    let arena = bumpalo::Bump::new();
    let (publishable, since) =
        match ready(&file, &args.file, &args.style, &arena, args.hearing, true, args.since.as_deref()) {
            Ok(ready) => ready,
            Err(outcome) => return outcome,
        };
    let file = publishable.joined.as_ref().unwrap_or(&file);
    let stem = stem(&args.file);
    let dir = bundle_dir(args.output.as_deref(), &args.file);
    let chart = Chart {
        model: &publishable.checked.model,
        diagnostics: &publishable.checked.diagnostics,
        since: since.as_ref(),
    };
    let options = publishable.options;
    let languages = &chart.model.languages;
    crate::warn_without_catalogue(languages.iter().map(|l| &**l));

    // Everything is made and staged before anything is renamed into place: a failure leaves
    // the folder as it was.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let name = |lang: usize, ext: &str| bundle_file(&dir, &stem, languages, lang, ext);
    if args.hearing {
        let spec = args.paper.spec().unwrap_or_else(|| PageSpec::new(PageSize::A4, None, None));
        let cover = Cover { date: cover_date(args.date, &args.file), status: args.status.clone() };
        for lang in 0..languages.len() {
            let here = RenderOptions { lang, ..options };
            match hearing::hearing_pdf(&chart, &here, &spec, &cover) {
                Ok(bytes) => files.push((name(lang, "hearing.pdf"), bytes)),
                Err(error) => {
                    report_failure(&Failure(format!("{}: {error}", file.name)));
                    return Outcome::Trouble;
                }
            }
        }
        return write_into(&dir, files, &args.file);
    }
    files.push((
        dir.join(format!("{stem}.json")),
        model_json::render_model_json_in(&chart, &publishable.texts(file)).into_bytes(),
    ));
    for lang in 0..languages.len() {
        let here = RenderOptions { lang, ..options };
        files.push((name(lang, "md"), markdown::render_markdown(&chart, &here).into_bytes()));
        files.push((name(lang, "dot"), dot::render_dot(&chart, &here).into_bytes()));
        files.push((name(lang, "mmd"), mermaid::render_mermaid(&chart, &here).into_bytes()));
    }
    // The person's leaflet, in every language, when the chart declares one.
    if chart.model.leaflet.heading.is_some() {
        match leaflet_files(&chart, &options, &(0..languages.len()).collect::<Vec<_>>(), &name) {
            Ok(leaflets) => files.extend(leaflets),
            Err(failure) => {
                report_failure(&Failure(format!("{}: {}", file.name, failure.0)));
                return Outcome::Trouble;
            }
        }
    }
    match canvases(&chart, &options).map_err(RenderError::from).and_then(|canvases| {
        coverage::check(&canvases)?;
        Ok(canvases)
    }) {
        Ok(canvases) => {
            let svgs: Vec<PathBuf> = (0..canvases.len()).map(|lang| name(lang, "svg")).collect();
            // The page and its SVG files are in one folder: the page links to each by its name.
            let names: Vec<String> =
                svgs.iter().map(|p| p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into())).collect();
            files.push((dir.join(format!("{stem}.html")), html_page(&chart, &canvases, &options, &names).into_bytes()));
            for ((lang, page), path) in canvases.iter().enumerate().zip(svgs) {
                let here = RenderOptions { lang, ..options };
                files.push((path, scene::to_svg(page, "", false, Some(&description(&chart, &here))).into_bytes()));
            }
        }
        Err(error) => {
            report_failure(&render_failure(&file.name, error));
            return Outcome::Trouble;
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    write_into(&dir, files, &args.file)
}

/// The bundle's folder, created once everything in it is made (a chart that cannot be drawn
/// leaves no folder behind), then its files, as `write_all` writes them.
fn write_into(dir: &Path, files: Vec<(PathBuf, Vec<u8>)>, input: &Path) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(dir) {
        report_failure(&Failure(format!("{}: cannot create the folder: {e}", crate::input::shown(dir))));
        return Outcome::Trouble;
    }
    write_all(files, input)
}

/// Stages every file, then renames each into place (a failure leaves the folder as it was),
/// then prints their paths, in the order given.
fn write_all(files: Vec<(PathBuf, Vec<u8>)>, input: &Path) -> Outcome {
    let inputs = [input.to_path_buf()];
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
        println!("{}", crate::input::shown(path));
    }
    Outcome::Clean
}
