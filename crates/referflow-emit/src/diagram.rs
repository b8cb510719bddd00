//! The swimlane diagram, laid out by referflow itself: lanes × phases.
//!
//! Each agency is a lane, a column that runs the whole height of the diagram, in the order the
//! actors are declared; each phase is a band across all lanes, in source order, with its title
//! in the first column. A stage sits in its lead owner's lane, one stage per lane in a row, so
//! every box of a lane has the lane's width. Nothing about where a lane or phase goes comes
//! from the layout: only the source decides.
//!
//! Each phase is laid out on its own (its rows, its boxes, the edges inside it), so inserting
//! a stage into one phase leaves the drawing of every other phase as it was, only moved down.
//! Rows: in a phase, each stage goes to the first row below all its predecessors in the phase
//! (edges that close a loop do not count) where its lane is free, stages taken in topological
//! order with source order breaking ties.
//!
//! Edges are orthogonal and never cross a box or a title: they leave a box at its bottom and
//! enter one at its top. An edge to the next row runs down into the channel between the rows,
//! across it and down into its target; any other edge (further down, back up, into another
//! phase) runs across the channel to the gutter at the side of its lane, along the gutter to
//! the channel above its target, and across into it. Channels and gutters hold several
//! tracks, so parallel edges do not run on top of each other.
//!
//! `canvas` draws the whole chart on one page of its natural size (for the web); `pages` fits
//! it to a paper or slide size (see [`crate::pages`]).

use std::collections::BTreeMap;

use referflow_check::StageId;
use referflow_syntax::StageKind;

use crate::chart::{Chart, RenderOptions};
use crate::fonts::Chain;
use crate::scene::{Anchor, Item, Paint, Role, Tag};
use crate::wrap::{self, Glossary};

/// Sizes of one drawing, all derived from the size of its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    /// The size of every label, in points.
    pub size: f32,
    /// The height of a line of text.
    pub line: f32,
    /// Inside a box, around its text.
    pub pad: f32,
    /// Between a lane's edge and its boxes: room for the edges that run along the lane.
    pub gutter: f32,
    /// Between two tracks of edges.
    pub track: f32,
}

/// How many edges run side by side in a gutter before they share a track.
const GUTTER_TRACKS: usize = 2;

impl Metrics {
    pub fn new(size: f32, chain: &Chain<'_>) -> Metrics {
        // Edges are hairlines: a few points apart read as separate lines at any text size.
        let track = (size * 0.3).clamp(3.0, 4.5);
        Metrics {
            size,
            line: chain.line_height(size),
            pad: size * 0.35,
            gutter: track * (GUTTER_TRACKS as f32 + 0.5),
            track,
        }
    }
}

/// A lane: one agency, or the stages nobody owns.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    /// `lane-<actor id>`; `lane--unowned` (no actor id starts with `-`).
    pub id: String,
    pub title: String,
}

/// A band of the flow: a phase, or the stages outside every phase.
#[derive(Debug, Clone)]
pub(crate) struct Band {
    /// `phase-<phase id>`, `phase--other`.
    pub id: String,
    pub title: String,
    pub stages: Vec<StageId>,
}

/// What the layout knows of a chart, whatever the page: lanes, bands, each stage's lane,
/// number and text.
#[derive(Debug)]
pub(crate) struct Plan<'c> {
    pub chart: &'c Chart<'c, 'c>,
    pub options: RenderOptions,
    pub lanes: Vec<Lane>,
    pub bands: Vec<Band>,
    pub lane_of: Vec<usize>,
    /// The number each stage is cited by, as in the narrative ([`crate::numbers::step_numbers`]).
    pub numbers: Vec<Option<u32>>,
    /// Each stage's place in the narrative's reading order, from 1: the order a reader who
    /// does not see the page is given the boxes in ([`crate::numbers::reading_order_numbers`]).
    pub rank: Vec<usize>,
    /// The edges as (from, to, label), each distinct edge once, in source order.
    pub edges: Vec<(StageId, StageId, Option<String>)>,
    /// Each stage's row in its band.
    pub rows: Vec<u32>,
    /// For each band, the edges (indices into `edges`) with an end in it, in source order:
    /// a page looks at its own edges, not at every edge of the chart.
    pub band_edges: Vec<Vec<usize>>,
    /// The words no line breaks inside, for every text of the drawing.
    pub glossary: Glossary<'c>,
}

impl<'c> Plan<'c> {
    pub fn new(chart: &'c Chart<'c, 'c>, options: &RenderOptions) -> Plan<'c> {
        let model = chart.model;
        let n = model.stages.len();
        let mut lanes: Vec<Lane> = model
            .actors
            .iter()
            .map(|actor| Lane { id: format!("lane-{}", actor.id), title: chart.text(&actor.name, options).to_owned() })
            .collect();
        let unowned = lanes.len();
        let lane_of: Vec<usize> =
            model.stages.iter().map(|s| s.owners.first().map_or(unowned, |a| a.index())).collect();
        if lane_of.contains(&unowned) {
            lanes.push(Lane { id: "lane--unowned".into(), title: String::new() });
        }

        let mut bands: Vec<Band> = model
            .phases
            .iter()
            .map(|p| Band {
                id: format!("phase-{}", p.id),
                title: chart.text(&p.name, options).to_owned(),
                stages: Vec::new(),
            })
            .collect();
        let other: Vec<StageId> =
            (0..n).filter(|&i| model.stages[i].phase.is_none()).map(|i| StageId(i as u32)).collect();
        for (p, phase) in model.phases.iter().enumerate() {
            bands[p].stages = phase.stages.clone();
        }
        if !other.is_empty() {
            let title = if model.phases.is_empty() {
                String::new()
            } else {
                crate::markdown::words_for(chart.lang(options)).other_steps.to_owned()
            };
            // Last, as in the narrative, whose step numbers the boxes show.
            bands.push(Band { id: "phase--other".into(), title, stages: other });
        }

        let mut edges: Vec<(StageId, StageId, Option<String>)> = Vec::with_capacity(model.edges.len());
        let mut seen = std::collections::HashSet::new();
        for edge in &model.edges {
            let label = edge.label.as_ref().map(|l| chart.label(l, options).into_owned());
            if seen.insert((edge.from, edge.to, label.clone())) {
                edges.push((edge.from, edge.to, label));
            }
        }
        let mut band_of = vec![0; n];
        for (b, band) in bands.iter().enumerate() {
            for s in &band.stages {
                band_of[s.index()] = b;
            }
        }
        let mut band_edges: Vec<Vec<usize>> = vec![Vec::new(); bands.len()];
        for (e, (from, to, _)) in edges.iter().enumerate() {
            let (bf, bt) = (band_of[from.index()], band_of[to.index()]);
            band_edges[bf].push(e);
            if bt != bf {
                band_edges[bt].push(e);
            }
        }
        let reading = crate::numbers::reading_order_numbers(chart);
        let mut plan = Plan {
            chart,
            options: *options,
            lanes,
            bands,
            lane_of,
            numbers: crate::numbers::shown(chart, &reading),
            rank: reading,
            edges,
            rows: vec![0; n],
            band_edges,
            glossary: Glossary::of(chart.model),
        };
        for b in 0..plan.bands.len() {
            plan.assign_rows(b);
        }
        plan
    }

    /// Rows for the stages of band `b` (see the module's comment).
    fn assign_rows(&mut self, b: usize) {
        let stages = &self.bands[b].stages;
        let local: BTreeMap<StageId, usize> = stages.iter().enumerate().map(|(i, s)| (*s, i)).collect();
        let k = stages.len();
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); k];
        for &e in &self.band_edges[b] {
            let (from, to, _) = &self.edges[e];
            if let (Some(&f), Some(&t)) = (local.get(from), local.get(to)) {
                out[f].push(t);
            }
        }
        // Loops: an edge to a stage on the walk's stack closes one and does not order rows.
        // Walks start at the stages nothing in the band leads to, in source order.
        let mut has_in = vec![false; k];
        for targets in &out {
            for &t in targets {
                has_in[t] = true;
            }
        }
        let mut state = vec![0u8; k]; // 0 new, 1 on the stack, 2 done
        let mut forward: Vec<Vec<usize>> = vec![Vec::new(); k];
        let roots = (0..k).filter(|&i| !has_in[i]).chain(0..k);
        for root in roots {
            if state[root] != 0 {
                continue;
            }
            state[root] = 1;
            let mut stack = vec![(root, 0usize)];
            while let Some((node, next)) = stack.last_mut() {
                let node = *node;
                if let Some(&t) = out[node].get(*next) {
                    *next += 1;
                    match state[t] {
                        0 => {
                            forward[node].push(t);
                            state[t] = 1;
                            stack.push((t, 0));
                        }
                        2 => forward[node].push(t),
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
        // Kahn's order on the forward edges, the earliest in the source first.
        let mut indegree = vec![0usize; k];
        for targets in &forward {
            for &t in targets {
                indegree[t] += 1;
            }
        }
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
            (0..k).filter(|&i| indegree[i] == 0).map(std::cmp::Reverse).collect();
        let mut earliest = vec![0u32; k];
        // For each row taken in a lane, a row at or before the first free one after it: the
        // first free row is found by following them, and the rows passed then point straight
        // to it (as in union-find), so a lane of many stages does not probe row by row.
        let mut next_free: std::collections::HashMap<(usize, u32), u32> = std::collections::HashMap::new();
        let mut passed = Vec::new();
        while let Some(std::cmp::Reverse(i)) = ready.pop() {
            let lane = self.lane_of[stages[i].index()];
            let mut row = earliest[i];
            while let Some(&next) = next_free.get(&(lane, row)) {
                passed.push(row);
                row = next;
            }
            for p in passed.drain(..) {
                next_free.insert((lane, p), row);
            }
            next_free.insert((lane, row), row + 1);
            self.rows[stages[i].index()] = row;
            for &t in &forward[i] {
                earliest[t] = earliest[t].max(row + 1);
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    ready.push(std::cmp::Reverse(t));
                }
            }
        }
    }

    /// What a reader who does not see the diagram is told of a stage's box: its text, and who
    /// acts, which the drawing says only by the lane the box is in.
    pub fn alt(&self, stage: StageId, text: &str) -> String {
        let model = self.chart.model;
        let owners: Vec<&str> = model
            .stage(stage)
            .owners
            .iter()
            .map(|a| self.chart.text(&model.actor(*a).name, &self.options).trim())
            .collect();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if owners.is_empty() {
            return text;
        }
        let words = crate::markdown::words_for(self.chart.lang(&self.options));
        format!("{text} · {}: {}", words.responsible, owners.join(", "))
    }

    pub fn label(&self, stage: StageId) -> String {
        let text = self.chart.text(&self.chart.model.stage(stage).label, &self.options);
        match self.numbers[stage.index()] {
            Some(n) => format!("{n} · {}", text.trim()),
            None => text.trim().to_owned(),
        }
    }
}

/// A box in a block: a stage, or a marker where an edge goes on on another page.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub what: What,
    pub lane: usize,
    pub row: i64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    Stage(StageId),
    /// An edge from this page to `StageId` on another page.
    To(StageId),
    /// An edge from `StageId` on another page.
    From(StageId),
}

/// A piece of the diagram laid out on its own: a band, or some rows of one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    pub nodes: Vec<Node>,
    /// Edges between nodes of the block: (from, to, label).
    pub links: Vec<(usize, usize, Option<String>)>,
    /// Edges that leave the block for a node of a later block on the same page: (from node,
    /// the edge's index in `Plan::edges`).
    pub out_stubs: Vec<(usize, usize)>,
    /// Edges that arrive from another block of the page: (to node, edge index).
    pub in_stubs: Vec<(usize, usize)>,
}

/// Where the lanes are across the flow: start and width of each lane shown, `None` for a lane
/// not on this page.
pub(crate) type LaneSpans = Vec<Option<(f32, f32)>>;

/// A block laid out, in page coordinates with the block starting at 0 along the flow.
#[derive(Debug, Clone)]
pub(crate) struct Laid {
    /// Its length along the flow.
    pub length: f32,
    /// Stage groups and edges, at y from the block's top.
    pub items: Vec<Item>,
    /// For each out stub: its route from the box to the block's far edge, along a gutter, as
    /// (across, along) points.
    pub out_routes: Vec<Vec<(f32, f32)>>,
    /// For each in stub: its route from the block's near edge, along a gutter, into the box.
    pub in_routes: Vec<Vec<(f32, f32)>>,
    /// The widest word that did not fit its box, if any: (node, its width, the room).
    pub overflow: Option<(usize, f32, f32)>,
}

/// The shape's room for text is narrower than its box by this much on each side.
fn inset(what: What, kind: Option<StageKind>, m: &Metrics) -> f32 {
    match (what, kind) {
        (What::Stage(_), Some(StageKind::Decision)) => m.size * 0.9,
        _ => 0.0,
    }
}

/// Which way the flow runs: down the page (lanes are columns) or across it (lanes are rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Down,
    Right,
}

impl Flow {
    /// A point given as (across the flow, along the flow) in page coordinates.
    pub fn point(self, across: f32, along: f32) -> (f32, f32) {
        match self {
            Flow::Down => (across, along),
            Flow::Right => (along, across),
        }
    }
}

/// How a block is drawn: the flow's direction and, across the flow, the width of a box (going
/// down, a box is as wide as its lane; going right, every box has this width).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub flow: Flow,
    pub box_along: f32,
}

/// The kind of a node's stage (none for a marker).
fn kind_of(plan: &Plan<'_>, what: What) -> Option<StageKind> {
    match what {
        What::Stage(s) => Some(plan.chart.model.stage(s).kind),
        _ => None,
    }
}

/// The lines of a node's text, wrapped to its room, and whether a word had to be cut.
pub(crate) fn node_lines(
    plan: &Plan<'_>,
    node: &Node,
    spans: &LaneSpans,
    shape: &Shape,
    chain: &Chain<'_>,
    m: &Metrics,
) -> (Vec<String>, Option<(f32, f32)>) {
    let kind = kind_of(plan, node.what);
    let width = match shape.flow {
        Flow::Down => spans[node.lane].map_or(m.size, |(_, w)| w) - 2.0 * m.gutter,
        Flow::Right => shape.box_along,
    };
    let room = (width - 2.0 * m.pad - 2.0 * inset(node.what, kind, m)).max(1.0);
    let lines = wrap_to(chain, &plan.glossary, &node.text, room, m.size);
    let widest = lines.iter().map(|l| chain.width(l, m.size)).fold(0.0, f32::max);
    if widest > room + 0.01 {
        let lines = lines.into_iter().flat_map(|line| break_word(chain, &line, room, m.size)).collect();
        return (lines, Some((widest, room)));
    }
    (lines, None)
}

/// The height of a box holding `lines`.
pub(crate) fn text_height(lines: usize, m: &Metrics) -> f32 {
    lines as f32 * m.line + 2.0 * m.pad
}

/// Lays out a block (see the module's comment for the rules). Coordinates are the page's,
/// with the block starting at 0 along the flow; `spans` give each lane's place across it.
pub(crate) fn lay_out(
    plan: &Plan<'_>,
    block: &Block,
    spans: &LaneSpans,
    shape: &Shape,
    chain: &Chain<'_>,
    m: &Metrics,
) -> Laid {
    let model = plan.chart.model;
    let flow = shape.flow;
    // Rows, compacted to 0..R.
    let mut rows: Vec<i64> = block.nodes.iter().map(|n| n.row).collect();
    rows.sort_unstable();
    rows.dedup();
    let row_of = |node: &Node| rows.binary_search(&node.row).unwrap_or(0);
    let r = rows.len();

    // Boxes, as (across, along, across size, along size): across, the lane less its gutters.
    let mut overflow: Option<(usize, f32, f32)> = None;
    let mut boxes: Vec<[f32; 4]> = Vec::with_capacity(block.nodes.len());
    let mut texts: Vec<Vec<String>> = Vec::with_capacity(block.nodes.len());
    for (i, node) in block.nodes.iter().enumerate() {
        let (la, ls) = spans[node.lane].unwrap_or((0.0, 0.0));
        let (lines, over) = node_lines(plan, node, spans, shape, chain, m);
        if let Some((widest, room)) = over
            && overflow.is_none_or(|(_, w0, _)| widest > w0)
        {
            overflow = Some((i, widest, room));
        }
        let along = match (flow, node.what) {
            (Flow::Down, _) => text_height(lines.len(), m),
            (Flow::Right, What::Stage(_)) => shape.box_along,
            // A marker is only as wide as its words: a column of markers takes little room.
            (Flow::Right, _) => {
                let widest = lines.iter().map(|l| chain.width(l, m.size)).fold(0.0, f32::max);
                (widest + 2.0 * m.pad + m.size).min(shape.box_along)
            }
        };
        boxes.push([la + m.gutter, 0.0, (ls - 2.0 * m.gutter).max(m.size), along]);
        texts.push(lines);
    }
    let mut row_size = vec![0.0f32; r];
    for (node, b) in block.nodes.iter().zip(&boxes) {
        let row = row_of(node);
        row_size[row] = row_size[row].max(b[3]);
    }

    // Which edges leave and enter each node, and the tracks they take in each channel.
    // Channel c + 1 lies after row c; channel 0 before row 0.
    #[derive(Clone, Copy)]
    enum Route {
        Link(usize),
        Out(usize),
        In(usize),
    }
    let key = |route: Route| match route {
        Route::Link(l) => (0u8, l),
        Route::Out(s) => (1, s),
        Route::In(s) => (2, s),
    };
    let mut exits: Vec<Vec<(Route, f32)>> = vec![Vec::new(); block.nodes.len()];
    let mut entries: Vec<Vec<(Route, f32)>> = vec![Vec::new(); block.nodes.len()];
    let center = |node: usize| boxes[node][0] + boxes[node][2] / 2.0;
    let lane_center = |lane: usize, or: f32| spans[lane].map_or(or, |(a, s)| a + s / 2.0);
    for (l, (from, to, _)) in block.links.iter().enumerate() {
        exits[*from].push((Route::Link(l), center(*to)));
        entries[*to].push((Route::Link(l), center(*from)));
    }
    for (s, (from, edge)) in block.out_stubs.iter().enumerate() {
        let target = plan.edges[*edge].1;
        exits[*from].push((Route::Out(s), lane_center(plan.lane_of[target.index()], center(*from))));
    }
    for (s, (to, edge)) in block.in_stubs.iter().enumerate() {
        let source = plan.edges[*edge].0;
        entries[*to].push((Route::In(s), lane_center(plan.lane_of[source.index()], center(*to))));
    }
    // Ports spread along the box's far and near sides, in the order of where their edges go.
    // A branch label goes beside its edge: going down, left of the first of several and right
    // of the others, one line lower each from the third on; going right, above its edge.
    let port = |b: &[f32; 4], i: usize, k: usize| b[0] + b[2] * (i as f32 + 1.0) / (k as f32 + 1.0);
    let mut exit_at: BTreeMap<(u8, usize), f32> = BTreeMap::new();
    let mut entry_at: BTreeMap<(u8, usize), f32> = BTreeMap::new();
    let mut label_at: BTreeMap<(u8, usize), (Anchor, usize)> = BTreeMap::new();
    let mut label_lines = vec![0usize; block.nodes.len()];
    for (node, list) in exits.iter_mut().enumerate() {
        list.sort_by(|a, b| a.1.total_cmp(&b.1));
        let k = list.len();
        for (i, (route, _)) in list.iter().enumerate() {
            exit_at.insert(key(*route), port(&boxes[node], i, k));
            let (anchor, line) = match flow {
                Flow::Down if k >= 2 && i == 0 => (Anchor::End, 0),
                Flow::Down => (Anchor::Start, i.saturating_sub(1)),
                Flow::Right => (Anchor::Start, 0),
            };
            label_at.insert(key(*route), (anchor, line));
            label_lines[node] = label_lines[node].max(line + 1);
        }
    }
    for (node, list) in entries.iter_mut().enumerate() {
        list.sort_by(|a, b| a.1.total_cmp(&b.1));
        let k = list.len();
        for (i, (route, _)) in list.iter().enumerate() {
            entry_at.insert(key(*route), port(&boxes[node], i, k));
        }
    }
    // Room for the labels of the edges leaving row c, at the start of channel c + 1.
    let label_room = |from: usize, label: &str| match flow {
        Flow::Down => label_lines[from] as f32 * m.line,
        Flow::Right => chain.width(label, m.size) + m.size * 0.5,
    };

    // Tracks in each channel. Departures first, then arrivals, each ordered so that they do not
    // cross each other: of the edges heading to higher positions across, the one starting
    // furthest along takes the first track; of those heading lower, the one starting nearest.
    let lane_side = |lane: usize, far: bool| spans[lane].map_or(0.0, |(a, s)| if far { a + s } else { a });
    // (route, where it leaves across the flow, where it heads)
    type Leaving = ((u8, usize), f32, f32);
    let mut leaving: Vec<Vec<Leaving>> = vec![Vec::new(); r + 1];
    let mut arriving: Vec<Vec<Leaving>> = vec![Vec::new(); r + 1];
    let mut labelled = vec![0.0f32; r + 1];
    // An edge further down whose source has nothing below it in its lane until the target's
    // row drops straight down instead of going round by the gutter.
    let occupied: std::collections::BTreeSet<(usize, usize)> =
        block.nodes.iter().map(|n| (n.lane, row_of(n))).collect();
    let mut drops = std::collections::BTreeSet::new();
    for (l, (from, to, label)) in block.links.iter().enumerate() {
        let (a, b) = (row_of(&block.nodes[*from]), row_of(&block.nodes[*to]));
        let (ls, lt) = (block.nodes[*from].lane, block.nodes[*to].lane);
        let (ea, na) = (exit_at[&(0, l)], entry_at[&(0, l)]);
        if b > a + 1 && (a + 1..b).all(|row| !occupied.contains(&(ls, row))) {
            drops.insert(l);
            arriving[b].push(((0, l), ea, na));
            continue;
        }
        let heading = if b == a + 1 { na } else { lane_side(ls, lt >= ls) };
        leaving[a + 1].push(((0, l), ea, heading));
        if let Some(label) = label {
            labelled[a + 1] = labelled[a + 1].max(label_room(*from, label));
        }
        if b != a + 1 {
            arriving[b].push(((0, l), lane_side(ls, lt >= ls), na));
        }
    }
    for (l, (from, _, label)) in block.links.iter().enumerate() {
        if let (true, Some(label)) = (drops.contains(&l), label) {
            let a = row_of(&block.nodes[*from]);
            labelled[a + 1] = labelled[a + 1].max(label_room(*from, label));
        }
    }
    for (s, (from, edge)) in block.out_stubs.iter().enumerate() {
        let a = row_of(&block.nodes[*from]);
        let (ls, lt) = (block.nodes[*from].lane, plan.lane_of[plan.edges[*edge].1.index()]);
        leaving[a + 1].push(((1, s), exit_at[&(1, s)], lane_side(ls, lt >= ls)));
        if let Some(label) = &plan.edges[*edge].2 {
            labelled[a + 1] = labelled[a + 1].max(label_room(*from, label));
        }
    }
    for (s, (to, edge)) in block.in_stubs.iter().enumerate() {
        let (ls, lt) = (plan.lane_of[plan.edges[*edge].0.index()], block.nodes[*to].lane);
        arriving[row_of(&block.nodes[*to])].push(((2, s), lane_side(ls, lt >= ls), entry_at[&(2, s)]));
    }
    let mut tracks = vec![0usize; r + 1];
    let mut depart = BTreeMap::new();
    let mut arrive = BTreeMap::new();
    let untangled = |x: &Leaving, y: &Leaving| {
        let (up_x, up_y) = (x.2 >= x.1, y.2 >= y.1);
        up_y.cmp(&up_x).then(if up_x { y.1.total_cmp(&x.1) } else { x.1.total_cmp(&y.1) })
    };
    for c in 0..=r {
        leaving[c].sort_by(untangled);
        arriving[c].sort_by(untangled);
        for (key, _, _) in &leaving[c] {
            depart.insert(*key, (c, tracks[c]));
            tracks[c] += 1;
        }
        for (key, _, _) in &arriving[c] {
            arrive.insert(*key, (c, tracks[c]));
            tracks[c] += 1;
        }
    }
    let channel_size: Vec<f32> =
        (0..=r).map(|c| (labelled[c] + (tracks[c] as f32 + 1.0) * m.track).max(m.size * 0.8)).collect();
    // Where each channel and each row starts along the flow.
    let mut channel_at = vec![0.0f32; r + 1];
    let mut row_at = vec![0.0f32; r];
    let mut at = 0.0;
    for c in 0..=r {
        channel_at[c] = at;
        at += channel_size[c];
        if c < r {
            row_at[c] = at;
            at += row_size[c];
        }
    }
    let length = at;
    for (node, b) in block.nodes.iter().zip(boxes.iter_mut()) {
        b[1] = row_at[row_of(node)];
    }
    let track_at = |c: usize, t: usize| channel_at[c] + labelled[c] + (t as f32 + 1.0) * m.track;

    // Gutters: each lane has one on each side; edges along one take tracks by interval.
    let gutter_at = |lane: usize, far: bool, t: usize| {
        let (a, s) = spans[lane].unwrap_or((0.0, 0.0));
        let offset = (t % GUTTER_TRACKS) as f32 * m.track + m.track;
        if far { a + s - offset } else { a + offset }
    };
    // The edges along each gutter: on each of its tracks, their spans (from → to, disjoint,
    // keyed by where they begin), and how many edges found every track taken.
    #[derive(Default)]
    struct Taken {
        tracks: [BTreeMap<u32, f32>; GUTTER_TRACKS],
        crowded: usize,
    }
    let mut gutters: BTreeMap<(usize, bool), Taken> = BTreeMap::new();
    let mut take_gutter = |lane: usize, far: bool, from: f32, to: f32| {
        let (lo, hi) = if from < to { (from, to) } else { (to, from) };
        // Positions along the flow are not negative, so their bits sort as they do.
        let key = |at: f32| at.max(0.0).to_bits();
        let taken = gutters.entry((lane, far)).or_default();
        // A track is free when the last span on it that begins at or before `hi` ends before
        // `lo`: one lookup per track, whatever the number of edges.
        let free = |spans: &BTreeMap<u32, f32>| spans.range(..=key(hi)).next_back().is_none_or(|(_, &end)| end < lo);
        match taken.tracks.iter().position(free) {
            Some(t) => {
                taken.tracks[t].insert(key(lo), hi);
                t
            }
            // Every track is taken: the edge shares one (they are drawn at `t % GUTTER_TRACKS`).
            None => {
                taken.crowded += 1;
                GUTTER_TRACKS + taken.crowded
            }
        }
    };

    // The boxes in page coordinates (x, y, width, height).
    let rect = |b: &[f32; 4]| match flow {
        Flow::Down => (b[0], b[1], b[2], b[3]),
        Flow::Right => (b[1], b[0], b[3], b[2]),
    };
    let mut items = Vec::new();
    // Stages in the narrative's reading order, the order a reader who does not see the page
    // is given them in (the tag tree follows the items; boxes do not overlap, so the drawing
    // is the same in any order), then the markers.
    let mut order: Vec<usize> = (0..block.nodes.len()).collect();
    order.sort_by_key(|&i| match block.nodes[i].what {
        What::Stage(s) => (0, plan.rank[s.index()]),
        _ => (1, i),
    });
    for i in order {
        let (node, b) = (&block.nodes[i], &boxes[i]);
        let kind = kind_of(plan, node.what);
        let since = match node.what {
            What::Stage(s) => crate::since::mark(plan.chart, s),
            _ => None,
        };
        let (id, class, paint) = match node.what {
            What::Stage(s) => {
                let stage = model.stage(s);
                let paint = if stage.kind == StageKind::End { Paint::Outcome } else { Paint::Box };
                (format!("stage-{}", stage.id), crate::since::class(since), paint)
            }
            What::To(s) => (format!("to-{}-{i}", model.stage(s).id), "marker", Paint::Marker),
            What::From(s) => (format!("from-{}-{i}", model.stage(s).id), "marker", Paint::Marker),
        };
        items.push(Item::Open { id, class });
        let (x, y, w, h) = rect(b);
        match kind {
            Some(StageKind::Decision) => {
                let d = inset(node.what, kind, m);
                let points = vec![
                    (x, y + h / 2.0),
                    (x + d, y),
                    (x + w - d, y),
                    (x + w, y + h / 2.0),
                    (x + w - d, y + h),
                    (x + d, y + h),
                ];
                items.push(Item::Polygon { points, paint });
            }
            Some(StageKind::Start | StageKind::End) => {
                items.push(Item::Rect { x, y, w, h, radius: (h / 2.0).min(m.size), paint })
            }
            Some(StageKind::Step) => items.push(Item::Rect { x, y, w, h, radius: 0.0, paint }),
            None => items.push(Item::Rect { x, y, w, h, radius: m.size * 0.3, paint }),
        }
        if since.is_some() {
            crate::since::outline(&mut items);
        }
        let lines = &texts[i];
        let first = y + (h - lines.len() as f32 * m.line) / 2.0 + (m.line - m.size) / 2.0 + m.size * 0.8;
        // A stage's lines are one element; a marker only says where an edge goes on.
        items.push(match node.what {
            What::Stage(s) => {
                let rank = u32::try_from(plan.rank[s.index()]).unwrap_or(u32::MAX);
                Item::Begin(Tag::new(Role::Stage(rank)).with_alt(plan.alt(s, &node.text)))
            }
            What::To(_) | What::From(_) => Item::begin(Role::Artifact),
        });
        for (k, line) in lines.iter().enumerate() {
            items.push(Item::Text {
                x: x + w / 2.0,
                y: first + k as f32 * m.line,
                size: m.size,
                // A marked stage's first line is the mark's word.
                bold: since.is_some() && k == 0,
                anchor: Anchor::Middle,
                text: line.clone(),
            });
        }
        items.push(Item::End);
        items.push(Item::Close);
    }

    // Edges inside the block, as (across, along) points.
    let end = |n: usize| boxes[n][1] + boxes[n][3];
    let start = |n: usize| boxes[n][1];
    let push_label = |items: &mut Vec<Item>, label: &Option<String>, route: (u8, usize), across: f32, along: f32| {
        let Some(label) = label else { return };
        let (anchor, line) = label_at.get(&route).copied().unwrap_or((Anchor::Start, 0));
        let (x, y) = match flow {
            Flow::Down => {
                let x = if anchor == Anchor::End { across - m.size * 0.25 } else { across + m.size * 0.25 };
                (x, along + line as f32 * m.line + (m.line - m.size) / 2.0 + m.size * 0.8)
            }
            Flow::Right => (along + m.size * 0.25, across - m.size * 0.25),
        };
        // A branch's label belongs to its edge, which is drawn and not read (the narrative
        // says where each branch goes).
        items.push(Item::begin(Role::Artifact));
        items.push(Item::Text { x, y, size: m.size, bold: false, anchor, text: label.clone() });
        items.push(Item::End);
    };
    let line = |points: Vec<(f32, f32)>| Item::Line {
        points: simplify(points.into_iter().map(|(a, l)| flow.point(a, l)).collect()),
        arrow: true,
    };
    let mut edge_items = Vec::new();
    for (l, (from, to, label)) in block.links.iter().enumerate() {
        let ea = exit_at[&(0, l)];
        let na = entry_at[&(0, l)];
        if drops.contains(&l) {
            let (c2, t2) = arrive[&(0, l)];
            let l2 = track_at(c2, t2);
            push_label(&mut edge_items, label, (0, l), ea, end(*from));
            edge_items.push(line(vec![(ea, end(*from)), (ea, l2), (na, l2), (na, start(*to))]));
            continue;
        }
        let (c1, t1) = depart[&(0, l)];
        let l1 = track_at(c1, t1);
        let mut points = vec![(ea, end(*from)), (ea, l1)];
        if let Some(&(c2, t2)) = arrive.get(&(0, l)) {
            let l2 = track_at(c2, t2);
            let (ls, lt) = (block.nodes[*from].lane, block.nodes[*to].lane);
            let far = lt >= ls;
            let t = take_gutter(ls, far, l1, l2);
            let ga = gutter_at(ls, far, t);
            points.extend([(ga, l1), (ga, l2), (na, l2)]);
        } else {
            points.push((na, l1));
        }
        points.push((na, start(*to)));
        push_label(&mut edge_items, label, (0, l), ea, end(*from));
        edge_items.push(line(points));
    }
    let mut out_routes = Vec::new();
    for (s, (from, edge)) in block.out_stubs.iter().enumerate() {
        let ea = exit_at[&(1, s)];
        let (c1, t1) = depart[&(1, s)];
        let l1 = track_at(c1, t1);
        let target = plan.edges[*edge].1;
        let (ls, lt) = (block.nodes[*from].lane, plan.lane_of[target.index()]);
        let far = lt >= ls;
        let t = take_gutter(ls, far, l1, length);
        let ga = gutter_at(ls, far, t);
        push_label(&mut edge_items, &plan.edges[*edge].2, (1, s), ea, end(*from));
        out_routes.push(vec![(ea, end(*from)), (ea, l1), (ga, l1), (ga, length)]);
    }
    let mut in_routes = Vec::new();
    for (s, (to, edge)) in block.in_stubs.iter().enumerate() {
        let na = entry_at[&(2, s)];
        let (c2, t2) = arrive[&(2, s)];
        let l2 = track_at(c2, t2);
        let source = plan.edges[*edge].0;
        let (ls, lt) = (plan.lane_of[source.index()], block.nodes[*to].lane);
        let ga = gutter_at(ls, lt >= ls, 0);
        in_routes.push(vec![(ga, 0.0), (ga, l2), (na, l2), (na, start(*to))]);
    }
    items.extend(edge_items);
    Laid { length, items, out_routes, in_routes, overflow }
}

/// Drops points that repeat or lie on a straight line between their neighbours.
fn simplify(points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    let mut out: Vec<(f32, f32)> = Vec::with_capacity(points.len());
    for p in points {
        if out.last().is_some_and(|q| (q.0 - p.0).abs() < 0.01 && (q.1 - p.1).abs() < 0.01) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let straight = ((a.0 - b.0).abs() < 0.01 && (b.0 - p.0).abs() < 0.01)
                || ((a.1 - b.1).abs() < 0.01 && (b.1 - p.1).abs() < 0.01);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// `text` in lines no wider than `room` at `size`, measured in the fonts of `chain`, never
/// broken inside a word of `glossary`.
pub(crate) fn wrap_to(chain: &Chain<'_>, glossary: &Glossary<'_>, text: &str, room: f32, size: f32) -> Vec<String> {
    // Hundredths of a point, for the wrapper's whole numbers.
    let measure = |t: &str| (chain.width(t, size) * 100.0).ceil() as usize;
    wrap::wrap_measured(text, (room * 100.0).floor() as usize, glossary, &measure)
}

/// A line wider than `room` cut between characters, as a last resort: a word wider than its box
/// (never a Thai word, whose words are short) would otherwise run over the next lane. Marks stay
/// with their letter.
fn break_word(chain: &Chain<'_>, line: &str, room: f32, size: f32) -> Vec<String> {
    if chain.width(line, size) <= room {
        return vec![line.to_owned()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for c in line.chars() {
        let mut next = current.clone();
        next.push(c);
        if !current.is_empty() && !crate::fonts::is_mark(c) && chain.width(&next, size) > room {
            out.push(std::mem::take(&mut current));
            current.push(c);
        } else {
            current = next;
        }
    }
    out.push(current);
    out
}

/// Shifts items down by `dy`.
pub(crate) fn shifted(items: &[Item], dx: f32, dy: f32) -> Vec<Item> {
    let mv = |(x, y): &(f32, f32)| (x + dx, y + dy);
    items
        .iter()
        .map(|item| match item {
            Item::Rect { x, y, w, h, radius, paint } => {
                Item::Rect { x: x + dx, y: y + dy, w: *w, h: *h, radius: *radius, paint: *paint }
            }
            Item::Polygon { points, paint } => Item::Polygon { points: points.iter().map(mv).collect(), paint: *paint },
            Item::Line { points, arrow } => Item::Line { points: points.iter().map(mv).collect(), arrow: *arrow },
            Item::Text { x, y, size, bold, anchor, text } => {
                Item::Text { x: x + dx, y: y + dy, size: *size, bold: *bold, anchor: *anchor, text: text.clone() }
            }
            other => other.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(source: &str) -> BTreeMap<String, u32> {
        let checked = referflow_check::check_source(source, &referflow_check::Levels::default());
        let chart = Chart::new(&checked.model, &checked.diagnostics);
        let plan = Plan::new(&chart, &RenderOptions::default());
        checked.model.stages.iter().enumerate().map(|(i, s)| (s.id.to_owned(), plan.rows[i])).collect()
    }

    #[test]
    fn a_stage_goes_below_its_predecessors_where_its_lane_is_free() {
        let rows = rows_of(
            "actor a \"A\"\nactor b \"B\"\n\
             start s \"S\" by a\ndecision d \"D?\" by a { yes -> x\n no -> y }\n\
             step x \"X\" by b\nstep y \"Y\" by b\nend e \"E\" by a\ns -> d\nx -> e\ny -> e\n",
        );
        assert_eq!((rows["s"], rows["d"]), (0, 1));
        // x and y both follow d, in the same lane: one row each, in source order.
        assert_eq!((rows["x"], rows["y"]), (2, 3));
        assert_eq!(rows["e"], 4);
    }

    #[test]
    fn an_edge_that_closes_a_loop_does_not_push_its_target_down() {
        let rows = rows_of(
            "actor a \"A\"\nstart s \"S\" by a\nstep x \"X\" by a\ndecision d \"Again?\" by a { yes -> x\n no -> e }\n\
             end e \"E\" by a\ns -> x -> d\n",
        );
        assert_eq!((rows["s"], rows["x"], rows["d"], rows["e"]), (0, 1, 2, 3));
    }

    #[test]
    fn rows_count_within_each_phase() {
        let rows = rows_of(
            "actor a \"A\"\nphase one \"One\" {\n start s \"S\" by a\n step x \"X\" by a\n s -> x\n}\n\
             phase two \"Two\" {\n step y \"Y\" by a\n end e \"E\" by a\n y -> e\n}\nx -> y\n",
        );
        assert_eq!((rows["s"], rows["x"], rows["y"], rows["e"]), (0, 1, 0, 1));
    }
}
