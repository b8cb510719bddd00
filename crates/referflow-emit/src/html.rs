//! One self-contained HTML page for a public hearing: the diagram (inline SVG, laid out by
//! referflow), the narrative, and for bilingual charts a language switch. No network: no
//! external fonts, styles or scripts. The switch is CSS only (radio buttons), so the page
//! carries no script at all and its Content-Security-Policy can forbid every script and every
//! fetch.
//!
//! The page is held to WCAG 2.1 AA and axe-core's best practices in every language
//! (tests/it/accessibility.rs, docs/publishing.md): the switch is in the `nav` landmark, its
//! radio buttons hidden from sight but not from the keyboard, with the focus drawn on their
//! labels; the diagram is shown at its natural size in a box that scrolls and takes the
//! focus, named, described (`<desc>`), and followed by a link to its text version, the
//! narrative, and to the diagram alone when `build` wrote it next to the page.

use std::borrow::Cow;

use pulldown_cmark::{Options, Parser, html};

use crate::chart::{Chart, RenderOptions};
use crate::i18n::Catalogue;
use crate::markdown::render_markdown;

/// The diagram of one language as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagram {
    /// Its `<svg>` ([`diagram_svg`]); empty for none.
    pub svg: String,
    /// The name of the same diagram as an SVG file next to the page (`build` writes one per
    /// language), which the page links to; `None` when there is no such file.
    pub file: Option<String>,
}

/// The diagram of language `options.lang` as it goes into a page that holds one per language
/// (the HTML page, the live preview): its ids start with `l<lang>-`, so they stay unique on
/// the page, and it carries its description ([`crate::description`]).
pub fn diagram_svg(chart: &Chart<'_, '_>, page: &crate::scene::Page, options: &RenderOptions) -> String {
    let description = crate::description::description(chart, options);
    crate::scene::to_svg(page, &format!("l{}-", options.lang), false, Some(&description))
}

/// The page. `diagrams[i]` is the diagram in language `i`.
pub fn render_html(chart: &Chart<'_, '_>, diagrams: &[Diagram], options: &RenderOptions) -> String {
    let model = chart.model;
    let first = RenderOptions { lang: options.lang, ..*options };
    let (catalogue, _) = Catalogue::for_lang(chart.lang(&first));
    let title =
        model.title.as_ref().map(|t| chart.text(t, &first).to_string()).unwrap_or_else(|| catalogue.text("untitled"));
    let mut page = head(chart.lang(&first), &title);
    let languages = &model.languages;
    let bilingual = languages.len() > 1;
    if bilingual {
        page.push_str(&switch_style(languages.len()));
    }
    page.push_str("</head>\n<body>\n");

    if bilingual {
        // In the landmark with their labels, each radio before its label: `input:checked +
        // label` marks the language shown, `input:focus-visible + label` the focus.
        page.push_str(&format!("<nav class=\"switch\" aria-label=\"{}\">\n", attr(&catalogue.text("language-switch"))));
        for (i, lang) in languages.iter().enumerate() {
            let checked = if i == options.lang { " checked" } else { "" };
            page.push_str(&format!(
                "<input type=\"radio\" name=\"lang\" id=\"lang-{i}\" value=\"{code}\"{checked}><label for=\"lang-{i}\" lang=\"{code}\">{}</label>\n",
                text(&language_name(lang)),
                code = attr(lang),
            ));
        }
        page.push_str("</nav>\n");
    }
    page.push_str("<main>\n");
    for (i, lang) in languages.iter().enumerate() {
        if !bilingual && i != options.lang {
            continue;
        }
        let here = RenderOptions { lang: i, diagram: false, ..*options };
        // The text version's anchor, named as the narrative's own are: no heading of the
        // narrative is anchored `narrative`.
        let narrative = format!("{}narrative", anchor_prefix(chart, &here));
        page.push_str(&format!("<section class=\"lang lang-{i}\" lang=\"{}\">\n", attr(lang)));
        if let Some(diagram) = diagrams.get(i).filter(|d| !d.svg.is_empty()) {
            page.push_str(&figure(diagram, &narrative, Catalogue::for_lang(lang).0));
        }
        page.push_str(&format!("<div class=\"narrative\" id=\"{narrative}\">\n"));
        page.push_str(&render_narrative(chart, &here));
        page.push_str("</div>\n</section>\n");
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// The diagram at its natural size, in a box that scrolls (named, and in the tab order, so
/// that a keyboard can scroll it), with a caption that links to the text version
/// (`#narrative`) and to the diagram alone.
fn figure(diagram: &Diagram, narrative: &str, catalogue: &Catalogue) -> String {
    let mut out = String::from("<figure class=\"diagram\">\n");
    out.push_str(&format!(
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
        attr(&catalogue.text("diagram"))
    ));
    out.push_str(svg_element(&diagram.svg));
    out.push_str("\n</div>\n<figcaption>");
    out.push_str(&text(&catalogue.text("a11y-caption")));
    out.push_str(&format!(" <a href=\"#{narrative}\">{}</a>", text(&catalogue.text("a11y-text-version"))));
    if let Some(file) = &diagram.file {
        out.push_str(&format!(
            " · <a href=\"{}\" type=\"image/svg+xml\">{}</a>",
            attr(&href(file)),
            text(&catalogue.text("a11y-open-svg"))
        ));
    }
    out.push_str("</figcaption>\n</figure>\n");
    out
}

/// A file's name as a relative URL: every byte but the unreserved characters of RFC 3986
/// percent-encoded, so that a name with `#`, `?`, `%`, `:` or a space still names the file.
fn href(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The narrative in the language of `options`, as HTML (without its Mermaid diagram).
///
/// The first language's anchors are the narrative's own (`step-14`, `actors`), so that
/// `page.html#step-14` names step 14 in every revision of the page; every other language's
/// start with its code (`th-step-14`, `th-actors`), so that the narratives of several languages
/// can share a page with every id unique. A code is two or three lowercase letters with
/// subtags (`pt-BR`), ASCII like the ids, and the declared codes are distinct (RF009); the
/// diagrams' ids start with `l0-`, `l1-` …, which no code does.
pub fn render_narrative(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    let markdown = render_markdown(chart, &RenderOptions { diagram: false, ..*options });
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(&markdown, Options::ENABLE_TABLES));
    let prefix = anchor_prefix(chart, options);
    if prefix.is_empty() {
        return body;
    }
    // User text cannot contain `id="` or `href="#`: pulldown-cmark escapes its quotes.
    body.replace("id=\"", &format!("id=\"{prefix}")).replace("href=\"#", &format!("href=\"#{prefix}"))
}

/// What goes before an anchor of the narrative of `options`'s language on the page: nothing
/// for the first language, `th-` for Thai after it (see [`render_narrative`]).
fn anchor_prefix(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    if options.lang == 0 { String::new() } else { format!("{}-", chart.lang(options)) }
}

/// A page up to the end of its `<head>`'s shared part: the doctype, the language, the
/// Content-Security-Policy (no script, nothing from outside), the title and the style. The
/// caller adds what else its head needs and closes it.
pub(crate) fn head(lang: &str, title: &str) -> String {
    let mut page = String::from("<!DOCTYPE html>\n");
    page.push_str(&format!("<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", attr(lang)));
    page.push_str(CSP);
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<meta name=\"generator\" content=\"referflow\">\n");
    // A window title is one line; a line break written in a chart's title is a space there.
    page.push_str(&format!("<title>{}</title>\n", text(&title.replace('\n', " "))));
    page.push_str(STYLE);
    page
}

/// The CSS of the language switch: where the browser knows `:has()`, the section of the
/// checked language alone is shown; where it does not, the switch is not shown and every
/// section is, one after the other, so nothing is lost.
fn switch_style(languages: usize) -> String {
    let mut css = String::from("<style>\n@supports selector(:has(*)) {\n.switch { display: flex; }\n");
    for i in 0..languages {
        css.push_str(&format!("body:has(#lang-{i}:checked) main > .lang:not(.lang-{i}) {{ display: none; }}\n"));
    }
    css.push_str("}\n@media print { .switch { display: none; } }\n</style>\n");
    css
}

/// The `<svg>` element of an SVG document, without any XML prolog or doctype.
fn svg_element(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..]).trim_end()
}

/// A language's own name, as the switch shows it (and the playground's): from its catalogue,
/// else from a short list of the languages of the region and of migrant workers there, else
/// its code.
pub fn language_name(code: &str) -> Cow<'_, str> {
    if Catalogue::exists(code) {
        return Cow::Owned(Catalogue::for_lang(code).0.text("language-name"));
    }
    Cow::Borrowed(match code.split('-').next().unwrap_or(code) {
        "fr" => "Français",
        "es" => "Español",
        "pt" => "Português",
        "de" => "Deutsch",
        "my" => "မြန်မာ",
        "km" => "ខ្មែរ",
        "lo" => "ລາວ",
        "vi" => "Tiếng Việt",
        "id" => "Bahasa Indonesia",
        "ms" => "Bahasa Melayu",
        _ => code,
    })
}

/// The page's Content-Security-Policy: no script, no fetch, inline styles and data images only.
const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n";

/// Escapes text for an HTML element.
pub(crate) fn text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Escapes text for a double-quoted HTML attribute.
pub(crate) fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

const STYLE: &str = r#"<style>
:root { color-scheme: light; }
body { font-family: "TH Sarabun New", Laksaman, Garuda, "Noto Sans Thai", system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 70rem; padding: 1rem 1.5rem 3rem; color: #1b1b1b; }
h1 { font-size: 1.8rem; margin-top: 0.5rem; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
a { color: #1a4fb4; }
:focus-visible, .switch input:focus-visible + label { outline: 3px solid #1d4ed8; outline-offset: 2px; }
figure.diagram { margin: 1rem 0; }
.diagram .scroll { overflow-x: auto; border: 1px solid #ccc; background: #fff; }
.diagram svg { display: block; }
figcaption { margin-top: 0.4rem; font-size: 0.95rem; }
.switch { display: none; position: relative; gap: 0.5rem; justify-content: flex-end; }
.switch input { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.switch label { border: 1px solid #767676; border-radius: 0.3rem; padding: 0.2rem 0.7rem; cursor: pointer; }
.switch input:checked + label { background: #1b1b1b; border-color: #1b1b1b; color: #fff; }
@media print {
  body { max-width: none; padding: 0; }
  .diagram .scroll { overflow: visible; border: 0; }
  .diagram svg { max-width: 100%; height: auto; break-inside: avoid; }
  figcaption { display: none; }
  h2 { break-after: avoid; }
}
</style>
"#;
