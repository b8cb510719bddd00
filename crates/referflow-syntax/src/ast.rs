//! The typed syntax tree. Every node carries the byte span of its text in the source file;
//! spans compare equal to each other, so trees can be compared without positions.

use std::borrow::Cow;
use std::fmt;

/// A byte range in the source file. Offsets are `u32`: files are limited to 4 GiB.
///
/// Spans take no part in equality (`==` on two spans is always true), so that two trees or
/// models built from differently laid-out text compare equal. Compare `start`/`end` directly
/// where a position matters.
#[derive(Clone, Copy, Default, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: to_u32(start), end: to_u32(end) }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span holding both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A parsed file: its statements in source order, its comments, and what went wrong.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File<'s> {
    pub statements: Vec<Statement<'s>>,
    /// Every comment, in source order; the span runs from `#` to the end of the line.
    pub comments: Vec<Span>,
    /// Syntax errors (RF001), in source order.
    pub errors: Vec<SyntaxError>,
    /// Where the text begins (an empty span): after a byte order mark, if there is one. What
    /// is about the file as a whole (a chart with no `start`) is placed here, never on the
    /// mark. (A span, so that it takes no part in equality.)
    pub start: Span,
}

/// A syntax error: where, what was expected in words, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// A short text for the label under the span.
    pub label: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident<'s> {
    pub name: &'s str,
    pub span: Span,
}

/// A quoted string with its escapes resolved; the span includes the quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'s> {
    pub value: Cow<'s, str>,
    pub span: Span,
}

/// A language code such as `en`, `th` or `pt-BR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang<'s> {
    pub code: &'s str,
    pub span: Span,
}

/// `LANG "TEXT" [from "SOURCE"]`: a text in another language, and the text of the first
/// language it was translated from, when that is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation<'s> {
    pub lang: Lang<'s>,
    pub text: Text<'s>,
    pub from: Option<Text<'s>>,
}

/// A duration as written (`24h`, `5wd`); its number and unit are checked by the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration<'s> {
    pub text: &'s str,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement<'s> {
    Title(Title<'s>),
    Version(Version<'s>),
    Languages(Languages<'s>),
    Actor(Actor<'s>),
    Phase(Phase<'s>),
    Stage(Stage<'s>),
    Edge(EdgeChain<'s>),
    Require(Require<'s>),
    /// `include "agencies.flow"`: the statements of another file, read in its place by the
    /// program that reads the files (the checker does no I/O and leaves it alone).
    Include(Include<'s>),
    /// `numbering required last 38`: how the chart's stages are numbered.
    Numbering(Numbering),
    /// `retired 14 "…", 20`: numbers of removed stages, never given again.
    Retired(Retired<'s>),
    /// `glossary "ผู้เสียหาย", "ส่งต่อ"`: words a label is never broken inside.
    Glossary(Glossary<'s>),
    /// `leaflet "…"`, `leaflet hotline "…"` or `leaflet right "…"`: a line of the person's
    /// leaflet.
    Leaflet(LeafletLine<'s>),
    /// A statement that did not parse; see [`Broken`].
    Broken(Broken<'s>),
}

/// A step number as written: the number people cite (`step 14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub value: u32,
    pub span: Span,
}

/// `numbering [required] [last N]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    /// The word `required`: every stage must carry a number.
    pub required: Option<Span>,
    /// The highest number ever given, which no stage may be given again once removed.
    pub last: Option<Number>,
    pub span: Span,
}

/// `retired N ["TEXT"], …`.
#[derive(Debug, Clone, PartialEq)]
pub struct Retired<'s> {
    pub numbers: Vec<RetiredNumber<'s>>,
    pub span: Span,
}

/// `glossary "TEXT", …`.
#[derive(Debug, Clone, PartialEq)]
pub struct Glossary<'s> {
    pub words: Vec<Text<'s>>,
    pub span: Span,
}

/// Which line of the person's leaflet a [`LeafletLine`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeafletPart {
    /// `leaflet "HEADING"`: declares the leaflet, with its heading.
    Leaflet,
    /// `leaflet hotline "TEXT"`: a number to call, and when.
    Hotline,
    /// `leaflet right "TEXT"`: one of the person's rights.
    Right,
}

impl LeafletPart {
    /// The line's words before its text: `leaflet`, `leaflet hotline`, `leaflet right`.
    pub fn words(self) -> &'static str {
        match self {
            LeafletPart::Leaflet => "leaflet",
            LeafletPart::Hotline => "leaflet hotline",
            LeafletPart::Right => "leaflet right",
        }
    }
}

/// `leaflet [hotline|right] "TEXT" [LANG "TEXT"]...`.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafletLine<'s> {
    pub part: LeafletPart,
    pub text: Text<'s>,
    pub translations: Vec<Translation<'s>>,
    pub span: Span,
}

/// One retired number, with the text its stage had when it is known.
#[derive(Debug, Clone, PartialEq)]
pub struct RetiredNumber<'s> {
    pub number: Number,
    pub text: Option<Text<'s>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Title<'s> {
    pub text: Text<'s>,
    pub translations: Vec<Translation<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version<'s> {
    pub text: Text<'s>,
    pub translations: Vec<Translation<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Include<'s> {
    /// The path, relative to the folder of the file that includes.
    pub path: Text<'s>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Languages<'s> {
    /// The codes meant, in order: as written, or read from a name (`Thai`), an upper-case code
    /// (`EN`) or a list with commas.
    pub langs: Vec<Lang<'s>>,
    /// What was wrong with the line as written, and the line as it should be (RF013).
    pub mistake: Option<LanguagesMistake>,
    pub span: Span,
}

/// A `languages` line written wrongly, read all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguagesMistake {
    /// What is wrong, in words.
    pub problem: String,
    /// The line as it should be written: `languages en th`.
    pub fix: String,
    /// The words after `languages`, where the mistake is.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor<'s> {
    pub id: Ident<'s>,
    pub name: Text<'s>,
    pub items: Vec<ActorItem<'s>>,
    /// From `{` to `}`, when the actor has a block.
    pub block: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActorItem<'s> {
    Translation(Translation<'s>),
    Note(Note<'s>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase<'s> {
    pub id: Ident<'s>,
    pub name: Text<'s>,
    pub items: Vec<PhaseItem<'s>>,
    /// From `{` to `}`.
    pub block: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PhaseItem<'s> {
    Translation(Translation<'s>),
    Stage(Stage<'s>),
    Edge(EdgeChain<'s>),
    Broken(Broken<'s>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StageKind {
    Start,
    Step,
    Decision,
    End,
}

impl StageKind {
    pub fn keyword(self) -> &'static str {
        match self {
            StageKind::Start => "start",
            StageKind::Step => "step",
            StageKind::Decision => "decision",
            StageKind::End => "end",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage<'s> {
    pub kind: StageKind,
    /// The public number, written between the kind and the id: `step 14 screen "…"`.
    pub number: Option<Number>,
    pub id: Ident<'s>,
    pub label: Text<'s>,
    /// Inline `by`/`within` first, then the block's items, in source order.
    pub items: Vec<StageItem<'s>>,
    /// From `{` to `}`, when the stage has a block.
    pub block: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StageItem<'s> {
    By(By<'s>),
    Within(Within<'s>),
    Translation(Translation<'s>),
    Note(Note<'s>),
    /// `ref "TEXT" [LANG "TEXT"]...`: the legal basis, with its translations (a [`Note`] in
    /// shape).
    Ref(Note<'s>),
    /// `public "TEXT" [LANG "TEXT"]...`: what the person's leaflet says about the stage, in
    /// plain words (a [`Note`] in shape).
    Public(Note<'s>),
    /// `-> a, b`: unlabelled edges to each target.
    Next(Next<'s>),
    /// `BRANCH -> target`.
    Branch(Branch<'s>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct By<'s> {
    pub actors: Vec<Ident<'s>>,
    /// Written on the stage's own line rather than in its block.
    pub inline: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Within<'s> {
    pub duration: Duration<'s>,
    pub inline: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note<'s> {
    pub text: Text<'s>,
    pub translations: Vec<Translation<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Next<'s> {
    pub targets: Vec<Ident<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Branch<'s> {
    pub label: BranchLabel<'s>,
    pub target: Ident<'s>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BranchLabel<'s> {
    Yes(Span),
    No(Span),
    Text { text: Text<'s>, translations: Vec<Translation<'s>> },
}

impl BranchLabel<'_> {
    pub fn span(&self) -> Span {
        match self {
            BranchLabel::Yes(span) | BranchLabel::No(span) => *span,
            BranchLabel::Text { text, translations } => {
                translations.last().map_or(text.span, |t| text.span.to(t.text.span))
            }
        }
    }
}

/// `a -> b -> c [: BRANCH]`: one edge per arrow; the label, if any, applies to every edge.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeChain<'s> {
    pub stages: Vec<Ident<'s>>,
    pub label: Option<BranchLabel<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Require<'s> {
    /// `require A before B [unless C, D]`
    Before { first: Ident<'s>, target: Ident<'s>, unless: Vec<Ident<'s>>, span: Span },
    /// `require within D from A to B`
    Within { limit: Duration<'s>, from: Ident<'s>, to: Ident<'s>, span: Span },
}

impl Require<'_> {
    pub fn span(&self) -> Span {
        match self {
            Require::Before { span, .. } | Require::Within { span, .. } => *span,
        }
    }
}

/// A statement that did not parse. Where its first words still say what it defines
/// (`step screen ...`), they are kept, so that references to it do not turn into a cascade of
/// "unknown id" errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken<'s> {
    pub defines: Option<(DefinitionKind, Ident<'s>)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefinitionKind {
    Actor,
    Phase,
    Stage(StageKind),
}
