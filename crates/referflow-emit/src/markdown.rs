//! The Markdown narrative. (Being written.)

use crate::chart::{Chart, RenderOptions};

pub fn render_markdown(_chart: &Chart<'_, '_>, _options: &RenderOptions) -> String {
    String::new()
}
