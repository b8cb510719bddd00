//! What every chart backend shares: the checked chart, the options of a rendering, the texts in
//! the chosen language, the reading order of the stages and whether each requirement holds.

use std::borrow::Cow;

use referflow_check::{Diagnostic, Label, Model, Requirement, StageId, Texts};

/// Room for the text of a large output, reserved up front: growing a string of hundreds of
/// megabytes by doubling copies it over and over. Reserved memory that is never written is
/// never touched, so a generous estimate costs nothing.
pub(crate) fn output_capacity(chart: &Chart<'_, '_>, bytes_per_stage: usize) -> usize {
    (chart.model.stages.len() + chart.model.edges.len()).saturating_mul(bytes_per_stage).saturating_add(1 << 12)
}

/// A chart that checked without errors, with its diagnostics (warnings; the verdicts on its
/// requirements are in the model).
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a, 's> {
    pub model: &'a Model<'s>,
    pub diagnostics: &'a [Diagnostic],
    /// The stages added or changed since an earlier revision, to mark (`render --since`).
    pub since: Option<&'a crate::since::Changes>,
}

impl<'a, 's> Chart<'a, 's> {
    /// A chart with nothing marked as changed since an earlier revision.
    pub fn new(model: &'a Model<'s>, diagnostics: &'a [Diagnostic]) -> Self {
        Chart { model, diagnostics, since: None }
    }
}

/// Top to bottom or left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    TopBottom,
    LeftRight,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Index into `model.languages` of the language to render in.
    pub lang: usize,
    pub direction: Direction,
    /// The Markdown narrative embeds a Mermaid diagram unless this is false.
    pub diagram: bool,
}

/// Whether a requirement holds: the checker's verdict.
pub use referflow_check::Verdict as RequirementStatus;

impl<'a, 's> Chart<'a, 's> {
    /// The code of the language rendered in.
    pub fn lang(&self, options: &RenderOptions) -> &'s str {
        self.model.languages.get(options.lang).or(self.model.languages.first()).copied().unwrap_or("en")
    }

    /// A text in the chosen language, falling back to the first language.
    pub fn text<'t>(&self, texts: &'t Texts<'s>, options: &RenderOptions) -> &'t str {
        texts.get(options.lang)
    }

    /// A branch label in the chosen language (`yes`/`no` translated).
    pub fn label<'t>(&self, label: &'t Label<'s>, options: &RenderOptions) -> Cow<'t, str> {
        label.text(options.lang, self.lang(options))
    }

    /// Stages in reading order: from each start in source order, depth first, following edges
    /// in source order; stages no start reaches come last, in source order.
    pub fn reading_order(&self) -> Vec<StageId> {
        let n = self.model.stages.len();
        let mut out_edges: Vec<Vec<StageId>> = vec![Vec::new(); n];
        for edge in &self.model.edges {
            out_edges[edge.from.index()].push(edge.to);
        }
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        let starts =
            (0..n as u32).map(StageId).filter(|s| self.model.stage(*s).kind == referflow_syntax::StageKind::Start);
        for start in starts.chain((0..n as u32).map(StageId)) {
            if seen[start.index()] {
                continue;
            }
            seen[start.index()] = true;
            let mut stack = vec![start];
            while let Some(s) = stack.pop() {
                order.push(s);
                for t in out_edges[s.index()].iter().rev() {
                    if !seen[t.index()] {
                        seen[t.index()] = true;
                        stack.push(*t);
                    }
                }
            }
        }
        order
    }

    /// Stages in the order a case meets them: each stage after every stage with an edge to it,
    /// except the edges that close a loop (found by the same walk as [`Chart::reading_order`]);
    /// among stages free to come next, the first in reading order. Reading order goes deep
    /// into one branch before the next, so a stage two branches join can come before a stage
    /// that leads to it; this order never does that. The person's leaflet lists its stages so.
    pub fn case_order(&self) -> Vec<StageId> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;

        let n = self.model.stages.len();
        let reading = self.reading_order();
        let mut position = vec![0; n];
        for (k, s) in reading.iter().enumerate() {
            position[s.index()] = k;
        }
        let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (e, edge) in self.model.edges.iter().enumerate() {
            out_edges[edge.from.index()].push(e);
        }
        // Depth first from each stage in reading order: an edge to a stage still on the walk
        // closes a loop.
        const NEW: u8 = 0;
        const ON_WALK: u8 = 1;
        let mut state = vec![NEW; n];
        let mut closes_loop = vec![false; self.model.edges.len()];
        for root in &reading {
            if state[root.index()] != NEW {
                continue;
            }
            state[root.index()] = ON_WALK;
            let mut walk = vec![(root.index(), 0)];
            while let Some((s, next)) = walk.last_mut() {
                let s = *s;
                if let Some(&e) = out_edges[s].get(*next) {
                    *next += 1;
                    let t = self.model.edges[e].to.index();
                    match state[t] {
                        NEW => {
                            state[t] = ON_WALK;
                            walk.push((t, 0));
                        }
                        ON_WALK => closes_loop[e] = true,
                        _ => {}
                    }
                } else {
                    state[s] = 2;
                    walk.pop();
                }
            }
        }
        let mut waiting = vec![0usize; n];
        for (e, edge) in self.model.edges.iter().enumerate() {
            if !closes_loop[e] {
                waiting[edge.to.index()] += 1;
            }
        }
        let mut free: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&s| waiting[s] == 0).map(|s| Reverse(position[s])).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(k)) = free.pop() {
            let s = reading[k];
            order.push(s);
            for &e in &out_edges[s.index()] {
                let t = self.model.edges[e].to.index();
                if !closes_loop[e] {
                    waiting[t] -= 1;
                    if waiting[t] == 0 {
                        free.push(Reverse(position[t]));
                    }
                }
            }
        }
        order
    }

    /// The verdict on requirement `index` (into `model.requirements`), as the checker recorded
    /// it whatever the levels of RF201–RF204.
    pub fn requirement_status(&self, index: usize) -> RequirementStatus {
        self.model.verdicts.get(index).cloned().unwrap_or(RequirementStatus::Holds)
    }

    /// A requirement in words, in the chart's ids: `screen before shelter unless child`.
    pub fn requirement_text(&self, requirement: &Requirement<'s>) -> String {
        let id = |s: &StageId| self.model.stage(*s).id;
        match requirement {
            Requirement::Before { first, target, unless, .. } => {
                let mut text = format!("{} before {}", id(first), id(target));
                if !unless.is_empty() {
                    text.push_str(" unless ");
                    text.push_str(&unless.iter().map(id).collect::<Vec<_>>().join(", "));
                }
                text
            }
            Requirement::Within { limit, from, to, .. } => {
                format!("within {} from {} to {}", limit.text, id(from), id(to))
            }
        }
    }
}

/// Why the chart in the file named `name` is not published: it has errors. The words of
/// `render`, `build` and the playground alike.
pub fn has_errors(name: &str) -> String {
    format!("{name}: the chart has errors; fix them before publishing")
}

/// The index of language `code` among the chart's `languages` (the first for none), or why
/// there is none: the words of `render --lang` and of the playground.
pub fn language_index(name: &str, languages: &[&str], code: Option<&str>) -> Result<usize, String> {
    let Some(code) = code else { return Ok(0) };
    languages
        .iter()
        .position(|l| *l == code)
        .ok_or_else(|| format!("{name}: `{code}` is not a declared language (declared: {})", languages.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::Chart;

    fn ids(src: &str, order: impl Fn(&Chart<'_, '_>) -> Vec<referflow_check::StageId>) -> Vec<String> {
        let file = referflow_syntax::parse(src);
        let checked = referflow_check::check(&file);
        let chart = Chart::new(&checked.model, &checked.diagnostics);
        order(&chart).into_iter().map(|s| checked.model.stage(s).id.to_owned()).collect()
    }

    /// Two branches join at `j`: reading order reaches it down the first branch, before `b` and
    /// `c`, which lead to it too; the case's order puts it after both. The loop back from `j`
    /// to `d` does not hold `d` back.
    #[test]
    fn the_case_order_puts_a_stage_after_every_stage_that_leads_to_it() {
        let src = "actor x \"X\"\nstart s \"S\" by x\ndecision d \"D\" by x { yes -> a; no -> b }\nstep a \"A\" by x\n\
                   step b \"B\" by x\nstep c \"C\" by x\nstep j \"J\" by x\nend e \"E\" by x\n\
                   s -> d\na -> j\nb -> c -> j\nj -> d\nj -> e\n";
        assert_eq!(ids(src, |c| c.reading_order()), ["s", "d", "a", "j", "e", "b", "c"]);
        assert_eq!(ids(src, |c| c.case_order()), ["s", "d", "a", "b", "c", "j", "e"]);
    }
}
