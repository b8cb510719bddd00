//! Copies statements out of the text they were parsed from, for a reader that holds one piece
//! of a large file at a time (`referflow_check::Stream`): every span moves by the
//! piece's offset in the file, every string goes where the [`Keep`] puts it, and the prose
//! (what only a reader of the chart needs) may be left behind.

use std::borrow::Cow;

use crate::ast::*;

/// Where the strings of relocated statements go, and which of them are kept.
pub trait Keep<'a> {
    /// Where the piece starts in its file.
    fn offset(&self) -> u32;
    /// A copy of an id, language code, duration or short text that lives for `'a`.
    fn keep(&mut self, s: &str) -> &'a str;
    /// Whether to keep prose: stage labels and their translations, notes and references.
    /// Without it they are empty, which keeps where a text or translation is given, not
    /// what it says.
    fn prose(&self) -> bool;
}

impl Statement<'_> {
    /// This statement, with its spans counted from the start of the file and its strings
    /// where `keep` puts them. The vectors of the tree are reused, not copied.
    pub fn relocate<'a>(self, keep: &mut impl Keep<'a>) -> Statement<'a> {
        let mut r = Relocator { keep, prose: false };
        r.prose = r.keep.prose();
        r.statement(self)
    }
}

/// A `SyntaxError` found in a piece, with its span counted from the start of the file.
pub fn relocate_error(error: SyntaxError, offset: u32) -> SyntaxError {
    SyntaxError { span: shift(error.span, offset), ..error }
}

/// Saturating, as `Span::new` is: only a file over 4 GiB (`--max-file-size` raised that far)
/// gets there.
fn shift(span: Span, offset: u32) -> Span {
    Span { start: span.start.saturating_add(offset), end: span.end.saturating_add(offset) }
}

struct Relocator<'k, K> {
    keep: &'k mut K,
    prose: bool,
}

impl<'a, K: Keep<'a>> Relocator<'_, K> {
    fn span(&self, span: Span) -> Span {
        shift(span, self.keep.offset())
    }

    fn ident(&mut self, ident: &Ident<'_>) -> Ident<'a> {
        Ident { name: self.keep.keep(ident.name), span: self.span(ident.span) }
    }

    fn idents(&mut self, idents: Vec<Ident<'_>>) -> Vec<Ident<'a>> {
        idents.into_iter().map(|i| self.ident(&i)).collect()
    }

    fn lang(&mut self, lang: &Lang<'_>) -> Lang<'a> {
        Lang { code: self.keep.keep(lang.code), span: self.span(lang.span) }
    }

    fn duration(&mut self, d: &Duration<'_>) -> Duration<'a> {
        Duration { text: self.keep.keep(d.text), span: self.span(d.span) }
    }

    /// A text kept whatever `prose` says: a title, version, name or branch label.
    fn text(&mut self, text: Text<'_>) -> Text<'a> {
        let value = match text.value {
            Cow::Borrowed(s) => Cow::Borrowed(self.keep.keep(s)),
            Cow::Owned(s) => Cow::Owned(s),
        };
        Text { value, span: self.span(text.span) }
    }

    fn prose_text(&mut self, text: Text<'_>) -> Text<'a> {
        if self.prose { self.text(text) } else { Text { value: Cow::Borrowed(""), span: self.span(text.span) } }
    }

    /// A translation of prose (see `Keep::prose`) or of a text always kept. What it was made
    /// from is compared with the text it translates (RF112): where that text is dropped with
    /// the prose (`owner_kept` false), the translation is fresh, and its `from` is dropped too.
    fn translation(&mut self, t: Translation<'_>, is_prose: bool, owner_kept: bool) -> Translation<'a> {
        let text = if is_prose { self.prose_text(t.text) } else { self.text(t.text) };
        let from = match t.from {
            Some(from) if owner_kept || !is_prose => Some(self.text(from)),
            Some(from) => Some(Text { value: Cow::Borrowed(""), span: self.span(from.span) }),
            None => None,
        };
        Translation { lang: self.lang(&t.lang), text, from }
    }

    fn translations(&mut self, ts: Vec<Translation<'_>>, is_prose: bool, owner_kept: bool) -> Vec<Translation<'a>> {
        ts.into_iter().map(|t| self.translation(t, is_prose, owner_kept)).collect()
    }

    /// A text of prose that is kept all the same, with its translations' `from`, when one of
    /// them says it was made from another text: RF112 quotes both, and must find the same
    /// translations stale as the whole text would.
    fn keeps<'t>(&self, owner: &Text<'_>, mut translations: impl Iterator<Item = &'t Translation<'t>>) -> bool {
        self.prose || translations.any(|t| t.from.as_ref().is_some_and(|f| f.value != owner.value))
    }

    fn note(&mut self, note: Note<'_>) -> Note<'a> {
        let kept = self.keeps(&note.text, note.translations.iter());
        Note {
            text: if kept { self.text(note.text) } else { self.prose_text(note.text) },
            translations: self.translations(note.translations, true, kept),
            span: self.span(note.span),
        }
    }

    fn branch_label(&mut self, label: BranchLabel<'_>) -> BranchLabel<'a> {
        match label {
            BranchLabel::Yes(span) => BranchLabel::Yes(self.span(span)),
            BranchLabel::No(span) => BranchLabel::No(self.span(span)),
            BranchLabel::Text { text, translations } => {
                BranchLabel::Text { text: self.text(text), translations: self.translations(translations, false, true) }
            }
        }
    }

    fn edge(&mut self, edge: EdgeChain<'_>) -> EdgeChain<'a> {
        EdgeChain {
            stages: self.idents(edge.stages),
            label: edge.label.map(|l| self.branch_label(l)),
            span: self.span(edge.span),
        }
    }

    fn broken(&mut self, broken: Broken<'_>) -> Broken<'a> {
        Broken { defines: broken.defines.map(|(kind, id)| (kind, self.ident(&id))), span: self.span(broken.span) }
    }

    fn stage(&mut self, stage: Stage<'_>) -> Stage<'a> {
        let label_translations = stage.items.iter().filter_map(|item| match item {
            StageItem::Translation(t) => Some(t),
            _ => None,
        });
        // A decision's label is kept, with its translations: RF113 reads it in every language
        // for words of consent.
        let kept = stage.kind == StageKind::Decision || self.keeps(&stage.label, label_translations);
        let items = stage
            .items
            .into_iter()
            .map(|item| match item {
                StageItem::By(by) => {
                    StageItem::By(By { actors: self.idents(by.actors), inline: by.inline, span: self.span(by.span) })
                }
                StageItem::Within(w) => StageItem::Within(Within {
                    duration: self.duration(&w.duration),
                    inline: w.inline,
                    span: self.span(w.span),
                }),
                StageItem::Translation(t) => StageItem::Translation(self.translation(t, !kept, kept)),
                StageItem::Note(note) => StageItem::Note(self.note(note)),
                StageItem::Ref(reference) => StageItem::Ref(self.note(reference)),
                StageItem::Public(public) => StageItem::Public(self.note(public)),
                StageItem::Next(next) => {
                    StageItem::Next(Next { targets: self.idents(next.targets), span: self.span(next.span) })
                }
                StageItem::Branch(branch) => StageItem::Branch(Branch {
                    label: self.branch_label(branch.label),
                    target: self.ident(&branch.target),
                    span: self.span(branch.span),
                }),
            })
            .collect();
        Stage {
            kind: stage.kind,
            number: stage.number.map(|n| self.number(n)),
            id: self.ident(&stage.id),
            label: if kept { self.text(stage.label) } else { self.prose_text(stage.label) },
            items,
            block: stage.block.map(|b| self.span(b)),
            span: self.span(stage.span),
        }
    }

    fn number(&self, number: Number) -> Number {
        Number { value: number.value, span: self.span(number.span) }
    }

    fn statement(&mut self, statement: Statement<'_>) -> Statement<'a> {
        match statement {
            Statement::Title(t) => Statement::Title(Title {
                text: self.text(t.text),
                translations: self.translations(t.translations, false, true),
                span: self.span(t.span),
            }),
            Statement::Version(v) => Statement::Version(Version {
                text: self.text(v.text),
                translations: self.translations(v.translations, false, true),
                span: self.span(v.span),
            }),
            Statement::Include(i) => Statement::Include(Include { path: self.text(i.path), span: self.span(i.span) }),
            Statement::Numbering(n) => Statement::Numbering(Numbering {
                required: n.required.map(|s| self.span(s)),
                last: n.last.map(|l| self.number(l)),
                span: self.span(n.span),
            }),
            // A leaflet's lines are few: kept whole, like the title.
            Statement::Leaflet(l) => Statement::Leaflet(LeafletLine {
                part: l.part,
                text: self.text(l.text),
                translations: self.translations(l.translations, false, true),
                span: self.span(l.span),
            }),
            Statement::Glossary(g) => Statement::Glossary(Glossary {
                words: g.words.into_iter().map(|w| self.text(w)).collect(),
                span: self.span(g.span),
            }),
            Statement::Retired(r) => Statement::Retired(Retired {
                numbers: r
                    .numbers
                    .into_iter()
                    .map(|n| RetiredNumber { number: self.number(n.number), text: n.text.map(|t| self.text(t)) })
                    .collect(),
                span: self.span(r.span),
            }),
            Statement::Languages(l) => Statement::Languages(Languages {
                langs: l.langs.into_iter().map(|lang| self.lang(&lang)).collect(),
                mistake: l.mistake.map(|m| LanguagesMistake { span: self.span(m.span), ..m }),
                span: self.span(l.span),
            }),
            Statement::Actor(a) => Statement::Actor(Actor {
                id: self.ident(&a.id),
                name: self.text(a.name),
                items: a
                    .items
                    .into_iter()
                    .map(|item| match item {
                        ActorItem::Translation(t) => ActorItem::Translation(self.translation(t, false, true)),
                        ActorItem::Note(note) => ActorItem::Note(self.note(note)),
                    })
                    .collect(),
                block: a.block.map(|b| self.span(b)),
                span: self.span(a.span),
            }),
            Statement::Phase(p) => Statement::Phase(Phase {
                id: self.ident(&p.id),
                name: self.text(p.name),
                items: p
                    .items
                    .into_iter()
                    .map(|item| match item {
                        PhaseItem::Translation(t) => PhaseItem::Translation(self.translation(t, false, true)),
                        PhaseItem::Stage(stage) => PhaseItem::Stage(self.stage(stage)),
                        PhaseItem::Edge(edge) => PhaseItem::Edge(self.edge(edge)),
                        PhaseItem::Broken(broken) => PhaseItem::Broken(self.broken(broken)),
                    })
                    .collect(),
                block: p.block.map(|b| self.span(b)),
                span: self.span(p.span),
            }),
            Statement::Stage(stage) => Statement::Stage(self.stage(stage)),
            Statement::Edge(edge) => Statement::Edge(self.edge(edge)),
            Statement::Require(Require::Before { first, target, unless, span }) => {
                Statement::Require(Require::Before {
                    first: self.ident(&first),
                    target: self.ident(&target),
                    unless: self.idents(unless),
                    span: self.span(span),
                })
            }
            Statement::Require(Require::Within { limit, from, to, span }) => Statement::Require(Require::Within {
                limit: self.duration(&limit),
                from: self.ident(&from),
                to: self.ident(&to),
                span: self.span(span),
            }),
            Statement::Broken(broken) => Statement::Broken(self.broken(broken)),
        }
    }
}
