//! `referflow comments`: the comment matrix of a public hearing, its check and the disposition
//! report, through the real binary. The charts are tests/fixtures/comments (numbered, with
//! retired numbers; new.flow answers old.flow) and examples/thailand-nrm.flow (en and th).

use std::path::{Path, PathBuf};
use std::process::Command;

const OLD: &str = "tests/fixtures/comments/old.flow";
const NEW: &str = "tests/fixtures/comments/new.flow";
const THAI: &str = "examples/thailand-nrm.flow";

fn referflow(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(crate::root()).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("comments-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The stages of a chart, checked as the binary checks it.
fn labels(path: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(crate::root().join(path)).unwrap();
    let checked = referflow_check::check(&referflow_syntax::parse(&text));
    let languages = checked.model.languages.len();
    checked.model.stages.iter().map(|s| (0..languages).map(|l| s.label.get(l).to_string()).collect()).collect()
}

/// A filled matrix of old.flow, as a secretariat returns it: row 5 cites a number the chart
/// never had, rows 6 and 7 retired numbers (4 with its text in the chart, 5 without), row 8 an
/// answer that is not a disposition; row 3's comment spans two lines, row 4 answers in Thai,
/// rows 2 and 9 are unfilled template rows.
pub(crate) const FILLED: &str = "\u{feff}Step no.,Phase,Agency,Step (en),Step (th),Commenter,Organisation,Comment,Proposed change,Disposition,Reason\r\n\
1,Intake,Royal Thai Police,Tip-off received,ได้รับแจ้งเบาะแส,,,,,,\r\n\
2,Intake,MDT,Screen,คัดกรอง,Somchai,Hope NGO,\"24 hours is too short\nfor an interpreter\",Allow 48 hours, Accepted ,Raised to 48 hours\r\n\
3,,,,,Anna,,<b>fine</b>,,ยอมรับบางส่วน,\r\n\
99,,,Mystery step,,Bob,,on an unknown step,,noted,\r\n\
4,,,,,Carl,,on a retired step,,noted,\r\n\
5,,,Some old step,,Dee,,also retired,,noted,\r\n\
6,,,Temporary shelter,,Eve,Gov,The shelter is too far,,maybe,\r\n\
7,,,,,,,,,,\r\n";

#[test]
fn the_csv_template_has_a_bom_a_row_per_stage_and_every_language() {
    let dir = temp_dir("csv");
    let out = dir.join("matrix.csv");
    let (code, _, stderr) = referflow(&["comments", "template", THAI, "-o", arg(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "no byte order mark");
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "Step no.",
            "Phase",
            "Agency",
            "Step (en)",
            "Step (th)",
            "Commenter",
            "Organisation",
            "Comment",
            "Proposed change",
            "Disposition",
            "Reason"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut stages = labels(THAI);
    assert_eq!(rows.len(), stages.len(), "one row per stage");
    // Every stage once, in both languages; numbered 1..n in reading order (the chart has no
    // numbers of its own).
    let mut written: Vec<Vec<String>> = rows.iter().map(|r| vec![r[3].to_string(), r[4].to_string()]).collect();
    written.sort();
    stages.sort();
    assert_eq!(written, stages);
    let numbers: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(numbers, (1..=rows.len() as u32).collect::<Vec<_>>());
    assert!(rows.iter().all(|r| r.iter().skip(5).all(str::is_empty)), "the columns to fill are empty");
    assert!(rows.iter().any(|r| &r[2] == "Royal Thai Police"), "the lead agency by name");
    // The same bytes on standard output; and a clean check of the unfilled form.
    let (_, stdout, _) = referflow(&["comments", "template", THAI, "-o", "-"]);
    assert_eq!(stdout.as_bytes(), bytes);
    let (code, stdout, _) = referflow(&["comments", "check", arg(&out), THAI]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn the_template_of_a_numbered_chart_uses_its_numbers() {
    let (code, stdout, stderr) = referflow(&["comments", "template", NEW, "-o", "-"]);
    assert_eq!(code, 0, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.trim_start_matches('\u{feff}').as_bytes());
    let numbers: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(numbers, ["1", "2", "3", "9", "8", "7"]);
}

#[test]
fn check_names_the_unknown_number_the_retired_ones_and_the_wrong_disposition() {
    let dir = temp_dir("check");
    let matrix = dir.join("filled.csv");
    std::fs::write(&matrix, FILLED).unwrap();
    let (code, stdout, stderr) = referflow(&["comments", "check", arg(&matrix), OLD]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let name = arg(&matrix);
    let at = |row: usize| -> Vec<&str> {
        lines.iter().copied().filter(|l| l.starts_with(&format!("{name}: row {row}: "))).collect()
    };
    assert!(at(5).iter().any(|l| l.contains("step 99: no step 99 in") && l.contains("“Mystery step”")), "{stdout}");
    assert!(at(6).iter().any(|l| l.contains("step 4 is retired") && l.contains("“Old interview step”")), "{stdout}");
    assert!(at(7).iter().any(|l| l.contains("step 5 is retired") && l.contains("“Some old step”")), "{stdout}");
    assert!(at(8).iter().any(|l| l.contains("step 6: disposition “maybe” is not one of")), "{stdout}");
    // A disposition in Thai, one in another case with spaces around it, and an unfilled row
    // are fine.
    for row in [2, 3, 4, 9] {
        assert!(at(row).is_empty(), "row {row}: {stdout}");
    }
    assert_eq!(
        lines.last().unwrap(),
        &format!("{name}: 4 problems in 4 rows; 6 comments in 8 rows, 6 with a disposition")
    );
    // An undecided comment is listed too.
    std::fs::write(&matrix, FILLED.replace(",noted,\r\n5,", ",,\r\n5,")).unwrap();
    let (code, stdout, _) = referflow(&["comments", "check", arg(&matrix), OLD]);
    assert_eq!(code, 1);
    assert!(stdout.contains(&format!("{name}: row 6: step 4: a comment without a disposition")), "{stdout}");
    // Clean once the problems are gone.
    let clean: String = FILLED.lines().filter(|l| !l.starts_with(['9', '4', '5', '6'])).collect::<Vec<_>>().join("\n");
    std::fs::write(&matrix, clean).unwrap();
    let (code, stdout, _) = referflow(&["comments", "check", arg(&matrix), OLD]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("no problems: 2 comments in 4 rows, 2 with a disposition\n"), "{stdout}");
}

/// Malformed matrices: exit 2, one line per cause naming the file (and the row), and the
/// matrix left exactly as it was.
#[test]
fn a_matrix_that_is_not_one_is_refused_and_left_alone() {
    let dir = temp_dir("bad");
    let cases: &[(&str, &[u8], &str)] = &[
        ("no-disposition.csv", b"Step no.,Comment\n2,hi\n", "row 1: no \"Disposition\" column"),
        ("no-columns.csv", b"a,b\n1,2\n", "no \"Step no.\", \"Comment\", \"Disposition\" columns"),
        (
            "no-number.csv",
            b"step no.,COMMENT,disposition\n2,hi,noted\n\n,a comment on what?,\n",
            "row 4: no step number",
        ),
        ("not-a-number.csv", b"No.,Comment,Disposition\nfourteen,hi,\n", "row 2: `fourteen` is not a step number"),
        ("text.xlsx", b"Step no.,Comment,Disposition\n", "not an xlsx spreadsheet"),
        ("binary.csv", b"\x00\x01\x02\x03garbage", "not CSV text"),
        ("latin1.csv", b"Step no.,Comment,Disposition\n2,caf\xe9,\n", "not valid UTF-8"),
        ("zip.csv", b"PK\x03\x04\x14\x00", "not CSV: this is a zip archive"),
        ("matrix.txt", b"Step no.,Comment,Disposition\n", "not a comment matrix: give a .csv or .xlsx file"),
        ("empty.csv", b"", "empty"),
    ];
    for (name, bytes, cause) in cases {
        let matrix = dir.join(name);
        std::fs::write(&matrix, bytes).unwrap();
        let (code, stdout, stderr) = referflow(&["comments", "check", arg(&matrix), OLD]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.starts_with(&format!("error: {}: ", arg(&matrix))), "{name}: {stderr}");
        assert!(stderr.contains(cause), "{name}: {stderr}");
        let (code, _, stderr) = referflow(&["comments", "report", arg(&matrix), OLD, NEW, "--to", "md"]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(&std::fs::read(&matrix).unwrap(), bytes, "{name} was changed");
    }
    // The report never goes over the matrix, by any name.
    let matrix = dir.join("filled.csv");
    std::fs::write(&matrix, FILLED).unwrap();
    let other_name = dir.join(".").join("filled.csv");
    for out in [&matrix, &other_name] {
        let (code, _, stderr) =
            referflow(&["comments", "report", arg(&matrix), OLD, NEW, "--to", "md", "-o", arg(out)]);
        assert_eq!(code, 2);
        assert!(stderr.contains("refusing to write over the matrix"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&matrix).unwrap(), FILLED);
    }
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), cases.len() + 1, "a file was left behind: {names:?}");
}

#[test]
fn the_xlsx_template_opens_and_a_filled_workbook_is_checked() {
    use calamine::{Data, Reader, Xlsx};
    let dir = temp_dir("xlsx");
    let out = dir.join("matrix.xlsx");
    let (code, _, stderr) = referflow(&["comments", "template", THAI, "-o", arg(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["Comments"]);
    let range = book.worksheet_range("Comments").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let stages = labels(THAI);
    assert_eq!(rows.len(), stages.len() + 1);
    assert_eq!(rows[0][0], Data::String("Step no.".into()));
    assert_eq!(rows[0][4], Data::String("Step (th)".into()));
    assert_eq!(rows[1][0], Data::Float(1.0));
    assert!(stages.iter().any(|s| Data::String(s[1].clone()) == rows[1][4]), "{:?}", rows[1]);
    // The disposition column is limited to the chart's first language's words.
    let sheet = unzip_sheet(&out);
    assert!(
        sheet.contains("type=\"list\"") && sheet.contains("accepted,partly accepted,not accepted,noted"),
        "{sheet}"
    );
    assert!(sheet.contains("<pane ySplit=\"1\""), "the header is frozen");

    // A workbook filled by hand: numbers as numbers, a Thai disposition, one unknown number.
    let filled = dir.join("filled.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Step no.", "Step (en)", "Comment", "Disposition", "Reason"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 2.0).unwrap();
    sheet.write_string(1, 2, "Too short").unwrap();
    sheet.write_string(1, 3, "ยอมรับ").unwrap();
    sheet.write_number(2, 0, 42.0).unwrap();
    sheet.write_string(2, 1, "A step never written").unwrap();
    sheet.write_string(2, 2, "What is this?").unwrap();
    sheet.write_string(2, 3, "Noted").unwrap();
    book.save(&filled).unwrap();
    let before = std::fs::read(&filled).unwrap();
    let (code, stdout, stderr) = referflow(&["comments", "check", arg(&filled), OLD]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!("{}: row 3: step 42: no step 42 in {OLD} (the row calls it “A step never written”)", arg(&filled))
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert_eq!(std::fs::read(&filled).unwrap(), before);

    // A cell in the sheet's last row and column is ignored, not a reason to allocate the
    // seventeen billion cells between it and A1.
    let far = dir.join("far.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Step no.", "Comment", "Disposition"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 2.0).unwrap();
    sheet.write_string(1, 1, "Too short").unwrap();
    sheet.write_string(1, 2, "noted").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    book.save(&far).unwrap();
    let (code, stdout, stderr) = referflow(&["comments", "check", arg(&far), OLD]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// The worksheet's XML in an xlsx file.
fn unzip_sheet(xlsx: &Path) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut sheet = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    sheet
}

#[test]
fn the_report_gives_each_commented_step_what_changed_and_the_uncommented_changes() {
    let dir = temp_dir("report");
    let matrix = dir.join("filled.csv");
    std::fs::write(&matrix, FILLED).unwrap();
    let (code, md, stderr) = referflow(&["comments", "report", arg(&matrix), OLD, NEW, "--to", "md"]);
    assert_eq!(code, 0, "{stderr}");
    // The matrix's problems are warned about; they do not stop the report.
    assert!(stderr.contains("warning: ") && stderr.contains("row 5: step 99"), "{stderr}");
    let section = |heading: &str| -> &str {
        let start = md.find(heading).unwrap_or_else(|| panic!("no {heading:?} in\n{md}"));
        let rest = &md[start + heading.len()..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    };
    let step2 = section("## Step 2: Screen with the &lt;national&gt; form, with an interpreter");
    assert!(step2.contains("- time limit: 24h → 48h"), "{step2}");
    assert!(step2.contains("Somchai (Hope NGO) (row 3): 24 hours is too short<br>for an interpreter"), "{step2}");
    assert!(step2.contains("Disposition: **Accepted**") && step2.contains("Reason: Raised to 48 hours"), "{step2}");
    let step3 = section("## Step 3: Are indicators present?");
    assert!(step3.contains("now leads to step 9"), "{step3}");
    assert!(step3.contains("&lt;b&gt;fine&lt;/b&gt;"), "{step3}");
    assert!(section("## Step 6 (removed): Temporary shelter").contains("removed in this revision"));
    assert!(md.contains("## Step 4 (retired): Old interview step"), "{md}");
    assert!(md.contains("## Step 5 (retired): Some old step"), "{md}");
    assert!(md.contains("## Step 99 (in neither revision): Mystery step"), "{md}");
    // The new order: commented steps of NEW first, then removed, retired, unknown.
    let order: Vec<usize> = ["## Step 2:", "## Step 3:", "## Step 6 (removed)", "## Step 4 (retired)", "## Step 99"]
        .iter()
        .map(|h| md.find(h).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{md}");
    let uncommented = section("## Steps changed without a comment");
    assert!(uncommented.contains("- Step 9: Interview &lt;script&gt;alert(1)&lt;/script&gt;"), "{uncommented}");
    assert!(uncommented.contains("  - new in this revision"), "{uncommented}");
    assert!(uncommented.contains("- Step 8: Assistance plan agreed"), "{uncommented}");
    assert!(!uncommented.contains("Step 7"), "step 7 did not change: {uncommented}");

    // HTML: a whole page, written to a file, with no markup from the chart or the matrix.
    let out = dir.join("report.html");
    let (code, _, stderr) = referflow(&["comments", "report", arg(&matrix), OLD, NEW, "--to", "html", "-o", arg(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">") && html.ends_with("</html>\n"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("Interview &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Screen with the &lt;national&gt; form"));
    assert!(html.contains("&lt;b&gt;fine&lt;/b&gt;"));
    const TAGS: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "code", "section", "ul",
        "ol", "li", "strong", "em", "br",
    ];
    let mut stack: Vec<&str> = Vec::new();
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let closing = rest.starts_with('/');
        let name_end = rest.find([' ', '>']).unwrap();
        let name = rest[usize::from(closing)..name_end].trim_end_matches('/');
        assert!(TAGS.contains(&name), "unexpected markup at {i}: {}", &html[i..(i + 40).min(html.len())]);
        if closing {
            assert_eq!(stack.pop(), Some(name), "at {i}");
        } else if !["!DOCTYPE", "meta", "br"].contains(&name) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "{stack:?}");
}
