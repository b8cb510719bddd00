//! Every place an id is written, read from the syntax tree.
//!
//! Navigation and rename work on the tree, not on the checked model: the model holds only what
//! resolved, and a chart being edited rarely resolves completely. One namespace holds every id,
//! so all occurrences of a name are occurrences of one thing.

use referflow_syntax::{
    DefinitionKind, EdgeChain, File, Ident, PhaseItem, Require, Span, Stage, StageItem, StageKind, Statement,
};

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stage(StageKind),
    Actor,
    Phase,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Stage(kind) => kind.keyword(),
            Kind::Actor => "actor",
            Kind::Phase => "phase",
        }
    }

    pub fn is_stage(self) -> bool {
        matches!(self, Kind::Stage(_))
    }
}

impl From<DefinitionKind> for Kind {
    fn from(kind: DefinitionKind) -> Self {
        match kind {
            DefinitionKind::Actor => Kind::Actor,
            DefinitionKind::Phase => Kind::Phase,
            DefinitionKind::Stage(stage) => Kind::Stage(stage),
        }
    }
}

/// One id as written.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence<'s> {
    pub name: &'s str,
    pub span: Span,
    /// `Some` where the id is defined, with what it defines.
    pub defines: Option<Kind>,
    /// For a definition, the text of its label or name (in the first language).
    pub label: Option<&'s str>,
}

/// The occurrences of a file in source order.
#[derive(Debug, Default)]
pub struct Index<'s> {
    pub occurrences: Vec<Occurrence<'s>>,
}

impl<'s> Index<'s> {
    pub fn new(file: &'s File<'s>) -> Self {
        let mut index = Index::default();
        for statement in &file.statements {
            index.statement(statement);
        }
        index.occurrences.sort_by_key(|o| o.span.start);
        index
    }

    /// The occurrence under a cursor at byte `offset`; a cursor just after an id counts, as
    /// editors place it there after typing the id.
    pub fn at(&self, offset: usize) -> Option<&Occurrence<'s>> {
        let offset = u32::try_from(offset).ok()?;
        let i = self.occurrences.partition_point(|o| o.span.end < offset);
        self.occurrences.get(i).filter(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of `name`, definitions included, in source order.
    pub fn of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Occurrence<'s>> + 'a {
        self.occurrences.iter().filter(move |o| o.name == name)
    }

    /// Every definition, in source order.
    pub fn definitions(&self) -> impl Iterator<Item = &Occurrence<'s>> + '_ {
        self.occurrences.iter().filter(|o| o.defines.is_some())
    }

    /// The first definition of `name`.
    pub fn definition(&self, name: &str) -> Option<&Occurrence<'s>> {
        self.definitions().find(|o| o.name == name)
    }

    fn define(&mut self, ident: &Ident<'s>, kind: Kind, label: Option<&'s str>) {
        self.occurrences.push(Occurrence { name: ident.name, span: ident.span, defines: Some(kind), label });
    }

    fn refer(&mut self, ident: &Ident<'s>) {
        self.occurrences.push(Occurrence { name: ident.name, span: ident.span, defines: None, label: None });
    }

    fn statement(&mut self, statement: &'s Statement<'s>) {
        match statement {
            Statement::Title(_)
            | Statement::Version(_)
            | Statement::Languages(_)
            | Statement::Include(_)
            | Statement::Numbering(_)
            | Statement::Retired(_)
            | Statement::Glossary(_)
            | Statement::Leaflet(_) => {}
            Statement::Actor(actor) => {
                // An actor's block holds only texts: no ids.
                self.define(&actor.id, Kind::Actor, Some(&actor.name.value));
            }
            Statement::Phase(phase) => {
                self.define(&phase.id, Kind::Phase, Some(&phase.name.value));
                for item in &phase.items {
                    match item {
                        PhaseItem::Translation(_) => {}
                        PhaseItem::Stage(stage) => self.stage(stage),
                        PhaseItem::Edge(edge) => self.edge(edge),
                        PhaseItem::Broken(broken) => {
                            if let Some((kind, ident)) = &broken.defines {
                                self.define(ident, (*kind).into(), None);
                            }
                        }
                    }
                }
            }
            Statement::Stage(stage) => self.stage(stage),
            Statement::Edge(edge) => self.edge(edge),
            Statement::Require(Require::Before { first, target, unless, .. }) => {
                self.refer(first);
                self.refer(target);
                unless.iter().for_each(|u| self.refer(u));
            }
            Statement::Require(Require::Within { from, to, .. }) => {
                self.refer(from);
                self.refer(to);
            }
            Statement::Broken(broken) => {
                if let Some((kind, ident)) = &broken.defines {
                    self.define(ident, (*kind).into(), None);
                }
            }
        }
    }

    fn stage(&mut self, stage: &'s Stage<'s>) {
        self.define(&stage.id, Kind::Stage(stage.kind), Some(&stage.label.value));
        for item in &stage.items {
            match item {
                StageItem::By(by) => by.actors.iter().for_each(|a| self.refer(a)),
                StageItem::Next(next) => next.targets.iter().for_each(|t| self.refer(t)),
                StageItem::Branch(branch) => self.refer(&branch.target),
                StageItem::Within(_)
                | StageItem::Translation(_)
                | StageItem::Note(_)
                | StageItem::Ref(_)
                | StageItem::Public(_) => {}
            }
        }
    }

    fn edge(&mut self, edge: &EdgeChain<'s>) {
        edge.stages.iter().for_each(|s| self.refer(s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_found_with_its_role() {
        let src = "actor police \"Police\"\nphase p \"P\" {\n  start a \"A\" by police { -> b }\n}\nend b \"B\" by police\n\
                   a -> b\nrequire a before b unless a\nrequire within 1d from a to b\n";
        let file = referflow_syntax::parse(src);
        let index = Index::new(&file);
        let found: Vec<(&str, bool)> = index.occurrences.iter().map(|o| (o.name, o.defines.is_some())).collect();
        assert_eq!(
            found,
            [
                ("police", true),
                ("p", true),
                ("a", true),
                ("police", false),
                ("b", false),
                ("b", true),
                ("police", false),
                ("a", false),
                ("b", false),
                ("a", false),
                ("b", false),
                ("a", false),
                ("a", false),
                ("b", false),
            ]
        );
        for o in &index.occurrences {
            assert_eq!(&src[o.span.range()], o.name);
        }
        let a = src.find("a \"A\"").unwrap();
        assert_eq!(index.at(a).map(|o| o.name), Some("a"));
        assert_eq!(index.at(a + 1).map(|o| o.name), Some("a"), "just after the id");
        assert!(index.at(a + 2).is_none());
        assert_eq!(index.definition("b").map(|o| o.defines), Some(Some(Kind::Stage(StageKind::End))));
    }
}
