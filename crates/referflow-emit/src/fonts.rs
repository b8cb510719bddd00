//! The fonts a laid-out diagram is measured and drawn with.
//!
//! The layout measures every line in the font it is drawn with, so a box fits its text in the
//! SVG, the PNG and the PDF alike. Fonts come from the system (Debian's `fonts-noto-core` and
//! `fonts-thai-tlwg`), found once per process by family name. Each language has a chain of
//! families, its own script's first; a character takes the first font of the chain that has a
//! glyph for it, so a Thai label with an English agency name in it draws both.
//!
//! Thai is drawn in Noto Sans Thai first: it is as large for its size as Noto Sans, so a Thai
//! page holds as much as an English one at the same minimum size. TH Sarabun and its free
//! derivative Laksaman, the fonts of Thai official documents, draw their letters small for
//! their size (Thai offices set them at 16 pt where a Latin font is set at 12 pt): where
//! Laksaman is the first Thai font found, text is drawn a third larger than the size asked for,
//! so it reads as large (and is never smaller than the minimum).
//!
//! A family can be put first in a language's chain (`--font th=Laksaman`, or `[fonts]` in
//! referflow.toml): [`choose`] is called once, before the fonts are first loaded. Families
//! of other scripts (CJK, Arabic, Devanagari, …) are not loaded unless chosen so: a chart in
//! one of them is refused by [`crate::coverage`] until a family that draws it is chosen.

use std::sync::{Arc, LazyLock, OnceLock};

use resvg::usvg::fontdb;

/// A font of the chain: its family, its bytes and the face used to measure it.
pub struct Face {
    pub family: &'static str,
    /// The face in `Fonts::database`.
    pub id: fontdb::ID,
    pub data: &'static [u8],
    pub index: u32,
    face: rustybuzz::Face<'static>,
    units_per_em: f32,
    /// The height of a line, in ems: ascender to descender, at least 1.25 and at most 1.4. Looser
    /// lines (Laksaman declares 1.96) read as separate paragraphs to text extraction (pdftotext),
    /// so a wrapped label would no longer be found as one.
    line: f32,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face").field("family", &self.family).field("index", &self.index).finish_non_exhaustive()
    }
}

/// Every font the diagram may use, loaded once.
#[derive(Debug)]
pub struct Fonts {
    /// Fonts in order of preference across all languages.
    faces: Vec<Face>,
    /// The families chosen ([`choose`]): for which language (every one for `None`), the face.
    chosen: Vec<(Option<String>, usize)>,
    /// The system's fonts, for rasterising an SVG with the same families.
    pub database: std::sync::Arc<fontdb::Database>,
}

/// Families for each script, best first. The first family of the chain of a language sets
/// its size and line height.
const LATIN: &[&str] = &["Noto Sans", "DejaVu Sans", "Liberation Sans"];
const THAI: &[&str] = &["Noto Sans Thai", "Laksaman", "Loma", "Garuda"];
const LAO: &[&str] = &["Noto Sans Lao", "Phetsarath OT", "Noto Looped Lao"];
const KHMER: &[&str] = &["Noto Sans Khmer", "Khmer OS"];
const MYANMAR: &[&str] = &["Noto Sans Myanmar", "Padauk", "Myanmar Text"];
/// Families drawn a third larger than the size asked for (see the module's comment).
const SMALL_FACED: &[&str] = &["Laksaman", "TH Sarabun New", "TH SarabunPSK"];

/// The system's fonts, read once: the fonts of the chains are loaded from it, and a family
/// chosen by name is looked up in it.
static DATABASE: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut database = fontdb::Database::new();
    database.load_system_fonts();
    Arc::new(database)
});

static CHOSEN: OnceLock<Vec<Choice>> = OnceLock::new();
static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts::load(CHOSEN.get().map_or(&[], Vec::as_slice)));

/// The fonts of this system.
pub fn fonts() -> &'static Fonts {
    &FONTS
}

/// A family put first in a language's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// A language code (`th`, `pt-BR`; `pt` also serves `pt-BR`), or `None` for every language.
    pub lang: Option<String>,
    pub family: String,
}

/// A family that is not installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no installed font family is called `{}`{}; `fc-list : family` lists the installed ones", crate::visible(.family), .near.as_ref().map_or_else(String::new, |near| format!(" (did you mean `{near}`?)")))]
pub struct UnknownFamily {
    pub family: String,
    /// An installed family of a name alike (another case, or containing it).
    pub near: Option<String>,
}

/// Whether a family of this name is installed (exactly as fontconfig names it).
pub fn installed(family: &str) -> Result<(), UnknownFamily> {
    let names = || DATABASE.faces().flat_map(|face| face.families.iter().map(|(name, _)| name.as_str()));
    if names().any(|name| name == family) {
        return Ok(());
    }
    let wanted = family.to_lowercase();
    let mut near: Vec<&str> = names().filter(|name| name.to_lowercase() == wanted).collect();
    if near.is_empty() && !wanted.trim().is_empty() {
        near = names().filter(|name| name.to_lowercase().contains(wanted.trim())).collect();
    }
    near.sort_unstable_by_key(|name| (name.len(), *name));
    Err(UnknownFamily { family: family.to_owned(), near: near.first().map(|n| (*n).to_owned()) })
}

/// Puts each chosen family first in its language's chain (earlier choices before later
/// ones), for the rest of the process. Every family must be installed. Call it before the
/// fonts are first used: once they are loaded, the chains stay as they are.
pub fn choose(choices: Vec<Choice>) -> Result<(), UnknownFamily> {
    for choice in &choices {
        installed(&choice.family)?;
    }
    let _ = CHOSEN.set(choices);
    Ok(())
}

/// An installed family, not loaded by default, that has a glyph for `c`: what to choose for a
/// character no chain draws. Regular faces only, by name, Noto's sans families first; it
/// reads the fonts of the system, so it is only for the message of an error.
pub fn installed_with(c: char) -> Option<String> {
    let mut faces: Vec<&fontdb::FaceInfo> = DATABASE
        .faces()
        .filter(|f| f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal)
        .filter(|f| !f.families.is_empty())
        .collect();
    faces.sort_by_key(|f| (!f.families[0].0.starts_with("Noto Sans"), f.families[0].0.clone()));
    faces.into_iter().find_map(|f| {
        let has = DATABASE.with_face_data(f.id, |data, index| {
            rustybuzz::Face::from_slice(data, index).is_some_and(|face| face.glyph_index(c).is_some())
        });
        has.unwrap_or(false).then(|| f.families[0].0.clone())
    })
}

impl Fonts {
    fn load(chosen: &[Choice]) -> Fonts {
        let database = DATABASE.clone();
        let mut faces = Vec::new();
        // Names outlive the load: each face keeps its family's name for the life of the process.
        let mut families: Vec<&'static str> = Vec::new();
        for choice in chosen {
            if !families.contains(&choice.family.as_str()) {
                families.push(Box::leak(choice.family.clone().into_boxed_str()));
            }
        }
        let picked = families.len();
        for family in [LATIN, THAI, LAO, KHMER, MYANMAR].concat() {
            if !families.contains(&family) {
                families.push(family);
            }
        }
        for (k, family) in families.into_iter().enumerate() {
            let query = fontdb::Query { families: &[fontdb::Family::Name(family)], ..fontdb::Query::default() };
            let Some(id) = database.query(&query) else { continue };
            // Regular weight only: `query` gives the nearest face, which may be bold. A family
            // chosen by name is taken in its nearest face, whatever it is.
            if k >= picked
                && database
                    .face(id)
                    .is_some_and(|f| f.weight != fontdb::Weight::NORMAL || f.style != fontdb::Style::Normal)
            {
                continue;
            }
            let Some((data, index)) = database.with_face_data(id, |data, index| (data.to_vec(), index)) else {
                continue;
            };
            // Loaded once for the life of the process, so the measuring faces can borrow it.
            let data: &'static [u8] = Box::leak(data.into_boxed_slice());
            let Some(face) = rustybuzz::Face::from_slice(data, index) else { continue };
            let units_per_em = face.units_per_em() as f32;
            let height = f32::from(face.ascender()) - f32::from(face.descender());
            let line = (height / units_per_em).clamp(1.25, 1.4);
            faces.push(Face { family, id, data, index, face, units_per_em, line });
        }
        let chosen = chosen
            .iter()
            .filter_map(|c| Some((c.lang.clone(), faces.iter().position(|f| f.family == c.family)?)))
            .collect();
        Fonts { faces, chosen, database }
    }

    /// Whether any font was found: without one nothing can be measured or drawn.
    pub fn available(&self) -> bool {
        !self.faces.is_empty()
    }

    /// The fonts for a language, best first: the families chosen for it (for the language
    /// itself, then for its primary language, then for every language), its script's
    /// families, then every other.
    pub fn chain(&self, lang: &str) -> Chain<'_> {
        let primary = lang.split('-').next().unwrap_or(lang);
        let mut order: Vec<usize> = Vec::with_capacity(self.faces.len());
        for rank in 0..3 {
            for (chosen, face) in &self.chosen {
                let matches = match (rank, chosen) {
                    (0, Some(l)) => l == lang,
                    (1, Some(l)) => l == primary && l != lang,
                    (2, None) => true,
                    _ => false,
                };
                if matches && !order.contains(face) {
                    order.push(*face);
                }
            }
        }
        let own: &[&str] = match primary {
            "th" => THAI,
            "lo" => LAO,
            "km" => KHMER,
            "my" => MYANMAR,
            _ => LATIN,
        };
        for family in own {
            if let Some(i) = self.faces.iter().position(|f| f.family == *family)
                && !order.contains(&i)
            {
                order.push(i);
            }
        }
        for i in 0..self.faces.len() {
            if !order.contains(&i) {
                order.push(i);
            }
        }
        Chain { fonts: self, order, widths: Default::default() }
    }

    pub fn face(&self, index: usize) -> &Face {
        &self.faces[index]
    }

    /// The fonts in order of preference, for a rasteriser's fallback: the first that has the
    /// character, as the layout measured it (the SVG names the same families).
    pub fn fallback(&self, c: char, exclude: &[fontdb::ID]) -> Option<fontdb::ID> {
        self.faces.iter().find(|f| !exclude.contains(&f.id) && f.face.glyph_index(c).is_some()).map(|f| f.id)
    }
}

/// The fonts of one language, in order of preference.
#[derive(Debug, Clone)]
pub struct Chain<'f> {
    fonts: &'f Fonts,
    /// Indices into `fonts.faces`.
    order: Vec<usize>,
    /// Widths already measured, by text and size: pages are tried with more and more rows, and
    /// every try wraps the same labels again.
    /// By size (its bits), then text: a lookup needs no key of its own.
    widths: std::cell::RefCell<std::collections::HashMap<u32, std::collections::HashMap<String, f32>>>,
}

/// A piece of a line drawn in one font: `text[range]` in face `face`.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub face: usize,
    pub range: std::ops::Range<usize>,
}

impl Chain<'_> {
    fn first(&self) -> Option<&Face> {
        self.order.first().map(|&i| &self.fonts.faces[i])
    }

    /// How much larger than the size asked for this language is drawn.
    pub fn scale(&self) -> f32 {
        match self.first() {
            Some(face) if SMALL_FACED.contains(&face.family) => 4.0 / 3.0,
            _ => 1.0,
        }
    }

    /// Whether a font of the chain has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.order.iter().any(|&i| self.fonts.faces[i].face.glyph_index(c).is_some())
    }

    /// The families of the chain, best first.
    pub fn families(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|&i| self.fonts.faces[i].family)
    }

    /// The height of a line of text at `size` points.
    pub fn line_height(&self, size: f32) -> f32 {
        self.first().map_or(1.25, |f| f.line) * size
    }

    /// The families of the chain, as a CSS `font-family` value.
    pub fn css_families(&self) -> String {
        let mut families: Vec<String> =
            self.order.iter().map(|&i| format!("'{}'", self.fonts.faces[i].family)).collect();
        families.push("sans-serif".into());
        families.join(", ")
    }

    /// `text` cut into runs, each drawn in the first font that has all its characters. White
    /// space and marks stay with the run before them.
    pub fn runs(&self, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            if let Some(last) = runs.last_mut()
                && (c.is_whitespace() || is_mark(c) || self.fonts.faces[last.face].face.glyph_index(c).is_some())
            {
                last.range.end = end;
                continue;
            }
            let face = self
                .order
                .iter()
                .copied()
                .find(|&i| self.fonts.faces[i].face.glyph_index(c).is_some())
                .or(self.order.first().copied());
            let Some(face) = face else { continue };
            match runs.last_mut() {
                Some(last) if last.face == face => last.range.end = end,
                _ => runs.push(Run { face, range: at..end }),
            }
        }
        runs
    }

    /// The width of `text` at `size` points, shaped as it is drawn.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        if let Some(width) = self.widths.borrow().get(&size.to_bits()).and_then(|known| known.get(text)) {
            return *width;
        }
        let width = self.runs(text).iter().map(|run| self.run_width(text, run, size)).sum();
        let mut widths = self.widths.borrow_mut();
        let known = widths.entry(size.to_bits()).or_default();
        // A bound on memory for a very large chart: start again rather than grow without end.
        if known.len() > 1 << 20 {
            known.clear();
        }
        known.insert(text.to_owned(), width);
        width
    }

    /// The width of one run at `size` points.
    pub fn run_width(&self, text: &str, run: &Run, size: f32) -> f32 {
        let face = &self.fonts.faces[run.face];
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(&text[run.range.clone()]);
        let shaped = rustybuzz::shape(&face.face, &[], buffer);
        let units: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
        units as f32 / face.units_per_em * size
    }
}

/// Combining marks, which belong to the letter before them.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(u32::from(c),
        0x0300..=0x036F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECD
        | 0x102B..=0x103E | 0x17B4..=0x17D3 | 0x200B..=0x200D | 0xFE00..=0xFE0F)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fonts are an outside dependency: without them the tests pass vacuously, except in CI.
    fn available() -> bool {
        let found = fonts().available();
        assert!(found || std::env::var("CI").as_deref() != Ok("true"), "no fonts, and CI=true");
        found
    }

    #[test]
    fn widths_follow_the_glyphs_and_the_size() {
        if !available() {
            return;
        }
        let fonts = fonts();
        let chain = fonts.chain("en");
        let narrow = chain.width("iii", 10.0);
        let wide = chain.width("WWW", 10.0);
        assert!(narrow > 0.0 && wide > narrow * 2.0, "{narrow} {wide}");
        assert!((chain.width("ab", 10.0) * 2.0 - chain.width("ab", 20.0)).abs() < 0.01);
    }

    #[test]
    fn each_character_takes_the_first_font_that_has_it() {
        if !available() {
            return;
        }
        let chain = fonts().chain("en");
        let text = "Refer ส่งต่อ";
        let runs = chain.runs(text);
        // The Latin word and the space after it in one run, the Thai word in another font.
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(&text[runs[0].range.clone()], "Refer ");
        assert_eq!(&text[runs[1].range.clone()], "ส่งต่อ");
        assert_ne!(runs[0].face, runs[1].face);
        // Thai marks above and below take no width of their own.
        let thai = fonts().chain("th");
        assert!((thai.width("ส่ง", 10.0) - thai.width("สง", 10.0)).abs() < 0.01);
    }
}
