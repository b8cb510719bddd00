//! `referflow translate`: the PO file translators get, and their work read back into the chart.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{ci, root};

fn referflow(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_referflow"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A new empty folder; each call its own, as the tests run in parallel.
fn temp_dir(name: &str) -> PathBuf {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("referflow-translate-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the English, Thai and Burmese fixture chart in a folder of its own.
fn chart(name: &str) -> (PathBuf, String) {
    let dir = temp_dir(name);
    let src = std::fs::read_to_string(root().join("tests/fixtures/translate/referral.flow")).unwrap();
    std::fs::write(dir.join("referral.flow"), &src).unwrap();
    (dir, src)
}

fn export(dir: &Path, lang: &str) -> String {
    let out = referflow(dir, &["translate", "export", "referral.flow", "--lang", lang]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Whether an outside program runs (`program args…` exits 0); without it a test is skipped,
/// except in CI, where it fails.
fn available(program: &str, args: &[&str], install: &str) -> bool {
    let found = Command::new(program).args(args).output().is_ok_and(|out| out.status.success());
    if !found && ci() {
        panic!("`{program} {}` fails, and CI=true: {install}", args.join(" "));
    }
    found
}

fn msgfmt() -> bool {
    available("msgfmt", &["--version"], "install gettext (`apt-get install gettext`)")
}

fn polib() -> bool {
    available("python3", &["-c", "import polib"], "install polib (`pip install polib`)")
}

/// GNU msgfmt's strict check (`-c`) of a PO file: accepted with no warning at all.
fn assert_msgfmt_accepts(po: &str) {
    if !msgfmt() {
        return;
    }
    let dir = temp_dir("msgfmt");
    std::fs::write(dir.join("x.po"), po).unwrap();
    let out = Command::new("msgfmt").args(["-c", "-o", "/dev/null", "x.po"]).current_dir(&dir).output().unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "msgfmt -c: {}\n{po}", text(&out.stderr));
}

/// Python's polib reads the PO file: its entries as `msgctxt|msgid|msgstr|flags`, one a line.
fn polib_entries(po: &str) -> Option<Vec<String>> {
    if !polib() {
        return None;
    }
    let dir = temp_dir("polib");
    std::fs::write(dir.join("x.po"), po).unwrap();
    let script = "import polib\np = polib.pofile('x.po')\nassert p.metadata['Content-Type'] == 'text/plain; charset=UTF-8'\nfor e in p:\n    print('|'.join([e.msgctxt or '', e.msgid, e.msgstr, ','.join(e.flags), e.previous_msgid or '']).replace('\\n', ' '))";
    let out = Command::new("python3").args(["-c", script]).current_dir(&dir).output().unwrap();
    assert!(out.status.success(), "polib: {}", text(&out.stderr));
    Some(text(&out.stdout).lines().map(str::to_string).collect())
}

/// The `msgctxt` of every entry, in order.
fn keys(po: &str) -> Vec<String> {
    po.lines().filter_map(|l| l.strip_prefix("msgctxt \"")).map(|k| k.trim_end_matches('"').to_string()).collect()
}

/// The entry of `key` in a PO file, from its first comment to its `msgstr`.
fn entry<'a>(po: &'a str, key: &str) -> &'a str {
    let blocks: Vec<&str> = po.split("\n\n").collect();
    blocks.into_iter().find(|b| b.contains(&format!("msgctxt \"{key}\"\n"))).unwrap()
}

const KEYS: &[&str] = &[
    "title",
    "version",
    "actor.police.name",
    "actor.police.note.1",
    "actor.mdt.name",
    "stage.tip_off.label",
    "stage.screen.label",
    "stage.screen.note.1",
    "stage.screen.ref.1",
    "stage.consent.label",
    "branch.consent.shelter",
    "branch.consent.informed",
    "stage.shelter.label",
    "stage.informed.label",
];

#[test]
fn the_export_is_a_valid_po_file_with_one_entry_per_text() {
    let (dir, _) = chart("valid");
    for lang in ["th", "my"] {
        let po = export(&dir, lang);
        assert_eq!(keys(&po), KEYS, "{po}");
        assert!(po.contains(&format!("\"Language: {lang}\\n\"\n")), "{po}");
        assert!(po.contains("\"Content-Type: text/plain; charset=UTF-8\\n\"\n"));
        assert!(po.contains("\"X-Generator: referflow\\n\"\n"));
        assert_msgfmt_accepts(&po);
        if let Some(entries) = polib_entries(&po) {
            assert_eq!(entries.len(), KEYS.len(), "{entries:?}");
            assert!(entries.iter().all(|e| !e.contains("fuzzy")), "{entries:?}");
        }
        // The same chart gives the same file.
        assert_eq!(po, export(&dir, lang));
    }
    let th = export(&dir, "th");
    let screen = entry(&th, "stage.screen.label");
    assert!(screen.contains("#. Label of step 2 (screen), owned by Royal Thai Police.\n"), "{screen}");
    assert!(screen.contains("#. Note: Use an interpreter\n"), "{screen}");
    assert!(screen.contains("#: referral.flow:22\n"), "{screen}");
    assert!(screen.contains("msgid \"Screen with the \\\"national\\\" form\"\n"), "{screen}");
    assert!(screen.ends_with("msgstr \"คัดกรองด้วยแบบคัดกรอง \\\"แห่งชาติ\\\"\""), "{screen}");
    let my = export(&dir, "my");
    assert!(entry(&my, "branch.consent.shelter").ends_with("msgstr \"သဘောတူသည်\""));
    assert!(entry(&my, "stage.screen.ref.1").ends_with("msgstr \"\""), "untranslated: empty");
}

#[test]
fn contexts_survive_an_unrelated_edit() {
    let (dir, src) = chart("stable");
    let before = export(&dir, "th");
    // A stage added before the others, and an edge to it: every other key stays.
    let edited =
        src.replacen("start tip_off", "step hotline \"Hotline call\" by police { th \"สายด่วน\" }\nstart tip_off", 1);
    std::fs::write(dir.join("referral.flow"), edited).unwrap();
    let after = export(&dir, "th");
    let mut expected: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    expected.insert(5, "stage.hotline.label".into());
    assert_eq!(keys(&after), expected);
    for key in KEYS {
        let strip = |e: &str| e.lines().filter(|l| !l.starts_with("#")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(entry(&before, key)), strip(entry(&after, key)), "{key}");
    }
}

#[test]
fn an_edited_msgstr_changes_exactly_that_text() {
    let (dir, src) = chart("round-trip");
    let po = export(&dir, "th").replace("msgstr \"จัดหาล่าม\"", "msgstr \"จัดหาล่ามที่ได้รับการรับรอง\"");
    std::fs::write(dir.join("th.po"), &po).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(dir.join("referral.flow")).unwrap();
    let changed: Vec<(&str, &str)> = src.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(src.lines().count(), after.lines().count());
    assert_eq!(
        changed,
        [(
            "  note \"Use an interpreter\" th \"จัดหาล่าม\" from \"Use an interpreter\" my \"စကားပြန်သုံးပါ\" from \"Use an interpreter\"",
            "  note \"Use an interpreter\" th \"จัดหาล่ามที่ได้รับการรับรอง\" from \"Use an interpreter\" my \"စကားပြန်သုံးပါ\" from \"Use an interpreter\""
        )]
    );
    for comment in src.lines().filter(|l| l.contains('#')) {
        assert!(after.contains(comment), "{comment}");
    }
    let check = referflow(&dir, &["check", "-D", "warnings", "referral.flow"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(text(&check.stderr).contains("no problems"), "{}", text(&check.stderr));
    assert_eq!(referflow(&dir, &["fmt", "--check", "referral.flow"]).status.code(), Some(0));
    // Importing the same file again changes nothing.
    let again = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.join("referral.flow")).unwrap(), after);
}

#[test]
fn a_changed_english_label_makes_the_translation_stale_and_fuzzy() {
    let (dir, src) = chart("stale");
    let edited =
        src.replace("step screen \"Screen with the \\\"national\\\" form\"", "step screen \"Screen everyone\"");
    assert_ne!(edited, src);
    std::fs::write(dir.join("referral.flow"), &edited).unwrap();
    let check = referflow(&dir, &["check", "referral.flow"]);
    let report = text(&check.stderr);
    assert!(report.contains("RF112"), "{report}");
    assert!(report.contains("the `th` translation of the label of `screen`"), "{report}");
    let po = export(&dir, "th");
    let screen = entry(&po, "stage.screen.label");
    assert!(screen.contains("#, fuzzy\n#| msgid \"Screen with the \\\"national\\\" form\"\nmsgctxt"), "{screen}");
    assert!(screen.contains("msgid \"Screen everyone\"\n"), "{screen}");
    assert_eq!(po.matches("#, fuzzy").count(), 1, "{po}");
    assert_msgfmt_accepts(&po);
    if let Some(entries) = polib_entries(&po) {
        let screen = entries.iter().find(|e| e.starts_with("stage.screen.label|")).unwrap();
        assert!(screen.ends_with("|fuzzy|Screen with the \"national\" form"), "{screen}");
    }
    // A fuzzy entry is not imported: the chart stays as it is.
    std::fs::write(dir.join("th.po"), &po).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1 fuzzy skipped"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("referral.flow")).unwrap(), edited);
    // The translator reviews it (the flag goes) and translates it anew: no longer stale.
    let reviewed = po
        .replace("#, fuzzy\n#| msgid \"Screen with the \\\"national\\\" form\"\n", "")
        .replace("msgstr \"คัดกรองด้วยแบบคัดกรอง \\\"แห่งชาติ\\\"\"", "msgstr \"คัดกรองทุกคน\"");
    std::fs::write(dir.join("th.po"), &reviewed).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(dir.join("referral.flow")).unwrap();
    assert!(after.contains("  th \"คัดกรองทุกคน\" from \"Screen everyone\"\n"), "{after}");
    let report = text(&referflow(&dir, &["check", "referral.flow"]).stderr);
    assert!(!report.contains("`th` translation"), "{report}");
    assert!(report.contains("the `my` translation of the label of `screen`"), "{report}");
}

#[test]
fn new_translations_go_where_the_guide_says() {
    let dir = temp_dir("places");
    let src = "\
title \"T\"
version \"Draft\"
languages en th
actor a \"Agency A\"  # lead
actor b \"Agency B\" { note \"N\" }
phase p \"Phase\" {
  start s \"Start\" by a
  step t \"Step\" by a {
    # what t does
    -> e
  }
}
step e \"End\" by b {
  note \"Careful\"  # kept
  ref \"Act\"
  \"Done\" -> x
}
end x \"X\" by b
s -> t
e -> x: \"Also\"
";
    std::fs::write(dir.join("c.flow"), src).unwrap();
    assert_eq!(referflow(&dir, &["fmt", "--check", "c.flow"]).status.code(), Some(0));
    let out = referflow(&dir, &["translate", "export", "c.flow", "--lang", "th"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let po = text(&out.stdout);
    assert!(po.contains("msgctxt \"branch.e.x\"\nmsgid \"Done\""), "{po}");
    assert!(po.contains("msgctxt \"branch.e.x.2\"\nmsgid \"Also\""), "{po}");
    let mut filled = String::new();
    for line in po.lines() {
        match line.strip_prefix("msgid \"") {
            Some(id) if !id.is_empty() && id != "\"" => {
                filled.push_str(line);
                filled.push_str(&format!("\nmsgstr \"ท {}", id));
            }
            _ if line == "msgstr \"\"" && !filled.ends_with("msgid \"\"\n") => continue,
            _ => filled.push_str(line),
        }
        filled.push('\n');
    }
    std::fs::write(dir.join("th.po"), &filled).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "c.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("imported 14 translations into `th`"), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(dir.join("c.flow")).unwrap();
    assert_eq!(
        after,
        "\
title \"T\" th \"ท T\" from \"T\"
version \"Draft\" th \"ท Draft\" from \"Draft\"
languages en th
actor a \"Agency A\" { th \"ท Agency A\" from \"Agency A\" }  # lead
actor b \"Agency B\" {
  th \"ท Agency B\" from \"Agency B\"
  note \"N\" th \"ท N\" from \"N\"
}
phase p \"Phase\" {
  th \"ท Phase\" from \"Phase\"
  start s \"Start\" by a { th \"ท Start\" from \"Start\" }
  step t \"Step\" by a {
    th \"ท Step\" from \"Step\"
    # what t does
    -> e
  }
}
step e \"End\" by b {
  th \"ท End\" from \"End\"
  note \"Careful\" th \"ท Careful\" from \"Careful\"  # kept
  ref \"Act\" th \"ท Act\" from \"Act\"
  \"Done\" th \"ท Done\" from \"Done\" -> x
}
end x \"X\" by b { th \"ท X\" from \"X\" }
s -> t
e -> x: \"Also\" th \"ท Also\" from \"Also\"
"
    );
    assert_eq!(referflow(&dir, &["fmt", "--check", "c.flow"]).status.code(), Some(0));
    let check = referflow(&dir, &["check", "-D", "warnings", "c.flow"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

#[test]
fn an_included_file_is_translated_in_place() {
    let dir = temp_dir("include");
    std::fs::write(
        dir.join("main.flow"),
        "title \"T\" th \"ท\"\nlanguages en th\ninclude \"agencies.flow\"\nstart s \"S\" by a { th \"ส\" }\nend e \"E\" by a { th \"จ\" }\ns -> e\n",
    )
    .unwrap();
    std::fs::write(dir.join("agencies.flow"), "# The agencies.\nactor a \"Agency\"\n").unwrap();
    let out = referflow(&dir, &["translate", "export", "main.flow", "--lang", "th"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let po = text(&out.stdout);
    assert!(entry(&po, "actor.a.name").contains("#: agencies.flow:2\n"), "{po}");
    let po = po.replace("msgid \"Agency\"\nmsgstr \"\"", "msgid \"Agency\"\nmsgstr \"หน่วยงาน\"");
    std::fs::write(dir.join("th.po"), po).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "main.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.join("agencies.flow")).unwrap(),
        "# The agencies.\nactor a \"Agency\" { th \"หน่วยงาน\" from \"Agency\" }\n"
    );
}

#[test]
fn what_cannot_be_translated_is_refused() {
    let (dir, src) = chart("refused");
    let out = referflow(&dir, &["translate", "export", "referral.flow", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`en` is the chart's first language"), "{}", text(&out.stderr));
    let out = referflow(&dir, &["translate", "export", "referral.flow", "--lang", "km"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not declare `km` (`languages en th my`)"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    // A PO file that is not one: the line is named, and the chart stays as it was.
    let po = export(&dir, "th");
    let broken = po.replacen("msgstr \"จัดหาล่าม\"", "msgstr \"ล่าม\"\nmsgtxt \"x\"", 1);
    let line = broken.lines().position(|l| l.starts_with("msgtxt")).unwrap() + 1;
    std::fs::write(dir.join("th.po"), &broken).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(&format!("th.po:{line}: `msgtxt \"x\"` is not PO")), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("referral.flow")).unwrap(), src);
    // An unknown key is skipped with a warning naming its line; the rest is imported.
    let unknown = po.replace("msgctxt \"stage.screen.note.1\"", "msgctxt \"stage.gone.note.1\"");
    let line = unknown.lines().position(|l| l == "msgctxt \"stage.gone.note.1\"").unwrap() + 1;
    let unknown = unknown.replace("msgstr \"ไม่ยินยอม\"", "msgstr \"ปฏิเสธ\"");
    std::fs::write(dir.join("th.po"), &unknown).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .contains(&format!("warning: th.po:{line}: no text of the chart has the key `stage.gone.note.1`")),
        "{}",
        text(&out.stderr)
    );
    assert!(std::fs::read_to_string(dir.join("referral.flow")).unwrap().contains("th \"ปฏิเสธ\" from \"Refuses\""));
    // The language comes from the header, or from --lang; an undeclared one is refused.
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow", "--lang", "km"]);
    assert_eq!(out.status.code(), Some(2));
    // A chart with errors of the language is refused.
    std::fs::write(dir.join("referral.flow"), format!("{src}\nstep screen \"Again\"\n")).unwrap();
    let out = referflow(&dir, &["translate", "export", "referral.flow", "--lang", "th"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the chart has errors of the language"), "{}", text(&out.stderr));
}

/// The leaflet's texts go to the translator too, marked as plain words for the person, and
/// come back in place.
#[test]
fn the_leaflet_is_translated_like_every_other_text() {
    let dir = temp_dir("leaflet");
    let src = std::fs::read_to_string(root().join("tests/fixtures/valid/leaflet.flow")).unwrap();
    std::fs::write(dir.join("referral.flow"), &src).unwrap();
    let po = export(&dir, "th");
    let keys = keys(&po);
    for key in ["leaflet.heading", "leaflet.hotline.1", "leaflet.right.1", "leaflet.right.2", "stage.screen.public"] {
        assert!(keys.iter().any(|k| k == key), "no {key} in {keys:?}");
    }
    assert!(entry(&po, "stage.screen.public").contains("plain words"), "{}", entry(&po, "stage.screen.public"));
    let po = po.replace("msgstr \"คุณจะได้พักในที่ปลอดภัย\"", "msgstr \"คุณจะได้พักในสถานที่ปลอดภัย\"");
    std::fs::write(dir.join("th.po"), &po).unwrap();
    let out = referflow(&dir, &["translate", "import", "th.po", "referral.flow"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = std::fs::read_to_string(dir.join("referral.flow")).unwrap();
    let changed: Vec<(&str, &str)> = src.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(
        changed,
        [(
            "  public \"You stay in a safe place.\" th \"คุณจะได้พักในที่ปลอดภัย\"",
            "  public \"You stay in a safe place.\" th \"คุณจะได้พักในสถานที่ปลอดภัย\" from \"You stay in a safe place.\""
        )]
    );
}
