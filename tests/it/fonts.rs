//! The font check on the real binary: a text no installed font draws stops every drawn format
//! (svg, png, pdf, html, the bundle, the hearing pack) before anything is written, naming the
//! language and the characters; covered Thai, Lao, Khmer and Burmese text draws; `--font` and
//! `[fonts]` in referflow.toml choose a language's family, and a family that is not installed is
//! refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagram::{fonts, temp_dir};

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// The binary, run in `dir`.
fn referflow(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_referflow")).args(args).current_dir(dir).output().unwrap();
    Run { code: out.status.code().unwrap(), stdout: out.stdout, stderr: String::from_utf8(out.stderr).unwrap() }
}

/// A folder holding `chart.flow` with `text`.
fn folder(name: &str, text: &str) -> PathBuf {
    let dir = temp_dir(&format!("fonts-{name}"));
    std::fs::write(dir.join("chart.flow"), text).unwrap();
    dir
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Kawi (U+11F00–U+11F5F, Unicode 15): no family referflow loads draws it, and Debian's
/// fonts-noto-core has no font for it.
const KAWI: &str = "\u{11F04}\u{11F05}";

/// A chart in English and Thai whose stage `screen` has Kawi letters in the language `lang`.
fn uncovered(lang: &str) -> String {
    let (en, th) = if lang == "en" { (KAWI, "") } else { ("", KAWI) };
    format!(
        "title \"Referral\" th \"การส่งต่อ\"\nlanguages en th\n\
         actor police \"Police\" {{ th \"ตำรวจ\" }}\n\
         start tip \"Tip-off received\" by police {{ th \"ได้รับแจ้งเบาะแส\" }}\n\
         step screen \"Screen {en}\" by police within 24h {{ th \"คัดกรอง {th}\" }}\n\
         end done \"Referred\" by police {{ th \"ส่งต่อ\" }}\n\
         tip -> screen\nscreen -> done\n"
    )
}

fn assert_names_the_characters(run: &Run, lang: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(line.contains("chart.flow: "), "{line}");
    assert!(line.contains(&format!("the {lang} text")), "{line}");
    assert!(line.contains("U+11F04 '\u{11F04}', U+11F05 '\u{11F05}'"), "{line}");
    assert!(line.contains("(in stage `screen`)"), "{line}");
    assert!(line.contains("install a font for it"), "{line}");
    assert!(line.contains("Kawi"), "{line}");
}

#[test]
fn a_text_no_font_draws_stops_every_drawn_format_and_writes_nothing() {
    if !fonts() {
        return;
    }
    let dir = folder("uncovered", &uncovered("en"));
    for format in ["svg", "png", "pdf", "html"] {
        let out = format!("x.{format}");
        let run = referflow(&dir, &["render", "chart.flow", "--to", format, "-o", &out]);
        assert_names_the_characters(&run, "en (English)");
        assert_eq!(files(&dir), ["chart.flow"], "{format}: a file was left behind");
        // Nothing goes to standard output either.
        let run = referflow(&dir, &["render", "chart.flow", "--to", format]);
        assert_names_the_characters(&run, "en (English)");
        assert!(run.stdout.is_empty(), "{format}: {} bytes on stdout", run.stdout.len());
    }
    let run = referflow(&dir, &["render", "chart.flow", "--to", "pdf", "--page", "a4", "-o", "x.pdf"]);
    assert_names_the_characters(&run, "en (English)");
    std::fs::write(dir.join("old.flow"), uncovered("th")).unwrap();
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "--since", "old.flow", "-o", "x.svg"]);
    assert_names_the_characters(&run, "en (English)");
    std::fs::remove_file(dir.join("old.flow")).unwrap();

    // The bundle and the hearing pack: no folder, no file.
    for args in [&["build", "chart.flow", "-o", "bundle"][..], &["build", "chart.flow", "--hearing", "-o", "bundle"]] {
        let run = referflow(&dir, args);
        assert_names_the_characters(&run, "en (English)");
        assert_eq!(files(&dir), ["chart.flow"], "{args:?}");
    }
    // Into a folder that exists, which gains nothing.
    std::fs::create_dir(dir.join("bundle")).unwrap();
    let run = referflow(&dir, &["build", "chart.flow", "-o", "bundle"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(files(&dir.join("bundle")).is_empty());
}

#[test]
fn the_error_names_the_language_the_text_is_drawn_in() {
    if !fonts() {
        return;
    }
    let dir = folder("uncovered-th", &uncovered("th"));
    // The English diagram draws no Kawi; the Thai one does, and so does the page of both.
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "-o", "en.svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "--lang", "th", "-o", "th.svg"]);
    assert_names_the_characters(&run, "th (Thai)");
    let run = referflow(&dir, &["render", "chart.flow", "--to", "html", "-o", "page.html"]);
    assert_names_the_characters(&run, "th (Thai)");
    let run = referflow(&dir, &["build", "chart.flow", "--hearing", "-o", "pack"]);
    assert_names_the_characters(&run, "th (Thai)");
    assert_eq!(files(&dir), ["chart.flow", "en.svg"]);
}

#[test]
fn formats_that_draw_no_glyphs_are_not_checked() {
    let dir = folder("text-formats", &uncovered("en"));
    for format in ["dot", "md", "json", "mermaid"] {
        let run = referflow(&dir, &["render", "chart.flow", "--to", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(String::from_utf8(run.stdout).unwrap().contains('\u{11F04}'), "{format}");
    }
}

#[test]
fn thai_lao_khmer_and_burmese_draw_with_the_installed_fonts() {
    if !fonts() {
        return;
    }
    let chart = "title \"Referral\" th \"การส่งต่อ\" lo \"ການສົ່ງຕໍ່\" km \"ការបញ្ជូន\" my \"လွှဲပြောင်းခြင်း\"\n\
                 languages en th lo km my\n\
                 actor police \"Police\" { th \"ตำรวจ\"; lo \"ຕຳຫຼວດ\"; km \"ប៉ូលិស\"; my \"ရဲ\" }\n\
                 start tip \"Tip-off\" by police { th \"ได้รับแจ้ง\u{200B}เบาะแส\"; lo \"ໄດ້ຮັບແຈ້ງ\"; km \"ទទួល\u{200B}ព័ត៌មាន\"; my \"သတင်း\u{200C}ရရှိ\" }\n\
                 end done \"Referred\" by police { th \"ส่งต่อ\"; lo \"ສົ່ງຕໍ່\"; km \"បញ្ជូន\"; my \"လွှဲပြောင်း\" }\n\
                 tip -> done\n";
    let dir = folder("covered", chart);
    for lang in ["th", "lo", "km", "my"] {
        for format in ["svg", "png", "pdf"] {
            let out = format!("{lang}.{format}");
            let run = referflow(&dir, &["render", "chart.flow", "--to", format, "--lang", lang, "-o", &out]);
            assert_eq!(run.code, 0, "{lang} {format}: {}", run.stderr);
            assert!(dir.join(&out).is_file());
        }
    }
    let run = referflow(&dir, &["build", "chart.flow", "--hearing", "--lang", "my", "-o", "pack"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = referflow(&dir, &["build", "chart.flow", "-o", "bundle"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The `font-family` of a laid-out SVG's text.
fn families(svg: &str) -> &str {
    let at = svg.find("<g font-family=\"").unwrap() + "<g font-family=\"".len();
    &svg[at..at + svg[at..].find('"').unwrap()]
}

/// Whether a family is installed; under CI=true it must be (fonts-thai-tlwg, fonts-noto-core).
fn installed(family: &str) -> bool {
    let found = referflow_emit::fonts::installed(family).is_ok();
    assert!(found || !crate::ci(), "{family} is not installed, and CI=true");
    found
}

const THAI_CHART: &str = "title \"Referral\" th \"การส่งต่อ\"\nlanguages en th\n\
                          actor police \"Police\" { th \"ตำรวจ\" }\n\
                          start tip \"Tip-off\" by police { th \"ได้รับแจ้ง\" }\n\
                          end done \"Referred\" by police { th \"ส่งต่อ\" }\ntip -> done\n";

#[test]
fn a_chosen_family_goes_first_in_its_language() {
    if !fonts() || !installed("Laksaman") {
        return;
    }
    let dir = folder("chosen", THAI_CHART);
    let thai = |dir: &Path, extra: &[&str]| {
        let mut args = vec!["render", "chart.flow", "--to", "svg", "--lang", "th"];
        args.extend_from_slice(extra);
        let run = referflow(dir, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        String::from_utf8(run.stdout).unwrap()
    };
    assert!(families(&thai(&dir, &[])).starts_with("'Noto Sans Thai'"), "{}", families(&thai(&dir, &[])));
    let svg = thai(&dir, &["--font", "th=Laksaman"]);
    assert!(families(&svg).starts_with("'Laksaman', 'Noto Sans Thai'"), "{}", families(&svg));
    // A family for another language leaves Thai alone; a family alone is for every language.
    let svg = thai(&dir, &["--font", "en=DejaVu Sans"]);
    assert!(families(&svg).starts_with("'Noto Sans Thai'"), "{}", families(&svg));
    let svg = thai(&dir, &["--font", "Laksaman"]);
    assert!(families(&svg).starts_with("'Laksaman'"), "{}", families(&svg));

    // The same from referflow.toml; the flag comes first.
    std::fs::write(dir.join("referflow.toml"), "[fonts]\nth = \"Laksaman\"\n").unwrap();
    assert!(families(&thai(&dir, &[])).starts_with("'Laksaman', 'Noto Sans Thai'"));
    let svg = thai(&dir, &["--font", "th=Noto Sans Thai"]);
    assert!(families(&svg).starts_with("'Noto Sans Thai', 'Laksaman'"), "{}", families(&svg));
    let run = referflow(&dir, &["build", "chart.flow", "-o", "bundle"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = std::fs::read_to_string(dir.join("bundle/chart.th.svg")).unwrap();
    assert!(families(&svg).starts_with("'Laksaman'"), "{}", families(&svg));
}

#[test]
fn a_family_that_is_not_installed_is_refused() {
    let dir = folder("unknown-family", THAI_CHART);
    for args in [
        &["render", "chart.flow", "--to", "svg", "--font", "th=No Such Family 42", "-o", "x.svg"][..],
        &["render", "chart.flow", "--to", "png", "--font", "No Such Family 42", "-o", "x.png"],
        &["build", "chart.flow", "--font", "th=No Such Family 42", "-o", "bundle"],
    ] {
        let run = referflow(&dir, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("no installed font family is called `No Such Family 42`"), "{}", run.stderr);
        assert_eq!(files(&dir), ["chart.flow"]);
    }
    // A language the chart does not declare, a code that is not one, a format without fonts.
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "--font", "my=Padauk"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`my` is not a declared language"), "{}", run.stderr);
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "--font", "Thai=Laksaman"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`Thai` is not a language code"), "{}", run.stderr);
    let run = referflow(&dir, &["render", "chart.flow", "--to", "md", "--font", "th=Laksaman"]);
    assert_eq!(run.code, 2);

    // In referflow.toml, at its line and column.
    std::fs::write(dir.join("referflow.toml"), "[fonts]\nth = \"No Such Family 42\"\n").unwrap();
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "-o", "x.svg"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("referflow.toml:2:6: no installed font family is called `No Such Family 42`"),
        "{}",
        run.stderr
    );
    std::fs::write(dir.join("referflow.toml"), "[fonts]\nthai = \"Laksaman\"\n").unwrap();
    let run = referflow(&dir, &["check", "chart.flow"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("referflow.toml:2:1: `thai` is not a language code"), "{}", run.stderr);
    assert_eq!(files(&dir), ["chart.flow", "referflow.toml"]);
}

#[test]
fn an_installed_family_outside_the_chains_is_named_and_can_be_chosen() {
    // Not required even in CI: which scripts fonts-noto-core covers changes between releases.
    if !fonts() || referflow_emit::fonts::installed("Noto Sans Ol Chiki").is_err() {
        return;
    }
    let dir = folder("ol-chiki", "languages en\nstart a \"Santali ᱥᱟᱱᱛᱟᱲᱤ\"\nend b \"Done\"\na -> b\n");
    let run = referflow(&dir, &["render", "chart.flow", "--to", "svg", "-o", "x.svg"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("U+1C65 'ᱥ'"), "{}", run.stderr);
    assert!(run.stderr.contains("--font en=\"Noto Sans Ol Chiki\""), "{}", run.stderr);
    let run =
        referflow(&dir, &["render", "chart.flow", "--to", "svg", "--font", "en=Noto Sans Ol Chiki", "-o", "x.svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
