//! The Markdown narrative: the chart in words, for people who never read the source. A public
//! hearing reads it on GitHub, or inside the HTML page (which renders it with pulldown-cmark).
//!
//! # The document
//!
//! A title, the version, a short introduction and a table of contents; the entry points; a
//! table of the agencies with the steps each leads or takes part in; then one section per
//! phase (in source order) with every stage as a numbered step: its type in words, who is
//! responsible (the lead first), the time limit, the legal basis, the notes, the steps it comes
//! after and the steps that come next, each a link. Stages outside any phase get a section of
//! their own after the phases ("Other steps"; the entry points are listed, with links, near
//! the top whatever their section); a chart without phases has a single "Steps" section. Then the outcomes, the requirements with their verdicts,
//! and the Mermaid diagram unless [`RenderOptions::diagram`] is false.
//!
//! Inside a section the steps follow [`Chart::reading_order`], and every stage appears exactly
//! once. A chart without numbers of its own has its steps numbered 1, 2, 3 … down the document,
//! without restarting, so a number names one step everywhere. A chart that writes its numbers
//! (`step 14 screen "…"`) is cited by those ([`crate::numbers::step_numbers`]): they stay the
//! same from one revision to the next, so down the document they may be out of order (a step
//! added later, 38, between 2 and 3) and the introduction says so; the table of contents lists
//! each section's numbers as runs (`steps 2–3, 38`), never a `first–last` that would misstate
//! them. A stage without a number in such a chart is shown by its label alone.
//!
//! The words the document writes itself come from the chosen language's message catalogue
//! ([`crate::i18n`]; English for a language without one), time limits in words ("within 5
//! working days"); user text is shown in the chosen language, falling back to the first.
//!
//! # Anchors
//!
//! Links never point at the slugs a renderer makes from heading text (GitHub, pulldown-cmark
//! and others each make different ones, and user text would decide them). Each target carries
//! an explicit `<a id="…"></a>` whose id the tool makes in ASCII, never from user text:
//! `step-N` for step N (a stage without a number: [`crate::numbers::Anchor`]), `phase-N` for
//! the N-th phase of the source, and the fixed ids `entry-points`, `actors`, `other-steps` (or
//! `steps` without phases), `outcomes`, `requirements`, `diagram`. The HTML page puts the
//! language before the ids of every language but the first (`th-step-14`), to keep them
//! unique on a page that holds several.
//!
//! # Escaping
//!
//! All user text (titles, labels, names, notes, references, branch labels, ids, the version,
//! diagnostic messages) goes through [`escape`] before it is written, and is only ever written
//! *inside* a line the tool started (after `### `, `- **Note:** `, `| ` …), never at the start
//! of one. The scheme, which holds for CommonMark and GitHub Flavored Markdown:
//!
//! - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`: no raw HTML, no `<http://…>` autolink, no
//!   entity the author did not mean (`&amp;` in a label shows as `&amp;`), no `>` quote.
//! - A backslash goes before every ASCII punctuation character that Markdown or GitHub could
//!   read as syntax: `\` `` ` `` `*` `_` `[` `]` `!` `#` `|` `~` `$` `@`. So no emphasis, code,
//!   link, image, footnote, strikethrough, table cell, math (`$…$`), mention, issue reference
//!   or e-mail autolink can start in user text. CommonMark allows a backslash before any ASCII
//!   punctuation and shows the character itself.
//! - `:` gets a backslash when something other than white space follows it (`http\://`,
//!   `\:smile:`), and the `.` of `www.` gets one, so GitHub's bare-URL autolinks and emoji
//!   shortcodes cannot start either. A colon before a space (`Note: …`) is left alone.
//! - Spaces and tabs at either end of a text are dropped: they show as nothing, and after a
//!   list marker they would nest a list or open an indented code block.
//! - A text that starts with a block marker (`-`, `+`, `=`, `1.`, `1)`) gets a backslash before
//!   it, since the tool writes some texts right after a list marker (`  - `).
//! - A line break in user text (`\n`, `\r\n`, `\r`, U+2028, U+2029, U+0085) never becomes a
//!   line break of the Markdown source: it becomes `<br>` (in table cells and paragraphs) or a
//!   space (in headings and link texts, which must stay on one line). So user text can never
//!   start a line, a heading, a list item, a quote, a table row or a code block.
//! - Other control characters become U+FFFD (the replacement character), a tab a space.
//! - Directional embeddings, overrides and isolates the text leaves open (U+202A–U+202E,
//!   U+2066–U+2068) are closed at its end, so a right-to-left override in a label cannot
//!   reverse what the tool writes after it.
//!
//! Diagnostic messages quote ids between backticks; those become code spans (ids cannot hold a
//! backtick), the rest of the message is escaped as above.
//!
//! The Mermaid diagram is embedded in a fence of backticks longer than any run of backticks
//! in it, so nothing inside can close the fence.
//!
//! The output depends on nothing but the chart and the options: byte-for-byte deterministic.

use std::fmt::Write as _;
use std::sync::OnceLock;

use referflow_check::{ByStage, Label, Requirement, Rule, StageId};
use referflow_syntax::StageKind;

use crate::chart::{Chart, RenderOptions, RequirementStatus};
use crate::i18n::{self, Catalogue, Durations};
use crate::numbers::Anchor;
use crate::out::Out;

/// The narrative of `chart` in the language of `options`.
pub fn render_markdown(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    let mut out = Out::string(crate::chart::output_capacity(chart, 512));
    Narrative::new(chart, options).render(&mut out);
    out.into_string()
}

/// [`render_markdown`] straight into `sink`, a megabyte at a time.
pub fn write_markdown(
    chart: &Chart<'_, '_>,
    options: &RenderOptions,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = Out::to(sink);
    Narrative::new(chart, options).render(&mut out);
    out.finish()
}

/// The words the document writes itself, in one language, from its catalogue
/// ([`crate::i18n`]): built once per catalogue, so writing a step formats no message.
pub(crate) struct Words {
    pub(crate) untitled: String,
    version: String,
    intro: String,
    /// The introduction of a chart that writes its own step numbers.
    intro_numbered: String,
    contents: String,
    entry_points: String,
    entry_points_intro: String,
    actors: String,
    actor_column: String,
    leads_column: String,
    takes_part_column: String,
    note_column: String,
    /// `Phase` in `Phase 2: …`.
    phase: String,
    pub(crate) other_steps: String,
    all_steps: String,
    empty_phase: String,
    /// `Step` in `Step 3: …`.
    pub(crate) step: String,
    /// `step` in `step 3` inside a sentence.
    pub(crate) step_in_text: String,
    /// `steps` in `(steps 1–5)`; `step` for one.
    pub(crate) steps_range: String,
    pub(crate) step_range: String,
    kind: String,
    /// Entry point, action, decision, outcome.
    kinds: [String; 4],
    pub(crate) responsible: String,
    lead: String,
    unassigned: String,
    time_limit: String,
    legal_basis: String,
    note: String,
    comes_after: String,
    /// Put before a branch label: Thai says `กรณีใช่` ("in the case of yes").
    case: String,
    next: String,
    ends_here: String,
    no_next: String,
    unreachable: String,
    outcomes: String,
    outcomes_intro: String,
    requirements: String,
    requirements_intro: String,
    holds: String,
    violated: String,
    unproven: String,
    vacuous: String,
    /// Joins the items of a list before the last.
    list_separator: String,
    pub(crate) diagram: String,
}

impl Words {
    fn new(c: &Catalogue) -> Words {
        Words {
            untitled: c.text("untitled"),
            version: c.text("narrative-version"),
            intro: c.text("narrative-intro"),
            intro_numbered: c.text("narrative-intro-numbered"),
            contents: c.text("narrative-contents"),
            entry_points: c.text("narrative-entry-points"),
            entry_points_intro: c.text("narrative-entry-points-intro"),
            actors: c.text("narrative-actors"),
            actor_column: c.text("narrative-actor-column"),
            leads_column: c.text("narrative-leads-column"),
            takes_part_column: c.text("narrative-takes-part-column"),
            note_column: c.text("narrative-note-column"),
            phase: c.text("narrative-phase"),
            other_steps: c.text("other-steps"),
            all_steps: c.text("narrative-all-steps"),
            empty_phase: c.text("narrative-empty-phase"),
            step: c.text("step"),
            step_in_text: c.text("step-in-text"),
            steps_range: c.text("steps-range"),
            step_range: c.text("step-range"),
            kind: c.text("narrative-kind"),
            kinds: ["start", "step", "decision", "end"].map(|k| c.text(&format!("narrative-kind-{k}"))),
            responsible: c.text("narrative-responsible"),
            lead: c.text("narrative-lead"),
            unassigned: c.text("narrative-unassigned"),
            time_limit: c.text("narrative-time-limit"),
            legal_basis: c.text("narrative-legal-basis"),
            note: c.text("narrative-note"),
            comes_after: c.text("narrative-comes-after"),
            case: c.text("narrative-case"),
            next: c.text("narrative-next"),
            ends_here: c.text("narrative-ends-here"),
            no_next: c.text("narrative-no-next"),
            unreachable: c.text("narrative-unreachable"),
            outcomes: c.text("narrative-outcomes"),
            outcomes_intro: c.text("narrative-outcomes-intro"),
            requirements: c.text("narrative-requirements"),
            requirements_intro: c.text("narrative-requirements-intro"),
            holds: c.text("narrative-holds"),
            violated: c.text("narrative-violated"),
            unproven: c.text("narrative-unproven"),
            vacuous: c.text("narrative-vacuous"),
            list_separator: c.text("narrative-list-separator"),
            diagram: c.text("diagram"),
        }
    }
}

/// The words of language `lang`'s catalogue (English for a language without one).
pub(crate) fn words_for(lang: &str) -> &'static Words {
    static WORDS: [OnceLock<Words>; i18n::COUNT] = [const { OnceLock::new() }; i18n::COUNT];
    i18n::cached(&WORDS, Catalogue::for_lang(lang).0, Words::new)
}

/// A piece of the steps part of the narrative: a section's heading, or one step.
enum Part<'n> {
    Heading(&'n Section),
    Step(StageId),
}

/// A group of steps under one `##` heading.
struct Section {
    kind: SectionKind,
    stages: Vec<StageId>,
}

enum SectionKind {
    /// A phase, by its index in the source.
    Phase(usize),
    /// The stages outside any phase, in a chart with phases.
    Other,
    /// Every stage, in a chart without phases.
    All,
}

impl SectionKind {
    fn anchor(&self) -> String {
        match self {
            SectionKind::Phase(i) => format!("phase-{}", i + 1),
            SectionKind::Other => "other-steps".to_string(),
            SectionKind::All => "steps".to_string(),
        }
    }
}

/// One edge as a step shows it: the other end and the branch label.
#[derive(Clone, Copy)]
struct Link<'m, 's> {
    stage: StageId,
    label: Option<&'m Label<'s>>,
}

struct Narrative<'c, 'a, 's> {
    chart: &'c Chart<'a, 's>,
    options: &'c RenderOptions,
    words: &'static Words,
    catalogue: &'static Catalogue,
    /// Every time limit of the chart in words, formatted once.
    durations: Durations<'s>,
    sections: Vec<Section>,
    /// The number each stage is cited by (by stage index): [`crate::numbers::step_numbers`].
    numbers: Vec<Option<u32>>,
    /// The stages in document order.
    in_order: Vec<StageId>,
    outgoing: ByStage<Link<'a, 's>>,
    incoming: ByStage<Link<'a, 's>>,
    reachable: Vec<bool>,
}

impl<'c, 'a, 's> Narrative<'c, 'a, 's> {
    fn new(chart: &'c Chart<'a, 's>, options: &'c RenderOptions) -> Self {
        let model = chart.model;
        let n = model.stages.len();
        let (sections, reading) = numbered_sections(chart);
        let numbers = crate::numbers::shown(chart, &reading);
        let in_order: Vec<StageId> = sections.iter().flat_map(|s| s.stages.iter().copied()).collect();

        // A repeated edge (RF107) says nothing new to a reader: only the first of each counts.
        let edges = &model.edges;
        let by_from = ByStage::new(n, edges.iter().enumerate().map(|(e, edge)| (edge.from, e)), 0);
        // Compared pairwise among a stage's few edges; through a set for a stage with many.
        let mut keep = vec![false; edges.len()];
        let mut seen = std::collections::HashSet::new();
        for from in (0..n as u32).map(StageId) {
            let group = by_from.of(from);
            if group.len() <= 8 {
                for (i, &e) in group.iter().enumerate() {
                    let same = |f: &usize| edges[*f].to == edges[e].to && edges[*f].label == edges[e].label;
                    keep[e] = !group[..i].iter().any(same);
                }
                continue;
            }
            seen.clear();
            for &e in group {
                let label = edges[e].label.as_ref().map(|l| match l {
                    Label::Yes => Err(true),
                    Label::No => Err(false),
                    Label::Text(texts) => Ok(&texts.values),
                });
                keep[e] = seen.insert((edges[e].to, label));
            }
        }
        let kept = || edges.iter().zip(&keep).filter(|(_, keep)| **keep).map(|(edge, _)| edge);
        let none = Link { stage: StageId(0), label: None };
        let outgoing = ByStage::new(n, kept().map(|e| (e.from, Link { stage: e.to, label: e.label.as_ref() })), none);
        let incoming = ByStage::new(n, kept().map(|e| (e.to, Link { stage: e.from, label: e.label.as_ref() })), none);

        let mut reachable = vec![false; n];
        let mut stack: Vec<StageId> = model
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == StageKind::Start)
            .map(|(i, _)| stage_id(i))
            .collect();
        for s in &stack {
            reachable[s.index()] = true;
        }
        while let Some(s) = stack.pop() {
            for link in outgoing.of(s) {
                if !reachable[link.stage.index()] {
                    reachable[link.stage.index()] = true;
                    stack.push(link.stage);
                }
            }
        }

        let (catalogue, _) = Catalogue::for_lang(chart.lang(options));
        let words = words_for(catalogue.code());
        let durations = Durations::of_model(catalogue, model);
        Narrative {
            chart,
            options,
            words,
            catalogue,
            durations,
            sections,
            numbers,
            in_order,
            outgoing,
            incoming,
            reachable,
        }
    }

    fn render(&self, out: &mut Out<'_>) {
        self.header(out);
        self.contents(out);
        self.entry_points(out);
        self.actors(out);
        // The sections' headings and steps as one list, written on two threads in runs that
        // cross sections (a large chart has a thousand sections of a thousand steps).
        let parts: Vec<Part<'_>> = self
            .sections
            .iter()
            .flat_map(|section| {
                std::iter::once(Part::Heading(section)).chain(section.stages.iter().map(|s| Part::Step(*s)))
            })
            .collect();
        crate::out::write_each(out, &parts, |out, part| match part {
            Part::Heading(section) => self.section_heading(out, section),
            Part::Step(stage) => self.step(out, *stage),
        });
        self.outcomes(out);
        self.requirements(out);
        if self.options.diagram {
            self.diagram(out);
        }
    }

    fn header(&self, out: &mut Out<'_>) {
        let model = self.chart.model;
        let title = match &model.title {
            Some(title) => escape(self.chart.text(title, self.options), Breaks::Space),
            None => self.words.untitled.to_string(),
        };
        let _ = write!(out, "# {title}\n\n");
        if let Some(version) = &model.version {
            let version = self.chart.text(version, self.options);
            let _ = write!(out, "**{}:** {}\n\n", self.words.version, escape(version, Breaks::Html));
        }
        out.push_str(if model.is_numbered() { &self.words.intro_numbered } else { &self.words.intro });
        out.push_str("\n\n");
        out.push_str(&crate::since::narrative_note(self.chart, self.chart.lang(self.options), |v| {
            escape(v, Breaks::Space)
        }));
    }

    fn contents(&self, out: &mut Out<'_>) {
        let w = self.words;
        let _ = write!(out, "## {}\n\n", w.contents);
        if self.has_entry_points() {
            let _ = writeln!(out, "- [{}](#entry-points)", w.entry_points);
        }
        if !self.chart.model.actors.is_empty() {
            let _ = writeln!(out, "- [{}](#actors)", w.actors);
        }
        for section in &self.sections {
            let mut line = format!("- [{}](#{})", self.section_title(section, Breaks::Space), section.kind.anchor());
            let numbers: Vec<u32> = section.stages.iter().filter_map(|s| self.numbers[s.index()]).collect();
            match &numbers[..] {
                // "Steps (steps 1–6)" says nothing.
                _ if matches!(section.kind, SectionKind::All) => {}
                [] => {}
                [one] => line.push_str(&format!(" ({} {one})", w.step_range)),
                many => line.push_str(&format!(" ({} {})", w.steps_range, crate::numbers::runs(many.iter().copied()))),
            }
            out.push_str(&line);
            out.push('\n');
        }
        if self.has_outcomes() {
            let _ = writeln!(out, "- [{}](#outcomes)", w.outcomes);
        }
        if !self.chart.model.requirements.is_empty() {
            let _ = writeln!(out, "- [{}](#requirements)", w.requirements);
        }
        if self.options.diagram {
            let _ = writeln!(out, "- [{}](#diagram)", w.diagram);
        }
        out.push('\n');
    }

    fn has_entry_points(&self) -> bool {
        self.chart.model.stages.iter().any(|s| s.kind == StageKind::Start)
    }

    fn has_outcomes(&self) -> bool {
        self.chart.model.stages.iter().any(|s| s.kind == StageKind::End)
    }

    fn entry_points(&self, out: &mut Out<'_>) {
        if !self.has_entry_points() {
            return;
        }
        let _ = write!(
            out,
            "## <a id=\"entry-points\"></a>{}\n\n{}\n\n",
            self.words.entry_points, self.words.entry_points_intro
        );
        for stage in self.of_kind(StageKind::Start) {
            let _ = writeln!(out, "- {}", self.step_link(stage));
        }
        out.push('\n');
    }

    fn of_kind(&self, kind: StageKind) -> impl Iterator<Item = StageId> + '_ {
        self.in_order.iter().copied().filter(move |s| self.chart.model.stage(*s).kind == kind)
    }

    fn actors(&self, out: &mut Out<'_>) {
        let model = self.chart.model;
        if model.actors.is_empty() {
            return;
        }
        let w = self.words;
        let with_notes = model.actors.iter().any(|a| !a.notes.is_empty());
        let _ = write!(out, "## <a id=\"actors\"></a>{}\n\n", w.actors);
        let _ = write!(out, "| {} | {} | {} |", w.actor_column, w.leads_column, w.takes_part_column);
        if with_notes {
            let _ = write!(out, " {} |\n| --- | --- | --- | --- |\n", w.note_column);
        } else {
            out.push_str("\n| --- | --- | --- |\n");
        }
        // The steps each actor leads and takes part in, in reading order: one pass over the
        // stages, not one per actor.
        let mut leads = vec![Vec::new(); model.actors.len()];
        let mut takes_part = vec![Vec::new(); model.actors.len()];
        for &stage in &self.in_order {
            let owners = &model.stage(stage).owners;
            for (k, owner) in owners.iter().enumerate() {
                if !owners[..k].contains(owner) {
                    let list = if k == 0 { &mut leads } else { &mut takes_part };
                    list[owner.index()].push(stage);
                }
            }
        }
        let steps = |out: &mut Out<'_>, stages: &[StageId]| {
            if stages.is_empty() {
                out.push_str("—");
            }
            for (k, s) in stages.iter().enumerate() {
                out.push_str(if k == 0 { "" } else { ", " });
                match self.numbers[s.index()] {
                    Some(n) => {
                        let _ = write!(out, "[{n}](#{})", self.anchor(*s));
                    }
                    None => self.write_label_link(out, *s),
                }
            }
        };
        for (i, actor) in model.actors.iter().enumerate() {
            let _ = write!(out, "| {} | ", escape(self.chart.text(&actor.name, self.options), Breaks::Html));
            steps(out, &leads[i]);
            out.push_str(" | ");
            steps(out, &takes_part[i]);
            out.push_str(" |");
            if with_notes {
                let notes: Vec<String> =
                    actor.notes.iter().map(|n| escape(self.chart.text(n, self.options), Breaks::Html)).collect();
                let _ = write!(out, " {} |", if notes.is_empty() { "—".to_string() } else { notes.join("<br>") });
            }
            out.push('\n');
        }
        out.push('\n');
    }

    fn section_title(&self, section: &Section, breaks: Breaks) -> String {
        match section.kind {
            SectionKind::Phase(i) => {
                let phase = &self.chart.model.phases[i];
                format!(
                    "{} {}: {}",
                    self.words.phase,
                    i + 1,
                    escape(self.chart.text(&phase.name, self.options), breaks)
                )
            }
            SectionKind::Other => self.words.other_steps.to_string(),
            SectionKind::All => self.words.all_steps.to_string(),
        }
    }

    fn section_heading(&self, out: &mut Out<'_>, section: &Section) {
        let _ = write!(
            out,
            "## <a id=\"{}\"></a>{}\n\n",
            section.kind.anchor(),
            self.section_title(section, Breaks::Space)
        );
        if section.stages.is_empty() {
            out.push_str(&self.words.empty_phase);
            out.push_str("\n\n");
        }
    }

    fn step(&self, out: &mut Out<'_>, id: StageId) {
        let w = self.words;
        let stage = self.chart.model.stage(id);
        let label = escape(self.chart.text(&stage.label, self.options), Breaks::Space);
        let mark = crate::since::heading_mark(self.chart, self.chart.lang(self.options), id);
        let _ = match self.numbers[id.index()] {
            Some(n) => write!(out, "### <a id=\"{}\"></a>{} {n}: {label}{mark}\n\n", self.anchor(id), w.step),
            // A heading of its label alone: a stage without a number has nothing else to be named by.
            None if label.trim().is_empty() => write!(out, "### <a id=\"{}\"></a>—{mark}\n\n", self.anchor(id)),
            None => write!(out, "### <a id=\"{}\"></a>{label}{mark}\n\n", self.anchor(id)),
        };
        let kind = match stage.kind {
            StageKind::Start => &w.kinds[0],
            StageKind::Step => &w.kinds[1],
            StageKind::Decision => &w.kinds[2],
            StageKind::End => &w.kinds[3],
        };
        let _ = writeln!(out, "- **{}:** {kind}", w.kind);

        // Written as they come rather than gathered and joined: a million steps make millions
        // of these pieces.
        let _ = write!(out, "- **{}:** ", w.responsible);
        if stage.owners.is_empty() {
            out.push_str(&w.unassigned);
        }
        for (i, o) in stage.owners.iter().enumerate() {
            let name = escape(self.chart.text(&self.chart.model.actor(*o).name, self.options), Breaks::Html);
            let _ = write!(out, "{}{name}", if i == 0 { "" } else { ", " });
            if i == 0 && stage.owners.len() > 1 {
                let _ = write!(out, " ({})", w.lead);
            }
        }
        out.push('\n');

        if let Some(limit) = &stage.within {
            let _ = writeln!(out, "- **{}:** {}", w.time_limit, self.durations.within(limit.text));
        }
        match &stage.refs[..] {
            [] => {}
            [one] => {
                let _ = writeln!(out, "- **{}:** {}", w.legal_basis, not_blank(self.chart.text(one, self.options)));
            }
            many => {
                let _ = writeln!(out, "- **{}:**", w.legal_basis);
                for r in many {
                    let _ = writeln!(out, "  - {}", not_blank(self.chart.text(r, self.options)));
                }
            }
        }
        for note in &stage.notes {
            let note = not_blank(self.chart.text(note, self.options));
            let _ = writeln!(out, "- **{}:** {note}", w.note);
        }

        let incoming = self.incoming.of(id);
        if !incoming.is_empty() {
            let _ = write!(out, "- **{}:** ", w.comes_after);
            for (k, link) in incoming.iter().enumerate() {
                out.push_str(if k == 0 { "" } else { ", " });
                match self.numbers[link.stage.index()] {
                    Some(n) => {
                        let _ = write!(out, "[{} {n}](#{})", w.step_in_text, self.anchor(link.stage));
                    }
                    None => self.write_label_link(out, link.stage),
                }
                if let Some(label) = link.label {
                    let _ = write!(out, " ({})", self.branch(label));
                }
            }
            out.push('\n');
        }

        let outgoing = self.outgoing.of(id);
        let next = |out: &mut Out<'_>, link: &Link<'_, '_>| {
            if let Some(label) = link.label {
                let _ = write!(out, "{} → ", self.branch(label));
            }
            self.write_step_link(out, link.stage);
            out.push('\n');
        };
        match outgoing {
            [] if stage.kind == StageKind::End => {
                let _ = writeln!(out, "- **{}:** {}", w.next, w.ends_here);
            }
            [] => {
                let _ = writeln!(out, "- **{}:** {}", w.next, w.no_next);
            }
            [one] => {
                let _ = write!(out, "- **{}:** ", w.next);
                next(out, one);
            }
            many => {
                let _ = writeln!(out, "- **{}:**", w.next);
                for link in many {
                    out.push_str("  - ");
                    next(out, link);
                }
            }
        }
        if !self.reachable[id.index()] {
            let _ = writeln!(out, "- ⚠ {}", w.unreachable);
        }
        out.push('\n');
    }

    /// A branch label in the chosen language; the tool's own `yes`/`no` capitalised. Thai
    /// puts `กรณี` before it, joined to a Thai label and spaced from any other.
    fn branch(&self, label: &Label<'_>) -> String {
        let text = self.chart.label(label, self.options);
        let shown = match label {
            Label::Yes | Label::No => capitalise(&text),
            Label::Text(_) => escape(&text, Breaks::Html),
        };
        let case = &self.words.case;
        let thai = text.chars().next().is_some_and(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c));
        if case.is_empty() || thai { format!("{case}{shown}") } else { format!("{case} {shown}") }
    }

    /// `[Step 3: label](#step-3)`; `[label](#stage-…)` for a stage without a number.
    fn step_link(&self, id: StageId) -> String {
        let mut out = Out::string(64);
        self.write_step_link(&mut out, id);
        out.into_string()
    }

    fn write_step_link(&self, out: &mut Out<'_>, id: StageId) {
        let Some(n) = self.numbers[id.index()] else { return self.write_label_link(out, id) };
        let label = escape(self.chart.text(&self.chart.model.stage(id).label, self.options), Breaks::Space);
        let _ = write!(out, "[{} {n}: {label}](#{})", self.words.step, self.anchor(id));
    }

    /// `[label](#stage-…)`: a link to a stage without a number, which has only its label to
    /// be named by.
    fn write_label_link(&self, out: &mut Out<'_>, id: StageId) {
        let label = escape(self.chart.text(&self.chart.model.stage(id).label, self.options), Breaks::Space);
        let label = if label.trim().is_empty() { "—".to_string() } else { label };
        let _ = write!(out, "[{label}](#{})", self.anchor(id));
    }

    fn anchor(&self, id: StageId) -> Anchor<'a> {
        Anchor::of(self.chart, &self.numbers, id)
    }

    fn outcomes(&self, out: &mut Out<'_>) {
        if !self.has_outcomes() {
            return;
        }
        let _ = write!(out, "## <a id=\"outcomes\"></a>{}\n\n{}\n\n", self.words.outcomes, self.words.outcomes_intro);
        for stage in self.of_kind(StageKind::End) {
            let _ = writeln!(out, "- {}", self.step_link(stage));
        }
        out.push('\n');
    }

    fn requirements(&self, out: &mut Out<'_>) {
        let model = self.chart.model;
        if model.requirements.is_empty() {
            return;
        }
        let w = self.words;
        let _ = write!(out, "## <a id=\"requirements\"></a>{}\n\n{}\n\n", w.requirements, w.requirements_intro);
        for (i, requirement) in model.requirements.iter().enumerate() {
            let sentence = match requirement {
                Requirement::Before { first, target, unless, .. } => {
                    let a = self.step_link(*first);
                    let b = self.step_link(*target);
                    if unless.is_empty() {
                        self.catalogue.with("narrative-before", &[("first", &a), ("target", &b)])
                    } else {
                        let c = self.or_list(unless.iter().map(|s| self.step_link(*s)).collect());
                        self.catalogue.with("narrative-before-unless", &[("first", &a), ("target", &b), ("unless", &c)])
                    }
                }
                Requirement::Within { limit, from, to, .. } => self.catalogue.with(
                    "narrative-within",
                    &[
                        ("from", &self.step_link(*from)),
                        ("to", &self.step_link(*to)),
                        ("duration", &self.durations.duration(limit.text)),
                    ],
                ),
            };
            match self.chart.requirement_status(i) {
                RequirementStatus::Holds => {
                    let _ = writeln!(out, "- **{}:** {sentence}", w.holds);
                }
                RequirementStatus::Fails { rule, message } => {
                    let verdict = match rule {
                        Rule::DeadlineUnprovable => &w.unproven,
                        Rule::RequirementVacuous => &w.vacuous,
                        _ => &w.violated,
                    };
                    let _ = write!(out, "- **{verdict}:** {sentence}\n  - {}\n", message_text(&message));
                }
            }
        }
        out.push('\n');
    }

    /// `A, B or C` (English), `A หรือ B หรือ C` (Thai).
    fn or_list(&self, mut items: Vec<String>) -> String {
        let Some(last) = items.pop() else { return String::new() };
        if items.is_empty() {
            return last;
        }
        let rest = items.join(&self.words.list_separator);
        self.catalogue.with("narrative-list-or", &[("rest", &rest), ("last", &last)])
    }

    fn diagram(&self, out: &mut Out<'_>) {
        let mut diagram = crate::mermaid::render_mermaid(self.chart, self.options);
        if !diagram.is_empty() && !diagram.ends_with('\n') {
            diagram.push('\n');
        }
        let fence = "`".repeat(longest_run(&diagram, '`').max(2) + 1);
        let _ = write!(out, "## <a id=\"diagram\"></a>{}\n\n{fence}mermaid\n{diagram}{fence}\n", self.words.diagram);
    }
}

/// The sections of the document and the step number of each stage (by stage index, from 1):
/// steps are numbered through the sections in order.
fn numbered_sections(chart: &Chart<'_, '_>) -> (Vec<Section>, Vec<usize>) {
    let n = chart.model.stages.len();
    let mut rank = vec![0; n];
    for (position, stage) in chart.reading_order().into_iter().enumerate() {
        rank[stage.index()] = position;
    }
    let sections = sections(chart, &rank);
    let mut numbers = vec![0; n];
    for (i, stage) in sections.iter().flat_map(|s| s.stages.iter()).enumerate() {
        numbers[stage.index()] = i + 1;
    }
    (sections, numbers)
}

/// The place of each stage (by stage index, from 1) in the narrative's reading order.
pub(crate) fn reading_order_numbers(chart: &Chart<'_, '_>) -> Vec<usize> {
    numbered_sections(chart).1
}

/// The sections of the document: the phases in source order, then the stages outside any
/// phase. Each section's stages in reading order.
fn sections(chart: &Chart<'_, '_>, rank: &[usize]) -> Vec<Section> {
    let model = chart.model;
    let by_rank = |mut stages: Vec<StageId>| {
        stages.sort_by_key(|s| rank[s.index()]);
        stages
    };
    let all: Vec<StageId> = (0..model.stages.len()).map(stage_id).collect();
    if model.phases.is_empty() {
        return vec![Section { kind: SectionKind::All, stages: by_rank(all) }];
    }
    // One pass puts each stage in its phase's bucket (the last bucket: no phase).
    let mut buckets: Vec<Vec<StageId>> = vec![Vec::new(); model.phases.len() + 1];
    for s in all {
        buckets[model.stage(s).phase.map_or(model.phases.len(), |p| p.index())].push(s);
    }
    let other = by_rank(buckets.pop().unwrap_or_default());
    let mut sections: Vec<Section> = buckets
        .into_iter()
        .enumerate()
        .map(|(p, stages)| Section { kind: SectionKind::Phase(p), stages: by_rank(stages) })
        .collect();
    if !other.is_empty() {
        sections.push(Section { kind: SectionKind::Other, stages: other });
    }
    sections
}

fn stage_id(i: usize) -> StageId {
    StageId(u32::try_from(i).unwrap_or(u32::MAX))
}

/// User text for a list item, a dash when it is blank (white space and line breaks only): a
/// list item with nothing after its marker would turn the paragraph above it into a heading
/// (`-` alone is also a setext underline).
fn not_blank(text: &str) -> String {
    if text.trim().is_empty() { "—".to_string() } else { escape(text, Breaks::Html) }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a line break in user text becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaks {
    /// A space: for headings and link texts, which must stay on one line.
    Space,
    /// `<br>`: for paragraphs, list items and table cells.
    Html,
}

/// User text as Markdown that shows exactly that text (see the module documentation).
pub fn escape(text: &str, breaks: Breaks) -> String {
    // Spaces at the ends show as nothing in any rendering; at the start of a list item they
    // would move the text into a nested list or an indented code block.
    escape_inner(text.trim_matches([' ', '\t']), breaks)
}

/// [`escape`] without trimming, for a piece of a text.
fn escape_inner(text: &str, breaks: Breaks) -> String {
    if is_plain(text) { text.to_owned() } else { escape_marked(text, breaks) }
}

/// Whether `text` holds nothing [`escape_marked`] would change (most labels): no character
/// Markdown or HTML reads, no control or direction character, no `:`, no block marker at the
/// start, no `www.`. Checking is cheaper than escaping a character at a time.
fn is_plain(text: &str) -> bool {
    !matches!(text.as_bytes().first(), Some(b'-' | b'+' | b'=' | b'0'..=b'9'))
        && !text.chars().any(|c| {
            c.is_control()
                || matches!(
                    c,
                    '&' | '<' | '>' | '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '#' | '|' | '~' | '$' | '@' | ':'
                        | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                )
        })
        && !text.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"www"))
}

/// [`escape_inner`] a character at a time.
fn escape_marked(text: &str, breaks: Breaks) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    // A block marker at the very start: `- `, `+ `, `= `, `1. `, `1) `.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let marker_at = match chars.first() {
        Some('-' | '+' | '=') => Some(0),
        Some(_) if digits > 0 && matches!(chars.get(digits), Some('.' | ')')) => Some(digits),
        _ => None,
    };
    let mut bidi = Bidi::default();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        bidi.see(c);
        match c {
            '\r' if next == Some('\n') => {
                out.push_str(line_break(breaks));
                i += 1;
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push_str(line_break(breaks)),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '#' | '|' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            ':' if next.is_some_and(|n| !n.is_whitespace()) => out.push_str("\\:"),
            '.' if i >= 3 && chars[i - 3..i].iter().map(|c| c.to_ascii_lowercase()).eq("www".chars()) => {
                out.push_str("\\.");
            }
            _ if Some(i) == marker_at => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            _ if c.is_control() => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
        i += 1;
    }
    bidi.close(&mut out);
    out
}

/// The directional embeddings, overrides and isolates a text opens (Unicode bidi, UAX #9), so
/// that [`escape`] can close them at its end: a right-to-left override in a label must not
/// reverse the text after it.
#[derive(Default)]
struct Bidi {
    /// `true` for an isolate (closed by U+2069), `false` for an embedding or override (U+202C).
    open: Vec<bool>,
}

impl Bidi {
    fn see(&mut self, c: char) {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => self.open.push(false),
            '\u{2066}'..='\u{2068}' => self.open.push(true),
            // A PDF closes the last embedding, unless an isolate is open inside it.
            '\u{202C}' if self.open.last() == Some(&false) => {
                self.open.pop();
            }
            // A PDI closes the last isolate and every embedding opened inside it.
            '\u{2069}' if self.open.contains(&true) => while self.open.pop() == Some(false) {},
            _ => {}
        }
    }

    fn close(&self, out: &mut String) {
        out.extend(self.open.iter().rev().map(|isolate| if *isolate { '\u{2069}' } else { '\u{202C}' }));
    }
}

fn line_break(breaks: Breaks) -> &'static str {
    match breaks {
        Breaks::Space => " ",
        Breaks::Html => "<br>",
    }
}

/// A diagnostic message: the ids it quotes between backticks as code spans, the rest escaped.
pub(crate) fn message_text(message: &str) -> String {
    let message = message.trim_matches([' ', '\t']);
    let parts: Vec<&str> = message.split('`').collect();
    // An odd number of backticks: not pairs of quotes, so all of it is text.
    if parts.len().is_multiple_of(2) {
        return escape(message, Breaks::Html);
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&escape_inner(part, Breaks::Html));
        } else if part.trim().is_empty() || part.contains(['\n', '\r']) {
            // Not an id: show the backticks as written.
            out.push_str(&escape_inner(&format!("`{part}`"), Breaks::Html));
        } else {
            // Inside a code span nothing is markup, and a part between two backticks holds none.
            out.push('`');
            out.push_str(part);
            out.push('`');
        }
    }
    out
}

/// The length of the longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for plain text changes nothing: whatever it lets through, escaping a
    /// character at a time leaves as it is.
    #[test]
    fn plain_text_needs_no_escaping() {
        let pieces = [
            "a",
            "Screen",
            " ",
            "(0.2)",
            "ไทย",
            "www",
            "W",
            ".",
            ":",
            "-",
            "1",
            ")",
            "&",
            "<",
            "\\",
            "`",
            "*",
            "_",
            "[",
            "!",
            "#",
            "|",
            "~",
            "$",
            "@",
            "\n",
            "\r",
            "\t",
            "\u{85}",
            "\u{2028}",
            "\u{202E}",
            "\u{2066}",
            "\u{2069}",
            "é",
            "ß",
            "+",
            "=",
            "?",
            "\"",
            "'",
            "{",
            "}",
            "%",
        ];
        let mut seed = 7u64;
        let mut plain = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 7) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if is_plain(&text) {
                plain += 1;
                for breaks in [Breaks::Space, Breaks::Html] {
                    assert_eq!(escape_marked(&text, breaks), text, "{text:?}");
                }
            }
        }
        assert!(plain > 1000, "only {plain} plain texts tried");
    }

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(escape("<script>&amp;", Breaks::Html), "&lt;script&gt;&amp;amp;");
        assert_eq!(escape("[a](b) ![i](x)", Breaks::Html), "\\[a\\](b) \\!\\[i\\](x)");
        assert_eq!(escape("*b* _e_ ~s~ `c` $m$", Breaks::Html), "\\*b\\* \\_e\\_ \\~s\\~ \\`c\\` \\$m\\$");
        assert_eq!(escape("a | b \\ c", Breaks::Html), "a \\| b \\\\ c");
        assert_eq!(escape("# h", Breaks::Html), "\\# h");
    }

    #[test]
    fn line_breaks_never_reach_the_markdown_source() {
        assert_eq!(escape("one\ntwo\r\nthree\rfour", Breaks::Html), "one<br>two<br>three<br>four");
        assert_eq!(escape("one\n- two", Breaks::Space), "one - two");
        assert_eq!(escape("a\u{2028}b\u{85}c", Breaks::Space), "a b c");
    }

    #[test]
    fn block_markers_at_the_start_are_escaped() {
        assert_eq!(escape("- x", Breaks::Html), "\\- x");
        assert_eq!(escape("+ x", Breaks::Html), "\\+ x");
        assert_eq!(escape("12. x", Breaks::Html), "12\\. x");
        assert_eq!(escape("3) x", Breaks::Html), "3\\) x");
        assert_eq!(escape("a - b. 1. c", Breaks::Html), "a - b. 1. c");
        assert_eq!(escape("2551", Breaks::Html), "2551");
        assert_eq!(escape("  - x ", Breaks::Html), "\\- x");
    }

    #[test]
    fn autolinks_and_shortcodes_cannot_start() {
        assert_eq!(escape("http://x.y", Breaks::Html), "http\\://x.y");
        assert_eq!(escape("see WWW.x.org", Breaks::Html), "see WWW\\.x.org");
        assert_eq!(escape("a@b.org :tada:", Breaks::Html), "a\\@b.org \\:tada:");
        assert_eq!(escape("Note: fine", Breaks::Html), "Note: fine");
    }

    #[test]
    fn directional_overrides_end_with_the_text() {
        assert_eq!(escape("a\u{202E}b", Breaks::Html), "a\u{202E}b\u{202C}");
        assert_eq!(escape("\u{2067}\u{202B}x", Breaks::Html), "\u{2067}\u{202B}x\u{202C}\u{2069}");
        assert_eq!(escape("\u{202E}x\u{202C}\u{202C}", Breaks::Html), "\u{202E}x\u{202C}\u{202C}");
        assert_eq!(escape("\u{2068}\u{202E}x\u{2069}", Breaks::Html), "\u{2068}\u{202E}x\u{2069}");
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(escape("a\tb\u{7}c\u{0}", Breaks::Html), "a b\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn messages_show_ids_as_code() {
        assert_eq!(message_text("`a_b` before `c`: a_b → c"), "`a_b` before `c`: a\\_b → c");
        assert_eq!(message_text("odd ` tick"), "odd \\` tick");
    }

    #[test]
    fn fences_outgrow_backtick_runs() {
        assert_eq!(longest_run("a ```` b ` c", '`'), 4);
    }
}
