//! The framing's words: every text a reader sees that the chart does not write itself (the
//! narrative's headings and phrases, the legends, continuation markers, the cover of the
//! hearing pack, the marks of `--since`, durations in words), from a message catalogue in
//! Project Fluent's format per language, `locales/<code>.ftl`, embedded in the binary.
//!
//! English (`en.ftl`) is the reference: every other catalogue has exactly its message ids with
//! the same variables, which a test holds them to (docs/translating.md). A language without a
//! catalogue is framed in English; [`Catalogue::for_lang`] says when that happens, and the
//! binary warns (a library prints nothing).
//!
//! Catalogues are parsed once per process and shared. The backends never format a message per
//! stage: each takes the words it writes from a table built once per catalogue ([`cached`]),
//! and durations from [`Durations`], which formats each distinct duration of a chart once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The languages with a catalogue (their primary subtags) and its text, English first.
pub const CATALOGUES: [(&str, &str); 2] =
    [("en", include_str!("../locales/en.ftl")), ("th", include_str!("../locales/th.ftl"))];

/// How many catalogues there are: the length of a table kept per catalogue ([`cached`]).
pub(crate) const COUNT: usize = CATALOGUES.len();

/// One language's messages.
pub struct Catalogue {
    /// The language's code (a primary subtag: `en`, `th`).
    code: &'static str,
    /// The place of the catalogue in [`CATALOGUES`].
    index: usize,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue").field("code", &self.code).finish_non_exhaustive()
    }
}

impl Catalogue {
    /// The catalogue for language `code` (`th`, `th-TH`: by its primary subtag, in any case),
    /// and whether it is the English one standing in for a language that has none.
    pub fn for_lang(code: &str) -> (&'static Catalogue, bool) {
        match find(code) {
            Some(index) => (catalogue(index), false),
            None => (catalogue(0), true),
        }
    }

    /// Whether language `code` has a catalogue of its own.
    pub fn exists(code: &str) -> bool {
        find(code).is_some()
    }

    /// The code of the catalogue's language: `en`, `th`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A message without variables. A message missing from this catalogue (which the tests
    /// forbid) is taken from the English one; one missing there too shows its id.
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with its variables, each a text or a number.
    pub fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let message = self.bundle.get_message(id).and_then(|m| m.value());
        let Some(pattern) = message else {
            return if self.index == 0 { id.to_owned() } else { catalogue(0).format(id, args) };
        };
        // Errors (a variable not given) leave the variable's name in the text, as Fluent does;
        // the tests make sure every message is given its variables.
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// [`Catalogue::format`] with variables that are all texts.
    pub fn with(&self, id: &str, args: &[(&'static str, &str)]) -> String {
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent.set(*name, FluentValue::from(*value));
        }
        self.format(id, Some(&fluent))
    }

    /// A duration as written in a chart (`24h`, `5wd`) in words: `24 hours`, `5 วันทำการ`.
    /// `None` for a text that is not a duration (the checker lets none through).
    pub fn duration(&self, text: &str) -> Option<String> {
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (number, unit) = text.split_at(split);
        let count: u64 = number.parse().ok()?;
        let id = match unit {
            "min" => "duration-minutes",
            "h" => "duration-hours",
            "d" => "duration-days",
            "w" => "duration-weeks",
            "wd" => "duration-working-days",
            _ => return None,
        };
        let mut args = FluentArgs::with_capacity(1);
        // A count beyond what a float holds exactly is shown as written, not rounded.
        if count < 1 << 53 {
            args.set("count", FluentValue::from(count as f64));
        } else {
            args.set("count", FluentValue::from(number));
        }
        Some(self.format(id, Some(&args)))
    }

    /// A time limit in words: `within 24 hours`, `ภายใน 24 ชั่วโมง`.
    pub fn within(&self, text: &str) -> Option<String> {
        self.duration(text).map(|d| self.with("within", &[("duration", &d)]))
    }
}

/// The index in [`CATALOGUES`] of the catalogue of `code`'s primary subtag.
fn find(code: &str) -> Option<usize> {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    CATALOGUES.iter().position(|(c, _)| c.eq_ignore_ascii_case(primary))
}

/// The catalogue at `index` of [`CATALOGUES`], parsed the first time it is asked for.
fn catalogue(index: usize) -> &'static Catalogue {
    static PARSED: [OnceLock<Catalogue>; COUNT] = [const { OnceLock::new() }; COUNT];
    PARSED[index].get_or_init(|| {
        let (code, source) = CATALOGUES[index];
        parse(code, index, source)
    })
}

fn parse(code: &'static str, index: usize, source: &str) -> Catalogue {
    // A syntax error loses only the entries it touches; the tests keep the files free of them.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, _)| resource);
    let lang = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // No U+2068/U+2069 around variables: the outputs escape user text for their targets, and
    // invisible marks in a heading or a DOT label would only get in the way.
    bundle.set_use_isolating(false);
    // NUMBER($count) as translators write it in plural selectors; the number as it is.
    let _ =
        bundle.add_function("NUMBER", |positional, _named| positional.first().cloned().unwrap_or(FluentValue::None));
    let _ = bundle.add_resource(resource);
    Catalogue { code, index, bundle }
}

/// A table of words built from a catalogue once per process and kept: the backends build
/// their words (a struct of strings) through this, so writing a stage formats no message.
pub(crate) fn cached<T: Send + Sync>(
    cells: &'static [OnceLock<T>; COUNT],
    catalogue: &'static Catalogue,
    make: impl FnOnce(&'static Catalogue) -> T,
) -> &'static T {
    cells[catalogue.index].get_or_init(|| make(catalogue))
}

/// The durations of one run in words, each distinct text formatted once: a chart of a
/// hundred thousand stages has a handful of distinct time limits.
#[derive(Debug)]
pub(crate) struct Durations<'s> {
    catalogue: &'static Catalogue,
    /// By the text as written: (the duration, the time limit).
    known: HashMap<&'s str, (String, String)>,
}

impl<'s> Durations<'s> {
    /// The durations of `texts` (every `within` of a chart), formatted up front so that the
    /// table can be shared by the threads that write a large chart.
    pub(crate) fn new(catalogue: &'static Catalogue, texts: impl IntoIterator<Item = &'s str>) -> Self {
        let mut known = HashMap::new();
        for text in texts {
            if !known.contains_key(text)
                && let Some(duration) = catalogue.duration(text)
            {
                let within = catalogue.with("within", &[("duration", &duration)]);
                known.insert(text, (duration, within));
            }
        }
        Durations { catalogue, known }
    }

    /// The durations of every stage and requirement of `model`.
    pub(crate) fn of_model(catalogue: &'static Catalogue, model: &referflow_check::Model<'s>) -> Self {
        let stages = model.stages.iter().filter_map(|s| s.within.map(|l| l.text));
        let requirements = model.requirements.iter().filter_map(|r| match r {
            referflow_check::Requirement::Within { limit, .. } => Some(limit.text),
            referflow_check::Requirement::Before { .. } => None,
        });
        Durations::new(catalogue, stages.chain(requirements))
    }

    /// `24 hours`; the text as written when it is not a duration.
    pub(crate) fn duration<'t>(&'t self, text: &'t str) -> Cow<'t, str> {
        match self.known.get(text) {
            Some((duration, _)) => Cow::Borrowed(duration),
            None => self.catalogue.duration(text).map_or(Cow::Borrowed(text), Cow::Owned),
        }
    }

    /// `within 24 hours`; the text as written when it is not a duration.
    pub(crate) fn within<'t>(&'t self, text: &'t str) -> Cow<'t, str> {
        match self.known.get(text) {
            Some((_, within)) => Cow::Borrowed(within),
            None => self.catalogue.within(text).map_or(Cow::Borrowed(text), Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Every message id of a catalogue and the variables its value uses.
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("{errors:?}"));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            match entry {
                ast::Entry::Message(message) => {
                    let mut vars = BTreeSet::new();
                    if let Some(value) = &message.value {
                        pattern_vars(value, &mut vars);
                    }
                    assert!(message.attributes.is_empty(), "{}: attributes are not used", message.id.name);
                    assert!(out.insert(message.id.name.to_owned(), vars).is_none(), "{} twice", message.id.name);
                }
                ast::Entry::Term(term) => panic!("term -{}: the catalogues use messages only", term.id.name),
                ast::Entry::Junk { content } => panic!("not Fluent: {content}"),
                _ => {}
            }
        }
        out
    }

    fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_vars(expression, vars);
            }
        }
    }

    fn expression_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                inline_vars(selector, vars);
                for variant in variants {
                    pattern_vars(&variant.value, vars);
                }
            }
            ast::Expression::Inline(inline) => inline_vars(inline, vars),
        }
    }

    fn inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                arguments.positional.iter().for_each(|a| inline_vars(a, vars));
                arguments.named.iter().for_each(|a| inline_vars(&a.value, vars));
            }
            ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
            ast::InlineExpression::TermReference { .. } => panic!("the catalogues use no terms"),
            ast::InlineExpression::MessageReference { .. }
            | ast::InlineExpression::StringLiteral { .. }
            | ast::InlineExpression::NumberLiteral { .. } => {}
        }
    }

    /// Every catalogue in locales/, embedded or not yet, has exactly the message ids of the
    /// English one, each with the same variables, and every one there is embedded.
    #[test]
    fn every_catalogue_has_the_messages_of_the_english_one() {
        let english = messages(CATALOGUES[0].1);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("locales/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        assert!(files.len() >= 2);
        let mut problems = Vec::new();
        for file in &files {
            let code = file.file_stem().and_then(|s| s.to_str()).expect("a code").to_owned();
            let source = std::fs::read_to_string(file).expect("read");
            let these = messages(&source);
            for (id, vars) in &english {
                match these.get(id) {
                    None => problems.push(format!("{code}.ftl: no message `{id}`")),
                    Some(v) if v != vars => {
                        problems.push(format!("{code}.ftl: `{id}` uses {v:?}, the English one {vars:?}"));
                    }
                    Some(_) => {}
                }
            }
            for id in these.keys().filter(|id| !english.contains_key(*id)) {
                problems.push(format!("{code}.ftl: `{id}` is not a message of en.ftl"));
            }
            match CATALOGUES.iter().find(|(c, _)| *c == code) {
                None => problems.push(format!("{code}.ftl is not in i18n::CATALOGUES")),
                Some((_, embedded)) => assert_eq!(*embedded, source, "{code}.ftl"),
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn durations_are_words_with_plurals() {
        let (en, fallback) = Catalogue::for_lang("en");
        assert!(!fallback);
        assert_eq!(en.within("24h").as_deref(), Some("within 24 hours"));
        assert_eq!(en.within("1h").as_deref(), Some("within 1 hour"));
        assert_eq!(en.within("5wd").as_deref(), Some("within 5 working days"));
        assert_eq!(en.duration("1wd").as_deref(), Some("1 working day"));
        assert_eq!(en.duration("30min").as_deref(), Some("30 minutes"));
        assert_eq!(en.duration("x"), None);
        let (th, _) = Catalogue::for_lang("th-TH");
        assert_eq!(th.code(), "th");
        assert_eq!(th.within("24h").as_deref(), Some("ภายใน 24 ชั่วโมง"));
        assert_eq!(th.within("5wd").as_deref(), Some("ภายใน 5 วันทำการ"));
        assert_eq!(th.within("15d").as_deref(), Some("ภายใน 15 วัน"));
        assert_eq!(th.within("2w").as_deref(), Some("ภายใน 2 สัปดาห์"));
        assert_eq!(th.within("30min").as_deref(), Some("ภายใน 30 นาที"));
    }

    #[test]
    fn a_language_without_a_catalogue_gets_english() {
        let (catalogue, fallback) = Catalogue::for_lang("id");
        assert!(fallback);
        assert_eq!(catalogue.code(), "en");
        assert!(!Catalogue::exists("id"));
        assert!(Catalogue::exists("TH"));
    }

    /// No isolation marks leak into the outputs, and no message shows an unformatted variable.
    #[test]
    fn messages_hold_no_isolation_marks() {
        for (code, _) in CATALOGUES {
            let (catalogue, _) = Catalogue::for_lang(code);
            let text = catalogue.with("narrative-before", &[("first", "A"), ("target", "B")]);
            assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
            assert!(text.contains('A') && text.contains('B') && !text.contains('$'), "{text:?}");
            assert!(!catalogue.text("narrative-case").contains('"'));
        }
        assert_eq!(Catalogue::for_lang("en").0.text("narrative-case"), "");
        assert_eq!(Catalogue::for_lang("en").0.text("narrative-list-separator"), ", ");
    }
}
