//! Graphviz DOT: one swimlane (cluster) per lead actor, a shape per kind of stage, a colour
//! and a number per phase, time limits and co-owners in small print, and a legend.
//! docs/dot.md describes the drawing.
//!
//! Everything the author wrote reaches Graphviz inside HTML-like labels (`label=<…>`), with
//! every character that means something there written as an entity and backslashes doubled,
//! so no label can close a string, start a tag or use Graphviz's `\N`-style escapes. Node and
//! cluster names are synthetic (`s3`, `cluster_a1`): a user id may be a DOT keyword (`graph`,
//! `node`) or hold a `-`. The user's id reaches the SVG only through the `id` attribute.

use std::borrow::Cow;
use std::fmt::{self, Write};
use std::sync::OnceLock;

use referflow_check::{Stage, StageId};
use referflow_syntax::StageKind;

use crate::chart::{Chart, Direction, RenderOptions};
use crate::i18n::{self, Catalogue, Durations};
use crate::out::Out;
use crate::wrap::{Glossary, wrap};

/// Columns for a stage label: about four words of English, a short Thai clause.
const LABEL_WIDTH: usize = 26;
/// A diamond is widest at its middle line, so a narrower text block keeps it compact.
const DECISION_WIDTH: usize = 22;
/// The small print under a label (other owners) is set smaller, so more fits on a line.
const CAPTION_WIDTH: usize = 32;
const LANE_WIDTH: usize = 32;
const EDGE_WIDTH: usize = 20;
const TITLE_WIDTH: usize = 70;
const LEGEND_WIDTH: usize = 30;

/// How text is set: the font and the point sizes, for Latin or for Thai text.
#[derive(Debug, Clone, Copy)]
struct Typeface {
    /// A fontconfig/pango family list (for PNG and PDF) that is also a CSS font-family list:
    /// Graphviz copies it into the SVG.
    font: &'static str,
    /// A stage's label, its small print, the phase mark in the small print.
    label: u32,
    small: u32,
    mark: u32,
    /// A lane's name, a branch label, the chart's title and version.
    lane: u32,
    edge: u32,
    title: u32,
    version: u32,
    /// The distance between lines in percent of the point size, where Graphviz's own (1.1
    /// times the size, whatever the font) is too tight.
    leading: Option<u32>,
}

/// Helvetica resolves to Liberation Sans through fontconfig and to Helvetica or Arial in a
/// browser: the same metrics, so the text fits the boxes Graphviz measured for it.
const LATIN: Typeface = Typeface {
    font: "Helvetica,Arial,sans-serif",
    label: 12,
    small: 10,
    mark: 12,
    lane: 12,
    edge: 10,
    title: 20,
    version: 12,
    leading: None,
};

/// Laksaman is the TLWG version of TH Sarabun, the Thai government's standard font; Garuda
/// and Loma are the other TLWG fonts; the rest are what viewers of the SVG elsewhere have.
/// `TH Sarabun New` is left out on purpose: fontconfig maps that name to a smaller rendering
/// of Laksaman, so Graphviz would measure labels at one size and draw them at another.
///
/// Thai glyphs are small for their point size (Thai documents set TH Sarabun at 16 points
/// beside 12-point English), hence the larger sizes. Vowels and tone marks stack above and
/// below the line, and at Graphviz's line height the marks of one line touch the next.
const THAI: Typeface = Typeface {
    font: "Laksaman,Garuda,Loma,Noto Sans Thai,Leelawadee UI,Thonburi,Tahoma,sans-serif",
    label: 14,
    small: 12,
    mark: 13,
    lane: 14,
    edge: 12,
    title: 22,
    version: 14,
    leading: Some(140),
};

const INK: &str = "#404040";
const SMALL_INK: &str = "#595959";
const LANE_FILL: &str = "#F5F5F5";
const LANE_BORDER: &str = "#BDBDBD";
/// Pale fills for phases, in order; dark text reads on all of them, and the phase number in
/// each stage says the same thing for readers who cannot tell the colours apart.
const PHASE_FILLS: [&str; 8] = ["#CFE2F3", "#D9EAD3", "#FFF2CC", "#F4CCCC", "#D9D2E9", "#FCE5CD", "#D0E0E3", "#EAD1DC"];
const NO_PHASE_FILL: &str = "#FFFFFF";

/// The words the diagram itself writes, from the language's catalogue ([`crate::i18n`]).
#[derive(Debug)]
struct Words {
    chart: String,
    legend: String,
    start: String,
    step: String,
    decision: String,
    end: String,
    limit: String,
    also: String,
    unowned: String,
    added: String,
    changed: String,
    removed: String,
}

fn words(catalogue: &'static Catalogue) -> &'static Words {
    static WORDS: [OnceLock<Words>; i18n::COUNT] = [const { OnceLock::new() }; i18n::COUNT];
    i18n::cached(&WORDS, catalogue, |c| Words {
        chart: c.text("untitled"),
        legend: c.text("dot-legend"),
        start: c.text("dot-start"),
        step: c.text("dot-step"),
        decision: c.text("dot-decision"),
        end: c.text("dot-end"),
        limit: c.text("dot-limit"),
        also: c.text("dot-also"),
        unowned: c.text("dot-unowned"),
        added: c.text("dot-added"),
        changed: c.text("dot-changed"),
        removed: c.text("dot-removed"),
    })
}

fn is_thai(lang: &str) -> bool {
    lang.split('-').next() == Some("th")
}

/// The chart as a Graphviz `digraph`, in the language and direction of `options`.
pub fn render_dot(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    Dot::new(chart, options, None).into_string()
}

/// [`render_dot`] straight into `sink`, a megabyte at a time.
pub fn write_dot(chart: &Chart<'_, '_>, options: &RenderOptions, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = Out::to(sink);
    let _ = Dot::new(chart, options, None).write(&mut out); // the writer's errors are kept by `out`
    out.finish()
}

/// The new chart of a revision with its changes highlighted: added stages and edges in
/// green, changed ones in amber, removed ones as red dashed ghosts, and a key for the colours.
pub fn render_dot_with_marks(chart: &Chart<'_, '_>, options: &RenderOptions, marks: &Marks) -> String {
    Dot::new(chart, options, Some(marks)).into_string()
}

/// Whether the drawing is in Thai or shows any Thai text: then it needs a font with Thai
/// glyphs. The Latin fonts have none, and the fallback fontconfig would pick may not be the
/// one the text was measured with.
fn shows_thai(chart: &Chart<'_, '_>, options: &RenderOptions) -> bool {
    let model = chart.model;
    let thai = |text: &str| text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c));
    let text = |texts| thai(chart.text(texts, options));
    is_thai(chart.lang(options))
        || model.title.as_ref().is_some_and(text)
        || model.version.as_ref().is_some_and(text)
        || model.actors.iter().any(|a| text(&a.name))
        || model.phases.iter().any(|p| text(&p.name))
        || model.stages.iter().any(|s| text(&s.label))
        || model.edges.iter().filter_map(|e| e.label.as_ref()).any(|l| thai(&chart.label(l, options)))
}

struct Dot<'c, 'a, 's> {
    chart: &'c Chart<'a, 's>,
    options: &'c RenderOptions,
    words: &'static Words,
    /// Every time limit of the chart in words, formatted once.
    durations: Durations<'s>,
    ty: Typeface,
    /// What a revision changed, for `referflow diff --format dot|svg`.
    marks: Option<&'c Marks>,
    /// The words no line breaks inside.
    glossary: Glossary<'a>,
}

/// How a stage or edge of the new chart compares with the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Added,
    Changed,
}

/// A revision's changes laid over the new chart: marks on its stages and edges (by index), and
/// what the old chart had that is gone, drawn as ghosts.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub stages: Vec<Option<Mark>>,
    pub edges: Vec<Option<Mark>>,
    /// Removed stages: id, kind and label (in the chosen language).
    pub removed_stages: Vec<(String, StageKind, String)>,
    /// Removed edges: from and to, each a stage of the new chart or a removed stage (by id).
    pub removed_edges: Vec<(Endpoint, Endpoint, Option<String>)>,
}

/// One end of a removed edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Stage(StageId),
    Removed(usize),
}

const ADDED: &str = "#1A7F37";
const CHANGED: &str = "#BF8700";
const REMOVED: &str = "#CF222E";
/// The outline of a stage marked by `render --since`: thick and dashed, unlike the thin dashed
/// outline of a stage no agency owns.
const SINCE_PENWIDTH: &str = "3";

impl<'c, 'a, 's> Dot<'c, 'a, 's> {
    fn new(chart: &'c Chart<'a, 's>, options: &'c RenderOptions, marks: Option<&'c Marks>) -> Self {
        let (catalogue, _) = Catalogue::for_lang(chart.lang(options));
        Dot {
            chart,
            options,
            words: words(catalogue),
            durations: Durations::of_model(catalogue, chart.model),
            ty: if shows_thai(chart, options) { THAI } else { LATIN },
            marks,
            glossary: Glossary::of(chart.model),
        }
    }

    /// The whole drawing as a string.
    fn into_string(self) -> String {
        let mut out = Out::string(crate::chart::output_capacity(self.chart, 512));
        let _ = self.write(&mut out); // writing into a string cannot fail
        out.into_string()
    }

    fn write(&self, out: &mut Out<'_>) -> fmt::Result {
        self.write_header(out)?;
        self.write_lanes(out)?;
        self.write_edges(out)?;
        self.write_removed(out)?;
        self.write_legend(out)?;
        writeln!(out, "}}")
    }

    fn write_header(&self, out: &mut Out<'_>) -> fmt::Result {
        let (chart, options, ty) = (self.chart, self.options, &self.ty);
        let model = chart.model;
        let title = model.title.as_ref().map(|t| chart.text(t, options)).filter(|t| !html_name(t).trim().is_empty());
        // The graph's name becomes the SVG's <title>. An HTML-like string keeps it exact: in a
        // quoted name Graphviz can neither show a backslash before a quote or at the end, nor
        // keep `&amp;` as written (it takes it for an entity and prints `&`).
        writeln!(out, "digraph <{}> {{", html_name(title.unwrap_or(&self.words.chart)))?;
        let rankdir = match options.direction {
            Direction::TopBottom => "TB",
            Direction::LeftRight => "LR",
        };
        writeln!(
            out,
            "  graph [rankdir={rankdir}, newrank=true, bgcolor=\"white\", pad=0.3, nodesep=0.3, ranksep=0.45];"
        )?;
        // Clusters inherit the root's label attributes, so the lane defaults are set here.
        writeln!(
            out,
            "  graph [fontname=\"{}\", fontsize={}, fontcolor=\"{INK}\", labelloc=t, labeljust=c];",
            ty.font, ty.lane
        )?;
        let mut heading = Block::default();
        if let Some(title) = title {
            heading.text(&self.glossary, title, TITLE_WIDTH, ty.title, |line| sized(ty.title, None, &bold(&line)));
        }
        if let Some(version) = &model.version {
            heading.text(&self.glossary, self.chart.text(version, self.options), TITLE_WIDTH, ty.version, |line| {
                sized(ty.version, Some(SMALL_INK), &line)
            });
        }
        if !heading.is_empty() {
            // A blank line under the heading keeps it off the first lane.
            heading.row(" ".to_owned(), ty.version);
            writeln!(out, "  graph [label={}];", HtmlLabel(&heading.html(ty)))?;
        }
        writeln!(
            out,
            "  node [fontname=\"{}\", fontsize={}, fontcolor=\"black\", color=\"{INK}\", penwidth=1.2, \
             style=filled, fillcolor=\"{NO_PHASE_FILL}\", margin=\"0.15,0.07\"];",
            ty.font, ty.label
        )?;
        writeln!(
            out,
            "  edge [fontname=\"{}\", fontsize={}, fontcolor=\"{SMALL_INK}\", color=\"{INK}\", arrowsize=0.7];",
            ty.font, ty.edge
        )
    }

    /// One lane per actor that leads a stage, in actor source order, holding the stages it
    /// leads in source order; then the stages nobody leads, outside every lane.
    fn write_lanes(&self, out: &mut Out<'_>) -> fmt::Result {
        let model = self.chart.model;
        // Stage indices by lead actor (the last slot: no lead), in one pass.
        let mut led: Vec<Vec<usize>> = vec![Vec::new(); model.actors.len() + 1];
        for (s, stage) in model.stages.iter().enumerate() {
            led[stage.owners.first().map_or(model.actors.len(), |a| a.index())].push(s);
        }
        let unowned = led.pop().unwrap_or_default();
        for ((a, actor), led) in model.actors.iter().enumerate().zip(led) {
            if led.is_empty() {
                continue;
            }
            let mut name = Block::flush_left();
            name.text(&self.glossary, self.chart.text(&actor.name, self.options), LANE_WIDTH, self.ty.lane, |line| {
                bold(&line)
            });
            writeln!(out)?;
            writeln!(out, "  subgraph cluster_a{a} {{")?;
            writeln!(
                out,
                "    graph [id=\"lane-{id}\", tooltip=\"{id}\", label={}, labeljust=l, style=\"rounded,filled\", \
                 fillcolor=\"{LANE_FILL}\", color=\"{LANE_BORDER}\", margin=12];",
                HtmlLabel(&name.html(&self.ty)),
                id = quoted(actor.id),
            )?;
            crate::out::write_each(out, &led, |out, s| {
                let _ = self.write_stage(out, "    ", *s); // an `Out` never fails
            });
            writeln!(out, "  }}")?;
        }
        // RF108 warns about these.
        if !unowned.is_empty() {
            writeln!(out)?;
            crate::out::write_each(out, &unowned, |out, s| {
                let _ = self.write_stage(out, "  ", *s);
            });
        }
        Ok(())
    }

    fn write_stage(&self, out: &mut Out<'_>, indent: &str, index: usize) -> fmt::Result {
        let ty = &self.ty;
        let stage = self.chart.model.stage(StageId(index as u32));
        let (shape, style) = shape(stage.kind);
        let since = crate::since::mark(self.chart, StageId(index as u32));
        let style: Cow<'_, str> =
            if stage.owners.is_empty() || since.is_some() { format!("{style},dashed").into() } else { style.into() };
        let width = if stage.kind == StageKind::Decision { DECISION_WIDTH } else { LABEL_WIDTH };
        let mut label = Block::default();
        if let Some(since) = since {
            self.since_tag(&mut label, since);
        }
        // The number the chart writes, as the laid-out diagram shows it; a chart without numbers
        // of its own is drawn as before, without the reading-order numbers (crate::numbers).
        let text = self.chart.text(&stage.label, self.options);
        let text: Cow<'_, str> = match stage.number {
            Some(n) => format!("{} · {}", n.value, text.trim()).into(),
            None => text.into(),
        };
        label.text(&self.glossary, &text, width, ty.label, |line| line);
        self.caption(stage, &mut label);
        let fill = stage.phase.map_or(NO_PHASE_FILL, |p| PHASE_FILLS[p.index() % PHASE_FILLS.len()]);
        let mark: Cow<'_, str> = match self.marks.and_then(|m| m.stages.get(index).copied().flatten()) {
            Some(Mark::Added) => format!(", color=\"{ADDED}\", penwidth=3.5").into(),
            Some(Mark::Changed) => format!(", color=\"{CHANGED}\", penwidth=3.5").into(),
            None if since.is_some() => format!(", penwidth={SINCE_PENWIDTH}").into(),
            None => "".into(),
        };
        writeln!(
            out,
            "{indent}s{index} [id=\"stage-{id}\", tooltip=\"{id}\", {shape}, style=\"{style}\", fillcolor=\"{fill}\"{mark}, \
             label={}];",
            HtmlLabel(&label.html(ty)),
            id = quoted(stage.id),
        )
    }

    /// The word of a stage marked new or changed since a revision (`render --since`), bold
    /// above its label: with the thick dashed outline, a mark that needs no colour.
    fn since_tag(&self, label: &mut Block, mark: crate::since::Mark) {
        let tag = crate::since::tag(self.chart.lang(self.options), mark);
        label.row(sized(self.ty.small, None, &bold(&html_line(tag))), self.ty.small);
    }

    /// The legend's samples of the marks of `render --since`: a box drawn as a marked stage is,
    /// with what the mark means.
    fn write_since_legend(&self, out: &mut Out<'_>, samples: &mut Vec<String>) -> fmt::Result {
        let Some(changes) = self.chart.since else { return Ok(()) };
        let lang = self.chart.lang(self.options);
        for (name, mark) in [("legend_new", crate::since::Mark::New), ("legend_changed", crate::since::Mark::Changed)] {
            if !changes.shows(mark) {
                continue;
            }
            let text = crate::since::legend_text(changes, lang, mark);
            let mut label = Block::default();
            self.since_tag(&mut label, mark);
            label.text(&self.glossary, &text, LEGEND_WIDTH, self.ty.small, |line| line);
            let (shape, style) = shape(StageKind::Step);
            writeln!(
                out,
                "    {name} [tooltip=\"{}\", {shape}, style=\"{style},dashed\", penwidth={SINCE_PENWIDTH}, label={}];",
                quoted(crate::since::tag(lang, mark)),
                HtmlLabel(&label.html(&self.ty))
            )?;
            samples.push(name.to_owned());
        }
        Ok(())
    }

    /// The small print of a stage: its phase mark and time limit, then the owners after the
    /// lead.
    fn caption(&self, stage: &Stage<'_>, label: &mut Block) {
        let ty = &self.ty;
        let mut first = String::new();
        if let Some(phase) = stage.phase {
            first.push_str(&sized(ty.mark, None, &phase_mark(phase.index())));
        }
        if let Some(limit) = &stage.within {
            let gap = if first.is_empty() { "" } else { "&#160;&#160;" };
            let _ = write!(first, "{gap}{}", html_line(&self.durations.within(limit.text)));
        }
        if !first.is_empty() {
            let size = if stage.phase.is_some() { ty.mark } else { ty.small };
            label.row(sized(ty.small, Some(SMALL_INK), &first), size);
        }
        for owner in stage.owners.iter().skip(1) {
            let name = self.chart.text(&self.chart.model.actor(*owner).name, self.options);
            let mut lines = wrap(name, CAPTION_WIDTH, &self.glossary).into_iter();
            let first = lines.next().unwrap_or_default();
            label.row(sized(ty.small, Some(SMALL_INK), &format!("+ {}", html_line(&first))), ty.small);
            for line in lines {
                label.row(sized(ty.small, Some(SMALL_INK), &html_line(&line)), ty.small);
            }
        }
    }

    fn write_edges(&self, out: &mut Out<'_>) -> fmt::Result {
        writeln!(out)?;
        let indices: Vec<usize> = (0..self.chart.model.edges.len()).collect();
        crate::out::write_each(out, &indices, |out, e| {
            let _ = self.write_edge(out, *e); // an `Out` never fails
        });
        Ok(())
    }

    fn write_edge(&self, out: &mut Out<'_>, e: usize) -> fmt::Result {
        let model = self.chart.model;
        let edge = &model.edges[e];
        let (from, to) = (model.stage(edge.from), model.stage(edge.to));
        write!(
            out,
            "  s{} -> s{} [tooltip=\"{} → {}\"",
            edge.from.index(),
            edge.to.index(),
            quoted(from.id),
            quoted(to.id)
        )?;
        let mut label = Block::default();
        if let Some(text) = &edge.label {
            label.text(&self.glossary, &self.chart.label(text, self.options), EDGE_WIDTH, self.ty.edge, |line| line);
        }
        let label = label.html(&self.ty);
        if !label.is_empty() {
            write!(out, ", label=<{label}>")?;
        }
        match self.marks.and_then(|m| m.edges.get(e).copied().flatten()) {
            Some(Mark::Added) => write!(out, ", color=\"{ADDED}\", fontcolor=\"{ADDED}\", penwidth=2.5")?,
            Some(Mark::Changed) => write!(out, ", color=\"{CHANGED}\", fontcolor=\"{CHANGED}\", penwidth=2.5")?,
            None => {}
        }
        writeln!(out, "];")
    }

    /// What the revision removed: ghost stages and the edges that are gone, in red, dashed.
    fn write_removed(&self, out: &mut Out<'_>) -> fmt::Result {
        let Some(marks) = self.marks else { return Ok(()) };
        let ty = &self.ty;
        for (i, (id, kind, text)) in marks.removed_stages.iter().enumerate() {
            let (shape, style) = shape(*kind);
            let mut label = Block::default();
            label.text(&self.glossary, text, LABEL_WIDTH, ty.label, |line| {
                sized(ty.label, Some(REMOVED), &format!("<S>{line}</S>"))
            });
            writeln!(
                out,
                "  removed{i} [id=\"removed-{id}\", tooltip=\"{id}\", {shape}, style=\"{style},dashed\", \
                 fillcolor=\"white\", color=\"{REMOVED}\", penwidth=2, label={}];",
                HtmlLabel(&label.html(ty)),
                id = quoted(id),
            )?;
        }
        let end = |e: &Endpoint| match e {
            Endpoint::Stage(s) => format!("s{}", s.index()),
            Endpoint::Removed(i) => format!("removed{i}"),
        };
        for (from, to, text) in &marks.removed_edges {
            write!(out, "  {} -> {} [style=dashed, color=\"{REMOVED}\", fontcolor=\"{REMOVED}\"", end(from), end(to))?;
            if let Some(text) = text {
                let mut label = Block::default();
                label.text(&self.glossary, text, EDGE_WIDTH, ty.edge, |line| format!("<S>{line}</S>"));
                write!(out, ", label=<{}>", label.html(ty))?;
            }
            writeln!(out, "];")?;
        }
        Ok(())
    }

    /// The key: a sample of each shape, the phases with their colours and marks, and the
    /// small print explained.
    fn write_legend(&self, out: &mut Out<'_>) -> fmt::Result {
        let (model, words, ty) = (self.chart.model, self.words, &self.ty);
        writeln!(out)?;
        writeln!(out, "  subgraph cluster_legend {{")?;
        let mut title = Block::flush_left();
        title.text(&self.glossary, &words.legend, LEGEND_WIDTH, ty.lane, |line| bold(&line));
        writeln!(
            out,
            "    graph [id=\"legend\", tooltip=\"{}\", label={}, labeljust=l, style=\"rounded\", \
             color=\"{LANE_BORDER}\", margin=10];",
            quoted(&words.legend),
            HtmlLabel(&title.html(ty))
        )?;
        writeln!(out, "    node [fontsize={}, margin=\"0.1,0.04\"];", ty.small)?;
        let mut samples = Vec::new();
        let mut sample = |name: &str, shape: &str, style: &str, word: &str| {
            let mut label = Block::default();
            label.text(&self.glossary, word, LEGEND_WIDTH, ty.small, |line| line);
            samples.push(name.to_owned());
            writeln!(
                out,
                "    {name} [tooltip=\"{}\", {shape}, style=\"{style}\", label={}];",
                quoted(word),
                HtmlLabel(&label.html(ty))
            )
        };
        for (kind, word) in [
            (StageKind::Start, &words.start),
            (StageKind::Step, &words.step),
            (StageKind::Decision, &words.decision),
            (StageKind::End, &words.end),
        ] {
            let (shape, style) = shape(kind);
            sample(&format!("legend_{}", kind.keyword()), shape, style, word)?;
        }
        if model.stages.iter().any(|s| s.owners.is_empty()) {
            let (shape, style) = shape(StageKind::Step);
            sample("legend_unowned", shape, &format!("{style},dashed"), &words.unowned)?;
        }
        self.write_since_legend(out, &mut samples)?;
        let mut rows = String::new();
        let mut row = |mark: &str, fill: Option<&str>, text: &str| {
            let mut block = Block::flush_left();
            block.text(&self.glossary, text, LEGEND_WIDTH, ty.small, |line| sized(ty.small, None, &line));
            let fill = fill.map(|f| format!(" BGCOLOR=\"{f}\" BORDER=\"1\" COLOR=\"{INK}\"")).unwrap_or_default();
            write!(rows, "<TR><TD{fill}>{mark}</TD><TD ALIGN=\"LEFT\">{}</TD></TR>", block.html(ty))
        };
        for (p, phase) in model.phases.iter().enumerate() {
            let mark = sized(ty.mark, None, &phase_mark(p));
            row(&mark, Some(PHASE_FILLS[p % PHASE_FILLS.len()]), self.chart.text(&phase.name, self.options))?;
        }
        // The chart's first time limit is the example.
        if let Some(limit) = model.stages.iter().find_map(|s| s.within) {
            let mark = sized(ty.small, Some(SMALL_INK), &html_line(&self.durations.within(limit.text)));
            row(&mark, None, &words.limit)?;
        }
        if model.stages.iter().any(|s| s.owners.len() > 1) {
            row(&sized(ty.small, Some(SMALL_INK), "+"), None, &words.also)?;
        }
        if self.marks.is_some() {
            for (colour, word) in [(ADDED, &words.added), (CHANGED, &words.changed), (REMOVED, &words.removed)] {
                row(&sized(ty.small, Some(colour), "■"), None, word)?;
            }
        }
        if !rows.is_empty() {
            writeln!(
                out,
                "    legend_key [tooltip=\"{}\", shape=plain, style=\"\", \
                 label=<<TABLE BORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"3\">{rows}</TABLE>>];",
                quoted(&words.legend)
            )?;
            samples.push("legend_key".to_owned());
        }
        // One row, in the order a chart is read: a legend taller than one rank would stretch
        // to the height of the chart's ranks beside it. Left to right, dot stacks a rank from
        // the bottom up, so the order is turned round to read from the top.
        writeln!(out, "    {{ rank=same; {} }}", samples.join("; "))?;
        if self.options.direction == Direction::LeftRight {
            samples.reverse();
        }
        writeln!(out, "    {} [style=invis];", samples.join(" -> "))?;
        writeln!(out, "  }}")
    }
}

/// The lines of a label, each with its point size, written out as HTML-like label text.
#[derive(Debug, Default)]
struct Block {
    rows: Vec<(String, u32)>,
    /// Lines flush left rather than centred.
    left: bool,
}

impl Block {
    fn flush_left() -> Self {
        Block { rows: Vec::new(), left: true }
    }

    /// Adds `text` wrapped at `width` (never inside a word of `glossary`), one row of `size`
    /// points per line, each line escaped and then dressed by `style`.
    /// Blank text adds nothing, so that a label without text is no label, not an empty line.
    fn text(&mut self, glossary: &Glossary<'_>, text: &str, width: usize, size: u32, style: impl Fn(String) -> String) {
        let lines: Vec<String> = wrap(text, width, glossary).into_iter().map(html_line_owned).collect();
        if lines.iter().all(|line| line.trim().is_empty()) {
            return;
        }
        for html in lines {
            // Graphviz rejects an empty element such as `<B></B>`.
            self.rows.push((if html.is_empty() { html } else { style(html) }, size));
        }
    }

    /// Adds one row of label text, already escaped.
    fn row(&mut self, html: String, size: u32) {
        self.rows.push((html, size));
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows separated by `<BR/>`; or, where the typeface asks for more room between lines,
    /// as the rows of a borderless table, each at least that high.
    fn html(&self, ty: &Typeface) -> String {
        let rows = self.rows.iter().map(|(html, _)| html.as_str());
        let Some(leading) = ty.leading.filter(|_| !self.rows.is_empty()) else {
            // A <BR/> aligns the line before it, so flush-left text ends with one too.
            return if self.left {
                rows.map(|html| format!("{html}<BR ALIGN=\"LEFT\"/>")).collect()
            } else {
                rows.collect::<Vec<_>>().join("<BR/>")
            };
        };
        let align = if self.left { " ALIGN=\"LEFT\"" } else { "" };
        let mut out = String::from("<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">");
        for (html, size) in &self.rows {
            let _ = write!(out, "<TR><TD HEIGHT=\"{}\"{align}>{html}</TD></TR>", (size * leading).div_ceil(100));
        }
        out.push_str("</TABLE>");
        out
    }
}

/// Shape and style for a kind of stage: an oval to enter, a rounded box to act, a diamond to
/// choose, a doubly framed rounded box to end (the frame reads as "nothing follows").
fn shape(kind: StageKind) -> (&'static str, &'static str) {
    match kind {
        StageKind::Start => ("shape=ellipse, penwidth=2", "filled"),
        StageKind::Step => ("shape=box", "rounded,filled"),
        StageKind::Decision => ("shape=diamond", "filled"),
        StageKind::End => ("shape=box, peripheries=2", "rounded,filled"),
    }
}

/// The mark of phase `index` (from 0): a number in a black circle, ❶ to ⓴, which reads at a
/// small size and cannot be mistaken for part of a label; `(21)` and on after that.
fn phase_mark(index: usize) -> String {
    let code = match index {
        0..=9 => 0x2776 + index,
        10..=19 => 0x24EB + index - 10,
        _ => return format!("({})", index + 1),
    };
    u32::try_from(code).ok().and_then(char::from_u32).map_or_else(|| format!("({})", index + 1), String::from)
}

fn bold(html: &str) -> String {
    format!("<B>{html}</B>")
}

/// `html` at `size` points, in `color` if given.
fn sized(size: u32, color: Option<&str>, html: &str) -> String {
    match color {
        Some(color) => format!("<FONT POINT-SIZE=\"{size}\" COLOR=\"{color}\">{html}</FONT>"),
        None => format!("<FONT POINT-SIZE=\"{size}\">{html}</FONT>"),
    }
}

/// Label text as an attribute value, written where it goes; Graphviz rejects the empty `<>`.
struct HtmlLabel<'h>(&'h str);

impl fmt::Display for HtmlLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("\"\"") } else { write!(f, "<{}>", self.0) }
    }
}

/// One line of user text for an HTML-like label, as text. The markup characters become
/// entities, and a backslash is doubled: Graphviz expands `\N`, `\G`, `\E`, `\T`, `\H` in
/// the text of HTML-like labels too, after decoding entities, and reads `\\` as one
/// backslash. Characters XML forbids (control characters, U+FFFE, U+FFFF) are dropped, and
/// so are the bidirectional embeddings, overrides and isolates, which could make a label
/// display other than it reads in the source (a label with U+202E shows its text backwards).
/// `]` becomes `&#93;`: Graphviz 2.43 refuses an element whose whole text is `]`.
fn html_line(text: &str) -> String {
    escape_html(text, true)
}

/// [`html_line`] of a line already in a `String`, which is kept when nothing in it changes
/// (most lines).
fn html_line_owned(line: String) -> String {
    if line.chars().any(|c| html_replacement(c, true).is_some()) { html_line(&line) } else { line }
}

/// User text for the graph's name, an HTML-like string that Graphviz copies as it is into the
/// SVG's <title>: escaped like a label, except that backslashes mean nothing there.
fn html_name(text: &str) -> String {
    escape_html(text, false)
}

pub(crate) fn escape_html(text: &str, in_label: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match html_replacement(c, in_label) {
            Some(replacement) => out.push_str(replacement),
            None => out.push(c),
        }
    }
    out
}

/// What [`escape_html`] writes for `c`, if not `c` itself (nothing, for a dropped character).
fn html_replacement(c: char, in_label: bool) -> Option<&'static str> {
    match c {
        '\\' if in_label => Some("\\\\"),
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        ']' => Some("&#93;"),
        '\t' | '\n' | '\r' => Some(" "),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFE}' | '\u{FFFF}' => Some(""),
        c if c.is_control() => Some(""),
        _ => None,
    }
}

/// Text for a quoted DOT string that Graphviz reads as an escString (`id`, `tooltip`):
/// backslashes and quotes escaped, control characters dropped. Only ids (which the grammar
/// limits to letters, digits, `_` and `-`) and the tool's own words go here: Graphviz 2.43
/// expands the escapes of a tooltip twice, so a backslash there cannot be written reliably,
/// and the labels the author wrote stay out of tooltips for that reason.
fn quoted(text: &str) -> Cow<'_, str> {
    // Most ids have nothing to escape.
    if !text.chars().any(|c| c == '\\' || c == '"' || c.is_control()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(html_line("<b>&amp;\"x\"</b>"), "&lt;b&gt;&amp;amp;&quot;x&quot;&lt;/b&gt;");
        assert_eq!(html_line("a\u{202E}b\u{202C}c\u{7}d\te"), "abcd e");
        assert_eq!(html_line("\\N \\l ]]>"), "\\\\N \\\\l &#93;&#93;&gt;");
        assert_eq!(html_name("\\N <x>"), "\\N &lt;x&gt;");
    }

    #[test]
    fn quoted_text_is_escaped() {
        assert_eq!(quoted(r#"a"b\c"#), r#"a\"b\\c"#);
    }

    #[test]
    fn empty_text_makes_no_empty_element() {
        let mut block = Block::default();
        block.text(&Glossary::built_in(), "\u{202E}", 10, 12, |line| bold(&line));
        assert_eq!(block.html(&LATIN), "");
        assert_eq!(HtmlLabel(&block.html(&LATIN)).to_string(), "\"\"");
    }

    #[test]
    fn thai_lines_are_table_rows() {
        let mut block = Block::default();
        block.text(&Glossary::built_in(), "คัดกรอง\nด้วย", 10, 14, |line| line);
        assert_eq!(
            block.html(&THAI),
            "<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\"><TR><TD HEIGHT=\"20\">คัดกรอง</TD></TR>\
             <TR><TD HEIGHT=\"20\">ด้วย</TD></TR></TABLE>"
        );
        assert_eq!(block.html(&LATIN), "คัดกรอง<BR/>ด้วย");
    }

    #[test]
    fn phase_marks() {
        assert_eq!(phase_mark(0), "❶");
        assert_eq!(phase_mark(9), "❿");
        assert_eq!(phase_mark(10), "⓫");
        assert_eq!(phase_mark(19), "⓴");
        assert_eq!(phase_mark(20), "(21)");
    }
}
