//! The words a label is never broken inside: a built-in list of the field's compounds, and the
//! chart's own (`glossary "ผู้เสียหาย", "ส่งต่อ"`).
//!
//! ICU's dictionary breaks Thai, Lao, Khmer and Burmese text between the words it knows, and it
//! knows the parts of a compound better than the compound: ผู้เสียหาย ("victim") is ผู้ + เสีย +
//! หาย to it, so a label could end a line with ผู้เสีย ("one who lost") and start the next with
//! หาย ("lost"). A referral chart uses a few dozen such terms over and over; keeping each whole
//! is what a Thai reader expects of an official text.
//!
//! [`BUILT_IN`] is the one list of built-in words. Its Thai words come from the bundled chart
//! (examples/thailand-nrm.flow) and from the terms of Thai anti-trafficking texts (the Anti-
//! Trafficking in Persons Act B.E. 2551, the national referral mechanism); each is a compound
//! that ICU's dictionary splits. A word that fits one chart only belongs in that chart's
//! `glossary` statement, not here.

use std::borrow::Cow;

use referflow_check::Model;

/// The field's compounds, each one that ICU's dictionary would otherwise break inside. Keep
/// a word here only if it is a term of the field in its own right, and short enough to fit a
/// box (a long agency name kept whole would be cut between letters in a narrow lane instead).
pub const BUILT_IN: &[&str] = &[
    // Thai: the stages of the mechanism and the people in it.
    "ผู้เสียหาย",        // victim
    "ส่งต่อ",           // refer
    "คัดกรอง",         // screen, screening
    "คัดแยก",          // identify, identification (a formal decision, not screening)
    "สหวิชาชีพ",        // multidisciplinary
    "ทีมสหวิชาชีพ",      // multidisciplinary team
    "ค้ามนุษย์",         // trafficking in persons
    "ข้อบ่งชี้",          // indicator
    "ข้อเท็จจริง",       // the facts
    "ผู้ประสานงาน",     // coordinator
    "สถานคุ้มครอง",     // shelter (protection place)
    "บ้านพัก",          // shelter home (บ้านพักเด็กและครอบครัว: Children and Family Shelter)
    "คุ้มครองเด็ก",      // child protection
    "ประโยชน์สูงสุด",    // best interests (of the child)
    "ช่วยเหลือ",        // assist, assistance
    "รักษาพยาบาล",     // medical treatment
    "ฟื้นฟูสภาพจิตใจ",    // psychosocial recovery
    "นักสังคมสงเคราะห์", // social worker
    "นักจิตวิทยา",       // psychologist
    "ประเมินความเสี่ยง", // risk assessment
    "รายบุคคล",        // individual (plan)
    "สายด่วน",         // hotline
    "ลงพื้นที่",          // field visit
    "ปฏิบัติการ",        // (police) operation
    "บังคับใช้แรงงาน",   // forced labour
    "ค่าจ้าง",          // wages
    "ค้างจ่าย",         // owed, unpaid
    // Justice.
    "พนักงานสอบสวน",     // inquiry official
    "พนักงานอัยการ",      // public prosecutor
    "พนักงานเจ้าหน้าที่",    // competent official
    "พนักงานตรวจแรงงาน", // labour inspector
    "กระบวนการยุติธรรม",  // justice process
    "ศาลยุติธรรม",        // Courts of Justice
    "กระทำความผิด",      // commit an offence
    "ผู้กระทำความผิด",     // offender
    "คำให้การ",          // testimony
    "สืบพยาน",           // take (a witness's) evidence
    "ค่าสินไหมทดแทน",     // compensation
    // Return and status.
    "ส่งกลับ",           // return (a person)
    "คืนสู่สังคม",         // reintegration
    "ราชอาณาจักร",      // the Kingdom
    "คนต่างด้าว",        // foreign national
    "ตรวจคนเข้าเมือง",   // immigration
    "พิสูจน์สัญชาติ",       // nationality verification
    "เอกสารการเดินทาง", // travel document
    "ประเทศต้นทาง",     // country of origin
    "สถานเอกอัครราชทูต", // embassy
    "สถานกงสุล",        // consulate
    "องค์กรพัฒนาเอกชน",  // non-governmental organisation
    // Lao, Khmer and Burmese: the words of the information given to migrant workers.
    "ຜູ້ເຄາະຮ້າຍ", // Lao: victim
    "ສົ່ງຕໍ່",      // Lao: refer
    "ຄ້າມະນຸດ",   // Lao: trafficking in persons
    "ជួញដូរមនុស្ស", // Khmer: trafficking in persons
    "បញ្ជូនបន្ត",    // Khmer: refer onward
    "လူကုန်ကူး",    // Burmese: trafficking in persons
    "ခံရသူ",      // Burmese: one who suffered (victim)
];

/// The words a chart's labels are never broken inside: [`BUILT_IN`] and the chart's own.
/// Built once per chart and handed to every wrap.
#[derive(Debug, Clone, Default)]
pub struct Glossary<'w> {
    words: Vec<Cow<'w, str>>,
}

impl<'w> Glossary<'w> {
    /// The built-in words only.
    pub fn built_in() -> Glossary<'static> {
        Glossary::default().with(BUILT_IN.iter().map(|w| Cow::Borrowed(*w)))
    }

    /// The built-in words and the chart's `glossary`.
    pub fn of(model: &'w Model<'_>) -> Glossary<'w> {
        Glossary::built_in().with(model.glossary.iter().map(|w| Cow::Borrowed(w.as_ref())))
    }

    /// No word at all: lines break wherever the segmenter allows.
    pub fn none() -> Glossary<'static> {
        Glossary::default()
    }

    /// These words as well. An empty word keeps nothing whole and is left out.
    pub fn with(mut self, words: impl IntoIterator<Item = Cow<'w, str>>) -> Self {
        for word in words {
            if !word.is_empty() && !self.words.contains(&word) {
                self.words.push(word);
            }
        }
        self
    }

    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| w.as_ref())
    }

    /// The stretches of `text` (byte ranges) that are an occurrence of a word: every occurrence,
    /// overlapping ones too, found by exact match. A line may break at either end of one, never
    /// strictly inside.
    pub fn occurrences(&self, text: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let ascii = text.is_ascii();
        for word in self.words() {
            if ascii && !word.is_ascii() {
                continue;
            }
            let mut from = 0;
            while let Some(at) = text[from..].find(word).map(|at| from + at) {
                found.push((at, at + word.len()));
                // The next occurrence may overlap this one: look again one character on.
                from = at + text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_words_are_distinct_and_not_blank() {
        let glossary = Glossary::built_in();
        assert_eq!(glossary.words().count(), BUILT_IN.len());
        assert!(BUILT_IN.iter().all(|w| !w.trim().is_empty() && w.trim() == *w));
    }

    #[test]
    fn occurrences_overlap() {
        let glossary = Glossary::none().with(["aba", "ab"].map(Cow::Borrowed));
        assert_eq!(glossary.occurrences("ababa"), [(0, 3), (2, 5), (0, 2), (2, 4)]);
        assert_eq!(Glossary::none().with([Cow::Borrowed("")]).occurrences("x"), []);
    }

    #[test]
    fn the_bundled_charts_terms_are_found() {
        let chart = include_str!("../../../examples/thailand-nrm.flow");
        let unused: Vec<&str> = BUILT_IN
            .iter()
            .copied()
            .filter(|w| w.chars().all(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)))
            .filter(|w| !chart.contains(w))
            .collect();
        // The chart does not use every term of the field; most of them it does.
        assert!(unused.len() * 4 < BUILT_IN.len(), "{unused:?}");
    }
}
