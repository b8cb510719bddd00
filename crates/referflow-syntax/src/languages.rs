//! The `languages` line, read as its author meant it. The usual mistakes (`languages en, th`,
//! `languages English Thai`, `languages EN TH`) each gave one error per translation of the
//! chart; they are now read as the codes meant and reported once, with the line as it should
//! be written (RF013, reported by the checker).

use crate::ast::{Lang, LanguagesMistake, Span};
use crate::fast::is_lang;

/// Language names as people write them (in English, and in their own script), with their codes:
/// the languages of the region's referral charts first.
const NAMES: &[(&str, &str)] = &[
    ("english", "en"),
    ("thai", "th"),
    ("ไทย", "th"),
    ("ภาษาไทย", "th"),
    ("burmese", "my"),
    ("myanmar", "my"),
    ("မြန်မာ", "my"),
    ("khmer", "km"),
    ("cambodian", "km"),
    ("ខ្មែរ", "km"),
    ("lao", "lo"),
    ("laotian", "lo"),
    ("ລາວ", "lo"),
    ("indonesian", "id"),
    ("bahasa", "id"),
    ("malay", "ms"),
    ("vietnamese", "vi"),
    ("tiếng việt", "vi"),
    ("tagalog", "tl"),
    ("filipino", "fil"),
    ("chinese", "zh"),
    ("japanese", "ja"),
    ("korean", "ko"),
    ("french", "fr"),
    ("spanish", "es"),
    ("portuguese", "pt"),
    ("german", "de"),
    ("italian", "it"),
    ("dutch", "nl"),
    ("russian", "ru"),
    ("arabic", "ar"),
    ("hindi", "hi"),
    ("bengali", "bn"),
    ("nepali", "ne"),
    ("urdu", "ur"),
    ("shan", "shn"),
];

/// The codes meant by the words of a `languages` line, and what was wrong with it. `src` is the
/// whole text: a code read from an upper-case one is taken from where the chart writes it in
/// lower case (its translations do), so that it borrows from the text like every other code.
pub fn read<'s>(src: &'s str, words: Vec<Lang<'s>>, commas: bool) -> (Vec<Lang<'s>>, Option<LanguagesMistake>) {
    let span = match (words.first(), words.last()) {
        (Some(first), Some(last)) => first.span.to(last.span),
        _ => Span::default(),
    };
    let mut langs = Vec::with_capacity(words.len());
    let mut problems: Vec<String> = Vec::new();
    let mut fixed: Vec<String> = Vec::new();
    if commas {
        problems.push("the codes are separated by commas".into());
    }
    for word in words {
        if is_lang(word.code) {
            fixed.push(word.code.to_string());
            langs.push(word);
            continue;
        }
        let lower = word.code.to_lowercase();
        let named = NAMES.iter().find(|(name, _)| *name == lower).map(|(_, code)| *code);
        let code: Option<&'s str> = match named {
            Some(code) => {
                problems.push(format!("`{}` is a name, not a code: write `{code}`", word.code));
                Some(code)
            }
            None if is_lang(&lower) => {
                problems.push(format!("`{}` is in upper case: write `{lower}`", word.code));
                // As written in lower case elsewhere, or a known code.
                src.match_indices(lower.as_str())
                    .map(|(at, _)| &src[at..at + lower.len()])
                    .next()
                    .or_else(|| NAMES.iter().map(|(_, c)| *c).find(|c| *c == lower))
            }
            None => {
                problems.push(format!(
                    "`{}` is not a language code (two or three lowercase letters, such as `th`, or with a region, such as `pt-BR`)",
                    word.code
                ));
                None
            }
        };
        match code {
            Some(code) => {
                fixed.push(code.to_string());
                langs.push(Lang { code, span: word.span });
            }
            None if is_lang(&lower) => fixed.push(lower),
            None => {}
        }
    }
    if problems.is_empty() {
        return (langs, None);
    }
    let fix = format!("languages {}", fixed.join(" "));
    (langs, Some(LanguagesMistake { problem: problems.join("; "), fix, span }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str, line: &str) -> (Vec<String>, Option<String>) {
        let at = src.find(line).unwrap();
        let list: Vec<Lang<'_>> = line
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .map(|w| {
                let start = at + line.find(w).unwrap();
                Lang { code: &src[start..start + w.len()], span: Span::new(start, start + w.len()) }
            })
            .collect();
        let (langs, mistake) = read(src, list, line.contains(','));
        (langs.iter().map(|l| l.code.to_string()).collect(), mistake.map(|m| m.fix))
    }

    #[test]
    fn common_mistakes_are_read_as_meant_with_the_exact_fix() {
        let src = "en, th\nen th\nEnglish Thai\nEN TH\nen Burmese\nen xyz!\nth \"x\"";
        assert_eq!(words(src, "en th"), (vec!["en".into(), "th".into()], None));
        assert_eq!(words(src, "en, th"), (vec!["en".into(), "th".into()], Some("languages en th".into())));
        assert_eq!(words(src, "English Thai"), (vec!["en".into(), "th".into()], Some("languages en th".into())));
        assert_eq!(words(src, "EN TH"), (vec!["en".into(), "th".into()], Some("languages en th".into())));
        assert_eq!(words(src, "en Burmese"), (vec!["en".into(), "my".into()], Some("languages en my".into())));
        assert_eq!(words(src, "en xyz!"), (vec!["en".into()], Some("languages en".into())));
        assert!(is_lang("pt-BR") && is_lang("no") && !is_lang("to") && !is_lang("Thai") && !is_lang("e"));
    }
}
