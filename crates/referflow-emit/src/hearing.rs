//! The hearing pack: one PDF per language for a public hearing. A cover (title, version, date,
//! status), the diagram on pages (the overview first, then the phases), then the narrative as
//! `render --to md` writes it (the agencies, every step with its time limit, legal basis and
//! notes, the outcomes, the requirements and whether they hold), typeset on pages of the same
//! size. The narrative is read from the Markdown, so the pack says exactly what the published
//! narrative says.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use std::sync::OnceLock;

use crate::chart::{Chart, RenderOptions};
use crate::diagram::wrap_to;
use crate::fonts::{self, Chain};
use crate::glossary::Glossary;
use crate::i18n::{self, Catalogue};
use crate::pages::{self, LayoutError, Numbering, PageSpec};
use crate::pdf;
use crate::scene::{self, Anchor, Item, Page, Paint, Role};

/// What the cover says besides the chart's own title and version.
#[derive(Debug, Clone)]
pub struct Cover {
    /// Year, month, day.
    pub date: [u16; 3],
    /// The status line; by default "Draft for public hearing" in the pack's language.
    pub status: Option<String>,
}

/// The words of the pack, from the language's catalogue ([`crate::i18n`]).
struct Words {
    status: String,
    months: [String; 12],
    /// Added to the Gregorian year: Thai dates count years in the Buddhist era.
    era_offset: i32,
    page: String,
    diagram: String,
    catalogue: &'static Catalogue,
}

fn words(lang: &str) -> &'static Words {
    static WORDS: [OnceLock<Words>; i18n::COUNT] = [const { OnceLock::new() }; i18n::COUNT];
    i18n::cached(&WORDS, Catalogue::for_lang(lang).0, |c| Words {
        status: c.text("pack-status"),
        months: std::array::from_fn(|m| c.text(&format!("pack-month-{}", m + 1))),
        era_offset: c.text("pack-era-offset").trim().parse().unwrap_or(0),
        page: c.text("page"),
        diagram: c.text("diagram"),
        catalogue: c,
    })
}

/// The pack in the language of `options`, as PDF bytes.
pub fn hearing_pdf(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    spec: &PageSpec,
    cover: &Cover,
) -> Result<Vec<u8>, HearingError> {
    let fonts = fonts::fonts();
    if !fonts.available() {
        return Err(HearingError::Layout(LayoutError::NoFonts));
    }
    let lang = chart.lang(options);
    let chain = fonts.chain(lang);
    let glossary = Glossary::of(chart.model);
    let (width, height) = spec.dimensions();
    let title = chart.model.title.as_ref().map_or_else(
        || crate::markdown::words_for(lang).untitled.to_owned(),
        |t| chart.text(t, options).trim().to_owned(),
    );
    let words = words(lang);
    let size = spec.min_font.max(10.0) * chain.scale();
    let footer = match &chart.model.version {
        Some(version) => format!("{title} · {}", chart.text(version, options).trim()),
        None => title.clone(),
    };

    // The pack's length is known once the narrative is typeset and the diagram cut into pages;
    // the diagram is then cut again with the pages numbered in the pack (its markers name them).
    let markdown = crate::markdown::render_markdown(chart, &RenderOptions { diagram: false, ..*options });
    let mut text = typeset(&markdown, &chain, &glossary, lang, (width, height), size, Layout::Pack);
    let mut diagram = pages::pages_numbered(chart, options, spec, Numbering { before: 1, total: None })?;
    let mut total = 1 + diagram.len() + text.len();
    // Wider page numbers can take more room in the markers: cut again until the count holds.
    for _ in 0..3 {
        diagram = pages::pages_numbered(chart, options, spec, Numbering { before: 1, total: Some(total) })?;
        if 1 + diagram.len() + text.len() == total {
            break;
        }
        total = 1 + diagram.len() + text.len();
    }
    if diagram.len() == 1 {
        diagram[0].outline.insert(0, words.diagram.to_owned());
    }
    let first_text = 2 + diagram.len();
    for (k, page) in text.iter_mut().enumerate() {
        let label = format!("{} {} / {total}", words.page, first_text + k);
        footer_line(page, &chain, &glossary, &footer, &label, (size * 0.9).max(spec.min_font));
    }

    let mut all = vec![cover_page(chart, options, &chain, &glossary, &title, cover, width, height, size)];
    all.extend(diagram);
    all.extend(text);
    let date = cover.date;
    let info = pdf::Info { title, lang: lang.to_owned(), date: Some([date[0], date[1], date[2], 0, 0, 0]) };
    crate::coverage::check(&all).map_err(HearingError::Fonts)?;
    pdf::to_pdf(&all, &info).map_err(HearingError::Draw)
}

/// Why a pack could not be made.
#[derive(Debug)]
pub enum HearingError {
    Layout(LayoutError),
    /// A character of the pack that no font draws.
    Fonts(Box<crate::coverage::Uncovered>),
    Draw(String),
}

impl From<LayoutError> for HearingError {
    fn from(error: LayoutError) -> Self {
        HearingError::Layout(error)
    }
}

impl std::fmt::Display for HearingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HearingError::Layout(error) => error.fmt(f),
            HearingError::Fonts(error) => error.fmt(f),
            HearingError::Draw(error) => f.write_str(error),
        }
    }
}

impl std::error::Error for HearingError {}

/// `5 December 2026`; in Thai `5 ธันวาคม 2569`.
fn date_text(lang: &str, [year, month, day]: [u16; 3]) -> String {
    let words = words(lang);
    let month = &words.months[usize::from(month.clamp(1, 12)) - 1];
    let year = (i32::from(year) + words.era_offset).to_string();
    words.catalogue.with("pack-date", &[("day", &day.to_string()), ("month", month), ("year", &year)])
}

#[allow(clippy::too_many_arguments)]
fn cover_page(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    chain: &Chain<'_>,
    glossary: &Glossary<'_>,
    title: &str,
    cover: &Cover,
    width: f32,
    height: f32,
    size: f32,
) -> Page {
    let lang = chart.lang(options);
    let margin = (width.min(height) * 0.1).max(36.0);
    let room = width - 2.0 * margin;
    let mut items = Vec::new();
    let mut y = height * 0.28;
    // Each text one element: the title the document's heading, the others paragraphs.
    let lines = |items: &mut Vec<Item>, tag: scene::Tag, text: &str, size: f32, bold: bool, y: &mut f32| {
        let line = chain.line_height(size);
        items.push(Item::Begin(tag));
        for text in wrap_to(chain, glossary, text, room, size) {
            items.push(Item::Text { x: margin, y: *y + size, size, bold, anchor: Anchor::Start, text });
            *y += line;
        }
        items.push(Item::End);
    };
    let paragraph = || scene::Tag::new(Role::Paragraph);
    items.push(Item::Open { id: "cover".into(), class: "cover" });
    items.push(Item::Rect { x: margin, y: y - size * 2.0, w: room, h: size * 0.4, radius: 0.0, paint: Paint::Head });
    lines(&mut items, scene::Tag::new(Role::Heading(1)), title, size * 2.2, true, &mut y);
    y += size;
    // The title in the chart's other languages, smaller: a bilingual committee reads both.
    if let Some(texts) = &chart.model.title {
        for (i, code) in chart.model.languages.iter().enumerate() {
            let other = texts.get(i).trim();
            if i != options.lang && !other.is_empty() && other != title {
                lines(&mut items, paragraph().in_lang(*code), other, size * 1.3, false, &mut y);
            }
        }
    }
    y += size * 2.0;
    if let Some(version) = &chart.model.version {
        lines(&mut items, paragraph(), chart.text(version, options), size * 1.3, false, &mut y);
    }
    lines(&mut items, paragraph(), &date_text(lang, cover.date), size * 1.3, false, &mut y);
    y += size * 2.0;
    let status = cover.status.clone().unwrap_or_else(|| words(lang).status.to_owned());
    lines(&mut items, paragraph(), &status, size * 1.6, true, &mut y);
    items.push(Item::Close);
    Page {
        width,
        height,
        lang: lang.to_owned(),
        title: title.to_owned(),
        families: chain.css_families(),
        outline: vec![title.to_owned()],
        items,
    }
}

fn footer_line(page: &mut Page, chain: &Chain<'_>, glossary: &Glossary<'_>, left: &str, right: &str, size: f32) {
    let margin = (page.width.min(page.height) * 0.08).max(36.0);
    let y = page.height - margin * 0.5;
    let room = page.width - 2.0 * margin - chain.width(right, size) - size;
    let left = wrap_to(chain, glossary, left, room, size).into_iter().next().unwrap_or_default();
    page.items.push(Item::begin(Role::Footer));
    page.items.push(Item::Text { x: margin, y, size, bold: false, anchor: Anchor::Start, text: left });
    page.items.push(Item::Text {
        x: page.width - margin,
        y,
        size,
        bold: false,
        anchor: Anchor::End,
        text: right.to_owned(),
    });
    page.items.push(Item::End);
}

/// A block of the narrative, as the Markdown gives it.
enum Block {
    Heading(HeadingLevel, String),
    Paragraph(String),
    /// A list item and how deep its list is nested (0 at the top).
    Item(usize, String),
    Table(Vec<Vec<String>>),
}

/// The blocks of the narrative: headings, paragraphs, list items and tables, their text plain
/// (links, emphasis and the anchors' HTML dropped; a `<br>` a line break).
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut heading = None;
    let mut in_table = false;
    let mut skip = 0usize;
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => skip += 1,
            Event::End(TagEnd::CodeBlock) => skip = skip.saturating_sub(1),
            _ if skip > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => heading = Some(level),
            Event::End(TagEnd::Heading(_)) => {
                out.push(Block::Heading(heading.take().unwrap_or(HeadingLevel::H2), std::mem::take(&mut text)));
            }
            Event::End(TagEnd::Paragraph) if !in_table && !text.trim().is_empty() => {
                out.push(Block::Paragraph(std::mem::take(&mut text)));
            }
            // An item's own text ends where a list nested in it starts.
            Event::Start(Tag::List(_)) => {
                if !text.trim().is_empty() {
                    out.push(Block::Item(depth.saturating_sub(1), std::mem::take(&mut text)));
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::End(TagEnd::Item) if !text.trim().is_empty() => {
                out.push(Block::Item(depth.saturating_sub(1), std::mem::take(&mut text)));
            }
            Event::Start(Tag::Table(_)) => in_table = true,
            Event::End(TagEnd::Table) => {
                in_table = false;
                out.push(Block::Table(std::mem::take(&mut rows)));
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::End(TagEnd::TableCell) => {
                if let Some(row) = rows.last_mut() {
                    row.push(std::mem::take(&mut text));
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::InlineHtml(html) | Event::Html(html) if html.trim_start().starts_with("<br") => text.push('\n'),
            _ => {}
        }
    }
    out
}

/// Pages of text being filled.
struct Typesetter<'c> {
    chain: &'c Chain<'c>,
    glossary: &'c Glossary<'c>,
    lang: String,
    width: f32,
    height: f32,
    margin: f32,
    pages: Vec<Page>,
    items: Vec<Item>,
    outline: Vec<String>,
    y: f32,
    /// How many lists are open, each with its last item open (a nested list goes in it).
    lists: usize,
}

impl Typesetter<'_> {
    /// Closes the lists open deeper than `depth` (0: every list).
    fn close_lists(&mut self, depth: usize) {
        while self.lists > depth {
            self.items.push(Item::End); // the item
            self.items.push(Item::End); // the list
            self.lists -= 1;
        }
    }

    fn bottom(&self) -> f32 {
        self.height - self.margin
    }

    fn room(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    fn break_page(&mut self) {
        // A page with nothing drawn on it is not a page: the elements begun on it (a heading
        // that did not fit) begin on the next one.
        if self.items.iter().all(|i| matches!(i, Item::Begin(_) | Item::End)) && self.outline.is_empty() {
            return;
        }
        self.pages.push(Page {
            width: self.width,
            height: self.height,
            lang: self.lang.clone(),
            title: String::new(),
            families: self.chain.css_families(),
            outline: std::mem::take(&mut self.outline),
            items: std::mem::take(&mut self.items),
        });
        self.y = self.margin;
    }

    /// Lines of text, moved to the next page when they do not fit (with `keep` lines more of
    /// what follows, so a heading is never alone at the foot of a page).
    fn lines(&mut self, lines: &[String], x: f32, size: f32, bold: bool, keep: f32) {
        let line = self.chain.line_height(size);
        for (k, text) in lines.iter().enumerate() {
            let needed = if k == 0 { line + keep } else { line };
            if self.y + needed > self.bottom() {
                self.break_page();
            }
            self.items.push(Item::Text {
                x,
                y: self.y + size * 0.8 + (line - size) / 2.0,
                size,
                bold,
                anchor: Anchor::Start,
                text: text.clone(),
            });
            self.y += line;
        }
    }
}

/// How text is set on pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The hearing pack's narrative: a section (a heading of level 1 or 2) starts a new page
    /// unless the page has little on it yet.
    Pack,
    /// The person's leaflet ([`crate::leaflet`]), which must fit one page: no page per section.
    Leaflet,
    /// The leaflet when it does not fit so: narrower margins, smaller headings, less space
    /// between blocks; the body text keeps its size.
    TightLeaflet,
}

/// The person's leaflet typeset as the narrative is, in `layout` (a leaflet's).
pub(crate) fn typeset_leaflet(
    markdown: &str,
    chain: &Chain<'_>,
    glossary: &Glossary<'_>,
    lang: &str,
    page: (f32, f32),
    size: f32,
    layout: Layout,
) -> Vec<Page> {
    typeset(markdown, chain, glossary, lang, page, size, layout)
}

/// The Markdown on pages of `width` × `height`, its body text at `size`, in `layout`.
fn typeset(
    markdown: &str,
    chain: &Chain<'_>,
    glossary: &Glossary<'_>,
    lang: &str,
    (width, height): (f32, f32),
    size: f32,
    layout: Layout,
) -> Vec<Page> {
    let tight = layout == Layout::TightLeaflet;
    let sections = layout == Layout::Pack;
    // A tight leaflet's margin is 10 mm, which every office printer prints.
    let margin = if tight { 28.35 } else { (width.min(height) * 0.08).max(36.0) };
    // Space between blocks, in lines.
    let gap = if tight { 0.5 } else { 1.0 };
    let mut t = Typesetter {
        chain,
        glossary,
        lang: lang.to_owned(),
        width,
        height,
        margin,
        pages: Vec::new(),
        items: Vec::new(),
        outline: Vec::new(),
        y: margin,
        lists: 0,
    };
    let line = chain.line_height(size);
    let mut first = true;
    for block in blocks(markdown) {
        if !matches!(block, Block::Item(..)) {
            t.close_lists(0);
        }
        match block {
            Block::Heading(level, text) => {
                let (scale, space) = match (level, tight) {
                    (HeadingLevel::H1, false) => (1.6, 0.0),
                    (HeadingLevel::H1, true) => (1.4, 0.0),
                    (HeadingLevel::H2, false) => (1.3, 1.2),
                    (HeadingLevel::H2, true) => (1.15, 0.6),
                    (_, false) => (1.1, 0.8),
                    (_, true) => (1.05, 0.4),
                };
                // Each section (the agencies, a phase, the requirements…) starts a page, unless
                // the page has little on it yet.
                if sections && level <= HeadingLevel::H2 && !first && t.y > t.margin + (t.bottom() - t.margin) * 0.4 {
                    t.break_page();
                }
                t.y += if t.y > t.margin { line * space } else { 0.0 };
                let size = size * scale;
                let wrapped = wrap_to(chain, glossary, text.trim(), t.room(), size);
                if level <= HeadingLevel::H2 {
                    if t.y + chain.line_height(size) * wrapped.len() as f32 + line * 3.0 > t.bottom() {
                        t.break_page();
                    }
                    t.outline.push(text.trim().to_owned());
                }
                t.items.push(Item::begin(Role::Heading(level as u8)));
                t.lines(&wrapped, t.margin, size, true, line * 2.0);
                t.items.push(Item::End);
                t.y += line * 0.3 * gap;
            }
            Block::Paragraph(text) => {
                let wrapped = wrap_to(chain, glossary, text.trim(), t.room(), size);
                t.items.push(Item::begin(Role::Paragraph));
                t.lines(&wrapped, t.margin, size, false, 0.0);
                t.items.push(Item::End);
                t.y += line * 0.5 * gap;
            }
            Block::Item(depth, text) => {
                // The item ends the one before it at its depth and the lists nested in that;
                // a deeper one begins a list inside the item before it.
                t.close_lists(depth + 1);
                if t.lists == depth + 1 {
                    t.items.push(Item::End);
                } else {
                    while t.lists < depth + 1 {
                        t.items.push(Item::begin(Role::List));
                        t.lists += 1;
                    }
                }
                t.items.push(Item::begin(Role::ListItem));
                let indent = size * 1.2 * (depth + 1) as f32;
                let wrapped = wrap_to(chain, glossary, text.trim(), t.room() - indent, size);
                // The bullet goes on the item's first line, where that line goes.
                if t.y + line > t.bottom() {
                    t.break_page();
                }
                t.items.push(Item::begin(Role::Label));
                t.items.push(Item::Text {
                    x: t.margin + indent - size * 0.9,
                    y: t.y + size * 0.8 + (line - size) / 2.0,
                    size,
                    bold: false,
                    anchor: Anchor::Start,
                    text: "•".into(),
                });
                t.items.push(Item::End);
                t.lines(&wrapped, t.margin + indent, size, false, 0.0);
                t.y += line * 0.15 * gap;
            }
            Block::Table(rows) => table(&mut t, &rows, size),
        }
        first = false;
    }
    t.close_lists(0);
    t.break_page();
    t.pages
}

/// A table: the first column wider, the others sharing the rest; each cell wrapped; the head
/// row bold on a band, repeated on a new page.
fn table(t: &mut Typesetter<'_>, rows: &[Vec<String>], size: f32) {
    let Some(head) = rows.first() else { return };
    let columns = head.len().max(1);
    let room = t.room();
    let first = if columns > 1 { room * 0.34 } else { room };
    let rest = if columns > 1 { (room - first) / (columns - 1) as f32 } else { 0.0 };
    let widths: Vec<f32> = (0..columns).map(|c| if c == 0 { first } else { rest }).collect();
    let pad = size * 0.3;
    let line = t.chain.line_height(size);
    let layout = |row: &Vec<String>| -> Vec<Vec<String>> {
        (0..columns)
            .map(|c| wrap_to(t.chain, t.glossary, row.get(c).map_or("", |s| s.trim()), widths[c] - 2.0 * pad, size))
            .collect()
    };
    let head_cells = layout(head);
    // A row of cells; the head's cells name their columns. A head repeated on a new page is
    // drawn for the eye only: a reader has had it.
    let draw = |t: &mut Typesetter<'_>, cells: &[Vec<String>], bold: bool| {
        let height = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * pad;
        let mut x = t.margin;
        if bold {
            t.items.push(Item::Rect { x, y: t.y, w: room, h: height, radius: 0.0, paint: Paint::Head });
        }
        t.items.push(Item::begin(Role::Row));
        for (c, cell) in cells.iter().enumerate() {
            t.items.push(Item::begin(if bold { Role::HeaderCell } else { Role::Cell }));
            for (k, text) in cell.iter().enumerate() {
                t.items.push(Item::Text {
                    x: x + pad,
                    y: t.y + pad + k as f32 * line + size * 0.8 + (line - size) / 2.0,
                    size,
                    bold,
                    anchor: Anchor::Start,
                    text: text.clone(),
                });
            }
            t.items.push(Item::End);
            x += widths[c];
        }
        t.items.push(Item::End);
        t.y += height;
        t.items.push(Item::Line { points: vec![(t.margin, t.y), (t.margin + room, t.y)], arrow: false });
    };
    let head_height = head_cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * pad;
    if t.y + head_height + line * 2.0 > t.bottom() {
        t.break_page();
    }
    t.items.push(Item::begin(Role::Table));
    draw(t, &head_cells, true);
    for row in &rows[1..] {
        let cells = layout(row);
        let height = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0 * pad;
        if t.y + height > t.bottom() {
            t.break_page();
            t.items.push(Item::begin(Role::Artifact));
            draw(t, &head_cells, true);
            t.items.push(Item::End);
        }
        draw(t, &cells, false);
    }
    t.items.push(Item::End);
    t.y += line * 0.6;
}
