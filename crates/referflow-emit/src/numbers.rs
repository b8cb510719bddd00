//! The number each stage is cited by, and the anchor that links to it. A chart that writes
//! numbers in its source (`step 14 screen "…"`) is cited by those, which survive revisions; a
//! chart without any is numbered in the narrative's reading order, from 1, as before numbers
//! could be written.
//!
//! Every output that shows or links a number takes it from [`step_numbers`]: the diagram's
//! boxes (`14 · Screen with the national form`), the continuation markers and overview of split
//! pages, the narrative's headings, links and anchors, the HTML page, DOT and Mermaid (which
//! show a number only when the chart writes them, as they showed none before), the model's
//! JSON, and through the narrative the hearing pack.
//!
//! # Anchors
//!
//! A stage's heading in the narrative carries `<a id="…">` made by [`Anchor`], ASCII only, so
//! that it survives every renderer and needs no percent-encoding in a link:
//!
//! - `step-N` for a stage with number N;
//! - for a stage without a number (only in a chart that numbers its stages; RF111 warns about
//!   it when numbering is required): `stage-<id>` when the id is ASCII (letters, digits, `_`,
//!   `-`), which stays put while the chart is revised, else `stage-<K>`, K the stage's place
//!   in the source from 1 (an id may be Thai). An id never starts with a digit, so the two
//!   forms cannot meet, and `stage-` never meets `step-`.
//!
//! A stage without a number shows none: no `N ·` before its label, no `Step N:` in its heading.

use std::fmt;

use referflow_check::StageId;

use crate::chart::Chart;

/// The number of each stage, by stage index. `None` only for a stage without a number in a
/// chart that numbers its stages (RF111 warns about it when the chart requires numbers).
pub fn step_numbers(chart: &Chart<'_, '_>) -> Vec<Option<u32>> {
    shown(chart, &reading_order_numbers(chart))
}

/// [`step_numbers`] when the reading order is at hand already (`reading` by stage index).
pub(crate) fn shown(chart: &Chart<'_, '_>, reading: &[usize]) -> Vec<Option<u32>> {
    let model = chart.model;
    if model.is_numbered() {
        return model.stages.iter().map(|s| s.number.map(|n| n.value)).collect();
    }
    reading.iter().map(|n| u32::try_from(*n).ok()).collect()
}

/// Every stage's place in the narrative's reading order, from 1, by stage index: the numbers of
/// a chart without numbers of its own, and the order `referflow number` gives new numbers in.
pub fn reading_order_numbers(chart: &Chart<'_, '_>) -> Vec<usize> {
    crate::markdown::reading_order_numbers(chart)
}

/// The stages in the narrative's reading order.
pub fn in_reading_order(chart: &Chart<'_, '_>) -> Vec<StageId> {
    let numbers = reading_order_numbers(chart);
    let mut stages: Vec<StageId> = (0..numbers.len()).map(|i| StageId(i as u32)).collect();
    stages.sort_by_key(|s| numbers[s.index()]);
    stages
}

/// The id (without `#`) of a stage's heading in the narrative: `step-14`, or `stage-…` for a
/// stage without a number (see the module's doc). Written as it is displayed, without a
/// string of its own: a large narrative writes millions of them.
#[derive(Debug, Clone, Copy)]
pub struct Anchor<'a> {
    number: Option<u32>,
    id: &'a str,
    index: usize,
}

impl<'a> Anchor<'a> {
    /// The anchor of `stage`, whose number is `numbers[stage]` ([`step_numbers`]).
    pub fn of(chart: &Chart<'a, '_>, numbers: &[Option<u32>], stage: StageId) -> Anchor<'a> {
        Anchor { number: numbers[stage.index()], id: chart.model.stage(stage).id, index: stage.index() }
    }
}

impl fmt::Display for Anchor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.number {
            Some(n) => write!(f, "step-{n}"),
            None if self.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => {
                write!(f, "stage-{}", self.id)
            }
            None => write!(f, "stage-{}", self.index + 1),
        }
    }
}

/// Numbers as a reader scans them: in increasing order, each run of consecutive numbers as
/// `first–last` (`1–5`, `2–3, 38`). A section or page of a chart without numbers of its own
/// holds one run, shown as before (`1–5`); with written numbers a section may hold numbers out
/// of order or with gaps, which a bare `first–last` would misstate.
pub fn runs(numbers: impl IntoIterator<Item = u32>) -> String {
    let mut numbers: Vec<u32> = numbers.into_iter().collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if i == j {
            out.push_str(&numbers[i].to_string());
        } else {
            out.push_str(&format!("{}–{}", numbers[i], numbers[j]));
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn runs_of_consecutive_numbers_become_ranges() {
        assert_eq!(runs([]), "");
        assert_eq!(runs([7]), "7");
        assert_eq!(runs([1, 2, 3, 4, 5]), "1–5");
        assert_eq!(runs([2, 38, 3]), "2–3, 38");
        assert_eq!(runs([14, 2, 9, 10, 11, 14]), "2, 9–11, 14");
    }
}
