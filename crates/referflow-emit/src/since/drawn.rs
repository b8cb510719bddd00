//! The marks where the diagram is laid out in fonts (`pages`): a marked box's text, its class
//! and dashed outline, and the legend under a page's title. Apart from [`super`] only because
//! they need the `draw` feature; the words are the same ones.

use referflow_check::StageId;

use super::{Mark, legend_text, mark, tag};
use crate::diagram::{Metrics, Plan};
use crate::fonts::Chain;
use crate::scene::{Anchor, Item, Paint, Role};

/// The text of a stage's box in the laid-out diagram: its usual text, below the mark's word
/// when it is marked.
pub(crate) fn box_text(plan: &Plan<'_>, stage: StageId) -> String {
    let text = plan.label(stage);
    match mark(plan.chart, stage) {
        Some(m) => format!("{}\n{text}", tag(plan.chart.lang(&plan.options), m)),
        None => text,
    }
}

/// The legend of the marks in the laid-out diagram, at `y` under a page's title, across
/// `width` from `x`: a sample box with each mark's word, and what it means. Returns where
/// the diagram may begin, `y` itself when nothing is marked.
pub(crate) fn legend(
    plan: &Plan<'_>,
    chain: &Chain<'_>,
    m: &Metrics,
    items: &mut Vec<Item>,
    x: f32,
    y: f32,
    width: f32,
) -> f32 {
    let Some(changes) = plan.chart.since else { return y };
    let lang = plan.chart.lang(&plan.options);
    let marks: Vec<Mark> = [Mark::New, Mark::Changed].into_iter().filter(|mark| changes.shows(*mark)).collect();
    if marks.is_empty() {
        return y;
    }
    // Every sample as wide as the widest word, so that the explanations line up.
    let sample =
        marks.iter().map(|mark| chain.width(tag(lang, *mark), m.size)).fold(0.0, f32::max) + 2.0 * m.pad + m.size;
    let room = (width - sample - m.size).max(m.size * 4.0);
    let mut y = y;
    items.push(Item::Open { id: "since-legend".into(), class: "legend" });
    for mark in marks {
        let lines = crate::diagram::wrap_to(chain, &plan.glossary, &legend_text(changes, lang, mark), room, m.size);
        let h = crate::diagram::text_height(lines.len().max(1), m);
        let baseline = |k: usize, top: f32| top + m.pad + k as f32 * m.line + (m.line - m.size) / 2.0 + m.size * 0.8;
        items.push(Item::Rect { x, y, w: sample, h: m.line + 2.0 * m.pad, radius: 0.0, paint: Paint::Box });
        outline(items);
        // The mark's word and what it means, one paragraph.
        items.push(Item::begin(Role::Paragraph));
        let text = tag(lang, mark).to_owned();
        items.push(Item::Text {
            x: x + sample / 2.0,
            y: baseline(0, y),
            size: m.size,
            bold: true,
            anchor: Anchor::Middle,
            text,
        });
        for (k, line) in lines.into_iter().enumerate() {
            let at = x + sample + m.size * 0.6;
            items.push(Item::Text {
                x: at,
                y: baseline(k, y),
                size: m.size,
                bold: false,
                anchor: Anchor::Start,
                text: line,
            });
        }
        items.push(Item::End);
        y += h + m.size * 0.4;
    }
    items.push(Item::Close);
    y + m.size * 0.4
}

/// The class of a stage's group in the laid-out SVG: `stage`, `stage new`, `stage changed`.
pub(crate) fn class(mark: Option<Mark>) -> &'static str {
    match mark {
        None => "stage",
        Some(Mark::New) => "stage new",
        Some(Mark::Changed) => "stage changed",
    }
}

/// Draws the mark's outline over the stage's shape, the last item of `items`: the same shape,
/// unfilled, thick and dashed.
pub(crate) fn outline(items: &mut Vec<Item>) {
    let outline = match items.last() {
        Some(Item::Rect { x, y, w, h, radius, .. }) => {
            Item::Rect { x: *x, y: *y, w: *w, h: *h, radius: *radius, paint: Paint::Since }
        }
        Some(Item::Polygon { points, .. }) => Item::Polygon { points: points.clone(), paint: Paint::Since },
        _ => return,
    };
    items.push(outline);
}
