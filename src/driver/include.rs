//! `include "agencies.flow"`: a chart made of several files, read as one.
//!
//! The files are read here, never by the checker: the chart given on the command line first,
//! then each file it includes, in place, and so on down. Every file gets its own range of one
//! offset space (its *base* is where its first byte is), so a span says which file it is in
//! and the checker sees one chart. What a path says on its own (a URL, an absolute path, a
//! backslash) the checker reports as RF010; what needs the files is reported here, as RF010
//! too: a path that leads out of the folder of the chart given on the command line (by `..`
//! or through a symbolic link), a file that cannot be read (missing, not a regular file, not
//! UTF-8, too large), a file included twice, and a cycle. Nothing outside that folder is
//! opened.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use referflow_check::{Diagnostic, Rule};
use referflow_syntax::{File, Span, Statement};

use crate::Failure;
use crate::input::{self, Loaded};

/// One file of a chart: its name as printed, its text, and where it starts in the offset
/// space of the chart.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user would write it: the chart's as given, an included file's from
    /// the folder of the file that includes it.
    pub path: PathBuf,
    /// Resolved (links followed): the same file has the same one whatever its name.
    pub canonical: PathBuf,
    pub loaded: Loaded,
    pub base: u32,
}

/// The files of a chart, the chart given first, and the problems found reading its includes.
#[derive(Debug)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    /// For each `include` followed, by where its statement starts (in the offset space): the
    /// file read in its place.
    targets: HashMap<u32, usize>,
    problems: Vec<Diagnostic>,
}

/// Whether `text` may hold an `include`: the word starts a statement somewhere (at the start
/// of a line or after `;`). A chart without one is checked as one file, the usual way, and
/// is not parsed once more to find out (a label may well say "include").
pub fn may_include(text: &str) -> bool {
    text.match_indices("include").any(|(at, _)| {
        let before = text[..at].trim_end_matches([' ', '\t']);
        before.is_empty() || before.ends_with(['\n', ';'])
    })
}

/// The files that the charts among `paths` include (resolved), to be checked as part of those
/// charts rather than on their own: a folder of charts that share `agencies.flow` is checked
/// chart by chart. Files that cannot be read are left to the check of each chart to report.
pub fn included_by(paths: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
    let mut included = std::collections::HashSet::new();
    for path in paths {
        let Ok(loaded) = input::load(path) else { continue };
        if !may_include(&loaded.text) {
            continue;
        }
        if let Ok(sources) = read(path, loaded) {
            included.extend(sources.files.into_iter().skip(1).map(|f| f.canonical));
        }
    }
    included
}

/// The files of the chart at `path` (loaded as `main`) if it includes any (or tried to);
/// `None` for a chart of one file (or standard input, which has no folder to include from).
pub fn chart_of(path: &Path, main: &Loaded) -> Result<Option<Sources>, Failure> {
    if path.as_os_str() == "-" || !may_include(&main.text) {
        return Ok(None);
    }
    let sources = read(path, Loaded { name: main.name.clone(), text: main.text.clone() })?;
    // Nothing was included, and nothing failed to be (an include whose path the checker
    // refuses on its own is left to it): a chart of one file.
    let alone = sources.files.len() == 1 && sources.problems.is_empty();
    Ok((!alone).then_some(sources))
}

/// Reads the chart at `path` (already loaded as `main`) and every file it includes.
pub fn read(path: &Path, main: Loaded) -> Result<Sources, Failure> {
    read_with(path, main, &HashMap::new())
}

/// The chart that includes the file at `path`, looked for in its folder and the three above
/// (a chart includes only files of its own folder tree), nearest first, in name order: its
/// files read with `text` for that file (as an editor has it), and the index of the file
/// among them. For a file opened on its own that is part of a chart (a file of agencies has no
/// `start`, and checked alone it would be all errors).
pub fn owner_of(path: &Path, text: &str) -> Option<(Sources, usize)> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let texts = HashMap::from([(canonical.clone(), text.to_string())]);
    for folder in canonical.ancestors().skip(1).take(4) {
        let Ok(entries) = std::fs::read_dir(folder) else { continue };
        let mut charts: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "flow") && *p != canonical)
            .collect();
        charts.sort();
        // A folder of thousands of charts is not searched whole on every keystroke.
        for chart in charts.iter().take(100) {
            let Ok(loaded) = input::load(chart) else { continue };
            if !may_include(&loaded.text) {
                continue;
            }
            let Ok(sources) = read_with(chart, loaded, &texts) else { continue };
            if let Some(index) = sources.files.iter().skip(1).position(|f| f.canonical == canonical) {
                return Some((sources, index + 1));
            }
        }
    }
    None
}

/// [`read`], with the text of some files (by resolved path) given instead of read: the
/// language server's open documents, as the editor has them.
pub fn read_with(path: &Path, main: Loaded, texts: &HashMap<PathBuf, String>) -> Result<Sources, Failure> {
    let cannot = |e: std::io::Error| Failure(format!("{}: {e}", main.name));
    let canonical = std::fs::canonicalize(path).map_err(cannot)?;
    let root = canonical.parent().map(Path::to_path_buf).unwrap_or_default();
    let sources = Sources { files: Vec::new(), targets: HashMap::new(), problems: Vec::new() };
    let mut reader = Reader { root, sources, texts };
    let mut stack = vec![canonical];
    let mut seen = HashMap::new();
    reader.file(main, path, &mut stack, &mut seen);
    Ok(reader.sources)
}

struct Reader<'t> {
    /// The folder of the chart given on the command line, resolved: nothing outside is read.
    root: PathBuf,
    sources: Sources,
    /// Texts given instead of read, by resolved path.
    texts: &'t HashMap<PathBuf, String>,
}

impl Reader<'_> {
    /// Adds `loaded` (named `shown` as the user would write it; its resolved path is the top of
    /// `stack`) and what it includes.
    fn file(&mut self, loaded: Loaded, shown: &Path, stack: &mut Vec<PathBuf>, seen: &mut HashMap<PathBuf, String>) {
        let base = self.sources.files.last().map_or(0, |f| {
            // One byte between two files, so that the end of one is not the start of the next.
            f.base.saturating_add(u32::try_from(f.loaded.text.len()).unwrap_or(u32::MAX)).saturating_add(1)
        });
        let here = stack.last().cloned().unwrap_or_default();
        seen.insert(here.clone(), loaded.name.clone());
        let includes: Vec<(Span, String)> = referflow_syntax::parse(&loaded.text)
            .statements
            .iter()
            .filter_map(|s| match s {
                Statement::Include(i) => Some((shift(i.path.span, base), i.path.value.to_string())),
                _ => None,
            })
            .collect();
        self.sources.files.push(SourceFile { path: shown.to_path_buf(), canonical: here.clone(), loaded, base });
        let folder = here.parent().map(Path::to_path_buf).unwrap_or_default();
        let shown_folder = shown.parent().map(Path::to_path_buf).unwrap_or_default();
        for (span, path) in includes {
            if referflow_check::bad_include_path(&path).is_some() {
                continue; // the checker says why
            }
            match self.follow(&folder, &path, stack, seen) {
                Ok((target, loaded)) => {
                    let shown = referflow_emit::diagnostics::normalized(&shown_folder.join(&path));
                    let loaded = Loaded { name: input::shown(&shown), ..loaded };
                    stack.push(target);
                    self.sources.targets.insert(span.start, self.sources.files.len());
                    self.file(loaded, &shown, stack, seen);
                    stack.pop();
                }
                Err((message, help)) => {
                    let label = "cannot be included";
                    let message = format!("`include \"{}\"`: {message}", path.escape_debug());
                    self.sources.problems.push(Diagnostic::new(Rule::BadInclude, span, message, label).with_help(help));
                }
            }
        }
    }

    /// Where an include leads and the file there, or why it cannot be followed.
    fn follow(
        &self,
        folder: &Path,
        path: &str,
        stack: &[PathBuf],
        seen: &HashMap<PathBuf, String>,
    ) -> Result<(PathBuf, Loaded), (String, &'static str)> {
        const INSIDE: &str = "keep the files of a chart in its folder, and name them from the file that includes them";
        // `..` is taken as written, before any link is followed: a path that leaves the
        // folder on paper is refused even if a link would bring it back. (An absolute path
        // never gets here: the checker refuses it.)
        let joined = referflow_emit::diagnostics::normalized(&folder.join(path));
        if !joined.starts_with(&self.root) {
            return Err(("leads out of the chart's folder".into(), INSIDE));
        }
        let target = match std::fs::canonicalize(&joined) {
            Ok(target) => target,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(("no such file".into(), "check the name; it is relative to the file that includes it"));
            }
            Err(e) => return Err((format!("cannot be read: {}", input::io_cause(&e)), INSIDE)),
        };
        if !target.starts_with(&self.root) {
            return Err(("is a symbolic link to a file outside the chart's folder".into(), INSIDE));
        }
        if let Some(at) = stack.iter().position(|p| *p == target) {
            let names: Vec<String> = stack[at..]
                .iter()
                .map(|p| seen.get(p).cloned().unwrap_or_else(|| input::shown(p)))
                .chain([seen.get(&target).cloned().unwrap_or_default()])
                .collect();
            return Err((
                format!("the includes form a cycle: {}", names.join(" → ")),
                "remove one of the includes of the cycle: a file cannot include itself",
            ));
        }
        if let Some(first) = seen.get(&target) {
            return Err((
                format!("{first} is included already"),
                "include each file once: everything it defines is already part of the chart",
            ));
        }
        let shown = input::shown(&joined);
        if let Some(text) = self.texts.get(&target) {
            return Ok((target, Loaded { name: shown, text: text.clone() }));
        }
        match input::load(&joined) {
            Ok(loaded) => Ok((target, loaded)),
            Err(Failure(message)) => {
                let why = message.strip_prefix(&format!("{shown}: ")).unwrap_or(&message).to_string();
                Err((why, INSIDE))
            }
        }
    }
}

impl Sources {
    /// The index of the file holding byte `offset` of the offset space.
    pub fn file_of(&self, offset: u32) -> usize {
        self.files.partition_point(|f| f.base <= offset).saturating_sub(1)
    }

    /// The whole chart as one parsed file, each included file's statements in place of its
    /// `include`, spans in the offset space. The strings are copied into `arena`.
    pub fn merged<'a>(&self, arena: &'a bumpalo::Bump) -> File<'a> {
        let mut out = File { statements: Vec::new(), comments: Vec::new(), errors: Vec::new(), start: Span::default() };
        self.splice(0, arena, &mut out);
        let main = &self.files[0].loaded.text;
        let start = referflow_syntax::text_start(main);
        out.start = Span::new(start, start);
        out
    }

    fn splice<'a>(&self, index: usize, arena: &'a bumpalo::Bump, out: &mut File<'a>) {
        let file = &self.files[index];
        let parsed = referflow_syntax::parse(&file.loaded.text);
        out.errors.extend(parsed.errors.into_iter().map(|e| referflow_syntax::relocate_error(e, file.base)));
        let mut keep = referflow_check::InArena { arena, offset: file.base, prose: true };
        for statement in parsed.statements {
            let statement = statement.relocate(&mut keep);
            let target = match &statement {
                Statement::Include(i) => self.targets.get(&i.path.span.start).copied(),
                _ => None,
            };
            out.statements.push(statement);
            if let Some(target) = target {
                self.splice(target, arena, out);
            }
        }
    }

    /// The whole chart checked as one, with what reading its includes found: every diagnostic,
    /// in the offset space, in order.
    pub fn check<'a>(
        &self,
        arena: &'a bumpalo::Bump,
        levels: &referflow_check::Levels,
    ) -> referflow_check::Checked<'a> {
        let mut checked = referflow_check::check_with(&self.merged(arena), levels);
        checked.diagnostics.extend(self.problems.iter().cloned());
        checked.diagnostics.sort_by_key(|d| d.span.start);
        checked
    }

    /// Prints `diagnostics` (in the offset space), each under the file it is about.
    pub fn print(&self, diagnostics: &[Diagnostic]) {
        for (source, found) in self.files.iter().zip(self.split(Vec::from(diagnostics))) {
            if !found.is_empty() {
                crate::print_diagnostics(&source.loaded, &found);
            }
        }
    }

    /// `diagnostics` (in the offset space) given to the file each is in, with spans counted
    /// in that file; a related place in another file of the chart names that file.
    pub fn split(&self, diagnostics: Vec<Diagnostic>) -> Vec<Vec<Diagnostic>> {
        let mut out: Vec<Vec<Diagnostic>> = self.files.iter().map(|_| Vec::new()).collect();
        for mut d in diagnostics {
            let index = self.file_of(d.span.start);
            let base = self.files[index].base;
            d.span = unshift(d.span, base);
            for r in &mut d.related {
                let other = self.file_of(r.span.start);
                let file = &self.files[other];
                r.span = unshift(r.span, file.base);
                if other != index {
                    let text = &file.loaded.text;
                    let lines = referflow_syntax::LineIndex::new(text);
                    let at = |offset: u32| {
                        let lc = lines.line_col(text, offset as usize);
                        (lc.line, lc.column)
                    };
                    r.file = Some(Box::new(referflow_check::OtherFile {
                        name: file.loaded.name.clone(),
                        path: file.path.clone(),
                        start: at(r.span.start),
                        end: at(r.span.end),
                    }));
                }
            }
            out[index].push(d);
        }
        out
    }

    /// The files' texts joined in order, one line break between two: an offset of the chart's
    /// offset space is the same offset of this text.
    pub fn joined(&self) -> Loaded {
        let mut text = String::new();
        for file in &self.files {
            text.truncate(file.base as usize);
            while text.len() < file.base as usize {
                text.push('\n');
            }
            text.push_str(&file.loaded.text);
        }
        Loaded { name: self.files[0].loaded.name.clone(), text }
    }
}

fn shift(span: Span, base: u32) -> Span {
    Span { start: span.start.saturating_add(base), end: span.end.saturating_add(base) }
}

fn unshift(span: Span, base: u32) -> Span {
    Span { start: span.start.saturating_sub(base), end: span.end.saturating_sub(base) }
}

/// A chart read as `referflow check` reads it: the file, and the files it includes when it has
/// any (in [`Sources`]' offset space; a chart of one file starts at 0). `diff`, `render
/// --since`, `comments` and `number` read their charts this way.
pub struct WholeChart {
    pub file: Loaded,
    pub sources: Option<Sources>,
}

impl WholeChart {
    pub fn read(path: &Path) -> Result<WholeChart, Failure> {
        let file = input::load(path)?;
        let sources = chart_of(path, &file)?;
        Ok(WholeChart { file, sources })
    }

    pub fn check<'a>(
        &'a self,
        arena: &'a bumpalo::Bump,
        levels: &referflow_check::Levels,
    ) -> referflow_check::Checked<'a> {
        match &self.sources {
            Some(chart) => chart.check(arena, levels),
            None => referflow_check::check_with(&referflow_syntax::parse(&self.file.text), levels),
        }
    }

    /// Prints `diagnostics` (in the offset space), each under the file it is about.
    pub fn print(&self, diagnostics: &[Diagnostic]) {
        match &self.sources {
            Some(chart) => chart.print(diagnostics),
            None => crate::print_diagnostics(&self.file, diagnostics),
        }
    }

    /// Whether the chart has errors of the language (RF001–RF012), which mean its model is not
    /// what its author meant: then they are printed with one line, `error: NAME: the chart has
    /// errors of the language, {consequence}`.
    pub fn refused(&self, checked: &referflow_check::Checked<'_>, consequence: &str) -> bool {
        if !checked.diagnostics.iter().any(|d| d.is_error() && d.rule.is_fixed()) {
            return false;
        }
        self.print(&checked.diagnostics);
        eprintln!("error: {}: the chart has errors of the language, {consequence}", self.file.name);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_include_that_starts_a_statement_counts() {
        assert!(may_include("include \"a.flow\""));
        assert!(may_include("title \"T\"\n  include \"a.flow\""));
        assert!(may_include("actor a \"A\"; include \"a.flow\""));
        assert!(!may_include("step s \"Include the family\" by a\nnote \"include them\""));
    }
}
