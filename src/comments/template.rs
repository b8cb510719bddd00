//! The hearing's comment form: one row per stage, in the narrative's reading order, with the
//! step's number, phase, lead agency and text in every declared language, then empty columns
//! for the commenter and the committee.

use referflow_emit::chart::Chart;
use referflow_emit::numbers::{in_reading_order, step_numbers};

use super::matrix::{self, DISPOSITION, NUMBER, TO_FILL};

/// The rows of the form, before they are written as CSV or xlsx.
#[derive(Debug)]
pub struct Form {
    pub headers: Vec<String>,
    /// Each stage's number (none for an unnumbered stage of a numbered chart) and its texts:
    /// phase, agency, then the step's text in each language.
    pub rows: Vec<(Option<u32>, Vec<String>)>,
    /// The words the disposition column allows, in the chart's first language.
    pub dispositions: [&'static str; 4],
    /// The ids of stages without a number, to warn about.
    pub unnumbered: Vec<String>,
}

pub fn form(chart: &Chart<'_, '_>) -> Form {
    let model = chart.model;
    let languages: Vec<&str> = if model.languages.is_empty() { vec!["en"] } else { model.languages.clone() };
    let mut headers = vec![NUMBER.to_string(), matrix::PHASE.to_string(), matrix::AGENCY.to_string()];
    headers.extend(languages.iter().map(|l| matrix::step_header(l)));
    headers.extend(TO_FILL.iter().map(|h| h.to_string()));
    let numbers = step_numbers(chart);
    let mut unnumbered = Vec::new();
    let rows = in_reading_order(chart)
        .into_iter()
        .map(|s| {
            let stage = model.stage(s);
            if numbers[s.index()].is_none() {
                unnumbered.push(stage.id.to_string());
            }
            let phase = stage.phase.map_or(String::new(), |p| model.phase(p).name.get(0).to_string());
            let agency = stage.owners.first().map_or(String::new(), |a| model.actor(*a).name.get(0).to_string());
            let mut cells = vec![phase, agency];
            cells.extend((0..languages.len()).map(|l| stage.label.get(l).to_string()));
            (numbers[s.index()], cells)
        })
        .collect();
    Form { headers, rows, dispositions: matrix::words(languages[0]), unnumbered }
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) gets a `'` before
/// it: chart text is shown, never run, when the CSV is opened.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// The form as CSV: UTF-8 with a byte order mark (so a spreadsheet reads Thai as Thai), RFC 4180
/// quoting and CRLF line ends.
pub fn csv(form: &Form) -> Result<Vec<u8>, String> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .flexible(false)
            .from_writer(&mut out);
        let empty = vec![String::new(); TO_FILL.len()];
        writer.write_record(&form.headers).map_err(|e| e.to_string())?;
        for (number, cells) in &form.rows {
            let number = number.map_or(String::new(), |n| n.to_string());
            let record = std::iter::once(number).chain(cells.iter().map(|c| inert(c))).chain(empty.iter().cloned());
            writer.write_record(record).map_err(|e| e.to_string())?;
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The form as an xlsx workbook: the header bold and frozen, columns wide enough to read, text
/// wrapped, and the disposition column limited to the allowed words.
pub fn xlsx(form: &Form) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};
    let mut book = Workbook::new();
    // The same bytes for the same chart: the creation date is SOURCE_DATE_EPOCH, else fixed.
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
    let created = ExcelDateTime::from_timestamp(epoch).or_else(|_| ExcelDateTime::from_timestamp(0))?;
    book.set_properties(&DocProperties::new().set_title("Comment matrix").set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("Comments")?;
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let number = Format::new().set_align(FormatAlign::Top).set_align(FormatAlign::Left);
    let last_col = (form.headers.len() - 1) as u16;
    for (c, title) in form.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, title, &header)?;
        let width = match c {
            0 => 8.0,
            1 | 2 => 26.0,
            _ if c + TO_FILL.len() > last_col as usize => match title.as_str() {
                matrix::COMMENTER | matrix::ORGANISATION => 22.0,
                DISPOSITION => 18.0,
                _ => 45.0,
            },
            _ => 45.0,
        };
        sheet.set_column_width(c as u16, width)?;
    }
    for (r, (n, cells)) in form.rows.iter().enumerate() {
        let row = (r + 1) as u32;
        if let Some(n) = n {
            sheet.write_number_with_format(row, 0, f64::from(*n), &number)?;
        }
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, (c + 1) as u16, text, &wrap)?;
        }
        for c in (cells.len() + 1) as u16..=last_col {
            sheet.write_blank(row, c, &wrap)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, form.rows.len() as u32, last_col)?;
    let column = form.headers.iter().position(|h| h == DISPOSITION).unwrap_or(0) as u16;
    let validation = DataValidation::new()
        .allow_list_strings(&form.dispositions)?
        .set_error_title("Disposition")?
        .set_error_message(format!("Choose one of: {}", form.dispositions.join(", ")))?;
    // Every row below the header: commenters add rows of their own.
    sheet.add_data_validation(1, column, 1_048_575, column, &validation)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn a_text_that_looks_like_a_formula_is_shown_not_run() {
        assert_eq!(inert("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Screen - then refer"), "Screen - then refer");
    }
}
