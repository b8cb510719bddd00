//! Graphviz DOT with one swimlane per lead actor. (Being written.)

use crate::chart::{Chart, RenderOptions};

pub fn render_dot(_chart: &Chart<'_, '_>, _options: &RenderOptions) -> String {
    String::new()
}
