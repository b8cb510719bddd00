//! The chart as a graph: one node per stage, one edge per `->`.
//!
//! The petgraph graph is kept for the algorithms petgraph does well (strongly connected
//! components). Walks use the adjacency lists below instead, because they hold each stage's
//! edges in source order (petgraph iterates newest first), which keeps every result, such as
//! the shortest path shown in a message, the same from run to run and the one a reader expects.

use std::collections::VecDeque;
use std::sync::OnceLock;

use petgraph::graph::{DiGraph, NodeIndex};

use referflow_syntax::StageKind;

use crate::model::{Edge, Model, StageId};

#[derive(Debug)]
pub struct Flow<'m, 's> {
    pub model: &'m Model<'s>,
    /// Node `i` is stage `i`; an edge's weight is its index in `model.edges`. Built on first
    /// use: only a chart with a stage that cannot reach an end needs it.
    graph: OnceLock<DiGraph<StageId, u32>>,
    /// `outgoing[out_start[i]..out_start[i + 1]]`: indices of the edges leaving stage `i`, in
    /// source order. Likewise for `incoming`.
    out_start: Vec<u32>,
    outgoing: Vec<u32>,
    in_start: Vec<u32>,
    incoming: Vec<u32>,
    /// Found once: each requirement starts from them, and finding them reads every stage.
    starts: Vec<StageId>,
    ends: Vec<StageId>,
}

impl<'m, 's> Flow<'m, 's> {
    pub fn new(model: &'m Model<'s>) -> Self {
        let n = model.stages.len();
        let (out_start, outgoing) = csr(n, model.edges.iter().map(|e| e.from));
        let (in_start, incoming) = csr(n, model.edges.iter().map(|e| e.to));
        let of_kind = |kind| (0..n as u32).map(StageId).filter(|s| model.stage(*s).kind == kind).collect();
        let (starts, ends) = (of_kind(StageKind::Start), of_kind(StageKind::End));
        Flow { model, graph: OnceLock::new(), out_start, outgoing, in_start, incoming, starts, ends }
    }

    /// The chart as a petgraph graph.
    pub fn graph(&self) -> &DiGraph<StageId, u32> {
        self.graph.get_or_init(|| {
            let model = self.model;
            let mut graph = DiGraph::with_capacity(model.stages.len(), model.edges.len());
            for i in 0..model.stages.len() {
                graph.add_node(StageId(i as u32));
            }
            for (i, edge) in model.edges.iter().enumerate() {
                graph.add_edge(NodeIndex::new(edge.from.index()), NodeIndex::new(edge.to.index()), i as u32);
            }
            graph
        })
    }

    pub fn len(&self) -> usize {
        self.model.stages.len()
    }

    /// The edges leaving `stage`, in source order.
    pub fn out_edges(&self, stage: StageId) -> impl Iterator<Item = &'m Edge<'s>> + '_ {
        let i = stage.index();
        self.outgoing[self.out_start[i] as usize..self.out_start[i + 1] as usize]
            .iter()
            .map(|&e| &self.model.edges[e as usize])
    }

    /// The edges entering `stage`, in source order.
    pub fn in_edges(&self, stage: StageId) -> impl Iterator<Item = &'m Edge<'s>> + '_ {
        let i = stage.index();
        self.incoming[self.in_start[i] as usize..self.in_start[i + 1] as usize]
            .iter()
            .map(|&e| &self.model.edges[e as usize])
    }

    pub fn out_degree(&self, stage: StageId) -> usize {
        (self.out_start[stage.index() + 1] - self.out_start[stage.index()]) as usize
    }

    pub fn stages(&self) -> impl Iterator<Item = StageId> + use<> {
        (0..self.len() as u32).map(StageId)
    }

    /// Every stage reachable from `sources` along edges, never entering a `blocked` stage.
    /// Sources that are blocked are not entered either.
    pub fn reach(&self, sources: impl IntoIterator<Item = StageId>, blocked: impl Fn(StageId) -> bool) -> Vec<bool> {
        self.walk(sources, blocked, true)
    }

    /// Every stage from which one of `targets` can be reached, never passing a `blocked` stage.
    pub fn reach_back(
        &self,
        targets: impl IntoIterator<Item = StageId>,
        blocked: impl Fn(StageId) -> bool,
    ) -> Vec<bool> {
        self.walk(targets, blocked, false)
    }

    fn walk(
        &self,
        sources: impl IntoIterator<Item = StageId>,
        blocked: impl Fn(StageId) -> bool,
        forward: bool,
    ) -> Vec<bool> {
        let (start, list) = if forward { (&self.out_start, &self.outgoing) } else { (&self.in_start, &self.incoming) };
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<StageId> = Vec::new();
        for s in sources {
            if !blocked(s) && !seen[s.index()] {
                seen[s.index()] = true;
                stack.push(s);
            }
        }
        while let Some(s) = stack.pop() {
            for &e in &list[start[s.index()] as usize..start[s.index() + 1] as usize] {
                let edge = &self.model.edges[e as usize];
                let t = if forward { edge.to } else { edge.from };
                if !blocked(t) && !seen[t.index()] {
                    seen[t.index()] = true;
                    stack.push(t);
                }
            }
        }
        seen
    }

    /// Whether a path leads from one of `sources` to `target` without entering a `blocked`
    /// stage. It searches forwards from the sources and backwards from the target in turns,
    /// and stops when either search runs out or they meet: the cost is that of the smaller
    /// side, which for a requirement between two nearby stages of a large chart is a few
    /// stages rather than the whole chart.
    pub fn connects(
        &self,
        sources: impl IntoIterator<Item = StageId>,
        target: StageId,
        blocked: impl Fn(StageId) -> bool,
    ) -> bool {
        const FORWARD: u8 = 1;
        const BACKWARD: u8 = 2;
        if blocked(target) {
            return false;
        }
        let mut seen = vec![0u8; self.len()];
        seen[target.index()] = BACKWARD;
        // Marks `t` as reached from `side` and queues it; says whether the other side had
        // reached it already (the searches met).
        let mut reach = |t: StageId, side: u8, queue: &mut VecDeque<StageId>| {
            if blocked(t) || seen[t.index()] & side != 0 {
                return false;
            }
            let met = seen[t.index()] != 0;
            seen[t.index()] |= side;
            queue.push_back(t);
            met
        };
        let (mut ahead, mut behind) = (VecDeque::new(), VecDeque::from([target]));
        for s in sources {
            if reach(s, FORWARD, &mut ahead) {
                return true;
            }
        }
        loop {
            let Some(s) = ahead.pop_front() else { return false };
            if self.out_edges(s).any(|e| reach(e.to, FORWARD, &mut ahead)) {
                return true;
            }
            let Some(s) = behind.pop_front() else { return false };
            if self.in_edges(s).any(|e| reach(e.from, BACKWARD, &mut behind)) {
                return true;
            }
        }
    }

    /// The shortest path (fewest edges) from any of `sources` to `target`, not entering a
    /// `blocked` stage. Sources are tried in the order given and edges in source order, so among
    /// equally short paths the one that reads first in the file is returned.
    pub fn shortest_path(
        &self,
        sources: impl IntoIterator<Item = StageId>,
        target: StageId,
        blocked: impl Fn(StageId) -> bool,
    ) -> Option<Vec<StageId>> {
        const NONE: u32 = u32::MAX;
        let mut parent = vec![NONE; self.len()];
        let mut seen = vec![false; self.len()];
        let mut queue = VecDeque::new();
        for s in sources {
            if !blocked(s) && !seen[s.index()] {
                seen[s.index()] = true;
                queue.push_back(s);
            }
        }
        while let Some(s) = queue.pop_front() {
            if s == target {
                let mut path = vec![s];
                let mut at = s;
                while parent[at.index()] != NONE {
                    at = StageId(parent[at.index()]);
                    path.push(at);
                }
                path.reverse();
                return Some(path);
            }
            for edge in self.out_edges(s) {
                let t = edge.to;
                if !blocked(t) && !seen[t.index()] {
                    seen[t.index()] = true;
                    parent[t.index()] = s.0;
                    queue.push_back(t);
                }
            }
        }
        None
    }

    /// The starts, in source order.
    pub fn starts(&self) -> impl Iterator<Item = StageId> + '_ {
        self.starts.iter().copied()
    }

    /// The ends (outcomes), in source order.
    pub fn ends(&self) -> impl Iterator<Item = StageId> + '_ {
        self.ends.iter().copied()
    }
}

/// Compressed adjacency: for each node, the indices of its edges in the order given.
fn csr(n: usize, ends: impl Iterator<Item = StageId> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n + 1];
    for s in ends.clone() {
        start[s.index() + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut edges = vec![0u32; start[n] as usize];
    for (e, s) in ends.enumerate() {
        edges[fill[s.index()] as usize] = e as u32;
        fill[s.index()] += 1;
    }
    (start, edges)
}
