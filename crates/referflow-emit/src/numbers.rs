//! The number each stage is cited by. A chart that writes numbers in its source
//! (`step 14 screen "…"`) is cited by those, which survive revisions; a chart without any is
//! numbered in the narrative's reading order, from 1, as before numbers could be written.

use referflow_check::StageId;

use crate::chart::Chart;

/// The number of each stage, by stage index. `None` only for a stage without a number in a
/// chart that numbers its stages (RF111 warns about it when the chart requires numbers).
pub fn step_numbers(chart: &Chart<'_, '_>) -> Vec<Option<u32>> {
    let model = chart.model;
    if model.is_numbered() {
        return model.stages.iter().map(|s| s.number.map(|n| n.value)).collect();
    }
    reading_order_numbers(chart).into_iter().map(|n| u32::try_from(n).ok()).collect()
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
