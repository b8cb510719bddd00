//! Pages drawn into a PDF with krilla: real text in embedded, subset fonts (so it can be
//! searched, copied and read aloud, Thai included), a title, a language, a bookmark for each
//! phase, and nothing that changes from one run to the next (no clock; the date, if any, is
//! the one given).

use std::collections::BTreeMap;

use krilla::Document;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::fonts::{self, Chain};
use crate::scene::{self, Anchor, Item, Page};

/// What the document says about itself.
#[derive(Debug, Clone, Default)]
pub struct Info {
    pub title: String,
    /// A BCP-47 code.
    pub lang: String,
    /// Year, month, day, hour, minute, second (UTC), e.g. from `SOURCE_DATE_EPOCH`.
    pub date: Option<[u16; 6]>,
}

/// The pages as one PDF document.
pub fn to_pdf(pages: &[Page], info: &Info) -> Result<Vec<u8>, String> {
    let fonts = fonts::fonts();
    let chain = fonts.chain(&info.lang);
    let mut loaded: BTreeMap<usize, Font> = BTreeMap::new();
    let mut document = Document::new();
    let mut outline = Outline::new();
    for (index, page) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page.width, page.height).ok_or("a page has no size")?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for item in &page.items {
            draw(&mut surface, item, &chain, &mut loaded)?;
        }
        surface.finish();
        pdf_page.finish();
        for name in &page.outline {
            outline.push_child(OutlineNode::new(name.clone(), XyzDestination::new(index, Point::from_xy(0.0, 0.0))));
        }
    }
    document.set_outline(outline);
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
    document.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))
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
