//! A page as a PNG image: the page's SVG rasterised by resvg, with the fonts the layout
//! measured, at 144 dots per inch (two pixels a point) on white.

use resvg::{tiny_skia, usvg};

use crate::fonts;
use crate::scene::{self, Page};

/// The largest side of an image, in pixels: a canvas of a very large chart is drawn smaller.
const MAX_SIDE: f32 = 16_000.0;

pub fn to_png(page: &Page) -> Result<Vec<u8>, String> {
    // A raster image has no text to describe it with: the description would go nowhere.
    let svg = scene::to_svg(page, "", false, None);
    // resvg's own fallback takes the first font on the system with a character, whatever its
    // style (a bold italic arrow in a regular line): ours takes the chain the layout measured.
    let font_resolver = usvg::FontResolver {
        select_fallback: Box::new(|c, exclude, _| fonts::fonts().fallback(c, exclude)),
        ..usvg::FontResolver::default()
    };
    let options = usvg::Options { fontdb: fonts::fonts().database.clone(), font_resolver, ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("the diagram could not be drawn: {e}"))?;
    let size = tree.size();
    let scale = 2.0f32.min(MAX_SIDE / size.width().max(size.height()));
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or("the image would be too large")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("the image could not be encoded: {e}"))
}
