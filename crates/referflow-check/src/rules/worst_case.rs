//! The analysis behind `require within D from A to B` (RF202, RF203, RF204), shared by those
//! three rules: the worst-case time from A to B, or why it has none.
//!
//! Paths start at A and end at their first arrival at B. A stage counts its `within` from A
//! inclusive to B exclusive; `start` and `end` take no time. Everything is linear in the size of
//! the graph: one forward and one backward walk to find the stages on some A→B path, then
//! Kahn's topological order over them, which either finds a loop or gives the longest path by
//! dynamic programming.

use std::collections::VecDeque;

use referflow_syntax::StageKind;

use crate::duration::Minutes;
use crate::flow::Flow;
use crate::model::StageId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WorstCase {
    /// No path leads from A to B.
    Vacuous,
    /// Some path has no bound: a loop on it, or stages without `within`.
    Unbounded { cycle: Option<Vec<StageId>>, no_limit: Vec<StageId> },
    /// The worst path and its time; `None` when the sum is too large to count.
    Bounded { total: Option<Minutes>, path: Vec<StageId> },
}

/// The time a stage takes, as far as the worst case is concerned.
pub(crate) fn cost(flow: &Flow<'_, '_>, stage: StageId) -> Option<Minutes> {
    let s = flow.model.stage(stage);
    match s.kind {
        StageKind::Start | StageKind::End => Some(Minutes(0)),
        StageKind::Step | StageKind::Decision => s.within.map(|w| w.minutes),
    }
}

pub(crate) fn worst_case(flow: &Flow<'_, '_>, a: StageId, b: StageId) -> WorstCase {
    if a == b {
        return WorstCase::Bounded { total: Some(Minutes(0)), path: vec![a] };
    }
    let n = flow.len();
    // Forward from A; B is entered but not left.
    let mut ahead = vec![false; n];
    let mut stack = vec![a];
    ahead[a.index()] = true;
    while let Some(s) = stack.pop() {
        if s == b {
            continue;
        }
        for e in flow.out_edges(s) {
            if !ahead[e.to.index()] {
                ahead[e.to.index()] = true;
                stack.push(e.to);
            }
        }
    }
    if !ahead[b.index()] {
        return WorstCase::Vacuous;
    }
    // Backward from B, among the stages ahead of A; B is not passed through again.
    let mut on_path = vec![false; n];
    on_path[b.index()] = true;
    let mut stack = vec![b];
    while let Some(s) = stack.pop() {
        for e in flow.in_edges(s) {
            let p = e.from;
            if p != b && ahead[p.index()] && !on_path[p.index()] {
                on_path[p.index()] = true;
                stack.push(p);
            }
        }
    }
    // The edges that matter: between stages on a path, never out of B.
    let counts = |s: StageId| s != b && on_path[s.index()];
    let mut in_degree = vec![0u32; n];
    let mut members = Vec::new();
    for s in flow.stages().filter(|s| on_path[s.index()]) {
        members.push(s);
        if s != b {
            for e in flow.out_edges(s).filter(|e| on_path[e.to.index()]) {
                in_degree[e.to.index()] += 1;
            }
        }
    }
    let mut no_limit: Vec<StageId> = members.iter().copied().filter(|s| *s != b && cost(flow, *s).is_none()).collect();
    no_limit.sort();

    // Kahn's order, computing the longest time to each stage as it goes.
    const NONE: u32 = u32::MAX;
    let mut best: Vec<Option<Minutes>> = vec![None; n];
    let mut overflow = vec![false; n];
    let mut parent = vec![NONE; n];
    let mut queue: VecDeque<StageId> = members.iter().copied().filter(|s| in_degree[s.index()] == 0).collect();
    let mut done = 0usize;
    best[a.index()] = Some(Minutes(0));
    while let Some(s) = queue.pop_front() {
        done += 1;
        if !counts(s) {
            continue;
        }
        let arrive = best[s.index()].unwrap_or_default();
        let leave = cost(flow, s).unwrap_or_default().checked_add(arrive);
        for e in flow.out_edges(s).filter(|e| on_path[e.to.index()]) {
            let t = e.to.index();
            match leave {
                Some(time) if !overflow[s.index()] => {
                    if best[t].is_none_or(|b| time > b) && !overflow[t] {
                        best[t] = Some(time);
                        parent[t] = s.0;
                    }
                }
                _ => {
                    overflow[t] = true;
                    parent[t] = s.0;
                }
            }
            in_degree[t] -= 1;
            if in_degree[t] == 0 {
                queue.push_back(e.to);
            }
        }
    }
    if done < members.len() {
        let cycle = find_cycle(flow, &members, &in_degree, b);
        return WorstCase::Unbounded { cycle: Some(cycle), no_limit };
    }
    if !no_limit.is_empty() {
        return WorstCase::Unbounded { cycle: None, no_limit };
    }
    let mut path = vec![b];
    let mut at = b;
    while parent[at.index()] != NONE {
        at = StageId(parent[at.index()]);
        path.push(at);
    }
    path.reverse();
    let total = if overflow[b.index()] { None } else { best[b.index()] };
    WorstCase::Bounded { total, path }
}

/// A loop among the stages Kahn's order could not finish (those left with edges coming in):
/// walk back along such edges from the first of them until a stage repeats.
fn find_cycle(flow: &Flow<'_, '_>, members: &[StageId], in_degree: &[u32], b: StageId) -> Vec<StageId> {
    let stuck = |s: StageId| in_degree[s.index()] > 0;
    let Some(&first) = members.iter().find(|s| stuck(**s)) else {
        return Vec::new();
    };
    let mut order: Vec<StageId> = Vec::new();
    let mut position = std::collections::HashMap::new();
    let mut at = first;
    loop {
        if let Some(&i) = position.get(&at) {
            let mut cycle: Vec<StageId> = order[i..].to_vec();
            cycle.reverse();
            // Start the loop at its first stage in the file, for a stable message.
            let min = cycle.iter().enumerate().min_by_key(|(_, s)| **s).map_or(0, |(i, _)| i);
            cycle.rotate_left(min);
            return cycle;
        }
        position.insert(at, order.len());
        order.push(at);
        // A stuck stage always has a stuck predecessor (one that is not B).
        match flow.in_edges(at).map(|e| e.from).find(|p| *p != b && stuck(*p)) {
            Some(p) => at = p,
            None => return order,
        }
    }
}
