//! GNU gettext PO files: the strings written as PO writes them, and a small strict reader.
//!
//! The reader is our own rather than the `polib` crate's: every problem and every skipped
//! entry is reported with the line of the PO file it is on, which polib's messages do not
//! carry, and a translator's file is small enough that a reader of one page does. It knows what
//! translators' tools write: comments (`#`, `#.`, `#:`, `#,` flags, `#|` previous strings),
//! obsolete entries (`#~`, skipped), `msgctxt`, `msgid`, `msgid_plural`, `msgstr`,
//! `msgstr[N]`, and strings continued on the next lines. Anything else is refused, naming the
//! line.

use std::fmt::Write as _;

/// A text as a PO string, quoted and escaped (`\\`, `\"`, `\n`, `\t`, `\r`). Long texts stay on
/// one line: every reader accepts them.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One entry of a PO file, as read.
#[derive(Debug, Default, PartialEq)]
pub struct Entry {
    /// The line of the entry's first keyword (`msgctxt`, or `msgid` without one), 1-based.
    pub line: usize,
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgstr: String,
    pub fuzzy: bool,
    /// `msgid_plural` was given: a plural entry, which no chart text is.
    pub plural: bool,
}

impl Entry {
    /// The header: the entry of the empty msgid, without context.
    pub fn is_header(&self) -> bool {
        self.msgid.is_empty() && self.msgctxt.is_none()
    }

    /// A field of the header (`Language`), when this is the header.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.msgstr.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Which string a continuation line adds to.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Context,
    Id,
    Plural,
    Str,
    /// `msgstr[N]` with N > 0: read and dropped.
    OtherStr,
}

/// Reads the entries of a PO file's `text`. An error is `(line, what is wrong)`.
pub fn parse(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut entries = Vec::new();
    let mut current = Entry::default();
    let mut started = false; // a keyword of `current` was read
    let mut has_id = false;
    let mut has_str = false;
    let mut field = Field::None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let finish = |current: &mut Entry, has_id: bool, has_str: bool| -> Result<Entry, (usize, String)> {
        if !has_id {
            return Err((current.line, "an entry without `msgid`".into()));
        }
        if !has_str {
            return Err((current.line, "an entry without `msgstr`".into()));
        }
        Ok(std::mem::take(current))
    };
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        // A keyword after a complete entry, or a comment after one, starts the next entry.
        let keyword = line.split(|c: char| c.is_whitespace() || c == '"').next().unwrap_or("");
        let starts_entry =
            line.starts_with('#') || keyword == "msgctxt" || (keyword == "msgid" && field != Field::Context);
        if started && has_str && starts_entry {
            entries.push(finish(&mut current, has_id, has_str)?);
            started = false;
            has_id = false;
            has_str = false;
            field = Field::None;
        }
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if started {
                return Err((number, "a comment inside an entry: comments go before `msgctxt`/`msgid`".into()));
            }
            if comment.starts_with('~') {
                continue; // obsolete entry
            }
            if let Some(flags) = comment.strip_prefix(',')
                && flags.split(',').any(|f| f.trim() == "fuzzy")
            {
                current.fuzzy = true;
            }
            continue;
        }
        if line.starts_with('"') {
            let value = unquote(line).map_err(|why| (number, why))?;
            match field {
                Field::None => return Err((number, "a string that continues no `msgid` or `msgstr`".into())),
                Field::Context => current.msgctxt.get_or_insert_with(String::new).push_str(&value),
                Field::Id => current.msgid.push_str(&value),
                Field::Plural | Field::OtherStr => {}
                Field::Str => current.msgstr.push_str(&value),
            }
            continue;
        }
        let rest = line[keyword.len()..].trim_start();
        let value = unquote(rest).map_err(|why| (number, format!("after `{keyword}`: {why}")))?;
        let order = |ok: bool, what: &str| if ok { Ok(()) } else { Err((number, what.to_string())) };
        match keyword {
            "msgctxt" => {
                order(!has_id, "`msgctxt` must come before `msgid`")?;
                current.line = number;
                current.msgctxt = Some(value);
                field = Field::Context;
            }
            "msgid" => {
                order(!has_id, "a second `msgid` in one entry")?;
                if current.msgctxt.is_none() {
                    current.line = number;
                }
                current.msgid = value;
                has_id = true;
                field = Field::Id;
            }
            "msgid_plural" => {
                order(has_id && !has_str, "`msgid_plural` must follow `msgid`")?;
                current.plural = true;
                field = Field::Plural;
            }
            "msgstr" => {
                order(has_id && !has_str && !current.plural, "`msgstr` must follow `msgid` once")?;
                current.msgstr = value;
                has_str = true;
                field = Field::Str;
            }
            k if k.starts_with("msgstr[") && k.ends_with(']') => {
                order(current.plural, "`msgstr[N]` belongs to an entry with `msgid_plural`")?;
                let n: usize = k["msgstr[".len()..k.len() - 1]
                    .parse()
                    .map_err(|_| (number, format!("`{k}`: the index is not a number")))?;
                if n == 0 {
                    current.msgstr = value;
                    field = Field::Str;
                } else {
                    field = Field::OtherStr;
                }
                has_str = true;
            }
            _ => {
                return Err((
                    number,
                    format!(
                        "`{}` is not PO: expected `msgctxt`, `msgid`, `msgstr`, a quoted string or a comment",
                        shorten(line)
                    ),
                ));
            }
        }
        started = true;
    }
    if started {
        entries.push(finish(&mut current, has_id, has_str)?);
    }
    Ok(entries)
}

fn shorten(line: &str) -> String {
    let cut: String = line.chars().take(40).collect();
    if cut.len() < line.len() { format!("{cut}…") } else { cut }
}

/// The text of a PO string: `"…"` with its escapes, nothing after it.
fn unquote(s: &str) -> Result<String, String> {
    let Some(body) = s.strip_prefix('"') else {
        return Err("expected a string in double quotes".into());
    };
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    loop {
        match chars.next() {
            None => return Err("the string is not closed with `\"`".into()),
            Some('"') => break,
            Some('\\') => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some(d @ '0'..='7') => {
                    let mut value = d.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.clone().next().and_then(|c| c.to_digit(8)) {
                            Some(digit) => {
                                value = value * 8 + digit;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
                }
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("the string is not closed with `\"`".into()),
            },
            Some(c) => out.push(c),
        }
    }
    let rest = chars.as_str().trim();
    if !rest.is_empty() {
        return Err(format!("unexpected `{}` after the string", shorten(rest)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_read_back() {
        let text = "a \"b\" \\ c\nd\te\r\u{1}";
        assert_eq!(unquote(&quote(text)).unwrap(), text);
    }

    #[test]
    fn entries_with_flags_continuations_and_obsolete_ones() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: th\\n\"\n\n#. a note\n#, fuzzy\n#| msgid \"Old\"\nmsgctxt \"stage.a.label\"\nmsgid \"A\"\n\"B\"\nmsgstr \"ก\"\n\n#~ msgid \"gone\"\n#~ msgstr \"x\"\nmsgctxt \"title\"\nmsgid \"T\"\nmsgstr \"\"\n";
        let entries = parse(po).unwrap();
        assert_eq!(entries.len(), 3);
        assert!(entries[0].is_header());
        assert_eq!(entries[0].header_field("language"), Some("th"));
        assert_eq!(entries[1].msgid, "AB");
        assert!(entries[1].fuzzy);
        assert_eq!(entries[1].line, 8);
        assert_eq!(entries[2].msgctxt.as_deref(), Some("title"));
        assert!(!entries[2].fuzzy);
        assert_eq!(entries[2].line, 15);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("msgid \"a\"\nmsgstr \"b\nx").unwrap_err().0, 2);
        assert_eq!(parse("msgid \"a\"\nmsgstr \"b\"\nfoo").unwrap_err().0, 3);
        assert_eq!(parse("msgid \"a\"\n").unwrap_err().0, 1);
        assert_eq!(parse("msgid \"a\"\nmsgstr \"\\q\"").unwrap_err().0, 2);
    }
}
