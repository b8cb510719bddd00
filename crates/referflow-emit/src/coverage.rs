//! Whether the fonts draw every character a laid-out page holds. A character no font of its
//! language's chain has would be drawn as an empty box (tofu) in the SVG, the PNG and the PDF
//! alike, so `render` and `build` check the pages they are about to write and refuse them,
//! naming the characters, where they are and what to install.
//!
//! The pages are checked, not the model: they hold every text that is drawn (labels, names,
//! branch labels, the title, the legend, the markers, a hearing pack's cover and narrative),
//! in the language each page is drawn in, and nothing that is not drawn.

use std::collections::HashMap;
use std::fmt;

use unicode_script::{Script, UnicodeScript};

use crate::fonts;
use crate::scene::{Item, Page};

/// How many missing characters the error names.
const SHOWN: usize = 5;

/// Characters of a page that no font of its chain draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    /// The language of the page (a BCP-47 code).
    pub lang: String,
    /// The first missing characters, each once, in the order they are drawn (at most five).
    pub chars: Vec<char>,
    /// Whether more are missing than `chars` holds.
    pub more: bool,
    /// Where the first of them is drawn, in words: "in stage `screen`".
    pub place: String,
    /// An installed family, not in the chain, that has the first of them.
    pub installed: Option<String>,
}

/// Checks every text of `pages` against the chain of its page's language.
pub fn check(pages: &[Page]) -> Result<(), Box<Uncovered>> {
    let fonts = fonts::fonts();
    let mut chains: HashMap<&str, (fonts::Chain<'_>, HashMap<char, bool>)> = HashMap::new();
    let mut found: Option<Uncovered> = None;
    for (number, page) in pages.iter().enumerate() {
        if found.as_ref().is_some_and(|f| f.lang != page.lang) {
            continue;
        }
        let (chain, known) = chains.entry(&page.lang).or_insert_with(|| (fonts.chain(&page.lang), HashMap::new()));
        let mut groups: Vec<&str> = Vec::new();
        for item in &page.items {
            let text = match item {
                Item::Open { id, .. } => {
                    groups.push(id);
                    continue;
                }
                Item::Close => {
                    groups.pop();
                    continue;
                }
                Item::Text { text, .. } => text,
                _ => continue,
            };
            for c in text.chars().filter(|c| needs_glyph(*c)) {
                if *known.entry(c).or_insert_with(|| chain.covers(c)) {
                    continue;
                }
                let found = found.get_or_insert_with(|| Uncovered {
                    lang: page.lang.clone(),
                    chars: Vec::new(),
                    more: false,
                    place: place(&groups, number, pages.len()),
                    installed: None,
                });
                if found.chars.contains(&c) {
                    continue;
                }
                if found.chars.len() == SHOWN {
                    found.more = true;
                    break;
                }
                found.chars.push(c);
            }
            if found.as_ref().is_some_and(|f| f.more) {
                break;
            }
        }
    }
    match found {
        None => Ok(()),
        Some(mut found) => {
            found.installed = found.chars.first().and_then(|c| fonts::installed_with(*c));
            Err(Box::new(found))
        }
    }
}

/// Whether `c` is drawn with a glyph of its own. White space, line breaks and the default
/// ignorable characters (zero-width space and joiners, variation selectors, bidirectional
/// controls, the soft hyphen, tags…) are laid out without one, so no font need have them.
/// Other control characters do need one: a renderer draws them as empty boxes.
pub fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace() || default_ignorable(c))
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 16).
fn default_ignorable(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF
        | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// Where a text is drawn, in words, from the groups around it (the innermost that says).
fn place(groups: &[&str], page: usize, pages: usize) -> String {
    let quoted = |id: &str| format!("`{}`", crate::visible(id));
    // A marker's id ends in its number on the page: `to-screen-3`.
    let marker = |rest: &str| rest.rsplit_once('-').map_or(rest.to_owned(), |(id, _)| id.to_owned());
    for group in groups.iter().rev() {
        let said = if let Some(id) = group.strip_prefix("stage-") {
            format!("in stage {}", quoted(id))
        } else if let Some(rest) = group.strip_prefix("to-").or_else(|| group.strip_prefix("from-")) {
            format!("in a continuation marker of stage {}", quoted(&marker(rest)))
        } else if *group == "lane--unowned" {
            continue;
        } else if let Some(id) = group.strip_prefix("lane-") {
            format!("in the name of actor {}", quoted(id))
        } else if *group == "phase--other" {
            "in the band of the stages outside any phase".to_owned()
        } else if let Some(id) = group.strip_prefix("phase-") {
            format!("in phase {} (its name or a branch label in it)", quoted(id))
        } else {
            match *group {
                "header" => "in the title".to_owned(),
                "since-legend" => "in the legend".to_owned(),
                "cover" => "on the cover".to_owned(),
                _ => continue,
            }
        };
        return said;
    }
    if pages > 1 { format!("on page {}", page + 1) } else { "in the framing text".to_owned() }
}

/// The English name of a language, for the few the fonts know: `th (Thai)`, else the code.
fn language(code: &str) -> String {
    let name = match code.split('-').next().unwrap_or(code) {
        "en" => "English",
        "th" => "Thai",
        "lo" => "Lao",
        "km" => "Khmer",
        "my" => "Burmese",
        "id" => "Indonesian",
        "ms" => "Malay",
        "vi" => "Vietnamese",
        "tl" | "fil" => "Filipino",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ko" => "Korean",
        "ar" => "Arabic",
        "fa" => "Persian",
        "ur" => "Urdu",
        "hi" => "Hindi",
        "bn" => "Bengali",
        "ne" => "Nepali",
        "si" => "Sinhala",
        "ta" => "Tamil",
        "fr" => "French",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "de" => "German",
        "ru" => "Russian",
        _ => return crate::visible(code).into_owned(),
    };
    format!("{} ({name})", crate::visible(code))
}

/// What to install for the characters of a script (Debian's package names), and choose for
/// the language `lang` where the default chains do not load it.
fn advice(script: Script, lang: &str) -> String {
    match script {
        Script::Thai => "Debian's fonts-noto-core (Noto Sans Thai) or fonts-thai-tlwg".to_owned(),
        Script::Lao => "Debian's fonts-noto-core (Noto Sans Lao)".to_owned(),
        Script::Khmer => "Debian's fonts-noto-core (Noto Sans Khmer)".to_owned(),
        Script::Myanmar => "Debian's fonts-noto-core (Noto Sans Myanmar)".to_owned(),
        Script::Latin | Script::Greek | Script::Cyrillic | Script::Common | Script::Inherited => {
            "Debian's fonts-noto-core (Noto Sans)".to_owned()
        }
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo => {
            format!("Debian's fonts-noto-cjk, then choose it with --font {lang}=\"Noto Sans CJK SC\" (or JP, KR, TC)")
        }
        Script::Unknown => format!("a font that has these characters, then choose it with --font {lang}=FAMILY"),
        other => {
            format!(
                "a font that covers {}, then choose it with --font {lang}=FAMILY",
                other.full_name().replace('_', " ")
            )
        }
    }
}

impl fmt::Display for Uncovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = language(&self.lang);
        let chars: Vec<String> = self
            .chars
            .iter()
            .map(|c| format!("U+{:04X} '{}'", u32::from(*c), crate::visible(c.encode_utf8(&mut [0; 4]))))
            .collect();
        let more = if self.more { " …" } else { "" };
        match &self.installed {
            Some(family) => write!(
                f,
                "the fonts that draw the {lang} text lack {}{more} ({}); the installed family `{family}` has {}: \
                 choose it with --font {}=\"{family}\" (or under [fonts] in referflow.toml)",
                chars.join(", "),
                self.place,
                chars[0].split(' ').next().unwrap_or_default(),
                crate::visible(&self.lang),
            ),
            None => {
                let mut scripts: Vec<Script> = Vec::new();
                for c in &self.chars {
                    let script = c.script();
                    if !scripts.contains(&script) {
                        scripts.push(script);
                    }
                }
                let code = crate::visible(&self.lang);
                let advice: Vec<String> = scripts.into_iter().map(|s| advice(s, &code)).collect();
                write!(
                    f,
                    "no installed font can draw the {lang} text: {}{more} ({}); install a font for it, e.g. {}",
                    chars.join(", "),
                    self.place,
                    advice.join(", and ")
                )
            }
        }
    }
}

impl std::error::Error for Uncovered {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_laid_out_without_a_glyph_need_no_font() {
        for c in [' ', '\n', '\t', '\u{A0}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FE0F}', '\u{FEFF}'] {
            assert!(!needs_glyph(c), "U+{:04X}", u32::from(c));
        }
        for c in ['\u{AD}', '\u{202E}', '\u{E0041}', '\u{17B4}', '\u{180B}'] {
            assert!(!needs_glyph(c), "U+{:04X}", u32::from(c));
        }
        for c in ['a', 'ก', '\u{0E31}', 'ຂ', 'က', 'ក', '\u{11F04}', '\u{1}', '\u{7F}'] {
            assert!(needs_glyph(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn the_error_names_the_language_the_characters_the_place_and_the_package() {
        let error = Uncovered {
            lang: "th".into(),
            chars: vec!['ก', 'ข', '\u{1}'],
            more: true,
            place: "in stage `screen`".into(),
            installed: None,
        };
        assert_eq!(
            error.to_string(),
            "no installed font can draw the th (Thai) text: U+0E01 'ก', U+0E02 'ข', U+0001 '\\u{1}' … \
             (in stage `screen`); install a font for it, e.g. Debian's fonts-noto-core (Noto Sans Thai) or \
             fonts-thai-tlwg, and Debian's fonts-noto-core (Noto Sans)"
        );
        let kawi = Uncovered { chars: vec!['\u{11F04}'], more: false, lang: "xx".into(), ..error };
        assert!(kawi.to_string().contains("the xx text: U+11F04"), "{kawi}");
        assert!(kawi.to_string().contains("a font that covers Kawi"), "{kawi}");
    }

    #[test]
    fn places_are_said_from_the_innermost_group_that_says() {
        assert_eq!(place(&["phase-intake", "stage-screen"], 0, 1), "in stage `screen`");
        assert_eq!(
            place(&["phase-intake", "to-screen-long-2"], 0, 1),
            "in a continuation marker of stage `screen-long`"
        );
        assert_eq!(place(&["lane-police"], 0, 1), "in the name of actor `police`");
        assert_eq!(place(&["header"], 0, 1), "in the title");
        assert_eq!(place(&[], 2, 5), "on page 3");
    }
}
