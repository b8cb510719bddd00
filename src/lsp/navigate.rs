//! Go to definition, find references and rename: all from the occurrences in the syntax tree.

use std::collections::HashMap;

use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, Location, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit,
};
use referflow_syntax::{RESERVED, Statement};

use super::index::{Index, Kind};
use super::text::LineMap;

/// The other files of the chart whose first file is the document `uri` with `text`: the files
/// it includes, read from disk as `referflow check` reads them, each with its URI.
fn included(uri: &Uri, text: &str) -> Vec<(Uri, String)> {
    let Some(path) = super::file_path(uri) else { return Vec::new() };
    let Some(sources) = super::diagnostics::chart_of(&path, text) else { return Vec::new() };
    sources.files.into_iter().skip(1).filter_map(|f| Some((super::file_uri(&f.canonical)?, f.loaded.text))).collect()
}

/// Where the id under the cursor is defined: every definition, so that a duplicate shows both,
/// in this document and in the files it includes (read from disk, as `referflow check` reads
/// them).
pub fn definition(uri: &Uri, lines: &LineMap<'_>, offset: usize) -> Vec<Location> {
    let file = referflow_syntax::parse(lines.text());
    let index = Index::new(&file);
    let Some(at) = index.at(offset) else { return Vec::new() };
    let mut found: Vec<Location> = index
        .of(at.name)
        .filter(|o| o.defines.is_some())
        .map(|o| Location { uri: uri.clone(), range: lines.range(o.span) })
        .collect();
    for (other_uri, text) in included(uri, lines.text()) {
        let file = referflow_syntax::parse(&text);
        let other = Index::new(&file);
        let there = LineMap::new(&text, lines.encoding());
        found.extend(
            other
                .of(at.name)
                .filter(|o| o.defines.is_some())
                .map(|o| Location { uri: other_uri.clone(), range: there.range(o.span) }),
        );
    }
    found
}

/// Every occurrence of the id under the cursor, its definition only if asked, in this document
/// and in the files it includes.
pub fn references(uri: &Uri, lines: &LineMap<'_>, offset: usize, include_declaration: bool) -> Vec<Location> {
    let file = referflow_syntax::parse(lines.text());
    let index = Index::new(&file);
    let Some(at) = index.at(offset) else { return Vec::new() };
    let mut found: Vec<Location> = index
        .of(at.name)
        .filter(|o| include_declaration || o.defines.is_none())
        .map(|o| Location { uri: uri.clone(), range: lines.range(o.span) })
        .collect();
    for (other_uri, text) in included(uri, lines.text()) {
        let file = referflow_syntax::parse(&text);
        let there = LineMap::new(&text, lines.encoding());
        found.extend(
            Index::new(&file)
                .of(at.name)
                .filter(|o| include_declaration || o.defines.is_none())
                .map(|o| Location { uri: other_uri.clone(), range: there.range(o.span) }),
        );
    }
    found
}

/// The occurrences of the id under the cursor, for an editor to highlight: its definition as
/// written to, every reference as read.
pub fn highlights(lines: &LineMap<'_>, offset: usize) -> Vec<DocumentHighlight> {
    let file = referflow_syntax::parse(lines.text());
    let index = Index::new(&file);
    let Some(at) = index.at(offset) else { return Vec::new() };
    index
        .of(at.name)
        .map(|o| DocumentHighlight {
            range: lines.range(o.span),
            kind: Some(if o.defines.is_some() { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ }),
        })
        .collect()
}

/// Why a rename is refused, in words for the person renaming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// The id a rename would change, or why there is none.
pub fn prepare_rename(lines: &LineMap<'_>, offset: usize) -> Result<PrepareRenameResponse, Refused> {
    let file = referflow_syntax::parse(lines.text());
    let index = Index::new(&file);
    let at = index.at(offset).ok_or_else(|| Refused("put the cursor on the id of a stage, actor or phase".into()))?;
    Ok(PrepareRenameResponse::RangeWithPlaceholder { range: lines.range(at.span), placeholder: at.name.to_string() })
}

/// Renames the id under the cursor everywhere it is written.
///
/// Refused while the file has syntax errors: a line that does not parse may name the id, and a
/// rename that missed it would quietly change what the chart means.
// `WorkspaceEdit::changes` is lsp-types' map keyed by `Uri`, whose parts clippy cannot tell
// are never changed through a key.
#[allow(clippy::mutable_key_type)]
pub fn rename(uri: &Uri, lines: &LineMap<'_>, offset: usize, new_name: &str) -> Result<WorkspaceEdit, Refused> {
    let file = referflow_syntax::parse(lines.text());
    if !file.errors.is_empty() {
        return Err(Refused(
            "the chart has syntax errors: fix them first, so that no line that names the id is missed".into(),
        ));
    }
    let index = Index::new(&file);
    let at = index.at(offset).ok_or_else(|| Refused("put the cursor on the id of a stage, actor or phase".into()))?;
    // The files the chart includes are renamed with it: an id defined in one is used in the other.
    let others = included(uri, lines.text());
    let parsed: Vec<_> = others.iter().map(|(_, text)| referflow_syntax::parse(text)).collect();
    if parsed.iter().any(|f| !f.errors.is_empty()) {
        return Err(Refused(
            "a file the chart includes has syntax errors: fix them first, so that no line that names the id is missed"
                .into(),
        ));
    }
    let indexes: Vec<Index<'_>> = parsed.iter().map(Index::new).collect();
    let mut changes = HashMap::new();
    if new_name == at.name {
        changes.insert(uri.clone(), Vec::new());
        return Ok(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() });
    }
    for index in std::iter::once(&index).chain(&indexes) {
        check_new_name(index, new_name)?;
    }
    let edit = |lines: &LineMap<'_>, index: &Index<'_>| -> Vec<TextEdit> {
        index.of(at.name).map(|o| TextEdit { range: lines.range(o.span), new_text: new_name.to_string() }).collect()
    };
    changes.insert(uri.clone(), edit(lines, &index));
    for ((other_uri, text), other) in others.iter().zip(&indexes) {
        let edits = edit(&LineMap::new(text, lines.encoding()), other);
        if !edits.is_empty() {
            changes.insert(other_uri.clone(), edits);
        }
    }
    Ok(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() })
}

/// A new id must be an id, not a reserved word, and not taken (one namespace holds every id).
fn check_new_name(index: &Index<'_>, name: &str) -> Result<(), Refused> {
    if RESERVED.contains(&name) {
        return Err(Refused(format!("`{name}` is a reserved word and cannot be an id")));
    }
    // The grammar decides what an id is: a one-line chart that defines it must parse to it.
    let probe = format!("actor {name} \"\"");
    let parsed = referflow_syntax::parse(&probe);
    let is_id = parsed.errors.is_empty()
        && matches!(parsed.statements.as_slice(), [Statement::Actor(actor)] if actor.id.name == name);
    if !is_id {
        return Err(Refused(format!(
            "`{name}` is not an id: an id starts with a letter or `_`, followed by letters, digits, `_` or `-`"
        )));
    }
    if let Some(taken) = index.definition(name) {
        let what = match taken.defines {
            Some(Kind::Stage(kind)) => format!("{} stage", kind.keyword()),
            Some(kind) => kind.word().to_string(),
            None => "id".to_string(),
        };
        let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        return Err(Refused(format!("`{name}` is already the id of {article} {what}; choose another name")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::text::Encoding;

    const SRC: &str = "actor police \"P\"\nstart a \"A\" by police\nend b \"B\" by police\na -> b\n";

    fn rename_b(to: &str) -> Result<usize, Refused> {
        let lines = LineMap::new(SRC, Encoding::Utf16);
        let uri: Uri = "file:///x.flow".parse().unwrap();
        let edit = rename(&uri, &lines, SRC.rfind('b').unwrap(), to)?;
        Ok(edit.changes.unwrap().values().map(Vec::len).sum())
    }

    #[test]
    fn a_rename_changes_every_occurrence_or_is_refused_with_a_reason() {
        assert_eq!(rename_b("closed"), Ok(2));
        assert_eq!(rename_b("ปิดคดี"), Ok(2));
        assert_eq!(rename_b("b"), Ok(0));
        assert!(rename_b("police").unwrap_err().0.contains("already the id of an actor"));
        assert!(rename_b("end").unwrap_err().0.contains("reserved word"));
        for bad in ["1b", "a b", "", "b\"", "b;c", "b #c", "x->y", "b\n"] {
            assert!(rename_b(bad).unwrap_err().0.contains("is not an id"), "{bad:?}");
        }
    }
}
