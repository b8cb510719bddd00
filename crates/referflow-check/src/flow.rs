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

use crate::model::{ByStage, Edge, Model, StageId};

#[derive(Debug)]
pub struct Flow<'m, 's> {
    pub model: &'m Model<'s>,
    /// Node `i` is stage `i`; an edge's weight is its index in `model.edges`. Built on first
    /// use: only a chart with a stage that cannot reach an end needs it.
    graph: OnceLock<DiGraph<StageId, u32>>,
    /// The indices of the edges leaving and entering each stage, in source order.
    outgoing: ByStage<u32>,
    incoming: ByStage<u32>,
    /// Found once: each requirement starts from them, and finding them reads every stage.
    starts: Vec<StageId>,
    ends: Vec<StageId>,
}

impl<'m, 's> Flow<'m, 's> {
    pub fn new(model: &'m Model<'s>) -> Self {
        let n = model.stages.len();
        let edges = || model.edges.iter().zip(0u32..);
        let outgoing = ByStage::new(n, edges().map(|(edge, e)| (edge.from, e)), 0);
        let incoming = ByStage::new(n, edges().map(|(edge, e)| (edge.to, e)), 0);
        let of_kind = |kind| (0..n as u32).map(StageId).filter(|s| model.stage(*s).kind == kind).collect();
        let (starts, ends) = (of_kind(StageKind::Start), of_kind(StageKind::End));
        Flow { model, graph: OnceLock::new(), outgoing, incoming, starts, ends }
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
        self.outgoing.of(stage).iter().map(|&e| &self.model.edges[e as usize])
    }

    /// The edges entering `stage`, in source order.
    pub fn in_edges(&self, stage: StageId) -> impl Iterator<Item = &'m Edge<'s>> + '_ {
        self.incoming.of(stage).iter().map(|&e| &self.model.edges[e as usize])
    }

    pub fn out_degree(&self, stage: StageId) -> usize {
        self.outgoing.of(stage).len()
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
        let lists = if forward { &self.outgoing } else { &self.incoming };
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<StageId> = Vec::new();
        for s in sources {
            if !blocked(s) && !seen[s.index()] {
                seen[s.index()] = true;
                stack.push(s);
            }
        }
        while let Some(s) = stack.pop() {
            for &e in lists.of(s) {
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
