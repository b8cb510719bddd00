//! Changes to a chart's text in place, for the commands that write into a chart rather than
//! format it (`number`, `translate import`): edits at spans of the chart's offset space
//! (one file or several, `driver::include`), applied in one pass per file, and each changed
//! file written through `output::rewrite`. Every byte outside the edits stays as it was, so
//! every comment and line is kept.

use std::path::Path;

use referflow_syntax::Span;

use crate::driver::include::WholeChart;
use crate::{Failure, output};

/// A change to the text: `text` in place of the bytes `span` (in the offset space).
#[derive(Debug)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// The texts of a chart's files, each with where it starts in the chart's offset space.
pub fn texts(chart: &WholeChart) -> Vec<(&str, u32)> {
    match &chart.sources {
        None => vec![(chart.file.text.as_str(), 0)],
        Some(sources) => sources.files.iter().map(|f| (f.loaded.text.as_str(), f.base)).collect(),
    }
}

/// The index of the file (in [`texts`]) holding byte `offset` of the offset space.
pub fn file_of(chart: &WholeChart, offset: u32) -> usize {
    chart.sources.as_ref().map_or(0, |sources| sources.file_of(offset))
}

/// Where the line holding `offset` ends, after its line break (in the offset space).
pub fn line_end(texts: &[(&str, u32)], chart: &WholeChart, offset: u32) -> usize {
    let (text, base) = texts[file_of(chart, offset)];
    let local = (offset - base) as usize;
    base as usize + text[local..].find('\n').map_or(text.len(), |i| local + i + 1)
}

/// Where the line holding `offset` starts (in the offset space).
pub fn line_start(texts: &[(&str, u32)], chart: &WholeChart, offset: u32) -> usize {
    let (text, base) = texts[file_of(chart, offset)];
    let local = (offset - base) as usize;
    base as usize + text[..local].rfind('\n').map_or(0, |i| i + 1)
}

/// The line break a file uses: `\r\n` if it has any, else `\n`.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Each file's text with `edits` made (which must not overlap), in [`texts`] order.
pub fn apply(chart: &WholeChart, mut edits: Vec<Edit>) -> Vec<String> {
    let texts = texts(chart);
    // Each file copied once, the edits in order (one `replace_range` each would move the rest
    // of the file each time: minutes on a chart of 100,000 stages). Insertions at one place
    // keep the order they were given in (the sort is stable).
    edits.sort_by_key(|e| e.span.start);
    let mut changed: Vec<String> = texts.iter().map(|(text, _)| String::with_capacity(text.len())).collect();
    let mut copied: Vec<usize> = vec![0; texts.len()];
    for edit in &edits {
        let file = file_of(chart, edit.span.start);
        let (text, base) = texts[file];
        let (start, end) = (edit.span.start as usize - base as usize, edit.span.end as usize - base as usize);
        changed[file].push_str(&text[copied[file]..start]);
        changed[file].push_str(&edit.text);
        copied[file] = end;
    }
    for (k, (text, _)) in texts.iter().enumerate() {
        changed[k].push_str(&text[copied[k]..]);
    }
    changed
}

/// Writes each file of the chart at `path` whose text `changed` differs from what was read.
pub fn write(path: &Path, chart: &WholeChart, changed: &[String]) -> Result<(), Failure> {
    let texts = texts(chart);
    for (k, text) in changed.iter().enumerate() {
        if *text == texts[k].0 {
            continue;
        }
        let (target, shown) = match &chart.sources {
            None => (path.to_path_buf(), chart.file.name.clone()),
            Some(sources) => (sources.files[k].path.clone(), sources.files[k].loaded.name.clone()),
        };
        output::rewrite(&target, &shown, texts[k].0.as_bytes(), text.as_bytes())?;
    }
    Ok(())
}
