//! Document symbols: the outline of a chart, in source order.

use lsp_types::{DocumentSymbol, DocumentSymbolResponse, Location, SymbolInformation, SymbolKind, Uri};
use referflow_syntax::{Broken, File, Ident, PhaseItem, Span, Stage, StageKind, Statement};

use super::index::Kind;
use super::text::LineMap;

/// Phases with their stages as children, then stages and actors where they are written.
/// Statements that do not parse but still say what they define are kept, so the outline does
/// not jump while a line is being typed. `nested` is false for a client that only understands
/// the older flat list.
pub fn symbols(uri: &Uri, lines: &LineMap<'_>, nested: bool) -> DocumentSymbolResponse {
    let file = referflow_syntax::parse(lines.text());
    let tree = outline(&file, lines);
    if nested {
        return DocumentSymbolResponse::Nested(tree);
    }
    let mut flat = Vec::new();
    for symbol in tree {
        for child in symbol.children.iter().flatten() {
            flat.push(information(uri, child, Some(symbol.name.clone())));
        }
        flat.push(information(uri, &symbol, None));
    }
    flat.sort_by_key(|s| (s.location.range.start.line, s.location.range.start.character));
    DocumentSymbolResponse::Flat(flat)
}

fn outline(file: &File<'_>, lines: &LineMap<'_>) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for statement in &file.statements {
        match statement {
            Statement::Actor(actor) => {
                out.push(symbol(lines, &actor.id, Kind::Actor, Some(&actor.name.value), actor.span, None));
            }
            Statement::Phase(phase) => {
                let children = phase
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        PhaseItem::Stage(stage) => Some(stage_symbol(lines, stage)),
                        PhaseItem::Broken(broken) => broken_symbol(lines, broken),
                        PhaseItem::Translation(_) | PhaseItem::Edge(_) => None,
                    })
                    .collect();
                out.push(symbol(lines, &phase.id, Kind::Phase, Some(&phase.name.value), phase.span, Some(children)));
            }
            Statement::Stage(stage) => out.push(stage_symbol(lines, stage)),
            Statement::Broken(broken) => out.extend(broken_symbol(lines, broken)),
            Statement::Title(_)
            | Statement::Version(_)
            | Statement::Languages(_)
            | Statement::Edge(_)
            | Statement::Require(_)
            | Statement::Include(_)
            | Statement::Numbering(_)
            | Statement::Retired(_)
            | Statement::Glossary(_)
            | Statement::Leaflet(_) => {}
        }
    }
    out
}

fn stage_symbol(lines: &LineMap<'_>, stage: &Stage<'_>) -> DocumentSymbol {
    symbol(lines, &stage.id, Kind::Stage(stage.kind), Some(&stage.label.value), stage.span, None)
}

fn broken_symbol(lines: &LineMap<'_>, broken: &Broken<'_>) -> Option<DocumentSymbol> {
    let (kind, id) = broken.defines.as_ref()?;
    Some(symbol(lines, id, (*kind).into(), None, broken.span, None))
}

fn symbol(
    lines: &LineMap<'_>,
    id: &Ident<'_>,
    kind: Kind,
    label: Option<&str>,
    span: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    let detail = match label {
        Some(label) => format!("{} · {label}", kind.word()),
        None => format!("{} (has an error)", kind.word()),
    };
    // The selection must lie inside the range; a broken statement's span holds its id, but
    // take the hull anyway rather than trust it.
    let range = lines.range(span.to(id.span));
    #[allow(deprecated)] // `deprecated` is a required field of the struct, replaced by `tags`
    DocumentSymbol {
        name: id.name.to_string(),
        detail: Some(detail),
        kind: symbol_kind(kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: lines.range(id.span),
        children,
    }
}

/// Icons an editor shows in the outline: entry points and outcomes as events, steps as
/// functions, decisions as operators, agencies as classes, phases as namespaces.
fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Stage(StageKind::Start | StageKind::End) => SymbolKind::EVENT,
        Kind::Stage(StageKind::Step) => SymbolKind::FUNCTION,
        Kind::Stage(StageKind::Decision) => SymbolKind::OPERATOR,
        Kind::Actor => SymbolKind::CLASS,
        Kind::Phase => SymbolKind::NAMESPACE,
    }
}

fn information(uri: &Uri, symbol: &DocumentSymbol, container: Option<String>) -> SymbolInformation {
    #[allow(deprecated)] // as above
    SymbolInformation {
        name: symbol.name.clone(),
        kind: symbol.kind,
        tags: None,
        deprecated: None,
        location: Location { uri: uri.clone(), range: symbol.range },
        container_name: container,
    }
}
