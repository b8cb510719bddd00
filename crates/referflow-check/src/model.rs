//! The checked chart: ids resolved to indices, texts gathered per language, everything in
//! source order. Backends read this, never the syntax tree.

use std::borrow::Cow;

pub use referflow_syntax::Number;
use referflow_syntax::{Span, StageKind};

use crate::duration::Minutes;

macro_rules! index {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}
index!(StageId, ActorId, PhaseId);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model<'s> {
    pub title: Option<Texts<'s>>,
    pub version: Option<Texts<'s>>,
    /// The declared languages; the first is the language of every plain label. Never empty:
    /// a file without `languages` is in English.
    pub languages: Vec<&'s str>,
    pub actors: Vec<Actor<'s>>,
    pub phases: Vec<Phase<'s>>,
    pub stages: Vec<Stage<'s>>,
    pub edges: Vec<Edge<'s>>,
    pub requirements: Vec<Requirement<'s>>,
    /// Whether each requirement holds, in `requirements` order, by the rules RF201–RF204
    /// whatever their levels; empty when errors kept the flow rules from running.
    pub verdicts: Vec<crate::Verdict>,
    /// How the stages are numbered: the `numbering` and `retired` statements.
    pub numbering: Numbering<'s>,
    /// Words a label is never broken inside (`glossary`), in source order.
    pub glossary: Vec<Cow<'s, str>>,
    /// The person's leaflet: the `leaflet`, `hotline` and `right` lines.
    pub leaflet: Leaflet<'s>,
}

/// The `leaflet`, `hotline` and `right` lines of a chart: what the leaflet for the person being
/// referred says besides the stages' `public` texts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Leaflet<'s> {
    /// The heading of `leaflet "…"`; a chart without that line declares no leaflet.
    pub heading: Option<Texts<'s>>,
    /// Where the `leaflet` line is.
    pub span: Option<Span>,
    /// The `hotline` lines, in source order.
    pub hotlines: Vec<Texts<'s>>,
    /// The `right` lines, in source order.
    pub rights: Vec<Texts<'s>>,
}

/// The `numbering` and `retired` statements of a chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Numbering<'s> {
    /// `numbering required`: where the word `required` is.
    pub required: Option<Span>,
    /// `numbering last N`: the highest number ever given.
    pub last: Option<Number>,
    /// The `numbering` statement, if there is one.
    pub span: Option<Span>,
    /// The retired numbers, in source order.
    pub retired: Vec<RetiredNumber<'s>>,
}

/// A number that a removed stage had, with the stage's text when the chart records it.
#[derive(Debug, Clone, PartialEq)]
pub struct RetiredNumber<'s> {
    pub number: Number,
    pub text: Option<Cow<'s, str>>,
}

impl Numbering<'_> {
    /// The highest number in use or ever given: the next number given is the one after it.
    pub fn highest(&self, stages: &[Stage<'_>]) -> u32 {
        let used = stages.iter().filter_map(|s| s.number).map(|n| n.value);
        let retired = self.retired.iter().map(|r| r.number.value);
        used.chain(retired).chain(self.last.map(|l| l.value)).max().unwrap_or(0)
    }

    /// Whether `number` is retired: given once to a stage that is no longer there.
    pub fn is_retired(&self, number: u32) -> bool {
        self.retired.iter().any(|r| r.number.value == number)
    }
}

impl<'s> Model<'s> {
    pub fn stage(&self, id: StageId) -> &Stage<'s> {
        &self.stages[id.index()]
    }

    pub fn actor(&self, id: ActorId) -> &Actor<'s> {
        &self.actors[id.index()]
    }

    pub fn phase(&self, id: PhaseId) -> &Phase<'s> {
        &self.phases[id.index()]
    }

    /// Whether any stage carries a number written in the chart. A chart without any is
    /// numbered in reading order by the documents.
    pub fn is_numbered(&self) -> bool {
        self.stages.iter().any(|s| s.number.is_some())
    }
}

/// One text in each declared language: `values[i]` is in `languages[i]`, `None` where the
/// translation is missing. The span is that of the text in the first language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Texts<'s> {
    pub values: Box<[Option<Cow<'s, str>>]>,
    pub span: Span,
    /// What each translation was made from (`th "…" from "…"`), by language like `values`;
    /// empty when no translation says.
    pub made_from: Box<[Option<MadeFrom<'s>>]>,
}

/// The text of the first language a translation was made from, as the chart records it.
#[derive(Debug, Clone, PartialEq)]
pub struct MadeFrom<'s> {
    pub text: Cow<'s, str>,
    /// The span of that text, quotes included.
    pub span: Span,
}

impl<'s> Texts<'s> {
    /// The text in language `lang` (an index into `languages`), falling back to the first.
    pub fn get(&self, lang: usize) -> &str {
        self.values
            .get(lang)
            .and_then(|v| v.as_deref())
            .or_else(|| self.values.first().and_then(|v| v.as_deref()))
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor<'s> {
    pub id: &'s str,
    pub id_span: Span,
    pub name: Texts<'s>,
    pub notes: Vec<Texts<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase<'s> {
    pub id: &'s str,
    pub id_span: Span,
    pub name: Texts<'s>,
    /// Its stages, in source order.
    pub stages: Vec<StageId>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage<'s> {
    pub id: &'s str,
    pub id_span: Span,
    pub kind: StageKind,
    /// The public number written in the chart (`step 14 screen "…"`), which people cite.
    pub number: Option<Number>,
    pub label: Texts<'s>,
    /// The first owner is the lead and decides the swimlane.
    pub owners: Box<[ActorId]>,
    pub phase: Option<PhaseId>,
    pub within: Option<Limit<'s>>,
    // Boxed slices rather than vectors: a million stages hold three each, mostly empty.
    pub notes: Box<[Texts<'s>]>,
    pub refs: Box<[Texts<'s>]>,
    /// `public "…"`: what the person's leaflet says about this stage, in plain words.
    pub public: Option<Box<Texts<'s>>>,
    pub span: Span,
}

impl Stage<'_> {
    /// Whether the stage is a decision that asks for the person's consent: its id or its label,
    /// in any language, has one of [`CONSENT_WORDS`] (Latin letters in any case). The leaflet
    /// must say where the person may say no (RF113), and marks these stages so.
    pub fn asks_consent(&self) -> bool {
        self.kind == StageKind::Decision
            && (says_consent(self.id) || self.label.values.iter().flatten().any(|text| says_consent(text)))
    }
}

/// The words that make a decision one of consent ([`Stage::asks_consent`]): English stems and
/// the Thai words for consent and for doing something of one's own will.
pub const CONSENT_WORDS: [&str; 5] = ["consent", "agree", "willing", "ยินยอม", "สมัครใจ"];

fn says_consent(text: &str) -> bool {
    let lower = text.to_lowercase();
    CONSENT_WORDS.iter().any(|word| lower.contains(word))
}

/// A duration as written and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit<'s> {
    pub text: &'s str,
    pub minutes: Minutes,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge<'s> {
    pub from: StageId,
    pub to: StageId,
    pub label: Option<Label<'s>>,
    /// The text of the edge: `a -> b` in a chain, the target in a `->` list, the branch line.
    pub span: Span,
}

/// A branch label. `yes` and `no` are translated by the tool.
#[derive(Debug, Clone, PartialEq)]
pub enum Label<'s> {
    Yes,
    No,
    /// Boxed: most branches are `yes` or `no`, and an edge is then 32 bytes instead of 48.
    Text(Box<Texts<'s>>),
}

impl Label<'_> {
    /// The label in language `lang` (a code such as `th`); `yes`/`no` are translated where the
    /// tool knows the language.
    pub fn text<'a>(&'a self, lang_index: usize, lang: &str) -> Cow<'a, str> {
        match self {
            Label::Yes => Cow::Borrowed(crate::words::yes(lang)),
            Label::No => Cow::Borrowed(crate::words::no(lang)),
            Label::Text(texts) => Cow::Borrowed(texts.get(lang_index)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Requirement<'s> {
    /// `require first before target [unless …]`
    Before { first: StageId, target: StageId, unless: Vec<StageId>, span: Span },
    /// `require within limit from from to to`
    Within { limit: Limit<'s>, from: StageId, to: StageId, span: Span },
}

impl Requirement<'_> {
    pub fn span(&self) -> Span {
        match self {
            Requirement::Before { span, .. } | Requirement::Within { span, .. } => *span,
        }
    }
}

/// Something for each stage, in one list: stage `i`'s are `items[start[i]..start[i + 1]]`, in
/// the order given: the edges leaving or entering each stage, for instance. (A vector per
/// stage is millions of allocations on a large chart.)
#[derive(Debug, Clone)]
pub struct ByStage<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> ByStage<T> {
    /// `items` are (stage, item) pairs; `filler` only takes room until it is overwritten.
    pub fn new(n: usize, items: impl Iterator<Item = (StageId, T)> + Clone, filler: T) -> Self {
        let mut start = vec![0u32; n + 1];
        for (stage, _) in items.clone() {
            start[stage.index() + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut slots = vec![filler; start[n] as usize];
        for (stage, item) in items {
            slots[fill[stage.index()] as usize] = item;
            fill[stage.index()] += 1;
        }
        ByStage { start, items: slots }
    }

    pub fn of(&self, stage: StageId) -> &[T] {
        &self.items[self.start[stage.index()] as usize..self.start[stage.index() + 1] as usize]
    }
}
