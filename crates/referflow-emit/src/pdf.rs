//! Pages drawn into a PDF with krilla: real text in embedded, subset fonts (so it can be
//! searched, copied and read aloud, Thai included), a title shown as the window's title, a
//! language, a bookmark for each phase, a tag tree that says what the text is and in which
//! order it is read (tagged PDF, validated as PDF/UA-1), and nothing that changes from one run
//! to the next (no clock; the date, if any, is the one given).
//!
//! The tag tree comes from the pages' [`Item::Begin`]/[`Item::End`] (the rules are in
//! [`crate::scene`]'s docs): each element becomes a structure element, each run of its text
//! drawn in a row one marked-content sequence in it, and everything not read (shapes, page
//! furniture) an artifact.

use std::collections::BTreeMap;
use std::num::{NonZeroU16, NonZeroU64};

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder, ValidationError};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, ListNumbering, Node, SpanTag, TableHeaderScope, Tag as PdfTag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use crate::fonts::{self, Chain};
use crate::scene::{self, Anchor, Item, Page, Role};

/// What the document says about itself.
#[derive(Debug, Clone, Default)]
pub struct Info {
    pub title: String,
    /// A BCP-47 code.
    pub lang: String,
    /// Year, month, day, hour, minute, second (UTC), e.g. from `SOURCE_DATE_EPOCH`.
    pub date: Option<[u16; 6]>,
}

/// The pages as one PDF document: tagged, and validated as PDF/UA-1 (ISO 14289-1) by krilla,
/// which also makes viewers show the Title, not the file name, as the window's title
/// (`/ViewerPreferences /DisplayDocTitle true`, which krilla writes only under this validator).
/// A document that does not pass is an error that says why, never a file that claims it.
pub fn to_pdf(pages: &[Page], info: &Info) -> Result<Vec<u8>, String> {
    let fonts = fonts::fonts();
    let chain = fonts.chain(&info.lang);
    let mut loaded: BTreeMap<usize, Font> = BTreeMap::new();
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| format!("the PDF could not be set up as PDF/UA-1: {e:?}"))?;
    let mut document = Document::new_with(SerializeSettings { configuration, ..SerializeSettings::default() });
    let mut outline = Outline::new();
    let mut bookmarks = 0;
    let mut structure = Structure::default();
    for (index, page) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page.width, page.height).ok_or("a page has no size")?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        structure.page_lang = (page.lang != info.lang && !page.lang.is_empty()).then(|| page.lang.clone());
        let mut drawn = Ok(());
        for (k, item) in page.items.iter().enumerate() {
            drawn = match item {
                Item::Begin(tag) => {
                    structure.begin(tag);
                    Ok(())
                }
                Item::End => structure.end(),
                Item::Open { .. } | Item::Close => Ok(()),
                Item::Rect { .. } | Item::Polygon { .. } | Item::Line { .. } => {
                    structure.mark(&mut surface, Content::Shape);
                    draw(&mut surface, item, &chain, &mut loaded, false)
                }
                Item::Text { text, .. } => {
                    let read = structure.mark(&mut surface, Content::Text(text));
                    surface.set_location(location(index, k));
                    let drawn = draw(&mut surface, item, &chain, &mut loaded, read && goes_on(pages, index, k));
                    surface.reset_location();
                    drawn
                }
            };
            if drawn.is_err() {
                break;
            }
        }
        // krilla panics on a page left inside a marked-content sequence, even on the way out.
        structure.unmark(&mut surface);
        drawn?;
        surface.finish();
        pdf_page.finish();
        for name in &page.outline {
            bookmarks += 1;
            outline.push_child(OutlineNode::new(name.clone(), XyzDestination::new(index, Point::from_xy(0.0, 0.0))));
        }
    }
    if !structure.open.is_empty() {
        return Err(format!(
            "the PDF's structure is broken: {} element(s) begun and never ended (a bug in referflow)",
            structure.open.len()
        ));
    }
    // PDF/UA asks for bookmarks; a chart without phases has none of its own.
    if bookmarks == 0 && !pages.is_empty() {
        outline.push_child(OutlineNode::new(info.title.clone(), XyzDestination::new(0, Point::from_xy(0.0, 0.0))));
    }
    document.set_outline(outline);
    let mut tree = TagTree::new().with_lang(Some(info.lang.clone()));
    for node in structure.in_reading_order() {
        tree.push(node);
    }
    document.set_tag_tree(tree);
    let mut metadata =
        Metadata::new().title(info.title.clone()).language(info.lang.clone()).creator("referflow".into());
    if let Some([year, month, day, hour, minute, second]) = info.date {
        let date = DateTime::new(year)
            .month(month as u8)
            .day(day as u8)
            .hour(hour as u8)
            .minute(minute as u8)
            .second(second as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        metadata = metadata.creation_date(date);
    }
    document.set_metadata(metadata);
    document.finish().map_err(|e| failure(&e, pages, &loaded))
}

/// Whether the text at item `item` of page `page` goes on in the next text drawn, in the
/// same element: then a reader needs the space the wrapping took away between the two lines
/// (none between two letters of Thai, Lao, Khmer or Burmese, which break between words
/// without one). Text of an artifact in between (a page's footer) does not count.
fn goes_on(pages: &[Page], page: usize, item: usize) -> bool {
    let Some(Item::Text { text, .. }) = pages.get(page).and_then(|p| p.items.get(item)) else { return false };
    let mut artifacts = 0usize;
    let later = pages[page].items[item + 1..].iter().chain(pages[page + 1..].iter().flat_map(|p| &p.items));
    for next in later {
        match next {
            Item::Begin(tag) if artifacts > 0 || tag.role.is_artifact() => artifacts += 1,
            Item::End if artifacts > 0 => artifacts -= 1,
            Item::Begin(_) | Item::End => return false,
            Item::Text { text: next, .. } if artifacts == 0 => return needs_space(text, next),
            _ => {}
        }
    }
    false
}

/// Whether a reader needs a space between `text` and the `next` line of the same element: not
/// when one has it already, nor between two letters of a script written without spaces.
fn needs_space(text: &str, next: &str) -> bool {
    let (Some(last), Some(first)) = (text.chars().next_back(), next.chars().next()) else { return false };
    !(last.is_whitespace() || first.is_whitespace() || crate::wrap::spaceless(last) && crate::wrap::spaceless(first))
}

/// Where a text is drawn, for krilla to name it in a validation error: page and item, from 1.
fn location(page: usize, item: usize) -> NonZeroU64 {
    NonZeroU64::new(((page as u64 + 1) << 32) | (item as u64 + 1)).unwrap_or(NonZeroU64::MIN)
}

/// Why the PDF could not be written, in words: krilla's validation errors, each once, naming
/// the font and where the text is.
fn failure(error: &KrillaError, pages: &[Page], loaded: &BTreeMap<usize, Font>) -> String {
    let KrillaError::Validation(errors) = error else {
        return format!("the PDF could not be written: {error}");
    };
    let family = |font: &Font| {
        loaded.iter().find(|(_, f)| *f == font).map_or("a font", |(face, _)| fonts::fonts().face(*face).family)
    };
    let place = |at: &Option<NonZeroU64>| {
        let Some(at) = at else { return String::new() };
        let (page, item) = ((at.get() >> 32) as usize, (at.get() & 0xFFFF_FFFF) as usize);
        match pages.get(page.wrapping_sub(1)).and_then(|p| p.items.get(item.wrapping_sub(1))) {
            Some(Item::Text { text, .. }) => format!(" on page {page}, in {:?}", crate::visible(text)),
            _ => format!(" on page {page}"),
        }
    };
    let mut reasons: Vec<String> = Vec::new();
    for (error, _) in errors {
        let reason = match error {
            ValidationError::ContainsNotDefGlyph(font, at, text) => {
                format!("{} has no glyph for {:?}{}", family(font), crate::visible(text), place(at))
            }
            ValidationError::NoCodepointMapping(font, _, at) => {
                format!("a glyph of {} stands for no character{}", family(font), place(at))
            }
            ValidationError::InvalidCodepointMapping(_, _, c, at) => {
                format!("the text holds U+{:04X}, which no reader can be given{}", u32::from(*c), place(at))
            }
            ValidationError::RestrictedLicense(font) => format!(
                "the licence of {} does not allow embedding it for everyone to read; choose another font (--font)",
                family(font)
            ),
            other => format!("{other:?} (a bug in referflow)"),
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    format!("the PDF would not be accessible (PDF/UA-1), so it was not written: {}", reasons.join("; "))
}

/// The tag tree, built as the pages are drawn.
#[derive(Default)]
struct Structure {
    /// The document's elements, in reading order.
    root: Vec<Node>,
    /// The elements begun and not yet ended, innermost last.
    open: Vec<Open>,
    /// The marked-content sequence the surface is in, if any.
    marked: Option<Mark>,
    /// Numbers the elements begun, so that text of the same element drawn in a row is one
    /// marked-content sequence.
    serial: u64,
    /// The language of the page being drawn, when it is not the document's.
    page_lang: Option<String>,
    /// The stages among `root`: where each is, and its place in the reading order.
    stages: Vec<(usize, u32)>,
}

/// An element begun.
struct Open {
    tag: scene::Tag,
    serial: u64,
    /// The artifact everything inside is, when this element or one around it is one.
    artifact: Option<ArtifactType>,
    /// Inside a figure: shapes are its content, not artifacts.
    figure: bool,
    lang: Option<String>,
    children: Vec<Node>,
    /// A list item's body: its text and nested lists, after its label.
    body: Vec<Node>,
    /// A heading's text, its title.
    text: String,
}

/// What is about to be drawn.
enum Content<'t> {
    Shape,
    Text(&'t str),
}

/// A marked-content sequence on the surface.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Artifact(ArtifactType),
    /// Text of the element with this serial.
    Text(u64),
    /// Shapes of the figure with this serial.
    Figure(u64),
}

impl Structure {
    fn begin(&mut self, tag: &scene::Tag) {
        let outer = self.open.last();
        let artifact = match outer.and_then(|o| o.artifact) {
            Some(kind) => Some(kind),
            None => match tag.role {
                Role::Header => Some(ArtifactType::Header),
                Role::Footer => Some(ArtifactType::Footer),
                Role::Artifact => Some(ArtifactType::Other),
                _ => None,
            },
        };
        let figure = outer.is_some_and(|o| o.figure) || tag.role == Role::Figure;
        let lang = tag.lang.clone().or_else(|| if outer.is_none() { self.page_lang.clone() } else { None });
        self.serial += 1;
        self.open.push(Open {
            tag: tag.clone(),
            serial: self.serial,
            artifact,
            figure,
            lang,
            children: Vec::new(),
            body: Vec::new(),
            text: String::new(),
        });
    }

    fn end(&mut self) -> Result<(), String> {
        let open = self.open.pop().ok_or("the PDF's structure is broken: an element ended that was never begun")?;
        if open.artifact.is_some() {
            return Ok(());
        }
        let label = open.tag.role == Role::Label;
        let rank = match open.tag.role {
            Role::Stage(rank) => Some(rank),
            _ => None,
        };
        let Some(group) = open.group() else { return Ok(()) };
        match self.open.last_mut() {
            // A list item's nested list is part of its body.
            Some(parent) if parent.tag.role == Role::ListItem && !label => {
                parent.body.push(group.into());
            }
            Some(parent) => parent.children.push(group.into()),
            None => {
                if let Some(rank) = rank {
                    self.stages.push((self.root.len(), rank));
                }
                self.root.push(group.into());
            }
        }
        Ok(())
    }

    /// The document's elements, the stages in their reading order in the places stages take
    /// (see [`Role::Stage`]); everything else where it was begun.
    fn in_reading_order(self) -> Vec<Node> {
        let mut root: Vec<Option<Node>> = self.root.into_iter().map(Some).collect();
        let mut by_rank = self.stages.clone();
        by_rank.sort_by_key(|&(at, rank)| (rank, at));
        let moved: Vec<Option<Node>> = by_rank.iter().map(|(at, _)| root[*at].take()).collect();
        for ((slot, _), node) in self.stages.iter().zip(moved) {
            root[*slot] = node;
        }
        root.into_iter().flatten().collect()
    }

    /// Starts the marked-content sequence `content` is drawn in, unless it goes on the one
    /// the surface is in; a new sequence of text or figure joins its element in the tree.
    /// Whether the content is read (not an artifact).
    fn mark(&mut self, surface: &mut Surface<'_>, content: Content<'_>) -> bool {
        let open = self.open.last_mut();
        let mark = match (&content, open.as_ref().map(|o| (o.artifact, o.figure, o.serial))) {
            (_, Some((Some(kind), _, _))) => Mark::Artifact(kind),
            // Nothing to read (an empty title): drawn, and not an element of its own.
            (Content::Text(text), _) if text.trim().is_empty() => Mark::Artifact(ArtifactType::Layout),
            (Content::Shape, Some((None, true, serial))) => Mark::Figure(serial),
            (Content::Shape, _) => Mark::Artifact(ArtifactType::Layout),
            (Content::Text(_), Some((None, _, serial))) => Mark::Text(serial),
            // A text outside every element: a paragraph of its own.
            (Content::Text(_), None) => {
                self.serial += 1;
                Mark::Text(self.serial)
            }
        };
        if let (Some(open), Content::Text(text)) = (self.open.last_mut(), &content)
            && open.artifact.is_none()
        {
            if needs_space(&open.text, text.trim()) {
                open.text.push(' ');
            }
            open.text.push_str(text.trim());
        }
        let read = !matches!(mark, Mark::Artifact(_));
        if self.marked == Some(mark) {
            return read;
        }
        self.unmark(surface);
        self.marked = Some(mark);
        let id = match mark {
            Mark::Artifact(kind) => {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
                return read;
            }
            Mark::Text(_) => surface.start_tagged(ContentTag::Span(SpanTag::empty())),
            Mark::Figure(_) => surface.start_tagged(ContentTag::Other),
        };
        match self.open.last_mut() {
            Some(open) if open.tag.role == Role::ListItem => open.body.push(id.into()),
            Some(open) => open.children.push(id.into()),
            None => {
                let mut tag: TagKind = PdfTag::P.into();
                tag.set_lang(self.page_lang.clone());
                self.root.push(TagGroup::with_children(tag, vec![id.into()]).into());
            }
        }
        read
    }

    /// Ends the marked-content sequence the surface is in, if any.
    fn unmark(&mut self, surface: &mut Surface<'_>) {
        if self.marked.take().is_some() {
            surface.end_tagged();
        }
    }
}

impl Open {
    /// The element as a group of the tag tree; none when nothing in it is read.
    fn group(self) -> Option<TagGroup> {
        let mut children = self.children;
        if !self.body.is_empty() {
            children.push(TagGroup::with_children(PdfTag::LBody, self.body).into());
        }
        if children.is_empty() {
            return None;
        }
        let mut tag: TagKind = match self.tag.role {
            Role::Heading(level) => {
                let level = NonZeroU16::new(u16::from(level.clamp(1, 6))).unwrap_or(NonZeroU16::MIN);
                PdfTag::Hn(level, Some(self.text)).into()
            }
            Role::Paragraph | Role::Stage(_) => PdfTag::P.into(),
            Role::List => PdfTag::L(ListNumbering::None).into(),
            Role::ListItem => PdfTag::LI.into(),
            Role::Label => PdfTag::Lbl.into(),
            Role::Table => PdfTag::Table.into(),
            Role::Row => PdfTag::TR.into(),
            Role::HeaderCell => PdfTag::TH(TableHeaderScope::Column).into(),
            Role::Cell => PdfTag::TD.into(),
            Role::Figure => PdfTag::Figure(self.tag.alt.clone()).into(),
            Role::Caption => PdfTag::Caption.into(),
            Role::Header | Role::Footer | Role::Artifact => return None,
        };
        tag.set_lang(self.lang);
        if self.tag.role != Role::Figure && self.tag.alt.is_some() {
            tag.set_alt_text(self.tag.alt);
        }
        Some(TagGroup::with_children(tag, children))
    }
}

fn color((r, g, b): (u8, u8, u8)) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn fill(rgb: (u8, u8, u8)) -> Fill {
    Fill { paint: color(rgb).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

fn stroke(width: f32) -> Stroke {
    Stroke { paint: color(scene::INK).into(), width, ..Stroke::default() }
}

fn draw(
    surface: &mut Surface<'_>,
    item: &Item,
    chain: &Chain<'_>,
    loaded: &mut BTreeMap<usize, Font>,
    space: bool,
) -> Result<(), String> {
    match item {
        Item::Open { .. } | Item::Close | Item::Begin(_) | Item::End => {}
        Item::Rect { x, y, w, h, radius, paint } => {
            let mut path = PathBuilder::new();
            if *radius > 0.0 {
                rounded(&mut path, *x, *y, *w, *h, radius.min(w / 2.0).min(h / 2.0));
            } else {
                path.move_to(*x, *y);
                path.line_to(x + w, *y);
                path.line_to(x + w, y + h);
                path.line_to(*x, y + h);
                path.close();
            }
            shape(surface, path, *paint);
        }
        Item::Polygon { points, paint } => {
            let mut path = PathBuilder::new();
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 { path.move_to(*x, *y) } else { path.line_to(*x, *y) }
            }
            path.close();
            shape(surface, path, *paint);
        }
        Item::Line { points, arrow } => {
            let mut points = points.clone();
            let head = if *arrow { scene::arrowhead(&mut points) } else { None };
            let mut path = PathBuilder::new();
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 { path.move_to(*x, *y) } else { path.line_to(*x, *y) }
            }
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(1.0)));
                surface.draw_path(&path);
            }
            if let Some(head) = head {
                let mut path = PathBuilder::new();
                path.move_to(head[0].0, head[0].1);
                path.line_to(head[1].0, head[1].1);
                path.line_to(head[2].0, head[2].1);
                path.close();
                if let Some(path) = path.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(scene::INK)));
                    surface.draw_path(&path);
                }
            }
        }
        Item::Text { x, y, size, bold, anchor, text } => {
            let width = chain.width(text, *size);
            let mut at = match anchor {
                Anchor::Start => *x,
                Anchor::Middle => x - width / 2.0,
                Anchor::End => x - width,
            };
            surface.set_fill(Some(fill(scene::INK)));
            // No bold face is loaded: bold is the regular face with a thin outline.
            surface.set_stroke(if *bold { Some(stroke(size * 0.04)) } else { None });
            // A space after the line, where the text goes on in the next: not seen, but read.
            let spaced;
            let text = if space {
                spaced = format!("{text} ");
                &spaced
            } else {
                text
            };
            for run in chain.runs(text) {
                let font = match loaded.get(&run.face) {
                    Some(font) => font.clone(),
                    None => {
                        let face = fonts::fonts().face(run.face);
                        let font = Font::new(face.data.into(), face.index)
                            .ok_or_else(|| format!("the font {} cannot be embedded", face.family))?;
                        loaded.insert(run.face, font.clone());
                        font
                    }
                };
                let piece = &text[run.range.clone()];
                surface.draw_text(Point::from_xy(at, *y), font, *size, piece, false, TextDirection::Auto);
                at += chain.run_width(text, &run, *size);
            }
            surface.set_stroke(None);
        }
    }
    Ok(())
}

fn shape(surface: &mut Surface<'_>, path: PathBuilder, paint: scene::Paint) {
    if let Some(path) = path.finish() {
        surface.set_fill(paint.filled().then(|| fill(paint.rgb())));
        let (width, dashes) = paint.outline();
        let dash = dashes.map(|[on, off]| krilla::paint::StrokeDash { array: vec![on, off], offset: 0.0 });
        surface.set_stroke(paint.stroked().then(|| Stroke { dash, ..stroke(width) }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// A rectangle with rounded corners of radius `r`.
fn rounded(path: &mut PathBuilder, x: f32, y: f32, w: f32, h: f32, r: f32) {
    path.move_to(x + r, y);
    path.line_to(x + w - r, y);
    path.quad_to(x + w, y, x + w, y + r);
    path.line_to(x + w, y + h - r);
    path.quad_to(x + w, y + h, x + w - r, y + h);
    path.line_to(x + r, y + h);
    path.quad_to(x, y + h, x, y + h - r);
    path.line_to(x, y + r);
    path.quad_to(x, y, x + r, y);
    path.close();
}
