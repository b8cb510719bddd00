//! Name resolution: the syntax tree becomes the [`Model`], and what does not fit becomes
//! RF002–RF009. The header comes first (the languages decide where each text goes); then the
//! statements, which may come a batch at a time (`check_source` never holds the whole tree):
//! each batch's definitions, then its contents. Every reference to a stage (most name a stage
//! further down), and a `by` naming an actor not defined yet, is kept with a placeholder and
//! settled at the end, when every definition is known, so the order of definition does not
//! matter.

use std::borrow::Cow;

use referflow_syntax as ast;
use referflow_syntax::{DefinitionKind, Ident, Span, StageKind, Statement};

use crate::diagnostic::Diagnostic;
use crate::duration::{self, DurationError};
use crate::model::*;
use crate::registry::Rule;
use std::hash::BuildHasher as _;

/// What an id names.
#[derive(Debug, Clone, Copy)]
enum Def {
    Actor(ActorId),
    Phase(PhaseId),
    Stage(StageId),
    /// Defined by a statement that did not parse: known, but not usable.
    Broken(DefinitionKind),
}

impl Def {
    fn kind_name(self) -> &'static str {
        match self {
            Def::Actor(_) | Def::Broken(DefinitionKind::Actor) => "an actor",
            Def::Phase(_) | Def::Broken(DefinitionKind::Phase) => "a phase",
            Def::Stage(_) | Def::Broken(DefinitionKind::Stage(_)) => "a stage",
        }
    }
}

/// Every id defined and what it names. The table holds 4-byte entries whose keys are the ids
/// as the model (or `broken`) has them, where a map of ids would hold each id again with its
/// span: 32 bytes an entry, 70 MB at a million stages.
struct Defs<'s> {
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// Ids defined by statements that did not parse.
    broken: Vec<(&'s str, DefinitionKind, Span)>,
}

/// An entry of `Defs::table`: what it names in the top two bits, the index below.
const KIND_SHIFT: u32 = 30;

impl<'s> Defs<'s> {
    fn with_capacity(n: usize) -> Self {
        Defs { table: hashbrown::HashTable::with_capacity(n), hasher: Default::default(), broken: Vec::new() }
    }

    fn encode(def: Def, broken: usize) -> u32 {
        let (kind, index) = match def {
            Def::Stage(StageId(i)) => (0, i),
            Def::Actor(ActorId(i)) => (1, i),
            Def::Phase(PhaseId(i)) => (2, i),
            Def::Broken(_) => (3, broken as u32),
        };
        kind << KIND_SHIFT | index
    }

    /// The id, definition and span of the id of an entry.
    fn decode(&self, model: &Model<'s>, entry: u32) -> (&'s str, Def, Span) {
        Defs::decode_in(model, &self.broken, entry)
    }

    fn get(&self, model: &Model<'s>, name: &str) -> Option<(Def, Span)> {
        let hash = self.hasher.hash_one(name);
        let entry = self.table.find(hash, |&e| self.decode(model, e).0 == name)?;
        let (_, def, span) = self.decode(model, *entry);
        Some((def, span))
    }

    /// Records that `name` is `def`, unless it is defined already (by a statement that parsed,
    /// or at all when `def` is broken), which is returned. The model must hold `def` (a
    /// broken one goes to `broken`) before the next call.
    fn define(&mut self, model: &Model<'s>, name: &'s str, def: Def, span: Span) -> Result<(), (Def, Span)> {
        let hash = self.hasher.hash_one(name);
        let Defs { table, hasher, broken } = self;
        let this = &*broken;
        let key = |e: u32| Defs::decode_in(model, this, e);
        let entry = table.entry(hash, |&e| key(e).0 == name, |&e| hasher.hash_one(key(e).0));
        let new = Defs::encode(def, broken.len());
        match entry {
            hashbrown::hash_table::Entry::Vacant(vacant) => {
                vacant.insert(new);
            }
            hashbrown::hash_table::Entry::Occupied(mut occupied) => {
                let (_, first, first_span) = key(*occupied.get());
                // A broken statement's id gives way to a real definition.
                if !matches!(first, Def::Broken(_)) || matches!(def, Def::Broken(_)) {
                    return Err((first, first_span));
                }
                *occupied.get_mut() = new;
            }
        }
        if let Def::Broken(kind) = def {
            broken.push((name, kind, span));
        }
        Ok(())
    }

    fn decode_in(model: &Model<'s>, broken: &[(&'s str, DefinitionKind, Span)], entry: u32) -> (&'s str, Def, Span) {
        let index = entry & ((1 << KIND_SHIFT) - 1);
        match entry >> KIND_SHIFT {
            0 => {
                let stage = &model.stages[index as usize];
                (stage.id, Def::Stage(StageId(index)), stage.id_span)
            }
            1 => {
                let actor = &model.actors[index as usize];
                (actor.id, Def::Actor(ActorId(index)), actor.id_span)
            }
            2 => {
                let phase = &model.phases[index as usize];
                (phase.id, Def::Phase(PhaseId(index)), phase.id_span)
            }
            _ => {
                let (id, kind, span) = broken[index as usize];
                (id, Def::Broken(kind), span)
            }
        }
    }

    fn iter<'d>(&'d self, model: &'d Model<'s>) -> impl Iterator<Item = (&'s str, Def, Span)> + 'd {
        self.table.iter().map(move |&e| self.decode(model, e))
    }
}

/// A resolver that has read a whole parsed file.
pub(crate) fn resolver_of<'s>(file: &ast::File<'s>) -> Resolver<'s> {
    let stages: usize = file
        .statements
        .iter()
        .map(|s| match s {
            Statement::Phase(phase) => phase.items.len(),
            _ => 1,
        })
        .sum();
    let mut r = Resolver::new(stages);
    r.text_start = file.start;
    r.feed(&file.statements);
    r
}

/// A reference to a stage, settled once the stage is defined (see `take`) or in `finish`: it
/// goes to the end of up to two edges (a stage in the middle of a chain `a -> b -> c` ends
/// one and starts the next).
#[derive(Debug)]
struct StageRef<'s> {
    ident: Ident<'s>,
    /// The edge it starts, or `NONE`.
    from: u32,
    /// The edge it ends, or `NONE` (a reference in a duplicate's block is only checked).
    to: u32,
}

/// A `by` naming an actor that was not defined (or only by a broken statement) when it was
/// read, settled in `finish` into `stages[stage].owners[at]` (`stage` is `NONE` for a
/// duplicate's `by`, which is only checked).
#[derive(Debug)]
struct ActorRef<'s> {
    ident: Ident<'s>,
    stage: u32,
    at: u32,
}

/// No edge or stage.
const NONE: u32 = u32::MAX;

/// Puts the stage `r` names into its edges if it is defined (as a stage, by a statement that
/// parsed); says whether it did.
fn settle<'s>(defs: &Defs<'s>, model: &mut Model<'s>, r: &StageRef<'_>) -> bool {
    let Some((Def::Stage(id), _)) = defs.get(model, r.ident.name) else { return false };
    let edges = &mut model.edges;
    if r.from != NONE {
        edges[r.from as usize].from = id;
    }
    if r.to != NONE {
        edges[r.to as usize].to = id;
    }
    true
}

/// What an actor named in a `by` is when it is read.
enum Found {
    Now(u32),
    /// Not defined yet: see `ActorRef`.
    Later,
    /// Defined as something else (reported).
    Failed,
}

/// A stage or actor index not known yet.
const PENDING: u32 = u32::MAX;

pub(crate) struct Resolver<'s> {
    model: Model<'s>,
    defs: Defs<'s>,
    languages_span: Option<Span>,
    /// A `start` is defined somewhere, even as a duplicate or a statement that did not parse.
    saw_start: bool,
    /// Where the text begins, after a byte order mark: RF007, about the whole file, goes there.
    text_start: Span,
    diagnostics: Vec<Diagnostic>,
    /// References to stages read in the current batch, those of the batch before that named a
    /// stage not defined yet, and those left for `finish` (see `take`).
    stage_refs: Vec<StageRef<'s>>,
    retry: Vec<StageRef<'s>>,
    unsettled: Vec<StageRef<'s>>,
    actor_refs: Vec<ActorRef<'s>>,
    /// Stages with an owner to settle in `finish`.
    pending_owners: Vec<u32>,
    /// For each stage statement of the statements being read, in order, the stage it defines
    /// (`None` for a duplicate), and how many of them `fill` has read.
    stages_read: Vec<Option<StageId>>,
    stages_filled: usize,
    /// The header has been read (see `feed`).
    header_read: bool,
    /// The statements come without their prose (`Stream`): see `texts_of`.
    without_prose: bool,
    /// Requirements are read last, when every stage is known.
    requires: Vec<ast::Require<'s>>,
}

impl<'s> Resolver<'s> {
    /// A resolver for a chart of about `stages` stages.
    pub(crate) fn new(stages: usize) -> Self {
        Resolver {
            model: Model {
                stages: Vec::with_capacity(stages),
                edges: Vec::with_capacity(stages + stages / 2),
                ..Model::default()
            },
            defs: Defs::with_capacity(stages),
            languages_span: None,
            saw_start: false,
            text_start: Span::default(),
            diagnostics: Vec::new(),
            stage_refs: Vec::new(),
            retry: Vec::new(),
            unsettled: Vec::new(),
            actor_refs: Vec::new(),
            pending_owners: Vec::new(),
            stages_read: Vec::new(),
            stages_filled: 0,
            header_read: false,
            without_prose: false,
            requires: Vec::new(),
        }
    }

    /// A resolver for a chart of `bytes` of text: about 200 make a stage in a real chart.
    pub(crate) fn for_text(bytes: u64) -> Self {
        Self::new(usize::try_from(bytes / 200).unwrap_or(0))
    }

    /// Where the text begins (see `referflow_syntax::text_start`).
    pub(crate) fn set_text_start(&mut self, start: usize) {
        self.text_start = Span::new(start, start);
    }

    /// A resolver for statements whose prose was left behind (`Statement::relocate`).
    pub(crate) fn without_prose(self) -> Self {
        Resolver { without_prose: true, ..self }
    }

    /// Reads statements in source order, a batch at a time or all at once. The first batch
    /// holds the `title`, `version` and `languages` lines (perhaps with other statements, or
    /// none), since every text depends on the languages.
    pub(crate) fn feed(&mut self, statements: &[Statement<'s>]) {
        if !std::mem::replace(&mut self.header_read, true) {
            self.header(statements);
        }
        self.take(statements);
    }

    /// Reads statements after the header: their definitions, then their contents.
    fn take(&mut self, statements: &[Statement<'s>]) {
        self.stages_read.clear();
        self.stages_filled = 0;
        self.define(statements);
        self.fill(statements);
        // Most references name a stage defined in the same batch or the next: settle them
        // now, while those definitions are fresh in the cache, rather than all at the end,
        // when each lookup in a large chart's table would go to memory. A stage found is final
        // (the first definition of an id stands); the rest, after a second try, wait for
        // `finish`, which reports what is wrong with them.
        let mut retry = std::mem::take(&mut self.retry);
        retry.retain(|r| !settle(&self.defs, &mut self.model, r));
        self.unsettled.append(&mut retry);
        let mut fresh = std::mem::take(&mut self.stage_refs);
        fresh.retain(|r| !settle(&self.defs, &mut self.model, r));
        self.retry.append(&mut fresh);
        self.stage_refs = fresh;
    }

    /// Settles the deferred references and the requirements; returns the model and the
    /// diagnostics found. `parsed` says the file had no syntax error.
    pub(crate) fn finish(mut self, parsed: bool) -> (Model<'s>, Vec<Diagnostic>) {
        // (The diagnostics of unknown ids come out in another order than the references,
        // but every diagnostic is sorted by position in the end.)
        for r in std::mem::take(&mut self.actor_refs) {
            let id = self.resolve_actor(r.ident).map_or(PENDING, |a| a.0);
            if r.stage != NONE {
                self.model.stages[r.stage as usize].owners[r.at as usize] = ActorId(id);
            }
        }
        let mut refs = std::mem::take(&mut self.unsettled);
        refs.append(&mut self.retry);
        refs.append(&mut self.stage_refs);
        for r in refs {
            let id = StageId(self.resolve_stage(r.ident, "the edge").map_or(PENDING, |s| s.0));
            if r.from != NONE {
                self.model.edges[r.from as usize].from = id;
            }
            if r.to != NONE {
                self.model.edges[r.to as usize].to = id;
            }
        }
        let settled = |edge: &Edge<'_>| edge.from.0 != PENDING && edge.to.0 != PENDING;
        for e in 0..self.model.edges.len() {
            let edge = &self.model.edges[e];
            if settled(edge) {
                self.end_has_exit(edge.from, edge.to, edge.span);
            }
        }
        self.model.edges.retain(settled);
        for stage in std::mem::take(&mut self.pending_owners) {
            let owners = &mut self.model.stages[stage as usize].owners;
            *owners = owners.iter().copied().filter(|a| a.0 != PENDING).collect();
        }
        for require in std::mem::take(&mut self.requires) {
            self.requirement(&require);
        }
        self.numbers();
        // A syntax error may hide the start, so RF007 waits until the file parses.
        if !self.saw_start && parsed {
            self.diagnostics.push(
                Diagnostic::new(Rule::NoStart, self.text_start, "the chart has no `start` stage", "no entry point in this file")
                    .with_help("mark where a case enters the mechanism with `start`, such as `start tip_off \"Tip-off received\" by police`"),
            );
        }
        (self.model, self.diagnostics)
    }

    /// RF011 and RF012: a number given to two stages, a retired number given to a stage.
    fn numbers(&mut self) {
        let numbering = &self.model.numbering;
        let mut first: crate::HashMap<u32, StageId> = crate::HashMap::default();
        let mut retired: crate::HashMap<u32, (Span, Option<&str>)> = crate::HashMap::default();
        for r in &numbering.retired {
            retired.entry(r.number.value).or_insert((r.number.span, r.text.as_deref()));
        }
        for (i, stage) in self.model.stages.iter().enumerate() {
            let Some(number) = stage.number else { continue };
            if let Some(&(at, text)) = retired.get(&number.value) {
                let was = text.map(|t| format!(" (it was \"{t}\")")).unwrap_or_default();
                self.diagnostics.push(
                    Diagnostic::new(
                        Rule::RetiredNumber,
                        number.span,
                        format!(
                            "step {} is retired{was}: a removed stage had it, and `{}` cannot have it again",
                            number.value, stage.id
                        ),
                        "retired number",
                    )
                    .with_related(at, "retired here")
                    .with_stage(stage.id)
                    .with_help(
                        "a number once published keeps pointing at the stage it was given to; remove this number and run `referflow number` to give the stage a new one",
                    ),
                );
                continue;
            }
            match first.entry(number.value) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(StageId(i as u32));
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    let other = &self.model.stages[o.get().index()];
                    let at = other.number.map_or(other.id_span, |n| n.span);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Rule::DuplicateNumber,
                            number.span,
                            format!("step {} is given to both `{}` and `{}`", number.value, other.id, stage.id),
                            "given again here",
                        )
                        .with_related(at, format!("first given to `{}` here", other.id))
                        .with_stage(stage.id)
                        .with_help(
                            "each stage needs a number of its own: remove this one and run `referflow number` to give the stage the next free number",
                        ),
                    );
                }
            }
        }
    }

    // ------------------------------------------------------------------------------ header

    /// Reads the `title`, `version` and `languages` statements among `statements`.
    fn header(&mut self, statements: &[Statement<'s>]) {
        let mut title_span = None;
        let mut version_span = None;
        for statement in statements {
            match statement {
                Statement::Languages(langs) => {
                    if let Some(first) = self.languages_span {
                        self.repeated(
                            langs.span,
                            first,
                            "the languages are declared twice",
                            "declare all languages on one `languages` line",
                        );
                        continue;
                    }
                    self.languages_span = Some(langs.span);
                    if let Some(mistake) = &langs.mistake {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Rule::BadLanguages,
                                mistake.span,
                                format!("the `languages` line is not written as codes: {}", mistake.problem),
                                "read as `".to_string() + &mistake.fix + "`",
                            )
                            .with_help(format!("write `{}`", mistake.fix)),
                        );
                    }
                    let mut seen: Vec<ast::Lang<'s>> = Vec::new();
                    for lang in &langs.langs {
                        if let Some(first) = seen.iter().find(|l| l.code == lang.code) {
                            self.repeated(
                                lang.span,
                                first.span,
                                &format!("language `{}` is listed twice", lang.code),
                                "list each language once",
                            );
                        } else {
                            seen.push(*lang);
                        }
                    }
                    self.model.languages = seen.iter().map(|l| l.code).collect();
                }
                Statement::Version(version) => {
                    if let Some(first) = version_span {
                        self.repeated(version.span, first, "the chart has two versions", "keep one `version` line");
                    } else {
                        version_span = Some(version.span);
                    }
                }
                _ => {}
            }
        }
        if self.model.languages.is_empty() {
            self.model.languages.push("en");
        }
        // The texts once the languages are known: the first version, the first title.
        if let Some(version) = statements.iter().find_map(|s| match s {
            Statement::Version(v) => Some(v),
            _ => None,
        }) {
            self.model.version = Some(self.texts(&version.text, &version.translations, "the version"));
        }
        for statement in statements {
            if let Statement::Title(title) = statement {
                if let Some(first) = title_span {
                    self.repeated(
                        title.span,
                        first,
                        "the chart has two titles",
                        "keep one `title` line, with its translations",
                    );
                } else {
                    title_span = Some(title.span);
                    self.model.title = Some(self.texts(&title.text, &title.translations, "the title"));
                }
            }
        }
    }

    // ------------------------------------------------------------------------- definitions

    fn define(&mut self, statements: &[Statement<'s>]) {
        for statement in statements {
            match statement {
                Statement::Actor(actor) => {
                    let id = ActorId(self.model.actors.len() as u32);
                    if self.declare(actor.id, Def::Actor(id)) {
                        self.model.actors.push(Actor {
                            id: actor.id.name,
                            id_span: actor.id.span,
                            name: Texts::default(),
                            notes: Vec::new(),
                            span: actor.span,
                        });
                    }
                }
                Statement::Phase(phase) => {
                    let id = PhaseId(self.model.phases.len() as u32);
                    let phase_id = if self.declare(phase.id, Def::Phase(id)) {
                        self.model.phases.push(Phase {
                            id: phase.id.name,
                            id_span: phase.id.span,
                            name: Texts::default(),
                            stages: Vec::new(),
                            span: phase.span,
                        });
                        Some(id)
                    } else {
                        None
                    };
                    for item in &phase.items {
                        match item {
                            ast::PhaseItem::Stage(stage) => {
                                if let (Some(stage_id), Some(phase_id)) = (self.define_stage(stage, phase_id), phase_id)
                                {
                                    self.model.phases[phase_id.index()].stages.push(stage_id);
                                }
                            }
                            ast::PhaseItem::Broken(broken) => self.define_broken(broken),
                            ast::PhaseItem::Translation(_) | ast::PhaseItem::Edge(_) => {}
                        }
                    }
                }
                Statement::Stage(stage) => {
                    self.define_stage(stage, None);
                }
                Statement::Broken(broken) => self.define_broken(broken),
                // An include is the driver's, which reads the file in its place; what its path
                // says on its own is checked here.
                Statement::Include(include) => {
                    if let Some((message, help)) = bad_include_path(&include.path.value) {
                        self.diagnostics.push(
                            Diagnostic::new(Rule::BadInclude, include.path.span, message, "cannot be included")
                                .with_help(help),
                        );
                    }
                }
                Statement::Numbering(numbering) => {
                    let model = &mut self.model.numbering;
                    match model.span {
                        Some(first) => self.repeated(
                            numbering.span,
                            first,
                            "the chart's numbering is declared twice",
                            "write one `numbering` line, such as `numbering required last 38`",
                        ),
                        None => {
                            model.span = Some(numbering.span);
                            model.required = numbering.required;
                            model.last = numbering.last;
                        }
                    }
                }
                Statement::Glossary(glossary) => {
                    self.model.glossary.extend(glossary.words.iter().map(|w| w.value.clone()));
                }
                Statement::Leaflet(_) => {} // read with the contents
                Statement::Retired(retired) => {
                    self.model.numbering.retired.extend(
                        retired.numbers.iter().map(|r| RetiredNumber {
                            number: r.number,
                            text: r.text.as_ref().map(|t| t.value.clone()),
                        }),
                    );
                }
                Statement::Title(_)
                | Statement::Version(_)
                | Statement::Languages(_)
                | Statement::Edge(_)
                | Statement::Require(_) => {}
            }
        }
    }

    fn define_stage(&mut self, stage: &ast::Stage<'s>, phase: Option<PhaseId>) -> Option<StageId> {
        self.saw_start |= stage.kind == StageKind::Start;
        let id = StageId(self.model.stages.len() as u32);
        let defined = self.declare(stage.id, Def::Stage(id));
        // `fill_stage` takes these in the same order.
        self.stages_read.push(defined.then_some(id));
        if !defined {
            return None;
        }
        self.model.stages.push(Stage {
            id: stage.id.name,
            id_span: stage.id.span,
            kind: stage.kind,
            number: stage.number,
            label: Texts::default(),
            owners: Box::default(),
            phase,
            within: None,
            notes: Box::default(),
            refs: Box::default(),
            public: None,
            span: stage.span,
        });
        Some(id)
    }

    fn define_broken(&mut self, broken: &ast::Broken<'s>) {
        if let Some((kind, ident)) = broken.defines {
            self.saw_start |= kind == DefinitionKind::Stage(StageKind::Start);
            // A broken statement's id is known but never reported as a duplicate: its
            // statement already has an error.
            let _ = self.defs.define(&self.model, ident.name, Def::Broken(kind), ident.span);
        }
    }

    /// Records a definition; reports RF002 and returns false when the id is taken.
    fn declare(&mut self, ident: Ident<'s>, def: Def) -> bool {
        let Err((first, first_span)) = self.defs.define(&self.model, ident.name, def, ident.span) else {
            return true;
        };
        let mut diagnostic = Diagnostic::new(
            Rule::DuplicateId,
            ident.span,
            format!("`{}` is defined twice", ident.name),
            format!("defined again here, as {}", def.kind_name()),
        )
        .with_related(first_span, format!("first defined here, as {}", first.kind_name()))
        .with_help("every stage, actor and phase needs an id of its own; rename one of them");
        if matches!(def, Def::Stage(_)) {
            diagnostic = diagnostic.with_stage(ident.name);
        }
        self.diagnostics.push(diagnostic);
        false
    }

    // ---------------------------------------------------------------------------- contents

    fn fill(&mut self, statements: &[Statement<'s>]) {
        for statement in statements {
            match statement {
                Statement::Actor(actor) => {
                    let Some(id) = self.own(actor.id, |d| matches!(d, Def::Actor(_))) else {
                        continue;
                    };
                    let id = ActorId(id);
                    let mut names: Vec<&ast::Translation<'s>> = Vec::new();
                    let mut notes = Vec::new();
                    for item in &actor.items {
                        match item {
                            ast::ActorItem::Translation(t) => names.push(t),
                            ast::ActorItem::Note(note) => {
                                notes.push(self.texts(&note.text, &note.translations, "the note"))
                            }
                        }
                    }
                    let what = || format!("the name of `{}`", actor.id.name);
                    let name = self.texts_of(&actor.name, names.into_iter(), &what);
                    let actor = &mut self.model.actors[id.index()];
                    actor.name = name;
                    actor.notes = notes;
                }
                Statement::Phase(phase) => {
                    let own = self.own(phase.id, |d| matches!(d, Def::Phase(_))).map(PhaseId);
                    let names = phase.items.iter().filter_map(|i| match i {
                        ast::PhaseItem::Translation(t) => Some(t),
                        _ => None,
                    });
                    let what = || format!("the name of phase `{}`", phase.id.name);
                    let name = self.texts_of(&phase.name, names, &what);
                    if let Some(id) = own {
                        self.model.phases[id.index()].name = name;
                    }
                    for item in &phase.items {
                        match item {
                            ast::PhaseItem::Stage(stage) => self.fill_stage(stage),
                            ast::PhaseItem::Edge(edge) => self.edge_chain(edge),
                            ast::PhaseItem::Translation(_) | ast::PhaseItem::Broken(_) => {}
                        }
                    }
                }
                Statement::Stage(stage) => self.fill_stage(stage),
                Statement::Edge(edge) => self.edge_chain(edge),
                Statement::Require(require) => self.requires.push(require.clone()),
                Statement::Leaflet(line) => self.leaflet_line(line),
                Statement::Title(_)
                | Statement::Version(_)
                | Statement::Languages(_)
                | Statement::Broken(_)
                | Statement::Include(_)
                | Statement::Numbering(_)
                | Statement::Retired(_)
                | Statement::Glossary(_) => {}
            }
        }
    }

    fn leaflet_line(&mut self, line: &ast::LeafletLine<'s>) {
        let what = match line.part {
            ast::LeafletPart::Leaflet => "the leaflet's heading",
            ast::LeafletPart::Hotline => "the hotline",
            ast::LeafletPart::Right => "the right",
        };
        let texts = self.texts(&line.text, &line.translations, what);
        let leaflet = &mut self.model.leaflet;
        match line.part {
            ast::LeafletPart::Leaflet => match leaflet.span {
                Some(first) => self.repeated(
                    line.span,
                    first,
                    "the chart declares its leaflet twice",
                    "keep one `leaflet` line, with its translations",
                ),
                None => {
                    leaflet.span = Some(line.span);
                    leaflet.heading = Some(texts);
                }
            },
            ast::LeafletPart::Hotline => leaflet.hotlines.push(texts),
            ast::LeafletPart::Right => leaflet.rights.push(texts),
        }
    }

    /// The index an id was given by this very definition (not by an earlier duplicate).
    fn own(&self, ident: Ident<'s>, kind: impl Fn(Def) -> bool) -> Option<u32> {
        let (def, span) = self.defs.get(&self.model, ident.name)?;
        if span.start != ident.span.start || !kind(def) {
            return None;
        }
        match def {
            Def::Actor(ActorId(i)) | Def::Phase(PhaseId(i)) | Def::Stage(StageId(i)) => Some(i),
            Def::Broken(_) => None,
        }
    }

    fn fill_stage(&mut self, stage: &ast::Stage<'s>) {
        // A duplicate's contents are still checked, but belong to no stage of the model.
        let own = self.stages_read.get(self.stages_filled).copied().flatten();
        self.stages_filled += 1;
        let name = stage.id.name;
        let mut by: Option<Span> = None;
        let mut within: Option<Span> = None;
        let mut owners = Vec::new();
        let mut limit = None;
        let mut notes = Vec::new();
        let mut refs = Vec::new();
        let mut public: Option<(Span, Texts<'s>)> = None;
        for item in &stage.items {
            match item {
                ast::StageItem::By(clause) => {
                    if let Some(first) = by {
                        self.repeated(
                            clause.span,
                            first,
                            &format!("stage `{name}` has `by` twice"),
                            "name every owner in one `by`, the lead first: `by police, mdt`",
                        );
                        self.diagnostics.last_mut().into_iter().for_each(|d| d.stage = Some(name.to_string()));
                        continue;
                    }
                    by = Some(clause.span);
                    for (i, actor) in clause.actors.iter().enumerate() {
                        if let Some(first) = clause.actors[..i].iter().find(|n| n.name == actor.name) {
                            let message = format!("`{}` is named twice as an owner of `{name}`", actor.name);
                            self.repeated(actor.span, first.span, &message, "name each owner once");
                            continue;
                        }
                        match self.find_actor(*actor) {
                            Found::Now(actor_id) => owners.push(ActorId(actor_id)),
                            Found::Later => {
                                let stage = own.map_or(NONE, |s| s.0);
                                self.actor_refs.push(ActorRef { ident: *actor, stage, at: owners.len() as u32 });
                                owners.push(ActorId(PENDING));
                            }
                            Found::Failed => {}
                        }
                    }
                }
                ast::StageItem::Within(clause) => {
                    if let Some(first) = within {
                        self.repeated(
                            clause.span,
                            first,
                            &format!("stage `{name}` has `within` twice"),
                            "give the stage one time limit",
                        );
                        self.diagnostics.last_mut().into_iter().for_each(|d| d.stage = Some(name.to_string()));
                        continue;
                    }
                    within = Some(clause.span);
                    limit = self.duration(clause.duration);
                }
                ast::StageItem::Translation(_) => {} // read with the label below
                ast::StageItem::Note(note) => notes.push(self.texts(&note.text, &note.translations, "the note")),
                ast::StageItem::Ref(r) => refs.push(self.texts(&r.text, &r.translations, "the reference")),
                ast::StageItem::Public(p) => {
                    if let Some((first, _)) = public {
                        self.repeated(
                            p.span,
                            first,
                            &format!("stage `{name}` has `public` twice"),
                            "give the stage one public text, in plain words",
                        );
                        self.diagnostics.last_mut().into_iter().for_each(|d| d.stage = Some(name.to_string()));
                        continue;
                    }
                    public = Some((p.span, self.texts(&p.text, &p.translations, "the public text")));
                }
                ast::StageItem::Next(next) => {
                    for target in &next.targets {
                        self.edge(own, *target, None, target.span);
                    }
                }
                ast::StageItem::Branch(branch) => {
                    let label = self.label(&branch.label);
                    self.edge(own, branch.target, Some(label), branch.span);
                }
            }
        }
        let labels = stage.items.iter().filter_map(|item| match item {
            ast::StageItem::Translation(t) => Some(t),
            _ => None,
        });
        let label = self.texts_of(&stage.label, labels, &|| format!("the label of `{name}`"));
        if let Some(id) = own {
            if owners.contains(&ActorId(PENDING)) {
                self.pending_owners.push(id.0);
            }
            let s = &mut self.model.stages[id.index()];
            s.label = label;
            s.owners = owners.into_boxed_slice();
            s.within = limit;
            s.notes = notes.into_boxed_slice();
            s.refs = refs.into_boxed_slice();
            s.public = public.map(|(_, texts)| Box::new(texts));
        }
    }

    fn edge_chain(&mut self, chain: &ast::EdgeChain<'s>) {
        let label = chain.label.as_ref().map(|l| self.label(l));
        let first = self.stage_refs.len();
        for ident in &chain.stages {
            self.stage_refs.push(StageRef { ident: *ident, from: NONE, to: NONE });
        }
        for (i, idents) in chain.stages.windows(2).enumerate() {
            let span = idents[0].span.to(idents[1].span);
            let e = self.push_edge(StageId(PENDING), label.clone(), span);
            self.stage_refs[first + i].from = e;
            self.stage_refs[first + i + 1].to = e;
        }
    }

    /// An edge written in the block of stage `from` (`None` for a duplicate, whose edges are
    /// checked but kept nowhere).
    fn edge(&mut self, from: Option<StageId>, target: Ident<'s>, label: Option<Label<'s>>, span: Span) {
        let to = from.map_or(NONE, |from| self.push_edge(from, label, span));
        self.stage_refs.push(StageRef { ident: target, from: NONE, to });
    }

    /// An edge whose target (like every reference to a stage) is settled in `finish`, when
    /// every stage is known: most name a stage defined further down. Returns its index.
    fn push_edge(&mut self, from: StageId, label: Option<Label<'s>>, span: Span) -> u32 {
        let e = self.model.edges.len() as u32;
        self.model.edges.push(Edge { from, to: StageId(PENDING), label, span });
        e
    }

    /// RF108 for an edge out of an end.
    fn end_has_exit(&mut self, from: StageId, to: StageId, span: Span) {
        let source = self.model.stage(from);
        if source.kind == StageKind::End {
            let target = self.model.stage(to).id;
            self.diagnostics.push(
                Diagnostic::new(
                    Rule::EndHasExit,
                    span,
                    format!("`{}` is an end, but an edge leaves it for `{target}`", source.id),
                    "edge out of an end",
                )
                .with_related(source.id_span, "defined here as an `end` (an outcome)")
                .with_help(format!("an outcome closes the case: remove this edge, or make `{}` a `step`", source.id))
                .with_stage(source.id),
            );
        }
    }

    fn requirement(&mut self, require: &ast::Require<'s>) {
        let what = "the requirement";
        match require {
            ast::Require::Before { first, target, unless, span } => {
                let first = self.resolve_stage(*first, what);
                let target = self.resolve_stage(*target, what);
                let unless: Vec<Option<StageId>> = unless.iter().map(|u| self.resolve_stage(*u, what)).collect();
                if let (Some(first), Some(target), Some(unless)) =
                    (first, target, unless.into_iter().collect::<Option<Vec<_>>>())
                {
                    self.model.requirements.push(Requirement::Before { first, target, unless, span: *span });
                }
            }
            ast::Require::Within { limit, from, to, span } => {
                let limit = self.duration(*limit);
                let from = self.resolve_stage(*from, what);
                let to = self.resolve_stage(*to, what);
                if let (Some(limit), Some(from), Some(to)) = (limit, from, to) {
                    self.model.requirements.push(Requirement::Within { limit, from, to, span: *span });
                }
            }
        }
    }

    // ---------------------------------------------------------------------------- references

    /// What `ident` in a `by` names so far: an actor, not defined yet (or only by a broken
    /// statement, which a later definition replaces), or something else, which is reported at
    /// once: the first definition of an id is final. (Stages are all looked up in `finish`.)
    fn find_actor(&mut self, ident: Ident<'s>) -> Found {
        match self.defs.get(&self.model, ident.name) {
            None | Some((Def::Broken(_), _)) => Found::Later,
            Some((Def::Actor(ActorId(id)), _)) => Found::Now(id),
            Some(_) => {
                let found = self.resolve_actor(ident);
                debug_assert!(found.is_none(), "an actor is found above");
                Found::Failed
            }
        }
    }

    fn resolve_stage(&mut self, ident: Ident<'s>, user: &str) -> Option<StageId> {
        match self.lookup(ident, "a stage", user)? {
            Def::Stage(id) => Some(id),
            Def::Broken(DefinitionKind::Stage(_)) => None,
            other => {
                self.wrong_kind(ident, other, "a stage", &format!("{user} must name a stage"));
                None
            }
        }
    }

    fn resolve_actor(&mut self, ident: Ident<'s>) -> Option<ActorId> {
        match self.lookup(ident, "an actor", "`by`")? {
            Def::Actor(id) => Some(id),
            Def::Broken(DefinitionKind::Actor) => None,
            other => {
                self.wrong_kind(ident, other, "an actor", "`by` names the actors that own a stage, the lead first");
                None
            }
        }
    }

    /// The definition of `ident`, or RF003 with the nearest id of the wanted kind.
    fn lookup(&mut self, ident: Ident<'s>, wanted: &str, user: &str) -> Option<Def> {
        if let Some((def, _)) = self.defs.get(&self.model, ident.name) {
            return Some(def);
        }
        let suggestion = self.nearest(ident.name, wanted);
        let help = match suggestion {
            Some(near) => format!("did you mean `{near}`?"),
            None if wanted == "an actor" => format!("define it first: `actor {} \"Name of the agency\"`", ident.name),
            None => format!("define it first, such as `step {} \"What happens\" by …`", ident.name),
        };
        self.diagnostics.push(
            Diagnostic::new(
                Rule::UnknownReference,
                ident.span,
                format!(
                    "{user} names `{}`, but no {} has that id",
                    ident.name,
                    wanted.trim_start_matches("a ").trim_start_matches("an ")
                ),
                "not defined",
            )
            .with_help(help),
        );
        None
    }

    fn wrong_kind(&mut self, ident: Ident<'s>, def: Def, wanted: &str, help: &str) {
        let def_span = self.defs.get(&self.model, ident.name).map_or(ident.span, |(_, span)| span);
        self.diagnostics.push(
            Diagnostic::new(
                Rule::WrongKindReference,
                ident.span,
                format!("`{}` is {}, but {wanted} belongs here", ident.name, def.kind_name()),
                format!("{} here", wanted.trim_start_matches("a ").trim_start_matches("an ").to_string() + " expected"),
            )
            .with_related(def_span, format!("defined here as {}", def.kind_name()))
            .with_help(help.to_string()),
        );
    }

    /// The defined id of the wanted kind closest to `name`, if one is close enough to be a typo.
    fn nearest(&self, name: &str, wanted: &str) -> Option<&'s str> {
        let actors = wanted == "an actor";
        let name = name.to_lowercase();
        let limit = (name.chars().count() / 3).max(1);
        // Ids of statements that did not parse count too: they are what the author wrote.
        self.defs
            .iter(&self.model)
            .filter(|(_, def, _)| match def {
                Def::Actor(_) | Def::Broken(DefinitionKind::Actor) => actors,
                Def::Stage(_) | Def::Broken(DefinitionKind::Stage(_)) => !actors,
                Def::Phase(_) | Def::Broken(DefinitionKind::Phase) => false,
            })
            .map(|(id, _, span)| (strsim::damerau_levenshtein(&name, &id.to_lowercase()), span.start, id))
            .filter(|(d, _, _)| *d <= limit)
            .min()
            .map(|(_, _, id)| id)
    }

    // ------------------------------------------------------------------------------- texts

    fn label(&mut self, label: &ast::BranchLabel<'s>) -> Label<'s> {
        match label {
            ast::BranchLabel::Yes(_) => Label::Yes,
            ast::BranchLabel::No(_) => Label::No,
            ast::BranchLabel::Text { text, translations } => {
                Label::Text(Box::new(self.texts(text, translations, "the branch label")))
            }
        }
    }

    fn texts(&mut self, text: &ast::Text<'s>, translations: &[ast::Translation<'s>], what: &str) -> Texts<'s> {
        self.texts_of(text, translations.iter(), &|| what.to_string())
    }

    /// A text and its translations, one per declared language; RF006 for an undeclared
    /// language, RF009 for a language given twice. `what` names the text in a message.
    fn texts_of<'t>(
        &mut self,
        text: &ast::Text<'s>,
        translations: impl Iterator<Item = &'t ast::Translation<'s>> + Clone,
        what: &dyn Fn() -> String,
    ) -> Texts<'s>
    where
        's: 't,
    {
        let mut values: Vec<Option<Cow<'s, str>>> = vec![None; self.model.languages.len()];
        values[0] = Some(text.value.clone());
        let mut made_from: Vec<Option<MadeFrom<'s>>> = Vec::new();
        // Where the text in a language was first given, for RF009 (rare: not kept for each).
        let first_span = |index: usize, code: &str| match index {
            0 => text.span,
            _ => translations.clone().find(|t| t.lang.code == code).map_or(text.span, |t| t.lang.span.to(t.text.span)),
        };
        for t in translations.clone() {
            let Some(index) = self.model.languages.iter().position(|l| *l == t.lang.code) else {
                self.unknown_language(t.lang);
                continue;
            };
            if values[index].is_some() {
                let what = what();
                let message = if index == 0 {
                    format!(
                        "{what} is given twice in `{}`: the plain text is already in `{}`, the first declared language",
                        t.lang.code, t.lang.code
                    )
                } else {
                    format!("{what} is given twice in `{}`", t.lang.code)
                };
                let first = first_span(index, t.lang.code);
                self.repeated(t.lang.span.to(t.text.span), first, &message, "keep one text per language");
                continue;
            }
            values[index] = Some(t.text.value.clone());
            if let Some(from) = &t.from {
                made_from.resize(values.len(), None);
                made_from[index] = Some(MadeFrom { text: from.value.clone(), span: from.span });
            }
        }
        // Without prose, a text given in every language says nothing more: keep no values
        // (48 bytes a stage). One with a translation missing keeps them for RF110.
        if self.without_prose && values.iter().all(|v| v.as_deref() == Some("")) {
            values = Vec::new();
        }
        Texts { values: values.into_boxed_slice(), span: text.span, made_from: made_from.into_boxed_slice() }
    }

    fn unknown_language(&mut self, lang: ast::Lang<'s>) {
        let (message, help) = match self.languages_span {
            Some(_) => (
                format!("`{}` is not one of the declared languages ({})", lang.code, self.model.languages.join(", ")),
                format!("add `{}` to the `languages` line, or remove this translation", lang.code),
            ),
            None => (
                format!("`{}` is not declared: without a `languages` line the chart is in English only", lang.code),
                format!(
                    "declare the languages at the top, the language of plain labels first: `languages en {}`",
                    lang.code
                ),
            ),
        };
        let mut diagnostic =
            Diagnostic::new(Rule::UnknownLanguage, lang.span, message, "undeclared language").with_help(help);
        if let Some(span) = self.languages_span {
            diagnostic = diagnostic.with_related(span, "the declared languages");
        }
        self.diagnostics.push(diagnostic);
    }

    fn duration(&mut self, duration: ast::Duration<'s>) -> Option<Limit<'s>> {
        let problem = match duration::parse(duration.text) {
            Ok(minutes) => {
                return Some(Limit { text: duration.text, minutes, span: duration.span });
            }
            Err(DurationError::Zero) => format!("`{}` is zero: a time limit must be at least `1min`", duration.text),
            Err(DurationError::NoUnit) => format!("`{}` has no unit", duration.text),
            Err(DurationError::UnknownUnit(unit)) => {
                format!("`{unit}` in `{}` is not a unit", duration.text)
            }
            Err(DurationError::TooLarge) => {
                format!("`{}` is too large to count with", duration.text)
            }
        };
        self.diagnostics.push(
            Diagnostic::new(Rule::InvalidDuration, duration.span, problem, "invalid duration").with_help(format!(
                "a duration is a whole number above zero and a unit: {}",
                referflow_syntax::language::unit_examples()
            )),
        );
        None
    }

    fn repeated(&mut self, span: Span, first: Span, message: &str, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(Rule::RepeatedAttribute, span, message, "given again here")
                .with_related(first, "first given here")
                .with_help(help),
        );
    }
}

/// Why the path of an `include` can never name a file of the chart's folder, whatever the
/// files: the message and the help of RF010. (What needs the files, such as `..` leading out
/// of the folder, is the driver's to find.)
pub fn bad_include_path(path: &str) -> Option<(String, &'static str)> {
    let shown = || path.escape_debug().to_string();
    let scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if path.trim().is_empty() {
        return Some((
            "`include` names no file".into(),
            "write the path of a file in quotes: `include \"agencies.flow\"`",
        ));
    }
    // `https://…`, `file:…`, `data:…`; a one-letter "scheme" is a Windows drive.
    if path.contains("://") || (scheme && path.split_once(':').is_some_and(|(s, _)| s.len() > 1)) {
        return Some((
            format!("`include \"{}\"` is a URL; a chart includes files of its own folder only", shown()),
            "copy the file into the chart's folder and include it by its path",
        ));
    }
    if path.starts_with('/') || path.starts_with('\\') || path.split_once(':').is_some_and(|(s, _)| s.len() == 1) {
        return Some((
            format!("`include \"{}\"` is an absolute path; a chart includes files of its own folder only", shown()),
            "name the file relative to the file that includes it, such as `include \"shared/agencies.flow\"`",
        ));
    }
    if path.contains('\\') {
        return Some((
            format!("`include \"{}\"` has a backslash; folders are separated by `/`", shown()),
            "write `/` between folders, on every system: `include \"shared/agencies.flow\"`",
        ));
    }
    if path.contains('\0') {
        return Some((format!("`include \"{}\"` holds a NUL character", shown()), "name the file without it"));
    }
    None
}
