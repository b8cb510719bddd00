//! The words the tool itself writes into a chart: `yes` and `no` in the languages it knows.

/// (language, yes, no). Languages not listed fall back to English.
const YES_NO: [(&str, &str, &str); 14] = [
    ("en", "yes", "no"),
    ("th", "ใช่", "ไม่ใช่"),
    ("fr", "oui", "non"),
    ("es", "sí", "no"),
    ("pt", "sim", "não"),
    ("de", "ja", "nein"),
    ("it", "sì", "no"),
    ("nl", "ja", "nee"),
    ("id", "ya", "tidak"),
    ("ms", "ya", "tidak"),
    ("vi", "có", "không"),
    ("km", "បាទ/ចាស", "ទេ"),
    ("lo", "ແມ່ນ", "ບໍ່ແມ່ນ"),
    ("my", "ဟုတ်", "မဟုတ်"),
];

fn lookup(lang: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    // `pt-BR` uses `pt`'s words.
    let primary = lang.split('-').next().unwrap_or(lang);
    YES_NO.iter().find(|(l, _, _)| *l == primary)
}

/// Whether the tool translates `yes`/`no` into `lang`.
pub fn knows(lang: &str) -> bool {
    lookup(lang).is_some()
}

pub fn yes(lang: &str) -> &'static str {
    lookup(lang).map_or("yes", |w| w.1)
}

pub fn no(lang: &str) -> &'static str {
    lookup(lang).map_or("no", |w| w.2)
}
