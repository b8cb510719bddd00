//! Wrapping labels at a readable width, for every backend that draws boxes.
//!
//! Lines break at spaces, and inside a run of a script written without spaces between words
//! (Thai, Lao, Khmer, Myanmar; Chinese and Japanese) where Unicode line breaking (UAX #14)
//! allows it, with ICU's dictionary to find the words. So Thai text breaks between words,
//! never inside one: a break inside a Thai word would leave a vowel or tone mark at the start
//! of the next line, which reads as a spelling mistake. Latin text breaks only at spaces, not
//! after the hyphens and slashes UAX #14 also allows: a label is a few words, and `fact-` /
//! `finding` or a reference split at each `/` reads worse than a slightly longer line.
//!
//! ICU's dictionary knows the parts of a compound better than the compound (ผู้เสียหาย,
//! "victim", is ผู้ + เสีย + หาย to it), so a [`Glossary`] of the field's compounds and the
//! chart's own words removes every break opportunity strictly inside an occurrence of one of
//! its words: a glossary word is never split across lines.

use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::{LineSegmenter, LineSegmenterBorrowed};

pub use crate::glossary::Glossary;

/// Splits `text` into lines at most `width` columns wide (as [`display_width`] counts them).
///
/// - A line break the author wrote (`\n`, `\r\n`, `\r`, U+2028, U+2029, U+0085) always breaks
///   the line; an empty line between two breaks is kept.
/// - Otherwise lines break only at line-break opportunities: spaces in Latin text, word
///   boundaries (from ICU's dictionary) in Thai, Lao, Khmer and Burmese. The spaces at a break
///   are dropped.
/// - A word of `glossary` is never broken inside, not even at a space within it.
/// - The lines are balanced: a paragraph takes as few lines as filling each line up to
///   `width` would, but each line is filled only up to the narrowest width that still gives
///   that many lines. A label in a box then reads as a block, not as a full line and a
///   stray word.
/// - A word wider than `width` is never split: it stands whole on a line of its own.
/// - Each paragraph is trimmed of leading and trailing white space.
///
/// Text without any break gives one line; the empty string gives one empty line.
///
/// ```
/// use referflow_emit::wrap::{wrap, Glossary};
/// let none = Glossary::none();
/// assert_eq!(wrap("Screen with the national screening form", 30, &none), ["Screen with the", "national screening form"]);
/// assert_eq!(wrap("Line one\nLine two", 80, &none), ["Line one", "Line two"]);
/// // ICU's dictionary alone would end the first line with ผู้เสีย.
/// let built_in = Glossary::built_in();
/// assert_eq!(wrap("ตำรวจพบผู้ที่อาจเป็นผู้เสียหายระหว่างปฏิบัติการ", 24, &built_in), ["ตำรวจพบผู้ที่อาจเป็น", "ผู้เสียหายระหว่างปฏิบัติการ"]);
/// ```
pub fn wrap(text: &str, width: usize, glossary: &Glossary<'_>) -> Vec<String> {
    wrap_measured(text, width, glossary, &display_width)
}

/// [`wrap`] with widths measured by `measure` (in any unit, `width` in the same): the laid-out
/// diagram measures text in points, in the font it is drawn with.
pub fn wrap_measured(
    text: &str,
    width: usize,
    glossary: &Glossary<'_>,
    measure: &dyn Fn(&str) -> usize,
) -> Vec<String> {
    let segmenter = &*SEGMENTER;
    let mut lines = Vec::new();
    for paragraph in paragraphs(text) {
        let paragraph = paragraph.trim();
        // A paragraph that fits is one line, with no need to look for breaks.
        if measure(paragraph) <= width {
            lines.push(paragraph.to_owned());
            continue;
        }
        let pieces = pieces(segmenter, paragraph, glossary, measure);
        let count = count_lines(&pieces, width);
        // Narrowing the width never gives fewer lines, so the narrowest width that gives as
        // few lines as `width` does is found by bisection.
        let widest_piece = pieces.iter().map(|p| p.width).max().unwrap_or(0);
        let (mut low, mut high) = (widest_piece, width);
        while low < high {
            let mid = low + (high - low) / 2;
            if count_lines(&pieces, mid) == count { high = mid } else { low = mid + 1 }
        }
        let mut target = if count > 1 { high } else { width };
        // A line measured whole can be wider than its pieces measured one by one: a font
        // shapes a run across a piece's edge, and the `·` and space after a step's number are
        // drawn in the Thai font when Thai follows. Such a line would be cut between letters
        // by the diagram, so it is filled again narrower, until every line fits or no piece
        // can move.
        loop {
            let filled = fill(&pieces, target);
            let over = filled.iter().map(|line| measure(line)).max().unwrap_or(0).saturating_sub(width);
            if over == 0 || target <= widest_piece {
                lines.extend(filled);
                break;
            }
            target = target.saturating_sub(over).max(widest_piece);
        }
    }
    lines
}

/// The dictionary model rather than the LSTM: it is exact for the words it knows, and it
/// gives the same breaks on every machine and in every ICU release that ships the same word
/// list, which keeps rendered output stable. `new_dictionary` loads ICU's compiled word lists
/// for all four scripts that need one (Thai, Lao, Khmer, Burmese: about 1 MB of data; Chinese
/// and Japanese break between characters by UAX #14 and need none). Made once: making it
/// looks its data up, which cost 5% of rendering a large chart when each label made its own.
static SEGMENTER: std::sync::LazyLock<LineSegmenterBorrowed<'static>> =
    std::sync::LazyLock::new(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));

/// `paragraph` cut at every break opportunity that is not strictly inside a word of
/// `glossary`.
fn pieces<'t>(
    segmenter: &LineSegmenterBorrowed<'_>,
    paragraph: &'t str,
    glossary: &Glossary<'_>,
    measure: &dyn Fn(&str) -> usize,
) -> Vec<Piece<'t>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let words = glossary.occurrences(paragraph);
    let mut cut = |end: usize| {
        if words.iter().any(|&(from, to)| from < end && end < to) {
            return;
        }
        pieces.push(Piece::new(&paragraph[start..end], measure));
        start = end;
    };
    if paragraph.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        ascii_breaks(paragraph).for_each(&mut cut);
    } else {
        segmenter.segment_str(paragraph).filter(|&at| at > 0 && may_break(paragraph, at)).for_each(&mut cut);
    }
    pieces
}

/// The breaks ICU's segmenter gives and [`may_break`] keeps in text of printable ASCII and
/// spaces, found without the segmenter (most labels of a large chart are such text, and the
/// segmenter was a fifth of drawing one): after a run of spaces, unless UAX #14 forbids a
/// break before the next character (LB13: `}` `)` `]` `!` `?` `/` `,` `.` `:` `;`) or after
/// the last character before the spaces (LB14: `(` `[` `{`); and at the end. A test holds
/// this to the segmenter on random text.
fn ascii_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut before_spaces = None;
    (1..=bytes.len()).filter(move |&at| {
        if at == bytes.len() {
            return true;
        }
        let (previous, next) = (bytes[at - 1], bytes[at]);
        if previous != b' ' {
            before_spaces = Some(previous);
            return false;
        }
        if next == b' ' {
            return false;
        }
        let after_open = matches!(before_spaces, Some(b'(' | b'[' | b'{'));
        !(after_open || matches!(next, b'}' | b')' | b']' | b'!' | b'?' | b'/' | b',' | b'.' | b':' | b';'))
    })
}

/// A piece of a paragraph between two break opportunities, with any spaces it ends with.
#[derive(Debug)]
struct Piece<'t> {
    text: &'t str,
    /// Without the spaces at the end: they are where the line may break, and count only when
    /// another piece follows on the same line.
    width: usize,
    spaces: usize,
}

impl<'t> Piece<'t> {
    fn new(text: &'t str, measure: &dyn Fn(&str) -> usize) -> Self {
        let width = measure(text.trim_end());
        Piece { text, width, spaces: measure(text).saturating_sub(width) }
    }
}

/// How many lines `fill` makes, without making them.
fn count_lines(pieces: &[Piece<'_>], width: usize) -> usize {
    let (mut lines, mut line_width, mut line_empty) = (1, 0, true);
    for piece in pieces {
        if !line_empty && line_width + piece.width > width {
            lines += 1;
            line_width = 0;
            line_empty = true;
        }
        line_empty = line_empty && piece.text.is_empty();
        line_width += piece.width + piece.spaces;
    }
    lines
}

/// The pieces as lines, each filled up to `width` (a piece wider than that gets a line to
/// itself).
fn fill(pieces: &[Piece<'_>], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for piece in pieces {
        if !line.is_empty() && line_width + piece.width > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
            line_width = 0;
        }
        line.push_str(piece.text);
        line_width += piece.width + piece.spaces;
    }
    lines.push(line.trim_end().to_owned());
    lines
}

/// Whether to use the line-break opportunity at byte `at` of `text`: after white space, or
/// between two letters of a script written without spaces, or at the end.
fn may_break(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    match (before, after) {
        (_, None) => true,
        (Some(before), Some(after)) => before.is_whitespace() || (spaceless(before) && spaceless(after)),
        (None, Some(_)) => false,
    }
}

/// Scripts whose words are not separated by spaces, so lines break between letters.
pub(crate) fn spaceless(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD // Han
    )
}

/// The paragraphs of `text`: the pieces between the line breaks the author wrote.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    // `\r\n` is one break: split at `\n`, then take the `\r` off the end of each piece.
    text.split(['\n', '\u{2028}', '\u{2029}', '\u{85}'])
        .flat_map(|piece| piece.strip_suffix('\r').unwrap_or(piece).split('\r'))
}

/// How many columns `text` takes in a proportional font, roughly: one per character, none for
/// combining marks and invisible format characters, two for wide East Asian characters.
///
/// Thai writes vowels and tone marks above and below the consonant they belong to, so
/// counting characters would make a Thai line look half again as long as it is.
pub fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    match u32::from(c) {
        // Combining diacritics (Latin, Cyrillic, Greek …), and the marks above and below the
        // line in Thai, Lao, Khmer and Myanmar.
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0E31
        | 0x0E34..=0x0E3A
        | 0x0E47..=0x0E4E
        | 0x0EB1
        | 0x0EB4..=0x0EBC
        | 0x0EC8..=0x0ECE
        | 0x102D..=0x1030
        | 0x1032..=0x1037
        | 0x1039..=0x103A
        | 0x17B7..=0x17BD
        | 0x17C6
        | 0x17C9..=0x17D3
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F
        // Zero-width spaces and joiners, direction marks, variation selectors, the BOM.
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xFE00..=0xFE0F
        | 0xFEFF => 0,
        c if c < 0x20 || (0x7F..0xA0).contains(&c) => 0,
        // Hangul jamo, CJK, kana, Hangul syllables, full-width forms, emoji.
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// `text` wrapped at `width` with the built-in glossary, as a chart without its own.
    fn wrapped(text: &str, width: usize) -> Vec<String> {
        wrap(text, width, &Glossary::built_in())
    }

    /// The breaks found without the segmenter are the segmenter's, on random printable ASCII
    /// with many spaces and every punctuation mark.
    #[test]
    fn ascii_breaks_are_the_segmenters() {
        let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
        let alphabet: Vec<u8> = (0x20..0x7F).chain([b' '; 30]).chain(*b"aaaaeeee0011").collect();
        let mut seed = 1u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..50_000 {
            let len = 1 + next() % 12;
            let text: String = (0..len).map(|_| char::from(alphabet[next() % alphabet.len()])).collect();
            let icu: Vec<usize> = segmenter.segment_str(&text).filter(|&at| at > 0 && may_break(&text, at)).collect();
            let ours: Vec<usize> = ascii_breaks(&text).collect();
            assert_eq!(ours, icu, "{text:?}");
        }
    }

    /// Thai vowels and tone marks written above or below a consonant: a line that starts with
    /// one has split a word.
    fn is_thai_mark(c: char) -> bool {
        matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
    }

    /// Thai vowels that follow their consonant (`ะ า ำ ๅ`) cannot start a line either, and
    /// the vowels written before it (`เ แ โ ใ ไ`) cannot end one.
    fn splits_a_thai_word(line: &str) -> bool {
        let first = line.chars().next();
        let last = line.chars().next_back();
        first.is_some_and(|c| is_thai_mark(c) || matches!(c, 'ะ' | 'า' | 'ำ' | 'ๅ'))
            || last.is_some_and(|c| matches!(c, 'เ' | 'แ' | 'โ' | 'ใ' | 'ไ'))
    }

    #[test]
    fn thai_breaks_between_dictionary_words() {
        let text = "คัดกรองด้วยแบบคัดกรองบุคคลที่อาจเป็นผู้เสียหายจากการค้ามนุษย์";
        let lines = wrapped(text, 12);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat(), text);
        // The words of this label, by a Thai reader; every line must be a run of them.
        let words = "คัด|กรอง|ด้วย|แบบ|คัด|กรอง|บุคคล|ที่|อาจ|เป็น|ผู้|เสีย|หาย|จาก|การ|ค้า|มนุษย์".split('|');
        let mut boundaries = vec![0];
        for word in words {
            boundaries.push(boundaries.last().copied().unwrap_or(0) + word.len());
        }
        assert_eq!(boundaries.last().copied(), Some(text.len()));
        let mut at = 0;
        for line in &lines {
            at += line.len();
            assert!(boundaries.contains(&at), "line {line:?} ends inside a word: {lines:?}");
            assert!(!splits_a_thai_word(line), "{line:?}");
            assert!(display_width(line) <= 12 || !line.contains(' '), "{line:?} is too wide");
        }
    }

    #[test]
    fn thai_lines_fit_the_width() {
        let text = "พักในสถานคุ้มครองชั่วคราวเพื่อฟื้นฟูสภาพก่อนการสัมภาษณ์คัดแยก";
        let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
        for width in [8, 12, 16, 20, 26] {
            let lines = wrapped(text, width);
            assert_eq!(lines.concat(), text);
            for line in &lines {
                assert!(!splits_a_thai_word(line), "{width}: {lines:?}");
                // A glossary word wider than the width stands whole on its line.
                let whole_word = crate::glossary::BUILT_IN.contains(&line.as_str());
                assert!(display_width(line) <= width || whole_word, "{width}: {line:?} is too wide");
            }
            // Balanced, but in no more lines than filling each line would take.
            assert_eq!(
                lines.len(),
                fill(&pieces(&segmenter, text, &Glossary::built_in(), &display_width), width).len(),
                "{width}: {lines:?}"
            );
        }
    }

    #[test]
    fn lines_are_balanced() {
        // Filling would leave `เสียหาย` alone on the second line.
        assert_eq!(wrapped("ทีมสหวิชาชีพสัมภาษณ์เพื่อคัดแยกผู้เสียหาย", 26), ["ทีมสหวิชาชีพสัมภาษณ์", "เพื่อคัดแยกผู้เสียหาย"]);
        assert_eq!(wrapped("Are wages owed to the worker?", 26), ["Are wages owed", "to the worker?"]);
    }

    #[test]
    fn thai_breaks_at_spaces_too() {
        assert_eq!(wrapped("แมว หมา", 4), ["แมว", "หมา"]);
    }

    #[test]
    fn thai_marks_take_no_width() {
        assert_eq!(display_width("ที่"), 1);
        assert_eq!(display_width("มนุษย์"), 4);
        assert_eq!(display_width("ค้ามนุษย์"), 6);
    }

    #[test]
    fn latin_breaks_at_spaces() {
        assert_eq!(
            wrapped("Temporary protection for fact-finding, in a place that is not a cell", 26),
            ["Temporary protection for", "fact-finding, in a place", "that is not a cell"]
        );
        assert_eq!(wrapped("Are wages owed?", 26), ["Are wages owed?"]);
        assert_eq!(wrapped("a  b", 1), ["a", "b"]);
        // Not after a hyphen or a slash.
        assert_eq!(wrapped("fact-finding and/or", 6), ["fact-finding", "and/or"]);
    }

    #[test]
    fn long_word_stays_whole() {
        assert_eq!(
            wrapped("See https://example.org/a/very/long/path/to/a/form now", 12),
            ["See", "https://example.org/a/very/long/path/to/a/form", "now"]
        );
        assert_eq!(wrapped("Supercalifragilistic", 5), ["Supercalifragilistic"]);
        assert_eq!(wrapped("มนุษย์", 1), ["มนุษย์"]);
    }

    #[test]
    fn written_line_breaks_are_kept() {
        assert_eq!(wrapped("Line one\nLine two", 80), ["Line one", "Line two"]);
        assert_eq!(wrapped("one\r\ntwo\rthree\u{2028}four", 80), ["one", "two", "three", "four"]);
        assert_eq!(wrapped("a\n\nb", 80), ["a", "", "b"]);
        assert_eq!(wrapped("บรรทัดหนึ่ง\nบรรทัดสอง", 80), ["บรรทัดหนึ่ง", "บรรทัดสอง"]);
        assert_eq!(
            wrapped("Temporary protection\nfor fact-finding in a place", 12),
            ["Temporary", "protection", "for", "fact-finding", "in a place"]
        );
    }

    /// Each line of `lines` (wrapped from `text`) as a byte range of `text`.
    fn line_ranges(text: &str, lines: &[String]) -> Vec<(usize, usize)> {
        let mut from = 0;
        lines
            .iter()
            .map(|line| {
                let start = from + text[from..].find(line.as_str()).unwrap_or_else(|| panic!("{line:?} in {text:?}"));
                from = start + line.len();
                (start, from)
            })
            .collect()
    }

    /// The first occurrence of a word of `glossary` that `lines` split: with characters on a
    /// line and on the next.
    fn split_word(text: &str, lines: &[String], glossary: &Glossary<'_>) -> Option<String> {
        let ranges = line_ranges(text, lines);
        let words = glossary.occurrences(text);
        ranges.windows(2).find_map(|pair| {
            let (end, next) = (pair[0].1, pair[1].0);
            words.iter().find(|&&(from, to)| from < end && next < to).map(|&(from, to)| text[from..to].to_owned())
        })
    }

    /// Lines that end only where `words` (the text cut at `|`) has a cut.
    fn assert_breaks_between(words: &str, glossary: &Glossary<'_>) {
        let text = words.replace('|', "");
        let mut cuts = vec![0];
        for word in words.split('|') {
            cuts.push(cuts.last().copied().unwrap_or(0) + word.len());
        }
        for width in 1..=display_width(&text) {
            let lines = wrap(&text, width, glossary);
            assert_eq!(lines.concat(), text);
            for (_, end) in line_ranges(&text, &lines) {
                assert!(cuts.contains(&end), "width {width}: {lines:?} breaks inside a word of {words}");
            }
        }
        assert!(wrap(&text, 1, glossary).len() == cuts.len() - 1, "{:?}", wrap(&text, 1, glossary));
    }

    /// Realistic labels in each script that ICU breaks with a dictionary, cut where a reader
    /// cuts them: at every width, lines end only there. The Thai ones are labels of the bundled
    /// chart whose victim (ผู้เสียหาย) and refer (ส่งต่อ) the dictionary alone splits.
    #[test]
    fn thai_lao_khmer_burmese_break_between_words() {
        let glossary = Glossary::built_in();
        // Police find a possible victim during an operation.
        assert_breaks_between("ตำรวจ|พบ|ผู้|ที่|อาจ|เป็น|ผู้เสียหาย|ระหว่าง|ปฏิบัติการ", &glossary);
        // Does the person consent to referral and protection?
        assert_breaks_between("บุคคล|นั้น|ยินยอม|รับ|การ|ส่งต่อ|และ|การ|คุ้มครอง|หรือ|ไม่", &glossary);
        // Lao: refer the victim to a temporary shelter.
        assert_breaks_between("ສົ່ງຕໍ່|ຜູ້ເຄາະຮ້າຍ|ໄປຫາ|ສູນ|ພັກ|ເຊົາ|ຊົ່ວຄາວ", &glossary);
        // Khmer: refer the victim to a temporary shelter.
        assert_breaks_between("បញ្ជូន|ជនរងគ្រោះ|ទៅកាន់|ទីជម្រក|បណ្តោះអាសន្ន", &glossary);
        // Burmese: hand the trafficked person over to a temporary shelter.
        assert_breaks_between("လူကုန်ကူး|ခံရသူ|ကို|ယာယီ|ဂေဟာ|သို့|လွှဲပြောင်း|ပေးသည်", &glossary);
    }

    /// The dictionary alone splits the compounds the glossary keeps: without it, the quoted
    /// labels of issue 18 broke inside ผู้เสียหาย and ส่งต่อ.
    #[test]
    fn the_dictionary_alone_splits_the_fields_compounds() {
        let none = Glossary::none();
        let split = |text: &str, width: usize| split_word(text, &wrap(text, width, &none), &Glossary::built_in());
        assert_eq!(split("ตำรวจพบผู้ที่อาจเป็นผู้เสียหายระหว่างปฏิบัติการ", 22).as_deref(), Some("ผู้เสียหาย"));
        assert_eq!(split("บุคคลนั้นยินยอมรับการส่งต่อและการคุ้มครองหรือไม่", 20).as_deref(), Some("ส่งต่อ"));
    }

    /// Every Thai text of the bundled chart, at every width from 1 to its own: no line ends
    /// inside a glossary word.
    #[test]
    fn glossary_words_are_never_split() {
        let chart = include_str!("../../../examples/thailand-nrm.flow");
        let glossary = Glossary::built_in();
        let texts: Vec<&str> = chart
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|t| t.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)))
            .collect();
        assert!(texts.len() > 50, "{}", texts.len());
        let mut checked = 0;
        for text in texts {
            for width in 1..=display_width(text) {
                let lines = wrap(text, width, &glossary);
                if let Some(word) = split_word(text, &lines, &glossary) {
                    panic!("width {width}: {lines:?} splits {word}");
                }
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn a_charts_own_words_are_kept_whole() {
        // ระยะเวลา ("period") is ระยะ + เวลา to the dictionary and not a built-in word.
        let text = "ศาลอนุญาตให้ขยายระยะเวลาคุ้มครอง";
        let built_in = Glossary::built_in();
        let chart = Glossary::built_in().with([Cow::Borrowed("ระยะเวลา")]);
        let splits = |glossary: &Glossary<'_>| {
            (1..=display_width(text)).filter(|&w| split_word(text, &wrap(text, w, glossary), &chart).is_some()).count()
        };
        assert!(splits(&built_in) > 0);
        assert_eq!(splits(&chart), 0);
        // A word with spaces in it is not broken at them either.
        let police = Glossary::none().with([Cow::Borrowed("Royal Thai Police")]);
        assert_eq!(
            wrap("Refer to the Royal Thai Police now", 8, &police),
            ["Refer to", "the", "Royal Thai Police", "now"]
        );
    }

    #[test]
    fn lines_still_break_at_a_glossary_words_edges() {
        let glossary = Glossary::built_in();
        assert_eq!(wrap("ผู้เสียหายผู้เสียหาย", 7, &glossary), ["ผู้เสียหาย", "ผู้เสียหาย"]);
        assert_eq!(wrap("ส่งต่อผู้เสียหาย", 1, &glossary), ["ส่งต่อ", "ผู้เสียหาย"]);
        // Overlapping words keep all of both whole.
        let overlapping = Glossary::none().with(["ab cd", "cd ef"].map(Cow::Borrowed));
        assert_eq!(wrap("ab cd ef gh", 1, &overlapping), ["ab cd ef", "gh"]);
        let one = Glossary::none().with([Cow::Borrowed("ab cd")]);
        assert_eq!(wrap("ab cd ef gh", 1, &one), ["ab cd", "ef", "gh"]);
    }

    /// A measure that is not the sum of its parts: a line that mixes digits and Thai takes
    /// three columns more than its pieces, as a font that shapes across them would draw it.
    fn mixed_is_wider(text: &str) -> usize {
        let mixed = text.contains(|c: char| c.is_ascii_digit()) && text.contains(|c| ('ก'..='ฮ').contains(&c));
        display_width(text) + if mixed { 3 } else { 0 }
    }

    #[test]
    fn lines_fit_when_measured_whole() {
        let text = "18 · ศาลอนุญาตให้ขยายระยะเวลาคุ้มครอง";
        for width in 8..=display_width(text) + 3 {
            let lines = wrap_measured(text, width, &Glossary::built_in(), &mixed_is_wider);
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            for line in &lines {
                assert!(mixed_is_wider(line) <= width, "{width}: {line:?} in {lines:?}");
            }
        }
    }

    #[test]
    fn edges() {
        assert_eq!(wrapped("", 10), [""]);
        assert_eq!(wrapped("   ", 10), [""]);
        assert_eq!(wrapped("  padded  ", 10), ["padded"]);
        assert_eq!(wrapped("x", 0), ["x"]);
    }
}
