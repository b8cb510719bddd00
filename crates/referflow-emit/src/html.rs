//! One self-contained HTML page for a public hearing: the diagram (Graphviz SVG, inline), the
//! narrative, and for bilingual charts a language switch. No network: no external fonts,
//! styles or scripts. The switch is CSS only (radio buttons), so the page carries no script at
//! all and its Content-Security-Policy can forbid every script and every fetch.

use std::borrow::Cow;

use pulldown_cmark::{Options, Parser, html};

use crate::chart::{Chart, RenderOptions};
use crate::i18n::Catalogue;
use crate::markdown::render_markdown;

/// The diagram of language `options.lang` as it goes into a page that holds one per language
/// (the HTML page, the live preview): its ids start with `l<lang>-`, so they stay unique on
/// the page, and it carries its description ([`crate::description`]).
pub fn diagram_svg(chart: &Chart<'_, '_>, page: &crate::scene::Page, options: &RenderOptions) -> String {
    let description = crate::description::description(chart, options);
    crate::scene::to_svg(page, &format!("l{}-", options.lang), false, Some(&description))
}

/// The page. `svgs[i]` is the diagram in language `i` ([`diagram_svg`]).
pub fn render_html(chart: &Chart<'_, '_>, svgs: &[String], options: &RenderOptions) -> String {
    let model = chart.model;
    let first = RenderOptions { lang: options.lang, ..*options };
    let (catalogue, _) = Catalogue::for_lang(chart.lang(&first));
    let title =
        model.title.as_ref().map(|t| chart.text(t, &first).to_string()).unwrap_or_else(|| catalogue.text("untitled"));
    let mut page = head(chart.lang(&first), &title);
    let languages = &model.languages;
    page.push_str(&switch_style(languages.len()));
    page.push_str("</head>\n<body>\n");

    let bilingual = languages.len() > 1;
    if bilingual {
        // The radios come first so that `:checked ~ main` can select the language shown.
        for (i, _) in languages.iter().enumerate() {
            let checked = if i == options.lang { " checked" } else { "" };
            page.push_str(&format!("<input type=\"radio\" name=\"lang\" id=\"lang-{i}\" class=\"switch\"{checked}>\n"));
        }
        page.push_str(&format!("<nav aria-label=\"{}\">", attr(&catalogue.text("language-switch"))));
        for (i, lang) in languages.iter().enumerate() {
            page.push_str(&format!(
                "<label for=\"lang-{i}\" lang=\"{}\">{}</label>",
                attr(lang),
                text(&language_name(lang))
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
        page.push_str(&format!("<section class=\"lang lang-{i}\" lang=\"{}\">\n", attr(lang)));
        if let Some(svg) = svgs.get(i).filter(|s| !s.is_empty()) {
            page.push_str("<figure class=\"diagram\">\n");
            page.push_str(svg_element(svg));
            page.push_str("\n</figure>\n");
        }
        page.push_str(&render_narrative(chart, &here));
        page.push_str("</section>\n");
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
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
    if options.lang == 0 {
        return body;
    }
    // User text cannot contain `id="` or `href="#`: pulldown-cmark escapes its quotes.
    let code = chart.lang(options);
    body.replace("id=\"", &format!("id=\"{code}-")).replace("href=\"#", &format!("href=\"#{code}-"))
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

/// The CSS that shows the section of the checked language and marks its switch.
fn switch_style(languages: usize) -> String {
    let mut css = String::from("<style>\n");
    for i in 0..languages {
        css.push_str(&format!(
            "#lang-{i}:checked ~ main .lang-{i} {{ display: block; }}\n#lang-{i}:checked ~ nav label[for=\"lang-{i}\"] {{ background: #1b1b1b; color: #fff; }}\n"
        ));
    }
    css.push_str("</style>\n");
    css
}

/// The `<svg>` element of a Graphviz SVG document, without its XML prolog and doctype.
fn svg_element(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..]).trim_end()
}

/// A language's own name, on the switch: from its catalogue, else from a short list of the
/// languages of the region and of migrant workers there, else its code.
fn language_name(code: &str) -> Cow<'_, str> {
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
figure.diagram { margin: 1rem 0; overflow-x: auto; }
figure.diagram svg { max-width: 100%; height: auto; }
input.switch { position: absolute; opacity: 0; pointer-events: none; }
nav { display: flex; gap: 0.5rem; justify-content: flex-end; }
nav label { border: 1px solid #888; border-radius: 0.3rem; padding: 0.2rem 0.7rem; cursor: pointer; }
.lang { display: none; }
main > .lang:only-child { display: block; }
@media print {
  nav { display: none; }
  body { max-width: none; padding: 0; }
  figure.diagram { overflow: visible; break-inside: avoid; }
  h2 { break-after: avoid; }
}
</style>
"#;
