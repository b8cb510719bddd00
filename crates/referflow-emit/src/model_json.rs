//! The JSON model of SPEC §4. (Being written.)

use crate::chart::Chart;

pub fn render_model_json(_chart: &Chart<'_, '_>, _source: &str) -> String {
    String::new()
}
