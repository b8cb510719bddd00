//! The person's leaflet (`render --to leaflet`): one A4 page, in one language, for the person
//! being referred. It says what will happen next, in the chart's plain words (each stage's
//! `public` text, in the order a case meets the stages: [`Chart::case_order`]), who does it and within what time, where the person decides
//! and may say no (the consent decisions, [`referflow_check::Stage::asks_consent`]), their
//! rights and the numbers to call.
//!
//! The leaflet is written once, as Markdown ([`leaflet_markdown`]); the HTML page is that
//! Markdown through pulldown-cmark, and the PDF is that Markdown typeset on one A4 page by the
//! hearing pack's typesetter, so the two say exactly the same (a leaflet too long for the page
//! is set tight, with who and when on the line of the text, before it is refused).

use pulldown_cmark::{Options, Parser, html};

use crate::chart::{Chart, RenderOptions};
use crate::coverage::{self, Uncovered};
use crate::fonts;
use crate::glossary::Glossary;
use crate::hearing::{Layout, typeset_leaflet};
use crate::i18n::{Catalogue, Durations};
use crate::markdown::{Breaks, escape};
use crate::pdf;

/// An A4 page, portrait, in points.
pub const A4: (f32, f32) = (595.28, 841.89);

/// The body text sizes tried, largest first: the leaflet is set in the largest that fits one
/// page. Headings are larger still. Nothing on the leaflet is smaller than the last.
pub const SIZES: [f32; 3] = [14.0, 13.0, 12.0];

/// The ways the leaflet is set, tried in order until one fits the page: each size of
/// [`SIZES`] as the narrative is set, then the smallest size tight (narrow margins, smaller
/// headings, who and when on the line of the text).
const ATTEMPTS: [(f32, Layout); 4] = [
    (SIZES[0], Layout::Leaflet),
    (SIZES[1], Layout::Leaflet),
    (SIZES[2], Layout::Leaflet),
    (SIZES[2], Layout::TightLeaflet),
];

/// Why a leaflet cannot be written.
#[derive(Debug)]
pub enum LeafletError {
    /// The chart has no `leaflet` line.
    NotDeclared,
    /// The leaflet in `lang` takes `pages` A4 pages at the smallest size.
    TooLong {
        lang: String,
        pages: usize,
    },
    /// A character no font draws.
    Fonts(Box<Uncovered>),
    Draw(String),
}

impl std::fmt::Display for LeafletError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LeafletError::NotDeclared => write!(
                f,
                "the chart declares no leaflet: add a `leaflet \"What happens next\"` line, and a `public \"…\"` text to each stage the person sees (docs/language.md, \"The person's leaflet\")"
            ),
            LeafletError::TooLong { lang, pages } => write!(
                f,
                "the `{lang}` leaflet does not fit one A4 page even at {} pt: it takes {pages} pages; shorten the `public` texts, rights and hotlines, or give fewer stages a `public` text",
                SIZES[SIZES.len() - 1]
            ),
            LeafletError::Fonts(uncovered) => write!(f, "{uncovered}"),
            LeafletError::Draw(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for LeafletError {}

/// The leaflet in the language of `options`, as Markdown; `None` when the chart declares none.
pub fn leaflet_markdown(chart: &Chart<'_, '_>, options: &RenderOptions) -> Option<String> {
    markdown(chart, options, false)
}

/// The leaflet as Markdown; `run_on` puts who and when on the line of the text they follow
/// (the tight layout) instead of lines of their own.
fn markdown(chart: &Chart<'_, '_>, options: &RenderOptions, run_on: bool) -> Option<String> {
    let model = chart.model;
    let heading = model.leaflet.heading.as_ref()?;
    let (catalogue, _) = Catalogue::for_lang(chart.lang(options));
    let durations = Durations::of_model(catalogue, model);
    let line = |text: &str| escape(text, Breaks::Html);
    let mut out =
        format!("# {}\n\n{}\n\n", escape(chart.text(heading, options), Breaks::Space), catalogue.text("leaflet-intro"));

    let steps: Vec<_> =
        chart.case_order().into_iter().map(|id| model.stage(id)).filter(|s| s.public.is_some()).collect();
    if !steps.is_empty() {
        out.push_str(&format!("## {}\n\n", catalogue.text("leaflet-steps")));
        for (k, stage) in steps.iter().enumerate() {
            let public = stage.public.as_deref().map_or("", |p| chart.text(p, options));
            // The text, then who and when on a line of their own, then, where the person is
            // asked, that they decide: each line a hard break (`\` at the end of a line).
            let mut lines = vec![line(public)];
            let who = stage.owners.first().map(|lead| {
                let agency = chart.text(&model.actor(*lead).name, options);
                catalogue.with("leaflet-who", &[("agency", agency)])
            });
            let when = stage
                .within
                .map(|limit| catalogue.with("leaflet-when", &[("duration", &durations.duration(limit.text))]));
            let facts: Vec<String> = who.into_iter().chain(when).collect();
            if !facts.is_empty() {
                lines.push(line(&facts.join(" ")));
            }
            if stage.asks_consent() {
                lines.push(format!("**{}**", catalogue.text("leaflet-you-decide")));
            }
            let separator = if run_on { " " } else { "\\\n   " };
            out.push_str(&format!("{}. {}\n", k + 1, lines.join(separator)));
        }
        out.push('\n');
    }
    for (title, texts) in [("leaflet-rights", &model.leaflet.rights), ("leaflet-help", &model.leaflet.hotlines)] {
        if texts.is_empty() {
            continue;
        }
        out.push_str(&format!("## {}\n\n", catalogue.text(title)));
        for text in texts {
            out.push_str(&format!("- {}\n", line(chart.text(text, options))));
        }
        out.push('\n');
    }
    if let Some(title) = &model.title {
        let chart_title = chart.text(title, options).replace('\n', " ");
        let source = match &model.version {
            Some(version) => catalogue
                .with("leaflet-source-version", &[("chart", &chart_title), ("version", chart.text(version, options))]),
            None => catalogue.with("leaflet-source", &[("chart", &chart_title)]),
        };
        out.push_str(&line(&source));
        out.push('\n');
    }
    Some(out)
}

/// The leaflet's heading in the language of `options`: the page's and the PDF's title.
fn heading(chart: &Chart<'_, '_>, options: &RenderOptions) -> Option<String> {
    chart.model.leaflet.heading.as_ref().map(|h| chart.text(h, options).replace('\n', " "))
}

/// The leaflet in the language of `options` as an HTML page: large type, no script, nothing
/// fetched, printable on one A4 page.
pub fn leaflet_html(chart: &Chart<'_, '_>, options: &RenderOptions) -> Result<String, LeafletError> {
    let markdown = leaflet_markdown(chart, options).ok_or(LeafletError::NotDeclared)?;
    let title = heading(chart, options).unwrap_or_default();
    let mut page = crate::html::head(chart.lang(options), &title);
    page.push_str(LEAFLET_STYLE);
    page.push_str("</head>\n<body>\n<main>\n");
    html::push_html(&mut page, Parser::new_ext(&markdown, Options::empty()));
    page.push_str("</main>\n</body>\n</html>\n");
    Ok(page)
}

/// The leaflet in the language of `options` as a one-page A4 PDF, tagged like every PDF
/// referflow writes. The body is set in the largest of [`SIZES`] that fits the page.
pub fn leaflet_pdf(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    date: Option<[u16; 6]>,
) -> Result<Vec<u8>, LeafletError> {
    let lang = chart.lang(options);
    let fonts = fonts::fonts();
    let chain = fonts.chain(lang);
    let glossary = Glossary::of(chart.model);
    // The text as the plain layouts set it, and as the tight one does, each written once.
    let plain = markdown(chart, options, false).ok_or(LeafletError::NotDeclared)?;
    let mut run_on = None;
    let mut pages = Vec::new();
    for (size, layout) in ATTEMPTS {
        let text = match layout {
            Layout::TightLeaflet => run_on.get_or_insert_with(|| markdown(chart, options, true).unwrap_or_default()),
            _ => &plain,
        };
        pages = typeset_leaflet(text, &chain, &glossary, lang, A4, size, layout);
        if pages.len() <= 1 {
            break;
        }
    }
    if pages.len() > 1 {
        return Err(LeafletError::TooLong { lang: lang.to_owned(), pages: pages.len() });
    }
    coverage::check(&pages).map_err(LeafletError::Fonts)?;
    let title = heading(chart, options).unwrap_or_default();
    pdf::to_pdf(&pages, &pdf::Info { title, lang: lang.to_owned(), date }).map_err(LeafletError::Draw)
}

/// Large type on screen (the person may read it on a phone) and on paper.
const LEAFLET_STYLE: &str = r#"<style>
body { font-size: 1.25rem; max-width: 40rem; }
h1 { font-size: 2rem; }
li { margin-bottom: 0.6rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 13pt; }
}
</style>
"#;
