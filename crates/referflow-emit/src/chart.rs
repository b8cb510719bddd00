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
