//! Mermaid `flowchart`. (Being written.)

use crate::chart::{Chart, RenderOptions};

pub fn render_mermaid(_chart: &Chart<'_, '_>, _options: &RenderOptions) -> String {
    String::new()
}
