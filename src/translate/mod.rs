//! `referflow translate`: a chart's texts as a gettext PO file for translators, and their
//! translations written back into the chart (docs/translation-workflow.md).
//!
//! Every text a reader sees is one entry, found in the syntax tree (which knows where each
//! translation is written, and where a new one goes) and keyed by what it belongs to
//! (`stage.screen.label`, `actor.police.note.1`), never by its position, so that a key
//! survives every edit but one to its own owner. The model only says what the translator is
//! told about a text (the stage's number, its owner, its notes).

mod import;
mod po;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use referflow_check::{Levels, Model};
use referflow_emit::chart::Chart;
use referflow_syntax::{
    ActorItem, BranchLabel, EdgeChain, File, LeafletPart, PhaseItem, Span, Stage, StageItem, Statement, Text,
    Translation,
};

use crate::driver::include::WholeChart;
use crate::{Failure, Outcome, edit, input, output, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write a chart's texts as a gettext PO file for one language, with its translations.
    Export {
        /// The chart (with the files it includes).
        #[arg(value_name = "FILE")]
        chart: PathBuf,
        /// The language to translate into: one the chart declares, not its first.
        #[arg(long, value_name = "LANG")]
        lang: String,
        /// Where to write the PO file (default: standard output).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Write the translations of a PO file into the chart, keeping every comment and line.
    Import {
        /// The PO file, as a translator's tool saved it.
        #[arg(value_name = "PO")]
        po: PathBuf,
        /// The chart (with the files it includes).
        #[arg(value_name = "FILE")]
        chart: PathBuf,
        /// The language of the translations (default: the PO file's `Language` header).
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
}

pub fn run(args: Args) -> Outcome {
    let done = match args.command {
        Command::Export { chart, lang, output } => export(&chart, &lang, output.as_deref()),
        Command::Import { po, chart, lang } => import::run(&po, &chart, lang.as_deref()),
    };
    done.unwrap_or_else(|failure| {
        report_failure(&failure);
        Outcome::Trouble
    })
}

/// One text of the chart to translate.
pub(crate) struct Slot<'f, 's> {
    /// The entry's `msgctxt`: what the text belongs to.
    pub key: String,
    /// The text in the chart's first language.
    pub source: &'f Text<'s>,
    /// Its translations, in source order.
    pub translations: Vec<&'f Translation<'s>>,
    pub place: Place,
    /// What the text is, for the translator: one `#.` line each.
    pub about: Vec<String>,
}

impl<'f, 's> Slot<'f, 's> {
    /// The translation into `lang`, if the chart has one.
    pub fn translation(&self, lang: &str) -> Option<&'f Translation<'s>> {
        self.translations.iter().copied().find(|t| t.lang.code == lang)
    }

    /// Where the text and its translations end, on their line.
    pub fn end(&self) -> u32 {
        self.translations.iter().map(|t| translation_end(t)).fold(self.source.span.end, u32::max)
    }
}

/// Where a translation's text (or its `from` text) ends.
pub(crate) fn translation_end(t: &Translation<'_>) -> u32 {
    t.from.as_ref().map_or(t.text.span.end, |f| f.span.end)
}

/// Where a new translation of a text is written (docs/language.md, "Where translations go").
#[derive(Clone, Copy)]
pub(crate) enum Place {
    /// After the text and its translations, on the same line: title, version, notes,
    /// references, branch labels.
    Inline,
    /// A line of its own in the block of the statement `statement`: an actor's or phase's
    /// name, a stage's label.
    Block { statement: Span, block: Option<Span> },
}

/// What the translator is told about the stages and actors, by id.
struct Context<'m> {
    stages: HashMap<&'m str, (Option<u32>, String)>,
    actors: HashMap<&'m str, String>,
}

impl<'m> Context<'m> {
    fn new(model: &'m Model<'m>, chart: &Chart<'_, 'm>) -> Self {
        let numbers = referflow_emit::numbers::step_numbers(chart);
        let stages = model
            .stages
            .iter()
            .zip(numbers)
            .map(|(s, n)| {
                let owner = s.owners.first().map(|&a| one_line(model.actor(a).name.get(0)));
                let mut about = match n {
                    Some(n) => format!("step {n} ({})", s.id),
                    None => format!("stage `{}`", s.id),
                };
                if let Some(owner) = owner {
                    let _ = write!(about, ", owned by {owner}");
                }
                (s.id, (n, about))
            })
            .collect();
        let actors = model.actors.iter().map(|a| (a.id, one_line(a.name.get(0)))).collect();
        Context { stages, actors }
    }

    fn stage(&self, id: &str) -> String {
        self.stages.get(id).map_or_else(|| format!("stage `{id}`"), |(_, about)| about.clone())
    }

    /// A stage named briefly: `step 14 (screen)` or `stage `screen``.
    fn stage_short(&self, id: &str) -> String {
        match self.stages.get(id) {
            Some((Some(n), _)) => format!("step {n} ({id})"),
            _ => format!("stage `{id}`"),
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every text of the chart to translate, in source order, keyed.
fn slots<'f, 's>(file: &'f File<'s>, context: &Context<'_>) -> Vec<Slot<'f, 's>> {
    let mut out = Vec::new();
    let mut branches: HashMap<String, u32> = HashMap::new();
    let (mut hotlines, mut rights) = (0, 0);
    for statement in &file.statements {
        match statement {
            Statement::Title(t) => out.push(Slot {
                key: "title".into(),
                source: &t.text,
                translations: t.translations.iter().collect(),
                place: Place::Inline,
                about: vec!["The chart's title.".into()],
            }),
            Statement::Version(v) => out.push(Slot {
                key: "version".into(),
                source: &v.text,
                translations: v.translations.iter().collect(),
                place: Place::Inline,
                about: vec!["The chart's version, as its cover and pages show it.".into()],
            }),
            Statement::Actor(a) => {
                let id = a.id.name;
                let translations =
                    a.items.iter().filter_map(|i| if let ActorItem::Translation(t) = i { Some(t) } else { None });
                out.push(Slot {
                    key: format!("actor.{id}.name"),
                    source: &a.name,
                    translations: translations.collect(),
                    place: Place::Block { statement: a.span, block: a.block },
                    about: vec![format!("Name of an agency or role (actor `{id}`): the title of its swimlane.")],
                });
                let notes = a.items.iter().filter_map(|i| if let ActorItem::Note(n) = i { Some(n) } else { None });
                for (k, note) in notes.enumerate() {
                    out.push(Slot {
                        key: format!("actor.{id}.note.{}", k + 1),
                        source: &note.text,
                        translations: note.translations.iter().collect(),
                        place: Place::Inline,
                        about: vec![format!("Note on {} (actor `{id}`).", name_of(context, id))],
                    });
                }
            }
            Statement::Phase(p) => {
                let id = p.id.name;
                let translations =
                    p.items.iter().filter_map(|i| if let PhaseItem::Translation(t) = i { Some(t) } else { None });
                out.push(Slot {
                    key: format!("phase.{id}.name"),
                    source: &p.name,
                    translations: translations.collect(),
                    place: Place::Block { statement: p.span, block: p.block },
                    about: vec![format!("Name of phase `{id}`: a group of stages, drawn as a band.")],
                });
                for item in &p.items {
                    match item {
                        PhaseItem::Stage(s) => stage_slots(s, context, &mut branches, &mut out),
                        PhaseItem::Edge(e) => edge_slots(e, context, &mut branches, &mut out),
                        PhaseItem::Translation(_) | PhaseItem::Broken(_) => {}
                    }
                }
            }
            Statement::Stage(s) => stage_slots(s, context, &mut branches, &mut out),
            Statement::Edge(e) => edge_slots(e, context, &mut branches, &mut out),
            Statement::Leaflet(l) => {
                let (key, about) = match l.part {
                    LeafletPart::Leaflet => ("leaflet.heading".to_owned(), "The heading of the person's leaflet."),
                    LeafletPart::Hotline => {
                        hotlines += 1;
                        (format!("leaflet.hotline.{hotlines}"), "A hotline on the person's leaflet.")
                    }
                    LeafletPart::Right => {
                        rights += 1;
                        (format!("leaflet.right.{rights}"), "One of the person's rights, on their leaflet.")
                    }
                };
                out.push(Slot {
                    key,
                    source: &l.text,
                    translations: l.translations.iter().collect(),
                    place: Place::Inline,
                    about: vec![about.into(), PLAIN_WORDS.into()],
                });
            }
            Statement::Languages(_)
            | Statement::Require(_)
            | Statement::Include(_)
            | Statement::Numbering(_)
            | Statement::Retired(_)
            | Statement::Glossary(_)
            | Statement::Broken(_) => {}
        }
    }
    // An empty text has nothing to translate, and an empty msgid is the PO file's header.
    out.retain(|s| !s.source.value.is_empty());
    out
}

/// What a translator of a text of the person's leaflet is told.
const PLAIN_WORDS: &str = "For the person being referred: short sentences, plain words, no agency jargon.";

fn name_of(context: &Context<'_>, actor: &str) -> String {
    context.actors.get(actor).cloned().unwrap_or_else(|| actor.to_string())
}

fn stage_slots<'f, 's>(
    stage: &'f Stage<'s>,
    context: &Context<'_>,
    branches: &mut HashMap<String, u32>,
    out: &mut Vec<Slot<'f, 's>>,
) {
    let id = stage.id.name;
    let what = context.stage(id);
    let short = context.stage_short(id);
    let mut about = vec![format!("Label of {what}.")];
    if stage.kind == referflow_syntax::StageKind::Decision {
        about.push("A question, answered by the branches that leave it.".into());
    }
    for item in &stage.items {
        if let StageItem::Note(note) = item {
            about.push(format!("Note: {}", one_line(&note.text.value)));
        }
    }
    let translations =
        stage.items.iter().filter_map(|i| if let StageItem::Translation(t) = i { Some(t) } else { None });
    out.push(Slot {
        key: format!("stage.{id}.label"),
        source: &stage.label,
        translations: translations.collect(),
        place: Place::Block { statement: stage.span, block: stage.block },
        about,
    });
    let (mut notes, mut refs) = (0, 0);
    for item in &stage.items {
        match item {
            StageItem::Note(note) => {
                notes += 1;
                out.push(Slot {
                    key: format!("stage.{id}.note.{notes}"),
                    source: &note.text,
                    translations: note.translations.iter().collect(),
                    place: Place::Inline,
                    about: vec![format!("Note on {short}.")],
                });
            }
            StageItem::Ref(reference) => {
                refs += 1;
                out.push(Slot {
                    key: format!("stage.{id}.ref.{refs}"),
                    source: &reference.text,
                    translations: reference.translations.iter().collect(),
                    place: Place::Inline,
                    about: vec![format!("Legal or procedural basis of {short}.")],
                });
            }
            StageItem::Public(public) => out.push(Slot {
                key: format!("stage.{id}.public"),
                source: &public.text,
                translations: public.translations.iter().collect(),
                place: Place::Inline,
                about: vec![format!("What the person's leaflet says about {short}."), PLAIN_WORDS.into()],
            }),
            StageItem::Branch(branch) => {
                if let BranchLabel::Text { text, translations } = &branch.label {
                    out.push(branch_slot(id, branch.target.name, text, translations, context, branches));
                }
            }
            StageItem::By(_) | StageItem::Within(_) | StageItem::Translation(_) | StageItem::Next(_) => {}
        }
    }
}

fn edge_slots<'f, 's>(
    edge: &'f EdgeChain<'s>,
    context: &Context<'_>,
    branches: &mut HashMap<String, u32>,
    out: &mut Vec<Slot<'f, 's>>,
) {
    if let (Some(BranchLabel::Text { text, translations }), [from, to, ..]) = (&edge.label, edge.stages.as_slice()) {
        out.push(branch_slot(from.name, to.name, text, translations, context, branches));
    }
}

/// A branch label, keyed by its first arrow's ends (`branch.FROM.TO`), with `.2`, `.3`… for
/// a second and third labelled arrow between the same stages.
fn branch_slot<'f, 's>(
    from: &str,
    to: &str,
    text: &'f Text<'s>,
    translations: &'f [Translation<'s>],
    context: &Context<'_>,
    branches: &mut HashMap<String, u32>,
) -> Slot<'f, 's> {
    let base = format!("branch.{from}.{to}");
    let seen = branches.entry(base.clone()).or_insert(0);
    *seen += 1;
    let key = if *seen == 1 { base } else { format!("{base}.{seen}") };
    Slot {
        key,
        source: text,
        translations: translations.iter().collect(),
        place: Place::Inline,
        about: vec![format!(
            "Label of the branch from {} to {}: the answer that leads there.",
            context.stage_short(from),
            context.stage_short(to)
        )],
    }
}

/// A chart read and checked for translating: refused with errors of the language.
pub(crate) struct Prepared<'c> {
    pub checked: referflow_check::Checked<'c>,
    pub syntax: File<'c>,
}

pub(crate) fn prepare<'c>(
    chart: &'c WholeChart,
    arena: &'c bumpalo::Bump,
    consequence: &str,
) -> Result<Prepared<'c>, Outcome> {
    let checked = chart.check(arena, &Levels::default());
    if chart.refused(&checked, consequence) {
        return Err(Outcome::Trouble);
    }
    let syntax = match &chart.sources {
        Some(sources) => sources.merged(arena),
        None => referflow_syntax::parse(&chart.file.text),
    };
    Ok(Prepared { checked, syntax })
}

/// `lang` checked against the chart's languages: declared, and not the first.
pub(crate) fn target_language(model: &Model<'_>, lang: &str, name: &str) -> Result<(), Failure> {
    let declared = model.languages.join(" ");
    if model.languages.first() == Some(&lang) {
        return Err(Failure(format!(
            "{name}: `{}` is the chart's first language, the language its texts are written in; \
             translate into one of the others (`languages {declared}`)",
            input::shown(std::path::Path::new(lang))
        )));
    }
    if !model.languages.contains(&lang) {
        return Err(Failure(format!(
            "{name}: the chart does not declare `{}` (`languages {declared}`); add it to the `languages` line first",
            input::shown(std::path::Path::new(lang))
        )));
    }
    Ok(())
}

/// The slots of a prepared chart, with what the translator is told.
pub(crate) fn chart_slots<'f, 's>(prepared: &'f Prepared<'s>) -> Vec<Slot<'f, 's>> {
    let model = &prepared.checked.model;
    let chart = Chart::new(model, &prepared.checked.diagnostics);
    let context = Context::new(model, &chart);
    slots(&prepared.syntax, &context)
}

fn export(path: &std::path::Path, lang: &str, out: Option<&std::path::Path>) -> Result<Outcome, Failure> {
    let chart = WholeChart::read(path)?;
    let arena = bumpalo::Bump::new();
    let prepared = match prepare(&chart, &arena, "so its texts are not exported") {
        Ok(prepared) => prepared,
        Err(outcome) => return Ok(outcome),
    };
    let model = &prepared.checked.model;
    target_language(model, lang, &chart.file.name)?;
    let slots = chart_slots(&prepared);
    let text = write_po(&chart, model, &slots, lang);
    match out {
        None => {
            use std::io::Write as _;
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| Failure(format!("standard output: {e}")))?;
        }
        Some(out) => {
            let inputs: Vec<PathBuf> = match &chart.sources {
                Some(sources) => sources.files.iter().map(|f| f.path.clone()).collect(),
                None => vec![path.to_path_buf()],
            };
            output::write(out, text.as_bytes(), &inputs)?;
        }
    }
    Ok(Outcome::Clean)
}

/// The PO file: the header, then one entry per slot.
fn write_po(chart: &WholeChart, model: &Model<'_>, slots: &[Slot<'_, '_>], lang: &str) -> String {
    use po::quote;
    let mut out = String::new();
    let title = model.title.as_ref().map_or_else(|| chart.file.name.clone(), |t| one_line(t.get(0)));
    let project = match &model.version {
        Some(version) => format!("{title} ({})", one_line(version.get(0))),
        None => title.clone(),
    };
    let _ = writeln!(out, "# Translation into `{lang}` of the referral chart {}.", one_line(&chart.file.name));
    let _ = writeln!(out, "# Written by `referflow translate export`; read back by `referflow translate import`.");
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    let fields = [
        ("Project-Id-Version", project),
        ("PO-Revision-Date", revision_date()),
        ("Last-Translator", String::new()),
        ("Language-Team", String::new()),
        ("Language", lang.to_string()),
        ("MIME-Version", "1.0".into()),
        ("Content-Type", "text/plain; charset=UTF-8".into()),
        ("Content-Transfer-Encoding", "8bit".into()),
        ("X-Generator", "referflow".into()),
    ];
    for (name, value) in fields {
        let _ = writeln!(out, "{}", quote(&format!("{name}: {value}\n")));
    }
    let texts = edit::texts(chart);
    let lines: Vec<referflow_syntax::LineIndex> =
        texts.iter().map(|(text, _)| referflow_syntax::LineIndex::new(text)).collect();
    for slot in slots {
        out.push('\n');
        for about in &slot.about {
            let _ = writeln!(out, "#. {about}");
        }
        let file = edit::file_of(chart, slot.source.span.start);
        let (text, base) = texts[file];
        let line = lines[file].line_col(text, (slot.source.span.start - base) as usize).line;
        let name = match &chart.sources {
            Some(sources) => sources.files[file].loaded.name.as_str(),
            None => chart.file.name.as_str(),
        };
        let _ = writeln!(out, "#: {name}:{line}");
        let translation = slot.translation(lang);
        let msgid = &slot.source.value;
        if let Some(t) = translation
            && let Some(from) = &t.from
            && from.value != *msgid
            && !t.text.value.is_empty()
        {
            out.push_str("#, fuzzy\n");
            let _ = writeln!(out, "#| msgid {}", quote(&from.value));
        }
        let _ = writeln!(out, "msgctxt {}", quote(&slot.key));
        let _ = writeln!(out, "msgid {}", quote(msgid));
        let _ = writeln!(out, "msgstr {}", quote(translation.map_or("", |t| &t.text.value)));
    }
    out
}

/// `PO-Revision-Date`: the time `SOURCE_DATE_EPOCH` gives, else the epoch, so that the same
/// chart always gives the same file; a translator's tool writes the real date when it saves.
fn revision_date() -> String {
    let seconds: i64 = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let [y, m, d, hour, minute, _] = crate::publish::civil_date(seconds);
    format!("{y:04}-{m:02}-{d:02} {hour:02}:{minute:02}+0000")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_from_the_epoch() {
        let days = |d: i64| crate::publish::civil_date(d * 86_400)[..3].to_vec();
        assert_eq!(days(0), [1970, 1, 1]);
        assert_eq!(days(20_454), [2026, 1, 1]);
        assert_eq!(days(11_016), [2000, 2, 29]);
    }
}
