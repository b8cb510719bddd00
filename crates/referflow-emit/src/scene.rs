//! A drawn page: shapes, lines and text at positions in points, the same for SVG, PNG and
//! PDF. The layout makes scenes ([`crate::diagram`]); `to_svg` writes one as SVG, and
//! [`crate::pdf`] draws it into a PDF page.
//!
//! # What the text is: structure for a tagged PDF
//!
//! A page also says what its text *is*, for a reader who does not see it (a screen reader
//! going through a PDF's structure tree, a text-to-speech app, a PDF reflowed on a phone):
//! [`Item::Begin`] with a [`Tag`] opens an element (a heading, a paragraph, a list item, a
//! table cell, a stage of the diagram; [`Role`] lists them) and [`Item::End`] closes the
//! innermost one open. The PDF writes them as its tag tree (PDF/UA); SVG ignores them, and
//! keeps its `<g>` groups (`Open`/`Close`), which are for styling and ids, not for reading.
//!
//! A producer of pages (the diagram, the hearing pack's narrative, a leaflet) keeps to this:
//!
//! - **Wrap every text a reader needs in the element it belongs to.** The lines of one
//!   paragraph, drawn as several `Text` items, go between one `Begin(Paragraph)` and its
//!   `End`, and are read as one paragraph, in the order of the items:
//!
//!   ```text
//!   Begin(Tag::new(Role::Heading(1)))  Text "Referral of victims"  End
//!   Begin(Tag::new(Role::Heading(2)))  Text "Who to call"          End
//!   Begin(Tag::new(Role::Paragraph))   Text "first line"  Text "second line"  End
//!   Begin(Tag::new(Role::List))
//!     Begin(Tag::new(Role::ListItem))
//!       Begin(Tag::new(Role::Label))  Text "•"  End
//!       Text "the item's text, one line"  Text "and the next"
//!     End
//!   End
//!   ```
//!
//!   (`Item::begin(Role::Paragraph)` is short for `Item::Begin(Tag::new(Role::Paragraph))`.)
//!   A `Text` outside every element is still read, as a paragraph of its own line: nothing
//!   drawn is lost, but lines that belong together must be wrapped.
//! - **Elements are read in the order they begin**, page after page: begin them in reading
//!   order. The items draw in the same order, so draw what is read first first.
//! - **Elements nest** (a list holds items, a table rows, a row cells) and may go on over a
//!   page break: a paragraph whose last lines move to the next page is still one paragraph
//!   when its `End` is on the next page. `Begin`/`End` must balance over the document (the
//!   PDF refuses it otherwise), not on each page; they need not nest with `Open`/`Close`.
//! - **Shapes are never read**: `Rect`, `Polygon` and `Line` (bands, box outlines, edges,
//!   arrowheads, rules) are drawn as artifacts, unless they are inside a [`Role::Figure`],
//!   whose drawing they are.
//! - **Page furniture is not read**: running headers, footers and page numbers go inside
//!   [`Role::Header`] or [`Role::Footer`], and any other text drawn only for the eye (a
//!   repeated table head, a diagram's continuation markers and edge labels) inside
//!   [`Role::Artifact`]. Everything inside one of them is an artifact, elements included.
//! - A text in another language than the page's says so: `Tag::new(Role::Paragraph).in_lang("th")`.
//!   A heading's text is also its title; a figure needs `with_alt`, what it shows in words.

use std::fmt::Write;

fn escape_html(text: &str) -> String {
    crate::dot::escape_html(text, false)
}

/// One page, `width` × `height` points, origin at the top left.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    /// The language of the page's text (a BCP-47 code).
    pub lang: String,
    pub title: String,
    /// The CSS `font-family` of the text.
    pub families: String,
    /// The page's entries in a PDF's bookmarks: the phases that begin on it.
    pub outline: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// The page's background bands, alternating.
    Band,
    BandAlt,
    /// The head of a band: lane and phase titles.
    Head,
    /// A stage's box.
    Box,
    /// An outcome's box.
    Outcome,
    /// A continuation marker: where an edge goes on on another page.
    Marker,
    /// Drawn over a stage's box: the thick dashed outline of a stage new or changed since a
    /// revision (`render --since`). No fill.
    Since,
}

impl Paint {
    /// The colour the shape is filled with.
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Paint::Band => (0xF7, 0xF9, 0xFC),
            Paint::BandAlt => (0xEE, 0xF2, 0xF7),
            Paint::Head => (0xDC, 0xE4, 0xEE),
            Paint::Box => (0xFF, 0xFF, 0xFF),
            Paint::Outcome => (0xE8, 0xF3, 0xE8),
            Paint::Marker => (0xFF, 0xF6, 0xDB),
            Paint::Since => (0xFF, 0xFF, 0xFF),
        }
    }

    /// Whether the shape has an outline.
    pub fn stroked(self) -> bool {
        matches!(self, Paint::Box | Paint::Outcome | Paint::Marker | Paint::Since)
    }

    /// Whether the shape is filled with [`Paint::rgb`].
    pub fn filled(self) -> bool {
        self != Paint::Since
    }

    /// The outline's width, and its dashes (on, off) when it is dashed.
    pub fn outline(self) -> (f32, Option<[f32; 2]>) {
        match self {
            Paint::Since => (SINCE_WIDTH, Some([6.0, 3.0])),
            _ => (1.0, None),
        }
    }
}

/// The width of the outline of a stage marked by `render --since`: three times a box's.
pub const SINCE_WIDTH: f32 = 3.0;

/// The colour of lines and text.
pub const INK: (u8, u8, u8) = (0x22, 0x2B, 0x36);

/// What a piece of a page is to a reader: the kind of a structure element (see the module's
/// docs for how a producer uses them). The PDF writes each as the standard structure type
/// named in brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A heading, of level 1 to 6 (`H1`…`H6`): 1 for the document's title, 2 for its sections,
    /// 3 for theirs. Its text is also its title (PDF/UA asks for one).
    Heading(u8),
    /// A paragraph (`P`): every line of text inside is part of it.
    Paragraph,
    /// A list (`L`), of [`Role::ListItem`]s.
    List,
    /// An item of a list (`LI`): its [`Role::Label`], if it has one, then its text (`LBody`);
    /// a list nested in the item goes after its text, inside it.
    ListItem,
    /// The bullet or number of a list item (`Lbl`), first in its item.
    Label,
    /// A table (`Table`), of [`Role::Row`]s.
    Table,
    /// A row of a table (`TR`), of cells.
    Row,
    /// A cell of the head row, which names its column (`TH`, scope column).
    HeaderCell,
    /// A cell (`TD`).
    Cell,
    /// A drawing read as a whole (`Figure`): its shapes are part of it, and its text in words
    /// is [`Tag::alt`], which it needs.
    Figure,
    /// The caption of the figure before it (`Caption`).
    Caption,
    /// A stage's box in the diagram (`P`): its number and the lines of its label, read as
    /// one element; its [`Tag::alt`] may add what the drawing shows by place alone (the lane:
    /// who acts). The number is the stage's place in the narrative's reading order: a
    /// document's stages are read in that order, in the places stage elements take in its
    /// tree, even where the pages draw them in another (a phase cut into ranges of rows puts
    /// a later step on an earlier page).
    Stage(u32),
    /// A page's running header: the chart's title repeated, the page number at the top. Not
    /// read (an artifact).
    Header,
    /// A page's footer and page number. Not read (an artifact).
    Footer,
    /// Anything else drawn for the eye only (a repeated table head, continuation markers, the
    /// labels of edges, which are artifacts): not read.
    Artifact,
}

impl Role {
    /// Whether what is inside is an artifact, drawn and not read.
    pub fn is_artifact(self) -> bool {
        matches!(self, Role::Header | Role::Footer | Role::Artifact)
    }
}

/// A structure element's kind and what it says besides its text; [`Item::Begin`] opens one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub role: Role,
    /// The language of its text, when it is not the page's (a BCP-47 code): the Thai title on
    /// an English cover.
    pub lang: Option<String>,
    /// Its content in words for a reader who does not see it, read instead of its text: what a
    /// figure shows (required), or a stage's box with its lane (who acts).
    pub alt: Option<String>,
}

impl Tag {
    pub fn new(role: Role) -> Tag {
        Tag { role, lang: None, alt: None }
    }

    /// The same, its text in the language `lang`.
    pub fn in_lang(self, lang: impl Into<String>) -> Tag {
        Tag { lang: Some(lang.into()), ..self }
    }

    /// The same, with the words `alt` read instead of its text.
    pub fn with_alt(self, alt: impl Into<String>) -> Tag {
        Tag { alt: Some(alt.into()), ..self }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Begins a structure element: what the text up to the matching [`Item::End`] is (see the
    /// module's docs). Not drawn, and not written in SVG.
    Begin(Tag),
    /// Ends the innermost element begun.
    End,
    /// A group, closed by the next unmatched `Close`: `<g id class>` in SVG.
    Open {
        id: String,
        class: &'static str,
    },
    Close,
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        radius: f32,
        paint: Paint,
    },
    /// A closed polygon (a decision's hexagon).
    Polygon {
        points: Vec<(f32, f32)>,
        paint: Paint,
    },
    /// An edge: a polyline, with an arrowhead at its last point when `arrow`.
    Line {
        points: Vec<(f32, f32)>,
        arrow: bool,
    },
    /// One line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        anchor: Anchor,
        text: String,
    },
}

impl Item {
    /// `Item::Begin(Tag::new(role))`: begins an element with no language or alt text of its own.
    pub fn begin(role: Role) -> Item {
        Item::Begin(Tag::new(role))
    }
}

/// The length of an arrowhead.
pub const ARROW: f32 = 6.0;

fn num(out: &mut String, value: f32) {
    // Two decimals are a hundredth of a point; trailing zeros are dropped so output is short.
    let rounded = (value * 100.0).round() / 100.0;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let _ = write!(out, "{rounded}");
}

fn rgb(out: &mut String, (r, g, b): (u8, u8, u8)) {
    let _ = write!(out, "#{r:02x}{g:02x}{b:02x}");
}

/// The page as a standalone SVG document. `prefix` goes before every id (the HTML page holds
/// one SVG per language). With `physical`, width and height are in points (a printed page);
/// otherwise in CSS pixels at one per point (a page on screen).
///
/// The document is an image with a name, its `<title>`, and with a `description`
/// ([`crate::description`]) a `<desc>`, both named by `aria-labelledby` and
/// `aria-describedby` so that screen readers give them wherever the SVG is shown, alone or
/// inline in a page (`role="img"` makes the rest of the drawing one image to them: the
/// narrative is its text version). Every text stays a `<text>` element, so a reader can
/// search it, select it and zoom it with the rest.
pub fn to_svg(page: &Page, prefix: &str, physical: bool, description: Option<&str>) -> String {
    let mut out = String::with_capacity(page.items.len() * 96 + 1024);
    let unit = if physical { "pt" } else { "" };
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    num(&mut out, page.width);
    out.push_str(unit);
    out.push_str("\" height=\"");
    num(&mut out, page.height);
    out.push_str(unit);
    out.push_str("\" viewBox=\"0 0 ");
    num(&mut out, page.width);
    out.push(' ');
    num(&mut out, page.height);
    let _ = write!(out, "\" lang=\"{}\" role=\"img\" aria-labelledby=\"{prefix}title\"", escape_html(&page.lang));
    if description.is_some() {
        let _ = write!(out, " aria-describedby=\"{prefix}desc\"");
    }
    out.push_str(">\n");
    let _ = writeln!(out, "<title id=\"{prefix}title\">{}</title>", escape_html(&page.title));
    if let Some(description) = description {
        let _ = writeln!(out, "<desc id=\"{prefix}desc\">{}</desc>", escape_html(description));
    }
    let _ = writeln!(
        out,
        "<g font-family=\"{}\" fill=\"#{:02x}{:02x}{:02x}\">",
        escape_html(&page.families),
        INK.0,
        INK.1,
        INK.2
    );
    for item in &page.items {
        match item {
            Item::Open { id, class } => {
                let _ = writeln!(out, "<g id=\"{prefix}{}\" class=\"{class}\">", escape_html(id));
            }
            Item::Close => out.push_str("</g>\n"),
            // What the text is, for a tagged PDF; SVG says it with its groups and <title>.
            Item::Begin(_) | Item::End => {}
            Item::Rect { x, y, w, h, radius, paint } => {
                out.push_str("<rect x=\"");
                num(&mut out, *x);
                out.push_str("\" y=\"");
                num(&mut out, *y);
                out.push_str("\" width=\"");
                num(&mut out, *w);
                out.push_str("\" height=\"");
                num(&mut out, *h);
                if *radius > 0.0 {
                    out.push_str("\" rx=\"");
                    num(&mut out, *radius);
                }
                paint_attributes(&mut out, *paint);
            }
            Item::Polygon { points, paint } => {
                out.push_str("<polygon points=\"");
                points_attribute(&mut out, points);
                paint_attributes(&mut out, *paint);
            }
            Item::Line { points, arrow } => {
                out.push_str("<polyline fill=\"none\" stroke=\"");
                rgb(&mut out, INK);
                out.push_str("\" stroke-width=\"1\" points=\"");
                let mut points = points.clone();
                let head = if *arrow { arrowhead(&mut points) } else { None };
                points_attribute(&mut out, &points);
                out.push_str("\"/>\n");
                if let Some(head) = head {
                    out.push_str("<polygon points=\"");
                    points_attribute(&mut out, &head);
                    out.push_str("\"/>\n");
                }
            }
            Item::Text { x, y, size, bold, anchor, text } => {
                out.push_str("<text x=\"");
                num(&mut out, *x);
                out.push_str("\" y=\"");
                num(&mut out, *y);
                out.push_str("\" font-size=\"");
                num(&mut out, *size);
                out.push('"');
                if *bold {
                    out.push_str(" font-weight=\"bold\"");
                }
                match anchor {
                    Anchor::Start => {}
                    Anchor::Middle => out.push_str(" text-anchor=\"middle\""),
                    Anchor::End => out.push_str(" text-anchor=\"end\""),
                }
                let _ = writeln!(out, ">{}</text>", escape_html(text));
            }
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn paint_attributes(out: &mut String, paint: Paint) {
    out.push_str("\" fill=\"");
    if paint.filled() {
        rgb(out, paint.rgb());
    } else {
        out.push_str("none");
    }
    if paint.stroked() {
        out.push_str("\" stroke=\"");
        rgb(out, INK);
        let (width, dashes) = paint.outline();
        out.push_str("\" stroke-width=\"");
        num(out, width);
        if let Some([on, off]) = dashes {
            out.push_str("\" stroke-dasharray=\"");
            num(out, on);
            out.push(' ');
            num(out, off);
        }
    }
    out.push_str("\"/>\n");
}

fn points_attribute(out: &mut String, points: &[(f32, f32)]) {
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        num(out, *x);
        out.push(',');
        num(out, *y);
    }
}

/// Shortens a polyline by the arrowhead's length and returns the head's triangle.
pub fn arrowhead(points: &mut [(f32, f32)]) -> Option<[(f32, f32); 3]> {
    let n = points.len();
    if n < 2 {
        return None;
    }
    let (tx, ty) = points[n - 1];
    let (fx, fy) = points[n - 2];
    let (dx, dy) = (tx - fx, ty - fy);
    let length = (dx * dx + dy * dy).sqrt();
    if length == 0.0 {
        return None;
    }
    let (ux, uy) = (dx / length, dy / length);
    let back = ARROW.min(length);
    points[n - 1] = (tx - ux * back, ty - uy * back);
    let (bx, by) = points[n - 1];
    let half = ARROW / 2.5;
    Some([(tx, ty), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)])
}
