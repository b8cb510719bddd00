//! The comment matrix as a file: its columns, the dispositions it may hold, and reading a
//! filled one back from CSV or xlsx.
//!
//! A matrix is read whole (it is small: one row per stage and comment) and refused, with every
//! reason at once, when it is not a matrix: not CSV or xlsx by its name or by its content, not
//! UTF-8, without the columns a check needs, or with a row that has content but no step number.

use std::path::Path;

use referflow_emit::comment_report::Comment;

use crate::input::shown;

/// The headers the template writes, in order. The step's text has one column per language
/// between agency and commenter: `Step (en)`, `Step (th)`.
pub const NUMBER: &str = "Step no.";
pub const PHASE: &str = "Phase";
pub const AGENCY: &str = "Agency";
pub const COMMENTER: &str = "Commenter";
pub const ORGANISATION: &str = "Organisation";
pub const COMMENT: &str = "Comment";
pub const PROPOSED_CHANGE: &str = "Proposed change";
pub const DISPOSITION: &str = "Disposition";
pub const REASON: &str = "Reason";

/// The header of the step's text in `lang`.
pub fn step_header(lang: &str) -> String {
    format!("Step ({lang})")
}

/// The empty columns a commenter and the committee fill, after the step's texts.
pub const TO_FILL: [&str; 6] = [COMMENTER, ORGANISATION, COMMENT, PROPOSED_CHANGE, DISPOSITION, REASON];

/// The committee's answer to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Accepted,
    PartlyAccepted,
    NotAccepted,
    Noted,
}

/// The words for the dispositions in each language the tool knows, in the order of
/// [`Disposition`]. To add a language, add a line. English is accepted in every matrix; another
/// language's words in a matrix of a chart that declares it.
const WORDS: &[(&str, [&str; 4])] = &[
    ("en", ["accepted", "partly accepted", "not accepted", "noted"]),
    ("th", ["ยอมรับ", "ยอมรับบางส่วน", "ไม่ยอมรับ", "รับทราบ"]),
];

const ALL: [Disposition; 4] =
    [Disposition::Accepted, Disposition::PartlyAccepted, Disposition::NotAccepted, Disposition::Noted];

/// The words of a language (`th`, `pt-BR` as `pt`), or English where the table has none.
pub fn words(lang: &str) -> [&'static str; 4] {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    WORDS.iter().find(|(l, _)| *l == primary).map_or(WORDS[0].1, |(_, w)| *w)
}

/// The languages whose words a matrix of a chart in `languages` accepts: English, then the
/// declared ones the table knows.
fn accepted_languages<'l>(languages: &[&'l str]) -> Vec<&'l str> {
    let mut langs = vec!["en"];
    for lang in languages {
        let primary = lang.split('-').next().unwrap_or(lang);
        if WORDS.iter().any(|(l, _)| l.eq_ignore_ascii_case(primary)) && !langs.iter().any(|l| words(l) == words(lang))
        {
            langs.push(lang);
        }
    }
    langs
}

/// Reads a disposition: trimmed, case and runs of spaces ignored, in English or in a declared
/// language.
pub fn disposition(text: &str, languages: &[&str]) -> Option<Disposition> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    accepted_languages(languages)
        .into_iter()
        .find_map(|lang| words(lang).iter().position(|w| *w == text).map(|i| ALL[i]))
}

/// The allowed words, for a message: `accepted, partly accepted, not accepted, noted (th:
/// ยอมรับ, …)`.
pub fn allowed(languages: &[&str]) -> String {
    let langs = accepted_languages(languages);
    let mut text = words("en").join(", ");
    for lang in langs.iter().skip(1) {
        text.push_str(&format!("; {lang}: {}", words(lang).join(", ")));
    }
    text
}

/// A filled matrix.
#[derive(Debug)]
pub struct Matrix {
    /// The file, as shown.
    pub name: String,
    /// Every row that has content, in order.
    pub rows: Vec<Comment>,
}

/// Why a matrix cannot be read: each line names the file, and the row where there is one.
#[derive(Debug)]
pub struct Unreadable(pub Vec<String>);

/// The formats a matrix can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format a file's name says (`.csv`, `.xlsx`, in any case).
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The start of every xlsx file: a zip archive's local file header.
const ZIP: &[u8] = b"PK\x03\x04";

/// Reads a filled matrix. `languages` are the chart's, for the step-text columns.
pub fn read(path: &Path) -> Result<Matrix, Unreadable> {
    let name = shown(path);
    let one = |cause: String| Unreadable(vec![format!("{name}: {cause}")]);
    let Some(format) = Format::of(path) else {
        return Err(one("not a comment matrix: give a .csv or .xlsx file".into()));
    };
    let bytes = {
        use std::io::Read;
        let (file, meta) = crate::input::open(path, &name).map_err(|f| Unreadable(vec![f.0]))?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let limit = crate::input::max_file_size();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Unreadable(vec![crate::input::cannot_read(&name, &e).0]))?;
        if bytes.len() as u64 > limit {
            return Err(Unreadable(vec![crate::input::too_large(&name).0]));
        }
        bytes
    };
    let cells = match format {
        Format::Csv => {
            if bytes.starts_with(ZIP) {
                return Err(one("not CSV: this is a zip archive (an xlsx spreadsheet?); name it .xlsx".into()));
            }
            if bytes.is_empty() {
                return Err(one("empty: a matrix starts with a row of column headers".into()));
            }
            let text = match std::str::from_utf8(&bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at = e.valid_up_to();
                    let row = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
                    return Err(one(format!(
                        "not valid UTF-8 at byte {at} (line {row}); save the matrix as \"CSV UTF-8\""
                    )));
                }
            };
            if let Some(at) = text.find('\0') {
                return Err(one(format!("not CSV text: a NUL byte at byte {at} (a binary file?)")));
            }
            csv_cells(text).map_err(one)?
        }
        Format::Xlsx => {
            if !bytes.starts_with(ZIP) {
                return Err(one("not an xlsx spreadsheet: it is not a zip archive (a CSV file named .xlsx?)".into()));
            }
            xlsx_cells(bytes).map_err(one)?
        }
    };
    rows(&name, cells)
}

/// A row of cells and its number as a spreadsheet shows it.
type Cells = Vec<(usize, Vec<String>)>;

/// The records of a CSV text (without its byte order mark), each with its row: a blank line is
/// a row, as a spreadsheet shows it, and a cell with line breaks keeps its record on one row.
fn csv_cells(text: &str) -> Result<Cells, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = row_numbers(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = rows.get(i).copied().unwrap_or(i + 1);
        let record = record.map_err(|e| format!("row {row}: not CSV: {}", csv_cause(&e)))?;
        out.push((row, record.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok(out)
}

/// The row of each record of a CSV text as a spreadsheet counts them: every line end outside
/// quotes ends a row, and a blank row (which the CSV reader skips) is counted but not listed.
/// A quote opens a quoted cell only at the start of a cell, as the reader reads it.
fn row_numbers(text: &str) -> Vec<usize> {
    let (mut rows, mut row, mut filled) = (Vec::new(), 1, false);
    let (mut quoted, mut cell_start) = (false, true);
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if quoted {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b'\n' => {
                if filled {
                    rows.push(row);
                }
                (row, filled, cell_start) = (row + 1, false, true);
            }
            b'\r' => {}
            b'"' if cell_start => (quoted, filled, cell_start) = (true, true, false),
            b',' => (filled, cell_start) = (true, true),
            _ => (filled, cell_start) = (true, false),
        }
    }
    if filled {
        rows.push(row);
    }
    rows
}

fn csv_cause(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
        _ => error.to_string(),
    }
}

/// The most a workbook's parts may hold once inflated: a filled matrix of a few thousand rows
/// is a few megabytes; a zip that inflates to gigabytes is refused before it is inflated.
const MAX_INFLATED: u64 = 256 << 20;

/// Columns past this one are not read: a matrix has a dozen, and a cell far to the right must
/// not make every row that long.
const MAX_COLUMNS: usize = 256;

/// The cells of the first sheet of an xlsx workbook, each row with its number in the sheet.
/// Read cell by cell (calamine's cells reader), not as one dense range: a sheet with a cell at
/// A1 and one at XFD1048576 would otherwise allocate seventeen billion cells.
fn xlsx_cells(bytes: Vec<u8>) -> Result<Cells, String> {
    use calamine::{DataRef, Reader, Xlsx};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..]))
        .map_err(|e| format!("not a readable xlsx spreadsheet: {e}"))?;
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| format!("not a readable xlsx spreadsheet: {e}"))?;
        inflated = inflated.saturating_add(part.size());
    }
    if inflated > MAX_INFLATED {
        return Err(format!(
            "its parts inflate to {} MiB, more than the {} MiB a comment matrix may hold",
            inflated >> 20,
            MAX_INFLATED >> 20
        ));
    }
    let mut book =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable xlsx spreadsheet: {e}"))?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err("the workbook has no sheet".into());
    };
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(|e| format!("cannot read its first sheet: {e}"))?;
    let text = |data: &DataRef<'_>| match data {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        // Whole numbers as a spreadsheet shows them: `14`, not `14.0`.
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    };
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| format!("cannot read its first sheet: {e}"))? {
        let (row, column) = cell.get_position();
        let column = column as usize;
        let value = text(cell.get_value());
        if column >= MAX_COLUMNS || value.is_empty() {
            continue;
        }
        let cells = rows.entry(row).or_default();
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = value;
    }
    Ok(rows.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect())
}

/// Where each known column is, by header.
#[derive(Debug, Default)]
struct Columns {
    number: Option<usize>,
    commenter: Option<usize>,
    organisation: Option<usize>,
    comment: Option<usize>,
    proposed_change: Option<usize>,
    disposition: Option<usize>,
    reason: Option<usize>,
    /// `Step (LANG)` columns, in order.
    step_texts: Vec<usize>,
}

/// A header as compared: trimmed, lower case, runs of spaces as one.
fn normal(header: &str) -> String {
    header.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Columns {
    fn of(headers: &[String]) -> Columns {
        let mut columns = Columns::default();
        for (i, header) in headers.iter().enumerate() {
            let h = normal(header);
            let slot = match h.as_str() {
                "step no." | "step no" | "step number" | "number" | "no." | "no" | "#" => &mut columns.number,
                "commenter" | "name" => &mut columns.commenter,
                "organisation" | "organization" => &mut columns.organisation,
                "comment" | "comments" => &mut columns.comment,
                "proposed change" | "proposed changes" => &mut columns.proposed_change,
                "disposition" => &mut columns.disposition,
                "reason" => &mut columns.reason,
                _ => {
                    if h.starts_with("step (") && h.ends_with(')') {
                        columns.step_texts.push(i);
                    }
                    continue;
                }
            };
            slot.get_or_insert(i);
        }
        columns
    }
}

/// The rows of a matrix from its cells: the first row with content is the header.
fn rows(name: &str, cells: Cells) -> Result<Matrix, Unreadable> {
    let mut cells = cells.into_iter().filter(|(_, row)| row.iter().any(|c| !c.is_empty()));
    let Some((header_row, headers)) = cells.next() else {
        return Err(Unreadable(vec![format!("{name}: empty: a matrix starts with a row of column headers")]));
    };
    let columns = Columns::of(&headers);
    let missing: Vec<&str> = [(columns.number, NUMBER), (columns.comment, COMMENT), (columns.disposition, DISPOSITION)]
        .into_iter()
        .filter(|(c, _)| c.is_none())
        .map(|(_, h)| h)
        .collect();
    if !missing.is_empty() {
        let quoted: Vec<String> = missing.iter().map(|h| format!("\"{h}\"")).collect();
        return Err(Unreadable(vec![format!(
            "{name}: row {header_row}: no {} column{} in the header (write the headers as `referflow comments template` does)",
            quoted.join(", "),
            if missing.len() == 1 { "" } else { "s" }
        )]));
    }
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (row, values) in cells {
        let get = |column: Option<usize>| column.and_then(|c| values.get(c)).cloned().unwrap_or_default();
        let number = get(columns.number);
        let number = match parse_number(&number) {
            Ok(n) => n,
            Err(cause) => {
                errors.push(format!("{name}: row {row}: {cause}"));
                continue;
            }
        };
        let step_text = columns.step_texts.iter().map(|c| get(Some(*c))).find(|t| !t.is_empty()).unwrap_or_default();
        // The template's CSV puts a `'` before a text a spreadsheet would take for a formula.
        let step_text = match step_text.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
            _ => step_text,
        };
        rows.push(Comment {
            row,
            number,
            step_text,
            commenter: get(columns.commenter),
            organisation: get(columns.organisation),
            comment: get(columns.comment),
            proposed_change: get(columns.proposed_change),
            disposition: get(columns.disposition),
            reason: get(columns.reason),
        });
    }
    if errors.is_empty() { Ok(Matrix { name: name.to_string(), rows }) } else { Err(Unreadable(errors)) }
}

/// A step number as a cell holds it: digits, perhaps `14.0` from a spreadsheet.
fn parse_number(text: &str) -> Result<u32, String> {
    if text.is_empty() {
        return Err("no step number, but the row has content; give the number of the step it is about".into());
    }
    let digits = text.strip_suffix(".0").unwrap_or(text);
    match digits.parse::<u32>() {
        Ok(0) => Err("0 is not a step number: steps are numbered from 1".into()),
        Ok(n) if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("`{}` is not a step number", referflow_emit::visible(text))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use super::*;

    #[test]
    fn dispositions_are_read_in_any_case_and_in_declared_languages() {
        assert_eq!(disposition("  Partly   ACCEPTED ", &["en"]), Some(Disposition::PartlyAccepted));
        assert_eq!(disposition("รับทราบ", &["en", "th"]), Some(Disposition::Noted));
        assert_eq!(disposition("รับทราบ", &["en"]), None);
        assert_eq!(disposition("noted", &["th"]), Some(Disposition::Noted));
        assert_eq!(disposition("maybe", &["en", "th"]), None);
        assert_eq!(words("th")[2], "ไม่ยอมรับ");
        assert_eq!(words("fr"), words("en"));
    }

    #[test]
    fn a_row_on_several_lines_is_one_row() {
        let rows = |text: &str| csv_cells(text).unwrap().iter().map(|(r, _)| *r).collect::<Vec<usize>>();
        assert_eq!(rows("\u{feff}a,b\n\n1,\"two\nlines\"\n2,x\n"), [1, 3, 4]);
        assert_eq!(rows("a,b\r\n\r\n\r\n1,\"two\r\nlines\"\r\n2,x"), [1, 4, 5]);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("14"), Ok(14));
        assert_eq!(parse_number("14.0"), Ok(14));
        assert!(parse_number("+14").is_err());
        assert!(parse_number("0").is_err());
        assert!(parse_number("step 3").is_err());
    }
}
