//! The diagram on pages: one canvas of its natural size, or pages of a paper or slide size.
//!
//! On pages, text is never smaller than the minimum font size (9 pt on paper, 14 pt on a
//! slide, or `--min-font`); the layout is not scaled to fit, it is split. The whole chart goes
//! on one page when it fits; otherwise each phase gets pages of its own, one when it fits,
//! else as many consecutive ranges of its rows as it needs. An edge to a step on another page
//! ends in a marker naming that step and its page, and the step's page has a marker where the
//! edge arrives. Several pages begin with an overview: the phases in order, each with its
//! steps and pages. Every page repeats the chart's title and the titles of the lanes on it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use referflow_check::StageId;

use crate::chart::{Chart, RenderOptions};
use crate::diagram::{self, Block, Flow, Laid, LaneSpans, Metrics, Node, Plan, Shape, What};
use crate::fonts::{self, Chain};
use crate::scene::{Anchor, Item, Page, Paint, Role};

/// A paper or screen size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    A4,
    A3,
    Letter,
    /// 16:9, 13.333 × 7.5 in.
    Slide,
}

impl PageSize {
    pub const NAMES: &'static [&'static str] = &["a4", "a3", "letter", "slide"];

    pub fn from_name(name: &str) -> Option<PageSize> {
        match name.to_ascii_lowercase().as_str() {
            "a4" => Some(PageSize::A4),
            "a3" => Some(PageSize::A3),
            "letter" => Some(PageSize::Letter),
            "slide" => Some(PageSize::Slide),
            _ => None,
        }
    }

    /// Width and height in points, in the size's usual orientation.
    fn natural(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::A3 => (841.89, 1190.55),
            PageSize::Letter => (612.0, 792.0),
            PageSize::Slide => (960.0, 540.0),
        }
    }

    /// The smallest text by default: 9 pt on paper, 14 pt on a slide.
    pub fn default_min_font(self) -> f32 {
        if self == PageSize::Slide { 14.0 } else { 9.0 }
    }

    pub fn name(self) -> &'static str {
        match self {
            PageSize::A4 => "A4",
            PageSize::A3 => "A3",
            PageSize::Letter => "Letter",
            PageSize::Slide => "slide",
        }
    }
}

/// A page size, its orientation and the smallest text allowed on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSpec {
    pub size: PageSize,
    /// `None`: the size's usual orientation (portrait paper, landscape slide).
    pub landscape: Option<bool>,
    pub min_font: f32,
}

impl PageSpec {
    pub fn new(size: PageSize, landscape: Option<bool>, min_font: Option<f32>) -> PageSpec {
        PageSpec { size, landscape, min_font: min_font.unwrap_or(size.default_min_font()) }
    }

    /// Width and height in points.
    pub fn dimensions(&self) -> (f32, f32) {
        let (w, h) = self.size.natural();
        let natural_landscape = w > h;
        match self.landscape {
            Some(landscape) if landscape != natural_landscape => (h, w),
            _ => (w, h),
        }
    }
}

/// Why a chart could not be laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutError {
    /// No font was found to measure and draw text with.
    NoFonts,
    /// A stage's box is taller than the page even alone in its lane.
    TooLong { stage: String, needed: f32, room: f32, size: f32, page: String },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::NoFonts => write!(
                f,
                "no font was found to draw the diagram with; install fonts (on Debian: fonts-noto-core, fonts-thai-tlwg)"
            ),
            LayoutError::TooLong { stage, needed, room, size, page } => write!(
                f,
                "stage `{stage}` does not fit on a {page} page at {size} pt: its row needs {needed:.0} pt and the page has \
                 {room:.0} pt; shorten its label, or use a larger page or a smaller --min-font"
            ),
        }
    }
}

impl std::error::Error for LayoutError {}

/// Words the pages write, from the language's catalogue ([`crate::i18n`]).
struct Words {
    page: String,
    overview: String,
}

fn words(lang: &str) -> &'static Words {
    static WORDS: [std::sync::OnceLock<Words>; crate::i18n::COUNT] =
        [const { std::sync::OnceLock::new() }; crate::i18n::COUNT];
    let (catalogue, _) = crate::i18n::Catalogue::for_lang(lang);
    crate::i18n::cached(&WORDS, catalogue, |c| Words { page: c.text("page"), overview: c.text("overview") })
}

/// The size of labels on a web canvas.
const CANVAS_SIZE: f32 = 10.0;

/// The whole chart on one page of its natural size, flowing in the direction of `options`.
pub fn canvas(chart: &Chart<'_, '_>, options: &RenderOptions) -> Result<Page, LayoutError> {
    let fonts = fonts::fonts();
    if !fonts.available() {
        return Err(LayoutError::NoFonts);
    }
    let plan = Plan::new(chart, options);
    let chain = fonts.chain(chart.lang(options));
    let m = Metrics::new(CANVAS_SIZE * chain.scale(), &chain);
    let flow = match options.direction {
        crate::chart::Direction::TopBottom => Flow::Down,
        crate::chart::Direction::LeftRight => Flow::Right,
    };
    let frame = Frame {
        width: None,
        height: None,
        margin: m.size * 1.2,
        lane_width: m.size * 14.0,
        flow,
        box_along: m.size * 12.0,
    };
    let lanes: Vec<usize> = (0..plan.lanes.len()).collect();
    Ok(compose(&plan, &chain, &m, &frame, &lanes, &whole_blocks(&plan), &header(&plan, None, 1, true)).page)
}

/// The chart on pages of `spec`'s size (see the module's comment). Both directions are tried
/// (lanes as columns, the flow going down; lanes as rows, the flow going right), and the one
/// that needs fewer pages is kept; on a tie, the one that suits the page's shape.
pub fn pages(chart: &Chart<'_, '_>, options: &RenderOptions, spec: &PageSpec) -> Result<Vec<Page>, LayoutError> {
    pages_numbered(chart, options, spec, Numbering::default())
}

/// How the pages are numbered: the number of the first, and of the document's last page when
/// they are part of a larger document (the hearing pack); by default, 1 and their own count.
#[derive(Debug, Clone, Copy, Default)]
pub struct Numbering {
    /// The number of the first page, less one.
    pub before: usize,
    /// The number of pages of the whole document, if more than these.
    pub total: Option<usize>,
}

/// [`pages`], numbered as part of a larger document.
pub fn pages_numbered(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    spec: &PageSpec,
    numbering: Numbering,
) -> Result<Vec<Page>, LayoutError> {
    let fonts = fonts::fonts();
    if !fonts.available() {
        return Err(LayoutError::NoFonts);
    }
    let plan = Plan::new(chart, options);
    let chain = fonts.chain(chart.lang(options));
    let m = Metrics::new(spec.min_font * chain.scale(), &chain);
    let (width, height) = spec.dimensions();
    let flows = if width > height { vec![Flow::Right, Flow::Down] } else { vec![Flow::Down, Flow::Right] };
    let mut best: Option<Result<Vec<Page>, LayoutError>> = None;
    for flow in flows {
        let frame = Frame {
            width: Some(width),
            height: Some(height),
            margin: (m.size * 1.5).min(width.min(height) * 0.05).max(12.0),
            lane_width: m.size * 18.0,
            flow,
            box_along: m.size * 8.0,
        };
        let made = paginate(&plan, &chain, &m, &frame, spec, numbering);
        best = match (best, made) {
            (None, made) => Some(made),
            (Some(Err(_)), Ok(pages)) => Some(Ok(pages)),
            (Some(Ok(kept)), Ok(pages)) if pages.len() < kept.len() => Some(Ok(pages)),
            (kept, _) => kept,
        };
    }
    best.unwrap_or(Err(LayoutError::NoFonts))
}

/// The chart on pages in one direction.
fn paginate(
    plan: &Plan<'_>,
    chain: &Chain<'_>,
    m: &Metrics,
    frame: &Frame,
    spec: &PageSpec,
    numbering: Numbering,
) -> Result<Vec<Page>, LayoutError> {
    // Going right, every box has one width, tried narrow to wide on each page: narrow boxes
    // put more steps across a page, wide ones keep lanes low enough for more of them to fit.
    // Going down, boxes are as wide as their lanes.
    let frames: Vec<Frame> = match frame.flow {
        Flow::Down => vec![frame.clone()],
        Flow::Right => {
            [6.0, 8.0, 11.0, 16.0].iter().map(|ems| Frame { box_along: m.size * ems, ..frame.clone() }).collect()
        }
    };
    // The diagram's headings: the first page's title heads the document (H1) or, in a larger
    // document (the hearing pack), its part of it (H2); the other pages repeat it as a running
    // header, which is not read.
    let level = if numbering.before == 0 { 1 } else { 2 };
    // The whole chart on one page, if it fits without breaking a word.
    let all_lanes = lanes_used(plan, (0..plan.chart.model.stages.len()).map(|i| StageId(i as u32)));
    for frame in &frames {
        let whole = compose(plan, chain, m, frame, &all_lanes, &whole_blocks(plan), &header(plan, None, level, true));
        if whole.fits && whole.overflow.is_none() {
            return Ok(vec![whole.page]);
        }
    }

    // A page per phase, or per range of a phase's rows, each in the box width that fits the
    // most rows. Page numbers in the markers are not known until every page is cut, so pages
    // are cut with room for the widest number first.
    let widest = numbering.total.unwrap_or(0).max(numbering.before + 2 * plan.bands.len() + 1);
    let placeholder = 10usize.pow(digits(widest) as u32) - 1;
    let mut ranges: Vec<(usize, u32, u32)> = Vec::new();
    let mut range_frames: Vec<&Frame> = Vec::new();
    let no_pages: BTreeMap<StageId, usize> = BTreeMap::new();
    let placeholder_header = header(plan, Some((placeholder, placeholder)), level, false);
    for (b, band) in plan.bands.iter().enumerate() {
        if band.stages.is_empty() {
            continue;
        }
        let rows_end = band.stages.iter().map(|s| plan.rows[s.index()]).max().unwrap_or(0) + 1;
        let mut start = 0;
        while start < rows_end {
            let try_range = |frame: &Frame, end: u32| {
                let (block, lanes) = range_block(plan, b, start, end, &no_pages, placeholder, frame.max_lanes(m));
                compose(plan, chain, m, frame, &lanes, &[(b, block)], &placeholder_header)
            };
            // The most rows, then no word cut, then the widest boxes.
            let mut chosen: Option<(u32, bool, &Frame)> = None;
            let mut failure = None;
            for frame in &frames {
                let one = try_range(frame, start + 1);
                if !one.fits {
                    failure.get_or_insert_with(|| too_long(plan, &one, frame, b, start, spec));
                    continue;
                }
                let (mut end, mut whole_words) = (start + 1, one.overflow.is_none());
                while end < rows_end {
                    let more = try_range(frame, end + 1);
                    if !more.fits {
                        break;
                    }
                    end += 1;
                    whole_words = more.overflow.is_none();
                }
                let better = chosen.is_none_or(|(e, w, _)| (whole_words, end) >= (w, e));
                if better {
                    chosen = Some((end, whole_words, frame));
                }
            }
            let Some((end, _, frame)) = chosen else {
                return Err(failure.unwrap_or(LayoutError::NoFonts));
            };
            ranges.push((b, start, end));
            range_frames.push(frame);
            start = end;
        }
    }
    let first = numbering.before + 2; // the overview comes first
    let total = numbering.total.unwrap_or(numbering.before + ranges.len() + 1);
    let mut page_of: BTreeMap<StageId, usize> = BTreeMap::new();
    for (k, (b, start, end)) in ranges.iter().enumerate() {
        for s in &plan.bands[*b].stages {
            let row = plan.rows[s.index()];
            if row >= *start && row < *end {
                page_of.insert(*s, first + k);
            }
        }
    }
    let head = header(plan, Some((first - 1, total)), level, true);
    let mut out = vec![overview(plan, chain, m, frame, &ranges, first - 1, head)];
    for (k, ((b, start, end), frame)) in ranges.iter().zip(range_frames).enumerate() {
        let (block, lanes) = range_block(plan, *b, *start, *end, &page_of, 0, frame.max_lanes(m));
        let head = header(plan, Some((first + k, total)), level, false);
        out.push(compose(plan, chain, m, frame, &lanes, &[(*b, block)], &head).page);
    }
    Ok(out)
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// The error for a row that does not fit on a page by itself: its stage with the longest text.
fn too_long(plan: &Plan<'_>, one: &Composed, frame: &Frame, b: usize, row: u32, spec: &PageSpec) -> LayoutError {
    let stage = plan.bands[b]
        .stages
        .iter()
        .filter(|s| plan.rows[s.index()] == row)
        .max_by_key(|s| plan.label(**s).chars().count())
        .map_or_else(String::new, |s| plan.chart.model.stage(*s).id.to_owned());
    let (width, height) = (frame.width.unwrap_or(f32::MAX), frame.height.unwrap_or(f32::MAX));
    let (needed, room) = if one.extent.1 > height - frame.margin {
        (one.extent.1, height - frame.margin)
    } else {
        (one.extent.0, width - frame.margin)
    };
    let orientation = if width > height { "landscape" } else { "portrait" };
    LayoutError::TooLong {
        stage,
        needed,
        room,
        size: spec.min_font,
        page: format!("{} {orientation}", spec.size.name()),
    }
}

/// The lanes that hold any of `stages`, in lane order.
fn lanes_used(plan: &Plan<'_>, stages: impl Iterator<Item = StageId>) -> Vec<usize> {
    let set: BTreeSet<usize> = stages.map(|s| plan.lane_of[s.index()]).collect();
    set.into_iter().collect()
}

/// Every band as a block of its own, with the edges between bands as stubs.
fn whole_blocks(plan: &Plan<'_>) -> Vec<(usize, Block)> {
    let mut blocks: Vec<(usize, Block)> = Vec::new();
    let mut at: Vec<(usize, usize)> = vec![(0, 0); plan.chart.model.stages.len()];
    for (b, band) in plan.bands.iter().enumerate() {
        let mut block = Block::default();
        for s in &band.stages {
            at[s.index()] = (blocks.len(), block.nodes.len());
            block.nodes.push(Node {
                what: What::Stage(*s),
                lane: plan.lane_of[s.index()],
                row: i64::from(plan.rows[s.index()]),
                text: crate::since::box_text(plan, *s),
            });
        }
        blocks.push((b, block));
    }
    for (e, (from, to, label)) in plan.edges.iter().enumerate() {
        let (bf, nf) = at[from.index()];
        let (bt, nt) = at[to.index()];
        if bf == bt {
            blocks[bf].1.links.push((nf, nt, label.clone()));
        } else {
            blocks[bf].1.out_stubs.push((nf, e));
            blocks[bt].1.in_stubs.push((nt, e));
        }
    }
    blocks
}

/// The rows `start..end` of band `b` as a block, with markers for the edges that leave or
/// enter them; and the lanes it needs.
fn range_block(
    plan: &Plan<'_>,
    b: usize,
    start: u32,
    end: u32,
    page_of: &BTreeMap<StageId, usize>,
    placeholder: usize,
    max_lanes: usize,
) -> (Block, Vec<usize>) {
    let lang = plan.chart.lang(&plan.options);
    let page_word = &words(lang).page;
    // Markers name steps by number (the number every box and the narrative show): a label
    // would make them as tall as the boxes and split pages more. No-break spaces keep
    // `page 3` on one line. A stage without a number (in a chart that numbers its stages) has
    // only its label to be named by.
    let step_word = &crate::markdown::words_for(lang).step_in_text;
    let cite = |s: &StageId| match plan.numbers[s.index()] {
        Some(n) => n.to_string(),
        None => plan.chart.text(&plan.chart.model.stage(*s).label, &plan.options).trim().to_owned(),
    };
    let page = |s: &StageId| page_of.get(s).copied().unwrap_or(placeholder);
    let mut block = Block::default();
    let mut index: BTreeMap<StageId, usize> = BTreeMap::new();
    for s in &plan.bands[b].stages {
        let row = plan.rows[s.index()];
        if row >= start && row < end {
            index.insert(*s, block.nodes.len());
            block.nodes.push(Node {
                what: What::Stage(*s),
                lane: plan.lane_of[s.index()],
                row: i64::from(row),
                text: crate::since::box_text(plan, *s),
            });
        }
    }
    // Markers take the nearest free place in their lane: an edge's departure just below its
    // source, an arrival just above its target. The arrivals at one stage share one marker.
    let mut shown: BTreeSet<usize> = block.nodes.iter().map(|n| n.lane).collect();
    let mut taken: BTreeSet<(usize, i64)> = block.nodes.iter().map(|n| (n.lane, n.row)).collect();
    let mut free = |lane: usize, mut row: i64, step: i64| {
        while taken.contains(&(lane, row)) {
            row += step;
        }
        taken.insert((lane, row));
        row
    };
    let mut arrivals: BTreeMap<usize, Vec<StageId>> = BTreeMap::new();
    let mut departures: BTreeMap<StageId, Vec<(usize, Option<String>)>> = BTreeMap::new();
    for &e in &plan.band_edges[b] {
        let (from, to, label) = &plan.edges[e];
        match (index.get(from).copied(), index.get(to).copied()) {
            (Some(f), Some(t)) => block.links.push((f, t, label.clone())),
            (Some(f), None) => departures.entry(*to).or_default().push((f, label.clone())),
            (None, Some(t)) => {
                let sources = arrivals.entry(t).or_default();
                if !sources.contains(from) {
                    sources.push(*from);
                }
            }
            (None, None) => {}
        }
    }
    // One marker for each step elsewhere that edges go to, in the target's lane when the page
    // shows it or has room for one more lane (`max_lanes`): the flow goes on there, and a
    // decision's departures spread out instead of piling up below it. Else in the lane of the
    // first edge's source.
    for (to, sources) in departures {
        let target_lane = plan.lane_of[to.index()];
        if shown.len() < max_lanes {
            shown.insert(target_lane);
        }
        let lane = if shown.contains(&target_lane) { target_lane } else { block.nodes[sources[0].0].lane };
        let below = sources.iter().map(|(f, _)| block.nodes[*f].row + 1).max().unwrap_or(0);
        let row = free(lane, below, 1);
        let text = match plan.numbers[to.index()] {
            Some(n) => format!("→ {step_word}\u{a0}{n} ({page_word}\u{a0}{})", page(&to)),
            None => format!("→ {} ({page_word}\u{a0}{})", cite(&to), page(&to)),
        };
        block.nodes.push(Node { what: What::To(to), lane, row, text });
        let marker = block.nodes.len() - 1;
        for (f, label) in sources {
            block.links.push((f, marker, label));
        }
    }
    // Stages of one lane reached from the same steps share one marker.
    let mut shared: BTreeMap<(usize, Vec<StageId>), Vec<usize>> = BTreeMap::new();
    for (t, sources) in arrivals {
        shared.entry((block.nodes[t].lane, sources)).or_default().push(t);
    }
    for ((lane, sources), targets) in shared {
        let above = targets.iter().map(|t| block.nodes[*t].row - 1).min().unwrap_or(0);
        let row = free(lane, above, -1);
        // `← step 2, 11 (page 2); 16 (page 4)`: the steps it comes from, by page.
        let mut by_page: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for s in &sources {
            by_page.entry(page(s)).or_default().push(cite(s));
        }
        let parts: Vec<String> =
            by_page.iter().map(|(p, cited)| format!("{} ({page_word}\u{a0}{p})", cited.join(", "))).collect();
        let text = if sources.iter().any(|s| plan.numbers[s.index()].is_some()) {
            format!("← {step_word}\u{a0}{}", parts.join("; "))
        } else {
            format!("← {}", parts.join("; "))
        };
        block.nodes.push(Node { what: What::From(sources[0]), lane, row, text });
        for t in targets {
            block.links.push((block.nodes.len() - 1, t, None));
        }
    }
    let lanes: BTreeSet<usize> = block.nodes.iter().map(|n| n.lane).collect();
    (block, lanes.into_iter().collect())
}

/// The page's size (none for a canvas), its direction and how lanes and boxes are sized.
#[derive(Debug, Clone)]
struct Frame {
    width: Option<f32>,
    height: Option<f32>,
    margin: f32,
    /// Going down: the widest a lane gets.
    lane_width: f32,
    flow: Flow,
    /// Going right: the width of every box.
    box_along: f32,
}

impl Frame {
    /// How many lanes a page may show before they get narrower than 16 em (going down; going
    /// right, lanes take height, and a marker adds none).
    fn max_lanes(&self, m: &Metrics) -> usize {
        match (self.flow, self.width) {
            (Flow::Down, Some(width)) => ((width - 2.0 * self.margin - m.size * 6.0) / (m.size * 16.0)) as usize,
            _ => 0,
        }
    }
}

/// What the top of a page says: the chart's title (and version), and the page's number; and
/// how a reader who does not see the page is given them.
struct Header {
    left: String,
    right: String,
    /// The level of the diagram's own heading: 1 when the diagram is the document, 2 when it
    /// is a part of one. Its phases' titles are a level below.
    level: u8,
    /// Whether the title is read as the diagram's heading, or is a running header (not read).
    heading: bool,
}

fn header(plan: &Plan<'_>, page: Option<(usize, usize)>, level: u8, heading: bool) -> Header {
    let chart = plan.chart;
    let title = chart.model.title.as_ref().map_or_else(
        || crate::markdown::words_for(chart.lang(&plan.options)).untitled.to_owned(),
        |t| chart.text(t, &plan.options).to_owned(),
    );
    let left = match &chart.model.version {
        Some(version) => format!("{title} · {}", chart.text(version, &plan.options).trim()),
        None => title,
    };
    let right = match page {
        Some((n, total)) => format!("{} {n} / {total}", words(chart.lang(&plan.options)).page),
        None => String::new(),
    };
    Header { left, right, level, heading }
}

/// The width of the column of titles at the head of the bands across the flow: the longest
/// word of the titles, within limits (none when no title has text).
fn head_column(titles: &[&str], chain: &Chain<'_>, m: &Metrics) -> f32 {
    if titles.iter().all(|t| t.trim().is_empty()) {
        return 0.0;
    }
    let widest = titles.iter().flat_map(|t| t.split_whitespace()).map(|w| chain.width(w, m.size)).fold(0.0, f32::max);
    (widest + 2.0 * m.pad).clamp(m.size * 6.0, m.size * 10.0)
}

/// A page composed, whether it fits, and how far its content reaches (right, bottom).
struct Composed {
    page: Page,
    fits: bool,
    overflow: Option<(usize, f32, f32)>,
    extent: (f32, f32),
}

#[allow(clippy::too_many_arguments)]
fn text_lines(
    items: &mut Vec<Item>,
    lines: &[String],
    x: f32,
    y: f32,
    size: f32,
    line: f32,
    bold: bool,
    anchor: Anchor,
) {
    for (k, text) in lines.iter().enumerate() {
        items.push(Item::Text {
            x,
            y: y + k as f32 * line + size * 0.8 + (line - size) / 2.0,
            size,
            bold,
            anchor,
            text: text.clone(),
        });
    }
}

/// Lays out the blocks one after the other along the flow, with the lanes' titles at their
/// head, the bands' titles at theirs, and the page's header above.
fn compose(
    plan: &Plan<'_>,
    chain: &Chain<'_>,
    m: &Metrics,
    frame: &Frame,
    lanes: &[usize],
    blocks: &[(usize, Block)],
    header: &Header,
) -> Composed {
    let flow = frame.flow;
    let shape = Shape { flow, box_along: frame.box_along };
    let band_titles: Vec<&str> = plan.bands.iter().map(|b| b.title.as_str()).collect();
    let lane_titles: Vec<&str> = lanes.iter().map(|l| plan.lanes[*l].title.as_str()).collect();
    let page_width = frame.width.map(|w| w - 2.0 * frame.margin);
    let mut items = Vec::new();

    // Across the flow: going down, lanes share the page's width after the bands' title
    // column; going right, each lane is as tall as its tallest box or title.
    let mut spans: LaneSpans = vec![None; plan.lanes.len()];
    let (head, across) = match flow {
        Flow::Down => {
            let column = head_column(&band_titles, chain, m);
            let n = lanes.len().max(1) as f32;
            let lane_width = page_width.map_or(frame.lane_width, |w| ((w - column) / n).min(frame.lane_width));
            for (k, &lane) in lanes.iter().enumerate() {
                spans[lane] = Some((column + lane_width * k as f32, lane_width));
            }
            (column, column + lane_width * n)
        }
        Flow::Right => {
            // Wide enough that a long agency name takes two or three lines, not five: its lines
            // set the height of its lane.
            let column = head_column(&lane_titles, chain, m).max(m.size * 10.0);
            let mut tallest: BTreeMap<usize, f32> = BTreeMap::new();
            let dummy: LaneSpans = vec![None; plan.lanes.len()];
            for (_, block) in blocks {
                for node in &block.nodes {
                    let (lines, _) = diagram::node_lines(plan, node, &dummy, &shape, chain, m);
                    let h = diagram::text_height(lines.len(), m) + 2.0 * m.gutter;
                    let e = tallest.entry(node.lane).or_insert(0.0);
                    *e = e.max(h);
                }
            }
            let mut at = 0.0;
            for &lane in lanes {
                let title =
                    diagram::wrap_to(chain, &plan.glossary, &plan.lanes[lane].title, column - 2.0 * m.pad, m.size);
                let span = tallest.get(&lane).copied().unwrap_or(0.0).max(diagram::text_height(title.len(), m));
                spans[lane] = Some((at, span));
                at += span;
            }
            (column, at)
        }
    };
    let laid: Vec<Laid> =
        blocks.iter().map(|(_, block)| diagram::lay_out(plan, block, &spans, &shape, chain, m)).collect();
    let overflow = laid.iter().find_map(|l| l.overflow);
    let along_total: f32 = laid.iter().map(|l| l.length).sum();
    let grid_width = match flow {
        Flow::Down => across,
        Flow::Right => head + along_total,
    };

    // The header: the title on the left, the page's number on the right, across the page (on
    // a canvas, across the grid).
    let left = match (frame.width, flow) {
        (Some(width), Flow::Down) => ((width - grid_width) / 2.0).max(frame.margin),
        _ => frame.margin,
    };
    let (head_left, head_width) = match page_width {
        Some(w) => (frame.margin, w),
        None => (left, grid_width),
    };
    let title_size = m.size * 1.2;
    let title_line = chain.line_height(title_size);
    let right_width = if header.right.is_empty() { 0.0 } else { chain.width(&header.right, m.size) + m.size };
    let title =
        diagram::wrap_to(chain, &plan.glossary, &header.left, (head_width - right_width).max(m.size * 4.0), title_size);
    let mut y = frame.margin;
    items.push(Item::Open { id: "header".into(), class: "header" });
    items.push(Item::begin(if header.heading { Role::Heading(header.level) } else { Role::Header }));
    text_lines(&mut items, &title, head_left, y, title_size, title_line, true, Anchor::Start);
    items.push(Item::End);
    if !header.right.is_empty() {
        let x = head_left + head_width - chain.width(&header.right, m.size);
        items.push(Item::begin(Role::Header));
        text_lines(&mut items, std::slice::from_ref(&header.right), x, y, m.size, title_line, false, Anchor::Start);
        items.push(Item::End);
    }
    items.push(Item::Close);
    y += title.len() as f32 * title_line + m.size * 0.6;
    let y = crate::since::legend(plan, chain, m, &mut items, head_left, y, head_width);
    let top = y;

    // The titles at the head of the flow: the lanes' going down, the bands' going right.
    let wrap_head = |text: &str, room: f32| diagram::wrap_to(chain, &plan.glossary, text, room - 2.0 * m.pad, m.size);
    let heads: Vec<Vec<String>> = match flow {
        Flow::Down => lanes.iter().map(|&l| wrap_head(&plan.lanes[l].title, spans[l].map_or(0.0, |s| s.1))).collect(),
        Flow::Right => blocks.iter().zip(&laid).map(|((b, _), l)| wrap_head(&plan.bands[*b].title, l.length)).collect(),
    };
    let head_size = heads.iter().map(Vec::len).max().unwrap_or(0).max(1) as f32 * m.line + 2.0 * m.pad;
    let grid_top = top + head_size;

    // Where each block starts along the flow, in page coordinates; and how long each band is
    // drawn (going down, at least as tall as its title).
    let mut starts = Vec::new();
    let mut lengths = Vec::new();
    let mut at = match flow {
        Flow::Down => grid_top,
        Flow::Right => left + head,
    };
    for ((b, _), l) in blocks.iter().zip(&laid) {
        let length = match flow {
            Flow::Down => {
                let title = if head > 0.0 { wrap_head(&plan.bands[*b].title, head).len() } else { 0 };
                l.length.max(diagram::text_height(title, m))
            }
            Flow::Right => l.length,
        };
        starts.push(at);
        lengths.push(length);
        at += length;
    }
    let flow_end = at;
    // Across offset: lanes start after the bands' column (down) or below the bands' titles (right).
    let across0 = match flow {
        Flow::Down => left,
        Flow::Right => grid_top,
    };
    let (right, bottom) = match flow {
        Flow::Down => (left + across, flow_end),
        Flow::Right => (flow_end, grid_top + across),
    };
    let shift = |start: f32| match flow {
        Flow::Down => (across0, start),
        Flow::Right => (start, across0),
    };

    // Lanes first (the background), then the bands with their stages, then the edges between.
    // A reader who does not see the page is given the lanes' titles as a list (the agencies),
    // then each phase's title and its stages in reading order.
    items.push(Item::begin(Role::List));
    for (k, &lane) in lanes.iter().enumerate() {
        let (a, span) = spans[lane].unwrap_or((0.0, 0.0));
        items.push(Item::Open { id: plan.lanes[lane].id.clone(), class: "lane" });
        let paint = if k % 2 == 0 { Paint::Band } else { Paint::BandAlt };
        match flow {
            Flow::Down => {
                let x = across0 + a;
                items.push(Item::Rect { x, y: top, w: span, h: bottom - top, radius: 0.0, paint });
                items.push(Item::Rect { x, y: top, w: span, h: head_size, radius: 0.0, paint: Paint::Head });
                items.push(Item::begin(Role::ListItem));
                text_lines(&mut items, &heads[k], x + span / 2.0, top + m.pad, m.size, m.line, true, Anchor::Middle);
                items.push(Item::End);
            }
            Flow::Right => {
                let y = across0 + a;
                let title = wrap_head(&plan.lanes[lane].title, head);
                items.push(Item::Rect { x: left, y, w: right - left, h: span, radius: 0.0, paint });
                items.push(Item::Rect { x: left, y, w: head, h: span, radius: 0.0, paint: Paint::Head });
                items.push(Item::begin(Role::ListItem));
                text_lines(&mut items, &title, left + m.pad, y + m.pad, m.size, m.line, true, Anchor::Start);
                items.push(Item::End);
            }
        }
        items.push(Item::Close);
    }
    items.push(Item::End);
    let phase_heading = Role::Heading(header.level + 1);
    for (k, ((b, _), l)) in blocks.iter().zip(&laid).enumerate() {
        items.push(Item::Open { id: plan.bands[*b].id.clone(), class: "phase" });
        let (start, length) = (starts[k], lengths[k]);
        match flow {
            Flow::Down => {
                if head > 0.0 {
                    items.push(Item::Rect { x: left, y: start, w: head, h: length, radius: 0.0, paint: Paint::Head });
                    let title = wrap_head(&plan.bands[*b].title, head);
                    items.push(Item::begin(phase_heading));
                    text_lines(&mut items, &title, left + m.pad, start + m.pad, m.size, m.line, true, Anchor::Start);
                    items.push(Item::End);
                }
                items.push(Item::Line { points: vec![(left, start), (right, start)], arrow: false });
            }
            Flow::Right => {
                items.push(Item::Rect { x: start, y: top, w: length, h: head_size, radius: 0.0, paint: Paint::Head });
                items.push(Item::begin(phase_heading));
                text_lines(&mut items, &heads[k], start + m.pad, top + m.pad, m.size, m.line, true, Anchor::Start);
                items.push(Item::End);
                items.push(Item::Line { points: vec![(start, top), (start, bottom)], arrow: false });
            }
        }
        let (dx, dy) = shift(start);
        items.extend(diagram::shifted(&l.items, dx, dy));
        items.push(Item::Close);
    }
    // Edges between bands: along the source's gutter, then into the target.
    let to_page = |(a, l): (f32, f32)| match flow {
        Flow::Down => (a + across0, l),
        Flow::Right => (l, a + across0),
    };
    let mut departing: BTreeMap<usize, Vec<(f32, f32)>> = BTreeMap::new();
    for (k, (_, block)) in blocks.iter().enumerate() {
        for ((_, e), route) in block.out_stubs.iter().zip(&laid[k].out_routes) {
            // Kept as (across, along from the first block) until the arrival is known.
            departing.insert(*e, route.iter().map(|(a, l)| (*a, l + starts[k])).collect());
        }
    }
    let mut between = Vec::new();
    for (k, (_, block)) in blocks.iter().enumerate() {
        for ((_, e), route) in block.in_stubs.iter().zip(&laid[k].in_routes) {
            let Some(mut points) = departing.remove(e) else { continue };
            let gutter = points.last().map_or(0.0, |p| p.0);
            let arrive: Vec<(f32, f32)> = route.iter().skip(1).map(|(a, l)| (*a, l + starts[k])).collect();
            if let Some(first) = arrive.first() {
                points.push((gutter, first.1));
            }
            points.extend(arrive.into_iter().skip(1));
            let points = points.into_iter().map(to_page).collect();
            between.push(Item::Line { points, arrow: true });
        }
    }
    if !between.is_empty() {
        items.push(Item::Open { id: "edges-between-phases".into(), class: "edges" });
        items.extend(between);
        items.push(Item::Close);
    }

    let width = frame.width.unwrap_or(right + frame.margin);
    let height = frame.height.unwrap_or(bottom + frame.margin);
    let fits = frame.height.is_none_or(|h| bottom <= h - frame.margin + 0.01)
        && frame.width.is_none_or(|w| right <= w - frame.margin + 0.01);
    let outline = blocks
        .iter()
        .filter(|(b, block)| {
            let first = plan.bands[*b].stages.iter().map(|s| plan.rows[s.index()]).min();
            !plan.bands[*b].title.is_empty()
                && block.nodes.iter().any(|n| matches!(n.what, What::Stage(s) if Some(plan.rows[s.index()]) == first))
        })
        .map(|(b, _)| plan.bands[*b].title.clone())
        .collect();
    let lang = plan.chart.lang(&plan.options).to_owned();
    let page = Page { width, height, lang, title: header.left.clone(), families: chain.css_families(), outline, items };
    Composed { page, fits, overflow, extent: (right, bottom) }
}

/// The first page of several: each band a box, in order, with its steps and pages.
fn overview(
    plan: &Plan<'_>,
    chain: &Chain<'_>,
    m: &Metrics,
    frame: &Frame,
    ranges: &[(usize, u32, u32)],
    number: usize,
    head: Header,
) -> Page {
    let lang = plan.chart.lang(&plan.options);
    let words = words(lang);
    let steps_word = &crate::markdown::words_for(lang).steps_range;
    let width = frame.width.unwrap_or(600.0);
    let height = frame.height.unwrap_or(800.0);
    let mut items = Vec::new();
    let title_size = m.size * 1.2;
    let title_line = chain.line_height(title_size);
    let room = width - 2.0 * frame.margin;
    let title = diagram::wrap_to(
        chain,
        &plan.glossary,
        &format!("{} · {}", head.left, words.overview),
        room - chain.width(&head.right, m.size) - m.size,
        title_size,
    );
    let mut y = frame.margin;
    items.push(Item::begin(Role::Heading(head.level)));
    text_lines(&mut items, &title, frame.margin, y, title_size, title_line, true, Anchor::Start);
    items.push(Item::End);
    let x = width - frame.margin - chain.width(&head.right, m.size);
    items.push(Item::begin(Role::Header));
    text_lines(&mut items, std::slice::from_ref(&head.right), x, y, m.size, title_line, false, Anchor::Start);
    items.push(Item::End);
    y += title.len() as f32 * title_line + m.size;

    // Boxes: one per band that has pages, in columns that fill the page top to bottom.
    let mut boxes: Vec<(String, Vec<String>)> = Vec::new();
    for (b, band) in plan.bands.iter().enumerate() {
        let pages: Vec<usize> =
            ranges.iter().enumerate().filter(|(_, r)| r.0 == b).map(|(k, _)| number + 1 + k).collect();
        let (Some(first), Some(last)) = (pages.first(), pages.last()) else { continue };
        // Runs of the band's numbers (`steps 1–5`; with numbers written in the chart, which need
        // not be in order, `steps 2–3, 38`).
        let numbers = crate::numbers::runs(band.stages.iter().filter_map(|s| plan.numbers[s.index()]));
        let steps = if numbers.is_empty() { String::new() } else { format!("{steps_word} {numbers}") };
        let pages =
            if first == last { format!("{} {first}", words.page) } else { format!("{} {first}–{last}", words.page) };
        let lines = match (band.title.is_empty(), steps.is_empty()) {
            (false, false) => vec![band.title.clone(), format!("{steps} · {pages}")],
            (true, false) => vec![steps.clone(), format!("{steps} · {pages}")],
            // A band of stages without numbers only.
            (false, true) => vec![band.title.clone(), pages],
            (true, true) => vec![pages],
        };
        boxes.push((band.id.clone(), lines));
    }
    let gap = m.size * 1.5;
    let available = height - y - frame.margin;
    let box_width = (m.size * 24.0).min(room);
    // Each box's lines, and how many of them its first line (the phase's title) took.
    let wrap_box = |l: &String| diagram::wrap_to(chain, &plan.glossary, l, box_width - 2.0 * m.pad, m.size);
    let firsts: Vec<usize> = boxes.iter().map(|(_, lines)| lines.first().map_or(0, |l| wrap_box(l).len())).collect();
    let wrapped: Vec<Vec<String>> = boxes.iter().map(|(_, lines)| lines.iter().flat_map(wrap_box).collect()).collect();
    let heights: Vec<f32> = wrapped.iter().map(|l| l.len() as f32 * m.line + 2.0 * m.pad).collect();
    let mut columns = 1;
    while columns < boxes.len() {
        let per = boxes.len().div_ceil(columns);
        let tallest =
            heights.chunks(per).map(|c| c.iter().sum::<f32>() + gap * (c.len() as f32 - 1.0)).fold(0.0, f32::max);
        if tallest <= available || box_width * (columns + 1) as f32 + gap * columns as f32 > room {
            break;
        }
        columns += 1;
    }
    let per = boxes.len().div_ceil(columns).max(1);
    for (k, ((id, _), lines)) in boxes.iter().zip(&wrapped).enumerate() {
        let (column, at) = (k / per, k % per);
        let x = frame.margin + column as f32 * (box_width + gap);
        let top = y + heights[column * per..column * per + at].iter().sum::<f32>() + gap * at as f32;
        let h = heights[k];
        items.push(Item::Open { id: format!("overview-{id}"), class: "overview" });
        items.push(Item::Rect { x, y: top, w: box_width, h, radius: m.size * 0.3, paint: Paint::Head });
        // Read as two paragraphs: the phase's title, then its steps and pages.
        let first = firsts[k].clamp(1, lines.len().max(1));
        let (tx, ty) = (x + m.pad, top + m.pad);
        items.push(Item::begin(Role::Paragraph));
        text_lines(&mut items, &lines[..1], tx, ty, m.size, m.line, true, Anchor::Start);
        text_lines(&mut items, &lines[1..first], tx, ty + m.line, m.size, m.line, false, Anchor::Start);
        items.push(Item::End);
        items.push(Item::begin(Role::Paragraph));
        text_lines(&mut items, &lines[first..], tx, ty + first as f32 * m.line, m.size, m.line, false, Anchor::Start);
        items.push(Item::End);
        items.push(Item::Close);
        if at + 1 < per && k + 1 < boxes.len() {
            let cx = x + box_width / 2.0;
            items.push(Item::Line { points: vec![(cx, top + h), (cx, top + h + gap)], arrow: true });
        }
    }
    let outline = vec![words.overview.to_owned()];
    Page { width, height, lang: lang.to_owned(), title: head.left, families: chain.css_families(), outline, items }
}
