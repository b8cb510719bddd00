//! Differential property tests of the flow rules: on random graphs, each rule's findings equal
//! those of a brute-force reference written here.
//!
//! The reference deliberately uses other algorithms than the checker: reachability is the
//! Floyd–Warshall transitive closure, strongly connected components come from that closure
//! (`u ~ v` iff each reaches the other), shortest paths come from Bellman–Ford style relaxation
//! until nothing changes, and the worst case of a deadline is the maximum over every simple path,
//! enumerated one by one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proptest::prelude::*;
use referflow_check::Diagnostic;

// ---------------------------------------------------------------------------------------------
// The random chart

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Start,
    Step,
    Decision,
    End,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::Step => "step",
            Kind::Decision => "decision",
            Kind::End => "end",
        }
    }

    /// Whether the stage takes time in a worst case (`start` and `end` take none).
    fn timed(self) -> bool {
        matches!(self, Kind::Step | Kind::Decision)
    }
}

#[derive(Debug, Clone)]
struct Stage {
    kind: Kind,
    /// Indices of actors: `a0`, `a1`, `a2`.
    owners: Vec<usize>,
    /// Hours.
    within: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: usize,
    to: usize,
    /// 0 `yes`, 1 `no`, 2 `"L1"`, 3 `"L2"`.
    label: Option<u8>,
}

#[derive(Debug, Clone)]
enum Req {
    Before { first: usize, target: usize, unless: Vec<usize> },
    Within { hours: u64, from: usize, to: usize },
}

#[derive(Debug, Clone)]
struct Chart {
    /// Whether actor `a2` is declared.
    a2: bool,
    stages: Vec<Stage>,
    edges: Vec<Edge>,
    reqs: Vec<Req>,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        1 => Just(Kind::Start),
        3 => Just(Kind::Step),
        2 => Just(Kind::Decision),
        2 => Just(Kind::End),
    ]
}

fn stage() -> impl Strategy<Value = Stage> {
    (kind(), 0usize..6, prop::option::weighted(0.9, 1u64..=50), prop::bool::weighted(0.1)).prop_map(
        |(kind, owner, within, timed_anyway)| Stage {
            kind,
            owners: match owner {
                0 => vec![],
                1 | 2 => vec![0],
                3 => vec![1],
                4 => vec![2],
                _ => vec![1, 2],
            },
            // `start` and `end` take no time even with a `within`; write one now and then.
            within: within.filter(|_| kind.timed() || timed_anyway),
        },
    )
}

fn req(n: usize) -> impl Strategy<Value = Req> {
    prop_oneof![
        (0..n, 0..n, prop::collection::vec(0..n, 0..=2)).prop_map(|(first, target, unless)| {
            let mut distinct = Vec::new();
            for u in unless {
                if !distinct.contains(&u) {
                    distinct.push(u);
                }
            }
            Req::Before { first, target, unless: distinct }
        }),
        // Mostly from an earlier stage to a later one: edges mostly go that way too.
        // Short limits are more often exceeded.
        (prop_oneof![1u64..=30, 1u64..=120], 0..n, 0..n, prop::bool::weighted(0.8)).prop_map(
            move |(hours, from, mut to, forward)| {
                if to == from && forward {
                    to = (to + 1) % n;
                }
                let (from, to) = if forward && from > to { (to, from) } else { (from, to) };
                Req::Within { hours, from, to }
            }
        ),
    ]
}

fn chart() -> impl Strategy<Value = Chart> {
    (1usize..=9)
        .prop_flat_map(|n| {
            (
                any::<bool>(),
                prop::collection::vec(stage(), n),
                0..n,
                prop::collection::vec((0..n, 0..n, prop::option::of(0u8..4), 0u8..100), 0..=20),
                prop::collection::vec(req(n), 0..=3),
                prop_oneof![Just(50u8), Just(85), Just(100)],
            )
        })
        .prop_map(|(a2, mut stages, forced_start, edges, reqs, forward_percent)| {
            if !stages.iter().any(|s| s.kind == Kind::Start) {
                stages[forced_start].kind = Kind::Start;
                stages[forced_start].within = None;
            }
            if !a2 {
                for s in &mut stages {
                    s.owners.retain(|o| *o != 2);
                }
            }
            // An edge out of an `end` is an error (RF008) that would stop the flow rules.
            let edges = edges
                .into_iter()
                .map(|(from, to, label, dice)| {
                    // Mostly forward (always, in a third of the charts), so that loop-free
                    // timed paths (RF202) are common.
                    let (from, to) = if dice < forward_percent && from > to { (to, from) } else { (from, to) };
                    Edge { from, to, label }
                })
                .filter(|e| stages[e.from].kind != Kind::End)
                // The loop-free third has no self-loops either.
                .filter(|e| forward_percent < 100 || e.from != e.to)
                .collect();
            Chart { a2, stages, edges, reqs }
        })
}

/// The chart's text, and the byte offset of each requirement statement.
fn write_chart(chart: &Chart) -> (String, Vec<(usize, String)>) {
    let mut src = String::from("actor a0 \"Actor zero\"\nactor a1 \"Actor one\"\n");
    if chart.a2 {
        src.push_str("actor a2 \"Actor two\"\n");
    }
    for (i, s) in chart.stages.iter().enumerate() {
        write!(src, "{} s{i} \"Stage {i}\"", s.kind.keyword()).unwrap();
        if !s.owners.is_empty() {
            let owners: Vec<String> = s.owners.iter().map(|o| format!("a{o}")).collect();
            write!(src, " by {}", owners.join(", ")).unwrap();
        }
        if let Some(h) = s.within {
            write!(src, " within {h}h").unwrap();
        }
        src.push('\n');
    }
    for e in &chart.edges {
        write!(src, "s{} -> s{}", e.from, e.to).unwrap();
        if let Some(l) = e.label {
            src.push_str(match l {
                0 => " : yes",
                1 => " : no",
                2 => " : \"L1\"",
                _ => " : \"L2\"",
            });
        }
        src.push('\n');
    }
    let mut reqs = Vec::new();
    for r in &chart.reqs {
        let text = match r {
            Req::Before { first, target, unless } => {
                let mut t = format!("require s{first} before s{target}");
                if !unless.is_empty() {
                    let u: Vec<String> = unless.iter().map(|u| format!("s{u}")).collect();
                    write!(t, " unless {}", u.join(", ")).unwrap();
                }
                t
            }
            Req::Within { hours, from, to } => {
                format!("require within {hours}h from s{from} to s{to}")
            }
        };
        reqs.push((src.len(), text.clone()));
        src.push_str(&text);
        src.push('\n');
    }
    (src, reqs)
}

// ---------------------------------------------------------------------------------------------
// The reference

/// `plus[u][v]`: a path of at least one edge leads from `u` to `v`, along `edges`, through
/// `allowed` stages only (Floyd–Warshall).
fn closure(n: usize, edges: &[(usize, usize)], allowed: &[bool]) -> Vec<Vec<bool>> {
    let mut r = vec![vec![false; n]; n];
    for &(u, v) in edges {
        if allowed[u] && allowed[v] {
            r[u][v] = true;
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if r[i][k] && r[k][j] {
                    r[i][j] = true;
                }
            }
        }
    }
    r
}

/// `star[u][v]`: `v` can be reached from `u`, `u` itself included (if allowed).
fn reflexive(plus: &[Vec<bool>], allowed: &[bool]) -> Vec<Vec<bool>> {
    let mut r = plus.to_vec();
    for (i, row) in r.iter_mut().enumerate() {
        if allowed[i] {
            row[i] = true;
        }
    }
    r
}

/// Fewest edges from any allowed source to each stage through allowed stages, by relaxing every
/// edge until nothing changes.
fn distances(n: usize, edges: &[(usize, usize)], sources: &[usize], allowed: &[bool]) -> Vec<Option<usize>> {
    let mut dist: Vec<Option<usize>> = vec![None; n];
    for &s in sources {
        if allowed[s] {
            dist[s] = Some(0);
        }
    }
    loop {
        let mut changed = false;
        for &(u, v) in edges {
            if !allowed[u] || !allowed[v] {
                continue;
            }
            if let Some(d) = dist[u]
                && dist[v].is_none_or(|old| d + 1 < old)
            {
                dist[v] = Some(d + 1);
                changed = true;
            }
        }
        if !changed {
            return dist;
        }
    }
}

/// Every simple path from `at` to `target` (which is entered only at the end), extending
/// `path`; calls `found` with each.
fn simple_paths(edges: &[(usize, usize)], target: usize, path: &mut Vec<usize>, found: &mut dyn FnMut(&[usize])) {
    let at = *path.last().unwrap();
    if at == target {
        found(path);
        return;
    }
    for &(u, v) in edges {
        if u == at && !path.contains(&v) {
            path.push(v);
            simple_paths(edges, target, path, found);
            path.pop();
        }
    }
}

/// Minutes as the tool writes them: `1d 6h`, `1d`, `5h`, `45min`.
fn readable(minutes: u64) -> String {
    if minutes == 0 {
        return "0min".to_string();
    }
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}min"));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------------------------
// The comparison

fn text(src: &str, span: referflow_syntax::Span) -> &str {
    &src[span.start as usize..span.end as usize]
}

fn stage_index(id: &str) -> usize {
    id.strip_prefix('s').and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("`{id}` is not a stage id"))
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// The stage ids of a message's path `… : s0 → s1 (5h) → s2`, without the times.
fn message_path(message: &str) -> Vec<usize> {
    let (_, path) = message.rsplit_once(": ").unwrap_or_else(|| panic!("no path in `{message}`"));
    path.split(" → ").map(|step| stage_index(step.split(' ').next().unwrap())).collect()
}

fn check_chart(chart: &Chart) -> Result<(), TestCaseError> {
    let (src, req_at) = write_chart(chart);
    let parsed = referflow_syntax::parse(&src);
    let checked = referflow_check::check(&parsed);
    let diags = &checked.diagnostics;
    for d in diags {
        prop_assert!(
            d.rule.code() >= "RF100",
            "the generator wrote an invalid chart: {} {}\n{src}",
            d.rule.code(),
            d.message
        );
    }
    let of = |code: &str| -> Vec<&Diagnostic> { diags.iter().filter(|d| d.rule.code() == code).collect() };
    let stage_of =
        |d: &Diagnostic| -> usize { stage_index(d.stage.as_deref().unwrap_or_else(|| panic!("no stage: {d:?}"))) };
    let stages_of = |code: &str| -> Vec<usize> { sorted(of(code).iter().map(|d| stage_of(d)).collect()) };
    let per_stage = |code: &str| -> BTreeMap<usize, usize> {
        let mut m = BTreeMap::new();
        for d in of(code) {
            *m.entry(stage_of(d)).or_insert(0) += 1;
        }
        m
    };
    let known = [
        "RF101", "RF102", "RF103", "RF104", "RF105", "RF106", "RF107", "RF108", "RF109", "RF201", "RF202", "RF203",
        "RF204",
    ];
    for d in diags {
        prop_assert!(known.contains(&d.rule.code()), "unexpected {}: {}\n{src}", d.rule.code(), d.message);
    }

    let stages = &chart.stages;
    let n = stages.len();
    let all = vec![true; n];
    let pairs: Vec<(usize, usize)> = chart.edges.iter().map(|e| (e.from, e.to)).collect();
    let kind = |i: usize| stages[i].kind;
    let starts: Vec<usize> = (0..n).filter(|&i| kind(i) == Kind::Start).collect();
    let ends: Vec<usize> = (0..n).filter(|&i| kind(i) == Kind::End).collect();
    let plus = closure(n, &pairs, &all);
    let star = reflexive(&plus, &all);
    let out_degree = |i: usize| chart.edges.iter().filter(|e| e.from == i).count();

    // RF101 unreachable-stage
    let expected: Vec<usize> = (0..n).filter(|&v| !starts.iter().any(|&s| star[s][v])).collect();
    prop_assert_eq!(stages_of("RF101"), expected, "RF101\n{}", src);

    // RF102 dead-end
    let expected: Vec<usize> = (0..n).filter(|&v| kind(v) != Kind::End && out_degree(v) == 0).collect();
    prop_assert_eq!(stages_of("RF102"), expected, "RF102\n{}", src);

    // RF103 no-way-out: cyclic components from the closure that reach no end.
    let mut expected = Vec::new();
    for u in 0..n {
        let component: Vec<usize> = (0..n).filter(|&v| star[u][v] && star[v][u]).collect();
        let first = component[0];
        let cyclic = component.len() > 1 || plus[u][u];
        if first == u && cyclic && !ends.iter().any(|&e| star[u][e]) {
            expected.push((first, component));
        }
    }
    let actual = sorted(
        of("RF103")
            .iter()
            .map(|d| {
                let first = stage_of(d);
                assert_eq!(stage_index(text(&src, d.span)), first, "{d:?}");
                let mut members = vec![first];
                members.extend(d.related.iter().map(|r| stage_index(text(&src, r.span))));
                (first, sorted(members))
            })
            .collect(),
    );
    prop_assert_eq!(actual, expected, "RF103\n{}", src);

    // RF104 lonely-decision
    let expected: Vec<usize> = (0..n).filter(|&v| kind(v) == Kind::Decision && out_degree(v) < 2).collect();
    prop_assert_eq!(stages_of("RF104"), expected, "RF104\n{}", src);

    // RF105 unlabelled-branch, counted per decision
    let mut expected = BTreeMap::new();
    for e in &chart.edges {
        if kind(e.from) == Kind::Decision && e.label.is_none() {
            *expected.entry(e.from).or_insert(0) += 1;
        }
    }
    prop_assert_eq!(per_stage("RF105"), expected, "RF105\n{}", src);

    // RF106 duplicate-branch: labels repeating an earlier branch of the same decision
    let mut expected = BTreeMap::new();
    for (i, e) in chart.edges.iter().enumerate() {
        let repeated = kind(e.from) == Kind::Decision
            && e.label.is_some()
            && chart.edges[..i].iter().any(|f| f.from == e.from && f.label == e.label);
        if repeated {
            *expected.entry(e.from).or_insert(0) += 1;
        }
    }
    prop_assert_eq!(per_stage("RF106"), expected, "RF106\n{}", src);

    // RF107 duplicate-edge
    let expected = (0..chart.edges.len()).filter(|&i| chart.edges[..i].contains(&chart.edges[i])).count();
    prop_assert_eq!(of("RF107").len(), expected, "RF107\n{}", src);

    // RF108 unowned-stage
    let expected: Vec<usize> = (0..n).filter(|&v| stages[v].owners.is_empty()).collect();
    prop_assert_eq!(stages_of("RF108"), expected, "RF108\n{}", src);

    // RF109 unused-actor
    let declared = if chart.a2 { 3 } else { 2 };
    let expected: Vec<String> =
        (0..declared).filter(|a| !stages.iter().any(|s| s.owners.contains(a))).map(|a| format!("a{a}")).collect();
    let actual: Vec<String> = sorted(of("RF109").iter().map(|d| text(&src, d.span).to_string()).collect());
    prop_assert_eq!(actual, expected, "RF109\n{}", src);

    // Requirements: each diagnostic is about the requirement its primary span covers.
    for d in diags.iter().filter(|d| d.rule.code() >= "RF200") {
        prop_assert!(
            req_at.iter().any(|(at, t)| d.span.start as usize == *at && text(&src, d.span) == t),
            "{} is not about a whole requirement: {:?}\n{}",
            d.rule.code(),
            text(&src, d.span),
            src
        );
    }
    for (req, (at, _)) in chart.reqs.iter().zip(&req_at) {
        let about: Vec<&Diagnostic> =
            diags.iter().filter(|d| d.rule.code() >= "RF200" && d.span.start as usize == *at).collect();
        let codes: Vec<&str> = sorted(about.iter().map(|d| d.rule.code()).collect());
        match req {
            Req::Before { first, target, unless } => {
                check_before(&src, chart, &about, &codes, *first, *target, unless)?
            }
            Req::Within { hours, from, to } => {
                check_within(&src, chart, &about, &codes, *hours, *from, *to)?;
            }
        }
    }
    Ok(())
}

fn check_before(
    src: &str,
    chart: &Chart,
    about: &[&Diagnostic],
    codes: &[&str],
    first: usize,
    target: usize,
    unless: &[usize],
) -> Result<(), TestCaseError> {
    let n = chart.stages.len();
    let pairs: Vec<(usize, usize)> = chart.edges.iter().map(|e| (e.from, e.to)).collect();
    let starts: Vec<usize> = (0..n).filter(|&i| chart.stages[i].kind == Kind::Start).collect();
    let allowed: Vec<bool> = (0..n).map(|i| i != first && !unless.contains(&i)).collect();
    let star_without = reflexive(&closure(n, &pairs, &allowed), &allowed);
    let violated = allowed[target] && starts.iter().any(|&s| star_without[s][target]);
    let dist = distances(n, &pairs, &starts, &allowed);
    prop_assert_eq!(dist[target].is_some(), violated, "reference disagrees\n{}", src);
    let star = reflexive(&closure(n, &pairs, &vec![true; n]), &vec![true; n]);
    let vacuous = !violated && !star[first][target];
    let mut expected = Vec::new();
    if violated {
        expected.push("RF201");
    }
    if vacuous {
        expected.push("RF204");
    }
    prop_assert_eq!(codes, &expected[..], "require before\n{}", src);
    if let Some(d) = about.iter().find(|d| d.rule.code() == "RF201") {
        // A path of more than eight stages shows its start, `… (N stages) …`, and its last seven.
        let (head, tail) = match d.message.split_once(" → … (") {
            Some((head, rest)) => {
                let (count, tail) = rest.split_once(" stages) …").unwrap();
                (format!("{head} → {tail}"), Some(count.parse::<usize>().unwrap()))
            }
            None => (d.message.clone(), None),
        };
        let path = message_path(&head);
        let left_out = tail.unwrap_or(0);
        prop_assert!(left_out == 0 || path.len() == 8, "shown: {}\n{}", d.message, src);
        prop_assert!(starts.contains(&path[0]), "path not from a start: {}\n{}", d.message, src);
        prop_assert_eq!(*path.last().unwrap(), target, "path end: {}\n{}", d.message, src);
        prop_assert!(path.iter().all(|s| allowed[*s]), "path passes a guard: {}\n{}", d.message, src);
        let edges = path.windows(2).enumerate().filter(|(i, _)| left_out == 0 || *i > 0);
        prop_assert!(edges.clone().all(|(_, w)| pairs.contains(&(w[0], w[1]))), "not a path: {}\n{}", d.message, src);
        prop_assert_eq!(Some(path.len() + left_out - 1), dist[target], "not a shortest path: {}\n{}", &d.message, src);
        let labelled: Vec<usize> = d.related.iter().map(|r| stage_index(text(src, r.span))).collect();
        prop_assert_eq!(labelled, path, "labels of the path\n{}", src);
    }
    Ok(())
}

fn check_within(
    src: &str,
    chart: &Chart,
    about: &[&Diagnostic],
    codes: &[&str],
    hours: u64,
    from: usize,
    to: usize,
) -> Result<(), TestCaseError> {
    if from == to {
        prop_assert!(codes.is_empty(), "require within A to A\n{}", src);
        return Ok(());
    }
    let n = chart.stages.len();
    let all = vec![true; n];
    // Paths end at their first arrival at B: drop the edges out of B.
    let pairs: Vec<(usize, usize)> = chart.edges.iter().filter(|e| e.from != to).map(|e| (e.from, e.to)).collect();
    let star = reflexive(&closure(n, &pairs, &all), &all);
    if !star[from][to] {
        prop_assert_eq!(codes, &["RF204"][..], "require within (vacuous)\n{}", src);
        return Ok(());
    }
    let on_path: Vec<bool> = (0..n).map(|p| star[from][p] && star[p][to]).collect();
    let plus_on_path = closure(n, &pairs, &on_path);
    let looped = (0..n).any(|p| on_path[p] && plus_on_path[p][p]);
    let unlimited =
        (0..n).any(|p| on_path[p] && p != to && chart.stages[p].kind.timed() && chart.stages[p].within.is_none());
    if looped || unlimited {
        prop_assert_eq!(codes, &["RF203"][..], "require within (unbounded)\n{}", src);
        return Ok(());
    }
    let cost = |s: usize| {
        let stage = &chart.stages[s];
        if stage.kind.timed() { stage.within.unwrap() * 60 } else { 0 }
    };
    let sum = |path: &[usize]| -> u64 { path[..path.len() - 1].iter().map(|s| cost(*s)).sum() };
    let mut worst = 0;
    let mut count = 0;
    simple_paths(&pairs, to, &mut vec![from], &mut |path| {
        worst = worst.max(sum(path));
        count += 1;
    });
    prop_assert!(count > 0, "reference found no path\n{}", src);
    if worst <= hours * 60 {
        prop_assert!(codes.is_empty(), "require within (holds)\n{}", src);
        return Ok(());
    }
    prop_assert_eq!(codes, &["RF202"][..], "require within (exceeded)\n{}", src);
    let d = about[0];
    let said = format!("can take {} in the worst case", readable(worst));
    prop_assert!(d.message.contains(&said), "`{}` does not say `{}`\n{}", d.message, said, src);
    let path = message_path(&d.message);
    prop_assert_eq!(path[0], from, "path start: {}\n{}", &d.message, src);
    prop_assert_eq!(*path.last().unwrap(), to, "path end: {}\n{}", &d.message, src);
    prop_assert!(path.windows(2).all(|w| pairs.contains(&(w[0], w[1]))), "not a path: {}\n{}", d.message, src);
    prop_assert_eq!(sum(&path), worst, "not a worst path: {}\n{}", &d.message, src);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn flow_rules_match_a_brute_force_reference(chart in chart()) {
        check_chart(&chart)?;
    }
}

#[test]
fn minutes_read_like_the_tool_writes_them() {
    assert_eq!(readable(30 * 60), "1d 6h");
    assert_eq!(readable(24 * 60), "1d");
    assert_eq!(readable(5 * 60), "5h");
    assert_eq!(readable(45), "45min");
}
