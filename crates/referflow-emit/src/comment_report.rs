//! The disposition report of a public hearing (`referflow comments report`): for each step
//! that received comments, the comments with what the committee decided and why, and what
//! changed in that step between the revision commented on and the next one. Then the steps that
//! changed without any comment. As Markdown, or as a standalone HTML page.
//!
//! Comments cite the revision the hearing saw (OLD): a number is looked up there first, then
//! followed to the same stage in NEW (by id, through renames). A number that OLD does not have
//! is looked up in NEW, then among the retired numbers; what is found nowhere is listed as
//! unknown. Steps are shown in NEW's reading order; removed, retired and unknown steps after
//! them.
//!
//! The report is assembled once ([`Report`], plain text) and written twice; each writer escapes
//! every text for its target (Markdown's [`escape`], HTML's [`crate::html::text`]).

use std::collections::HashMap;

use referflow_check::diff::{Change, EdgeChange, FieldChange, ModelDiff, StageChange, Translations};
use referflow_check::{Model, StageId};

use crate::chart::Chart;
use crate::markdown::{Breaks, escape};
use crate::numbers::{in_reading_order, step_numbers};

/// One row of a filled comment matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    /// The row as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The step number the row cites.
    pub number: u32,
    /// The step's text as the row gives it (its first step-text column that has one).
    pub step_text: String,
    pub commenter: String,
    pub organisation: String,
    pub comment: String,
    pub proposed_change: String,
    /// As written (trimmed); empty when the committee has not decided yet.
    pub disposition: String,
    pub reason: String,
}

/// What the report says, before it is written in a format.
#[derive(Debug)]
struct Report<'c> {
    /// Steps with comments, in the order they are shown.
    steps: Vec<Entry<'c>>,
    /// Steps that changed but received no comment, in NEW's reading order, removed ones last.
    uncommented: Vec<Entry<'c>>,
    comments: usize,
    undecided: usize,
}

#[derive(Debug)]
struct Entry<'c> {
    /// `Step 14`, or `Step 14 (removed)`.
    heading: String,
    /// The step's text in each language (the first language first).
    texts: Vec<String>,
    /// The lead agency, where the step has one.
    agency: Option<String>,
    /// Said when the number cited is not the step's number in NEW.
    cited: Option<String>,
    /// What changed, one line each; empty when nothing did.
    changes: Vec<String>,
    /// Nothing to compare: the step is in neither revision.
    unknown: bool,
    comments: Vec<&'c Comment>,
}

/// The report as Markdown. `names` are the matrix, OLD and NEW as shown to people.
pub fn render_markdown(
    comments: &[Comment],
    old: &Chart<'_, '_>,
    new: &Chart<'_, '_>,
    diff: &ModelDiff,
    names: [&str; 3],
) -> String {
    let report = assemble(comments, old, new, diff);
    let e = |t: &str| escape(t, Breaks::Html);
    let h = |t: &str| escape(t, Breaks::Space);
    let [matrix, old_name, new_name] = names;
    let mut out = String::from("# Disposition report\n\n");
    out.push_str(&format!(
        "Comments from {} on {}, answered in {}. {}\n",
        e(matrix),
        e(old_name),
        e(new_name),
        e(&summary(&report))
    ));
    let entry = |out: &mut String, entry: &Entry<'_>, level: &str| {
        let title = entry.texts.first().map_or(String::new(), |t| format!(": {}", h(t)));
        out.push_str(&format!("\n{level} {}{title}\n\n", h(&entry.heading)));
        for text in entry.texts.iter().skip(1) {
            out.push_str(&format!("{}\n\n", e(text)));
        }
        if let Some(agency) = &entry.agency {
            out.push_str(&format!("Agency: {}\n\n", e(agency)));
        }
        if let Some(cited) = &entry.cited {
            out.push_str(&format!("*{}*\n\n", e(cited)));
        }
        if entry.unknown {
            out.push_str("**What changed:** nothing to compare: the number is in neither revision.\n");
        } else if entry.changes.is_empty() {
            out.push_str("**What changed:** unchanged.\n");
        } else {
            out.push_str("**What changed:**\n\n");
            for change in &entry.changes {
                out.push_str(&format!("- {}\n", e(change)));
            }
        }
    };
    for step in &report.steps {
        entry(&mut out, step, "##");
        out.push_str(&format!("\n**Comments ({}):**\n\n", step.comments.len()));
        for (i, c) in step.comments.iter().enumerate() {
            out.push_str(&format!("{}. {} (row {})", i + 1, e(&who(c)), c.row));
            if !c.comment.is_empty() {
                out.push_str(&format!(": {}", e(&c.comment)));
            }
            out.push('\n');
            if !c.proposed_change.is_empty() {
                out.push_str(&format!("   - Proposed change: {}\n", e(&c.proposed_change)));
            }
            let disposition = if c.disposition.is_empty() { "none yet".into() } else { e(&c.disposition) };
            out.push_str(&format!("   - Disposition: **{disposition}**\n"));
            if !c.reason.is_empty() {
                out.push_str(&format!("   - Reason: {}\n", e(&c.reason)));
            }
        }
    }
    out.push_str("\n## Steps changed without a comment\n\n");
    if report.uncommented.is_empty() {
        out.push_str("None.\n");
    }
    for step in &report.uncommented {
        let title = step.texts.first().map_or(String::new(), |t| format!(": {}", e(t)));
        out.push_str(&format!("- {}{title}\n", e(&step.heading)));
        for change in &step.changes {
            out.push_str(&format!("  - {}\n", e(change)));
        }
    }
    out
}

/// The report as one standalone HTML page: no script, no outside resource, every text escaped.
pub fn render_html(
    comments: &[Comment],
    old: &Chart<'_, '_>,
    new: &Chart<'_, '_>,
    diff: &ModelDiff,
    names: [&str; 3],
) -> String {
    use crate::html::{attr, text as t};
    let report = assemble(comments, old, new, diff);
    let [matrix, old_name, new_name] = names;
    let lang = new.model.languages.first().copied().unwrap_or("en");
    let mut page = crate::html::head(lang, "Disposition report");
    page.push_str("</head>\n<body>\n<main>\n<h1>Disposition report</h1>\n");
    page.push_str(&format!(
        "<p>Comments from <code>{}</code> on <code>{}</code>, answered in <code>{}</code>. {}</p>\n",
        t(matrix),
        t(old_name),
        t(new_name),
        t(&summary(&report))
    ));
    let lines = |text: &str| t(text).replace('\n', "<br>");
    for step in &report.steps {
        page.push_str("<section class=\"step\">\n");
        let title = step.texts.first().map_or(String::new(), |x| format!(": {}", t(&x.replace('\n', " "))));
        page.push_str(&format!("<h2>{}{title}</h2>\n", t(&step.heading)));
        for (text, lang) in step.texts.iter().zip(new.model.languages.iter()).skip(1) {
            page.push_str(&format!("<p lang=\"{}\">{}</p>\n", attr(lang), lines(text)));
        }
        if let Some(agency) = &step.agency {
            page.push_str(&format!("<p>Agency: {}</p>\n", t(agency)));
        }
        if let Some(cited) = &step.cited {
            page.push_str(&format!("<p><em>{}</em></p>\n", t(cited)));
        }
        if step.unknown {
            page.push_str(
                "<p><strong>What changed:</strong> nothing to compare: the number is in neither revision.</p>\n",
            );
        } else if step.changes.is_empty() {
            page.push_str("<p><strong>What changed:</strong> unchanged.</p>\n");
        } else {
            page.push_str("<p><strong>What changed:</strong></p>\n<ul>\n");
            for change in &step.changes {
                page.push_str(&format!("<li>{}</li>\n", lines(change)));
            }
            page.push_str("</ul>\n");
        }
        page.push_str(&format!("<p><strong>Comments ({}):</strong></p>\n<ol>\n", step.comments.len()));
        for c in &step.comments {
            page.push_str(&format!("<li><p>{} (row {})", t(&who(c)), c.row));
            if !c.comment.is_empty() {
                page.push_str(&format!(": {}", lines(&c.comment)));
            }
            page.push_str("</p>\n<ul>\n");
            if !c.proposed_change.is_empty() {
                page.push_str(&format!("<li>Proposed change: {}</li>\n", lines(&c.proposed_change)));
            }
            let disposition = if c.disposition.is_empty() { "none yet".into() } else { t(&c.disposition) };
            page.push_str(&format!("<li>Disposition: <strong>{disposition}</strong></li>\n"));
            if !c.reason.is_empty() {
                page.push_str(&format!("<li>Reason: {}</li>\n", lines(&c.reason)));
            }
            page.push_str("</ul>\n</li>\n");
        }
        page.push_str("</ol>\n</section>\n");
    }
    page.push_str("<h2>Steps changed without a comment</h2>\n");
    if report.uncommented.is_empty() {
        page.push_str("<p>None.</p>\n");
    } else {
        page.push_str("<ul>\n");
        for step in &report.uncommented {
            let title = step.texts.first().map_or(String::new(), |x| format!(": {}", lines(x)));
            page.push_str(&format!("<li>{}{title}\n<ul>\n", t(&step.heading)));
            for change in &step.changes {
                page.push_str(&format!("<li>{}</li>\n", lines(change)));
            }
            page.push_str("</ul>\n</li>\n");
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// `Somchai (Hope NGO)`, `Anonymous`.
fn who(c: &Comment) -> String {
    match (c.commenter.is_empty(), c.organisation.is_empty()) {
        (false, false) => format!("{} ({})", c.commenter, c.organisation),
        (false, true) => c.commenter.clone(),
        (true, false) => c.organisation.clone(),
        (true, true) => "Anonymous".into(),
    }
}

fn summary(report: &Report<'_>) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!(
        "{} on {}",
        plural(report.comments, "comment", "comments"),
        plural(report.steps.len(), "step", "steps")
    );
    if report.undecided > 0 {
        text.push_str(&format!(", {} without a disposition", report.undecided));
    }
    text.push_str(&format!("; {} changed without a comment.", plural(report.uncommented.len(), "step", "steps")));
    text
}

/// Where a cited number leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    /// A stage of NEW.
    Current(StageId),
    /// A stage of OLD that NEW no longer has.
    Removed(StageId),
    /// A number retired in either chart, not in use in OLD.
    Retired(u32),
    Unknown(u32),
}

fn assemble<'c>(comments: &'c [Comment], old: &Chart<'_, '_>, new: &Chart<'_, '_>, diff: &ModelDiff) -> Report<'c> {
    let (old_numbers, new_numbers) = (step_numbers(old), step_numbers(new));
    let by_number = |numbers: &[Option<u32>]| -> HashMap<u32, StageId> {
        let mut map = HashMap::new();
        for (i, n) in numbers.iter().enumerate() {
            if let Some(n) = n {
                map.entry(*n).or_insert(StageId(i as u32));
            }
        }
        map
    };
    let (old_by_number, new_by_number) = (by_number(&old_numbers), by_number(&new_numbers));
    let new_by_id: HashMap<&str, StageId> =
        new.model.stages.iter().enumerate().map(|(i, s)| (s.id, StageId(i as u32))).collect();
    let old_by_id: HashMap<&str, StageId> =
        old.model.stages.iter().enumerate().map(|(i, s)| (s.id, StageId(i as u32))).collect();
    let renamed: HashMap<&str, &str> = (diff.stages.iter())
        .filter_map(|c| match c {
            StageChange::Renamed { old, new, .. } => Some((old.as_str(), new.as_str())),
            _ => None,
        })
        .collect();
    let place = |n: u32| -> Place {
        if let Some(&s) = old_by_number.get(&n) {
            let id = old.model.stage(s).id;
            let id = renamed.get(id).copied().unwrap_or(id);
            return new_by_id.get(id).map_or(Place::Removed(s), |&t| Place::Current(t));
        }
        if let Some(&s) = new_by_number.get(&n) {
            return Place::Current(s);
        }
        if old.model.numbering.is_retired(n) || new.model.numbering.is_retired(n) {
            Place::Retired(n)
        } else {
            Place::Unknown(n)
        }
    };

    let changes = Changes::new(old, new, diff, &old_numbers, &new_numbers, &old_by_id, &new_by_id);
    let mut grouped: HashMap<Place, Vec<&Comment>> = HashMap::new();
    for c in comments {
        grouped.entry(place(c.number)).or_default().push(c);
    }
    let order = in_reading_order(new);
    let mut rank = vec![0; new.model.stages.len()];
    for (i, s) in order.iter().enumerate() {
        rank[s.index()] = i;
    }
    let mut places: Vec<Place> = grouped.keys().copied().collect();
    places.sort_by_key(|p| match p {
        Place::Current(s) => (0, rank[s.index()] as u64),
        Place::Removed(s) => (1, u64::from(old_numbers[s.index()].unwrap_or(u32::MAX))),
        Place::Retired(n) => (2, u64::from(*n)),
        Place::Unknown(n) => (3, u64::from(*n)),
    });
    let languages = new.model.languages.len();
    let texts = |model: &Model<'_>, s: StageId| -> Vec<String> {
        (0..languages.max(1)).map(|l| model.stage(s).label.get(l).to_string()).collect()
    };
    let agency = |model: &Model<'_>, s: StageId| -> Option<String> {
        model.stage(s).owners.first().map(|a| model.actor(*a).name.get(0).to_string())
    };
    let number_text = |n: Option<u32>| n.map_or_else(|| "Unnumbered step".to_string(), |n| format!("Step {n}"));
    let mut steps = Vec::new();
    for p in places {
        let mut list = grouped.remove(&p).unwrap_or_default();
        list.sort_by_key(|c| c.row);
        let row_text = || list.iter().map(|c| c.step_text.as_str()).find(|t| !t.is_empty()).map(String::from);
        let entry = match p {
            Place::Current(s) => {
                let number = new_numbers[s.index()];
                let cited: Vec<u32> = list.iter().map(|c| c.number).filter(|n| Some(*n) != number).collect();
                let cited = (!cited.is_empty()).then(|| {
                    let mut cited: Vec<String> = cited.iter().map(u32::to_string).collect();
                    cited.dedup();
                    format!("Cited as step {} in {}.", cited.join(", "), "the revision commented on")
                });
                Entry {
                    heading: number_text(number),
                    texts: texts(new.model, s),
                    agency: agency(new.model, s),
                    cited,
                    changes: changes.of_new(s),
                    unknown: false,
                    comments: list,
                }
            }
            Place::Removed(s) => Entry {
                heading: format!("{} (removed)", number_text(old_numbers[s.index()])),
                texts: texts(old.model, s),
                agency: agency(old.model, s),
                cited: None,
                changes: vec!["removed in this revision".into()],
                unknown: false,
                comments: list,
            },
            Place::Retired(n) => {
                let retired = (old.model.numbering.retired.iter().chain(&new.model.numbering.retired))
                    .find(|r| r.number.value == n)
                    .and_then(|r| r.text.as_deref().map(String::from));
                Entry {
                    heading: format!("Step {n} (retired)"),
                    texts: retired.or_else(row_text).into_iter().collect(),
                    agency: None,
                    cited: None,
                    changes: vec!["retired before the revision commented on".into()],
                    unknown: false,
                    comments: list,
                }
            }
            Place::Unknown(n) => Entry {
                heading: format!("Step {n} (in neither revision)"),
                texts: row_text().into_iter().collect(),
                agency: None,
                cited: None,
                changes: Vec::new(),
                unknown: true,
                comments: list,
            },
        };
        steps.push(entry);
    }
    let commented: std::collections::HashSet<Place> = comments
        .iter()
        .map(|c| place(c.number))
        .filter(|p| matches!(p, Place::Current(_) | Place::Removed(_)))
        .collect();
    let mut uncommented = Vec::new();
    for &s in &order {
        let lines = changes.of_new(s);
        if !lines.is_empty() && !commented.contains(&Place::Current(s)) {
            uncommented.push(Entry {
                heading: number_text(new_numbers[s.index()]),
                texts: texts(new.model, s),
                agency: None,
                cited: None,
                changes: lines,
                unknown: false,
                comments: Vec::new(),
            });
        }
    }
    for change in &diff.stages {
        if let StageChange::Removed { id, .. } = change
            && let Some(&s) = old_by_id.get(id.as_str())
            && !commented.contains(&Place::Removed(s))
        {
            uncommented.push(Entry {
                heading: format!("{} (removed)", number_text(old_numbers[s.index()])),
                texts: texts(old.model, s),
                agency: None,
                cited: None,
                changes: vec!["removed in this revision".into()],
                unknown: false,
                comments: Vec::new(),
            });
        }
    }
    let counted = steps.iter().flat_map(|s| &s.comments);
    let undecided = counted.clone().filter(|c| c.disposition.is_empty() && !c.comment.is_empty()).count();
    Report { comments: counted.count(), undecided, steps, uncommented }
}

/// What changed in each stage of NEW, in words, from the diff of the two charts.
struct Changes<'a, 'o, 'n> {
    old: &'a Chart<'a, 'o>,
    new: &'a Chart<'a, 'n>,
    old_numbers: &'a [Option<u32>],
    new_numbers: &'a [Option<u32>],
    old_by_id: &'a HashMap<&'o str, StageId>,
    new_by_id: &'a HashMap<&'n str, StageId>,
    /// The lines of each stage of NEW, by its id.
    lines: HashMap<String, Vec<String>>,
}

impl std::fmt::Debug for Changes<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes").field("lines", &self.lines).finish_non_exhaustive()
    }
}

impl<'a, 'o, 'n> Changes<'a, 'o, 'n> {
    fn new(
        old: &'a Chart<'a, 'o>,
        new: &'a Chart<'a, 'n>,
        diff: &ModelDiff,
        old_numbers: &'a [Option<u32>],
        new_numbers: &'a [Option<u32>],
        old_by_id: &'a HashMap<&'o str, StageId>,
        new_by_id: &'a HashMap<&'n str, StageId>,
    ) -> Self {
        let mut this = Changes { old, new, old_numbers, new_numbers, old_by_id, new_by_id, lines: HashMap::new() };
        let mut renamed_from: HashMap<&str, &str> = HashMap::new();
        for change in &diff.stages {
            match change {
                StageChange::Added { id, .. } => this.push(id, "new in this revision".into()),
                StageChange::Changed { id, fields, .. } => {
                    for field in fields {
                        let line = this.field_line(field);
                        this.push(id, line);
                    }
                }
                StageChange::Renamed { old, new, .. } => {
                    renamed_from.insert(new, old);
                }
                StageChange::Removed { .. } => {}
            }
        }
        for change in &diff.edges {
            match change {
                EdgeChange::Added { from, to, label } => {
                    let label = this.branch(label.as_ref());
                    let line = format!("now leads to {}{label}", this.step_ref(to));
                    this.push(from, line);
                    let line = format!("now follows {}{label}", this.step_ref(from));
                    this.push(to, line);
                }
                EdgeChange::Removed { from, to, label } => {
                    let label = this.branch(label.as_ref());
                    let line = format!("no longer leads to {}{label}", this.step_ref(to));
                    this.push(from, line);
                    let line = format!("no longer follows {}{label}", this.step_ref(from));
                    this.push(to, line);
                }
                EdgeChange::Relabelled { from, to, label } => {
                    let text = |l: &Option<Translations>| l.as_ref().map_or_else(|| "no label".into(), quoted);
                    let line = format!(
                        "the branch to {} is now {} (was {})",
                        this.step_ref(to),
                        text(&label.new),
                        text(&label.old)
                    );
                    this.push(from, line);
                }
            }
        }
        // A number written in both charts that changed: the citation of the step changed.
        if old.model.is_numbered() && new.model.is_numbered() {
            for (i, stage) in new.model.stages.iter().enumerate() {
                let old_id = renamed_from.get(stage.id).copied().unwrap_or(stage.id);
                if let Some(&o) = old_by_id.get(old_id)
                    && let (Some(was), Some(now)) = (old_numbers[o.index()], new_numbers[i])
                    && was != now
                {
                    this.push(stage.id, format!("renumbered: step {was} → step {now}"));
                }
            }
        }
        this
    }

    fn push(&mut self, id: &str, line: String) {
        self.lines.entry(id.to_string()).or_default().push(line);
    }

    fn of_new(&self, s: StageId) -> Vec<String> {
        self.lines.get(self.new.model.stage(s).id).cloned().unwrap_or_default()
    }

    /// `step 15 “Refer to the shelter”`: a stage of NEW, or of OLD when NEW has no such id.
    fn step_ref(&self, id: &str) -> String {
        let (model, numbers, s) = match (self.new_by_id.get(id), self.old_by_id.get(id)) {
            (Some(&s), _) => (self.new.model, self.new_numbers, s),
            (None, Some(&s)) => (self.old.model, self.old_numbers, s),
            (None, None) => return format!("`{id}`"),
        };
        let label = model.stage(s).label.get(0);
        match numbers[s.index()] {
            Some(n) => format!("step {n} “{label}”"),
            None => format!("“{label}”"),
        }
    }

    fn branch(&self, label: Option<&Translations>) -> String {
        label.map_or_else(String::new, |l| format!(" ({})", quoted(l)))
    }

    /// An actor's or phase's name by id, from NEW or else OLD, in the first language.
    fn name(&self, id: &str, phase: bool) -> String {
        let find = |m: &Model<'_>| -> Option<String> {
            if phase {
                m.phases.iter().find(|p| p.id == id).map(|p| p.name.get(0).to_string())
            } else {
                m.actors.iter().find(|a| a.id == id).map(|a| a.name.get(0).to_string())
            }
        };
        find(self.new.model).or_else(|| find(self.old.model)).unwrap_or_else(|| id.to_string())
    }

    fn field_line(&self, field: &FieldChange) -> String {
        let names = |ids: &[String], phase: bool| {
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.iter().map(|id| self.name(id, phase)).collect::<Vec<_>>().join(", ")
            }
        };
        let optional = |v: &Option<String>, phase: bool| match v {
            Some(v) if phase => self.name(v, true),
            Some(v) => v.clone(),
            None => "none".into(),
        };
        let number = |n: Option<u32>| n.map_or_else(|| "none".to_string(), |n| n.to_string());
        match field {
            FieldChange::Number(c) => format!("step number: {} → {}", number(c.old), number(c.new)),
            FieldChange::Label(c) => changed_texts(c),
            FieldChange::Kind(c) => format!("kind: {} → {}", c.old.keyword(), c.new.keyword()),
            FieldChange::Owners(c) => format!("agencies: {} → {}", names(&c.old, false), names(&c.new, false)),
            FieldChange::Within(c) => format!("time limit: {} → {}", optional(&c.old, false), optional(&c.new, false)),
            FieldChange::Phase(c) => format!("phase: {} → {}", optional(&c.old, true), optional(&c.new, true)),
            FieldChange::Refs(c) => {
                let refs = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join("; ") };
                format!("legal references: {} → {}", refs(&c.old), refs(&c.new))
            }
            FieldChange::Notes(c) => {
                let notes = |v: &[Translations]| {
                    if v.is_empty() { "none".to_string() } else { v.iter().map(quoted).collect::<Vec<_>>().join("; ") }
                };
                format!("notes: {} → {}", notes(&c.old), notes(&c.new))
            }
            FieldChange::Public(c) => {
                let public = |v: &Option<Translations>| v.as_ref().map_or_else(|| "none".to_string(), quoted);
                format!("what the person's leaflet says: {} → {}", public(&c.old), public(&c.new))
            }
        }
    }
}

/// The text in each language whose text changed: `text (en): “Screen” → “Screen again”`.
fn changed_texts(change: &Change<Translations>) -> String {
    let get = |t: &Translations, lang: &str| t.iter().find(|(l, _)| l == lang).map(|(_, v)| v.clone());
    let mut langs: Vec<&str> = Vec::new();
    for (lang, _) in change.old.iter().chain(&change.new) {
        if !langs.contains(&lang.as_str()) {
            langs.push(lang);
        }
    }
    let show = |v: Option<String>| v.map_or_else(|| "none".to_string(), |v| format!("“{v}”"));
    langs
        .into_iter()
        .filter_map(|lang| {
            let (old, new) = (get(&change.old, lang), get(&change.new, lang));
            (old != new).then(|| format!("text ({lang}): {} → {}", show(old), show(new)))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every language's text: `“yes” / “ใช่”`.
fn quoted(t: &Translations) -> String {
    t.iter().map(|(_, v)| format!("“{v}”")).collect::<Vec<_>>().join(" / ")
}
