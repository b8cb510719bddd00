//! The driver: everything that reads files, and the order of the pipeline for a chart on disk.
//!
//! `input.rs` finds and opens the files (regular files only, inside the folder walked, under
//! the size limit) and names them; `include.rs` reads the files a chart includes; this module
//! reads a chart and hands its text to the
//! checker, which does no I/O: whole for a file up to [`READ_WINDOW`], otherwise a piece at a
//! time to a [`Stream`], the next piece read (and checked to be UTF-8) on a thread of its own
//! while the checker parses the one before. The text of a large file is read again only if
//! there are diagnostics to show, and must then be what was checked.

use std::io::Read;
use std::path::Path;

use referflow_check::{Checked, Diagnostic, HeaderNotFirst, Levels, READ_WINDOW, Stream};

use crate::Failure;
use input::Loaded;

pub mod include;
pub mod input;

/// What becomes of a chart's model once its diagnostics are out.
#[derive(Debug, Clone, Copy)]
pub enum Keep {
    /// Freed now: more charts follow, which need the memory.
    No,
    /// Left to the end of the process, which is near (see `leave_to_exit`).
    UntilExit,
}

impl Keep {
    fn release<T>(self, model: T) {
        match self {
            Keep::No => drop(model),
            Keep::UntilExit => crate::leave_to_exit(model),
        }
    }
}

/// Checks one chart: each of its files (the chart, then the files it includes) with its text
/// (needed only to show diagnostics) and its diagnostics.
///
/// A file larger than a piece is checked a piece at a time, so that its text and its model
/// are never in memory together (a million-stage chart: 225 MB of text); the text is read
/// again only if there is something to show, and must then be what was checked. A chart with
/// an `include` is read with the files it includes (see [`include`]) and checked as one.
pub fn check_file(path: &Path, levels: &Levels, keep: Keep) -> Result<Vec<CheckedFile>, Failure> {
    let given = (path.as_os_str() != "-").then(|| path.to_path_buf());
    let arena = bumpalo::Bump::new();
    if let Some(mut large) = check_large(path, levels, &arena)? {
        if large.checked.diagnostics.is_empty() {
            keep.release(large.checked.model);
            return Ok(vec![(given, Loaded { name: large.name, text: String::new() }, Vec::new())]);
        }
        // The model goes before the text comes back.
        drop(std::mem::take(&mut large.checked.model));
        let loaded = large.load_again(path)?;
        return Ok(vec![(given, loaded, large.checked.diagnostics)]);
    }
    let loaded = input::load(path)?;
    if let Some(sources) = include::chart_of(path, &loaded)? {
        return check_with_includes(sources, levels);
    }
    let checked = referflow_check::check_source(&loaded.text, levels);
    let diagnostics = checked.diagnostics;
    keep.release(checked.model);
    Ok(vec![(given, loaded, diagnostics)])
}

/// One file of a checked chart: its path (none for standard input), its text and its
/// diagnostics.
pub type CheckedFile = (Option<std::path::PathBuf>, Loaded, Vec<Diagnostic>);

/// A chart and the files it includes, checked as one; the diagnostics given back to the file
/// each is in, in the order of the files.
fn check_with_includes(sources: include::Sources, levels: &Levels) -> Result<Vec<CheckedFile>, Failure> {
    let arena = bumpalo::Bump::new();
    let diagnostics = sources.check(&arena, levels).diagnostics;
    let split = sources.split(diagnostics);
    Ok(sources.files.into_iter().zip(split).map(|(f, d)| (Some(f.path), f.loaded, d)).collect())
}

/// A chart file larger than a piece, checked a piece at a time so that its text is never
/// in memory whole.
#[derive(Debug)]
struct Large<'a> {
    name: String,
    checked: Checked<'a>,
    /// The length and CRC-32 of the text checked.
    read: (u64, u32),
}

impl Large<'_> {
    /// The text again, to show what the diagnostics point at: it must be the text checked.
    fn load_again(&self, path: &Path) -> Result<Loaded, Failure> {
        let loaded = input::load(path)?;
        if fingerprint(&loaded.text) != self.read {
            return Err(Failure(format!("{}: changed while it was being checked; check it again", self.name)));
        }
        Ok(loaded)
    }
}

/// Checks `path` a piece at a time if it is a file larger than a piece, its strings in
/// `arena`; `None` for standard input, a smaller file, and a file with a header line after
/// its stages: read those whole.
fn check_large<'a>(path: &Path, levels: &Levels, arena: &'a bumpalo::Bump) -> Result<Option<Large<'a>>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(None);
    }
    let name = input::shown(path);
    let (file, meta) = input::open(path, &name)?;
    if !meta.is_file() || meta.len() <= READ_WINDOW as u64 {
        return Ok(None);
    }
    let mut reader = Fingerprinted::new(file);
    match check_read(&mut reader, arena, levels, READ_WINDOW, meta.len()) {
        Ok(checked) => {
            let read = reader.finish(&name)?;
            Ok(Some(Large { name, checked, read }))
        }
        Err(ReadError::Io(e)) => Err(input::cannot_read(&name, &e)),
        Err(ReadError::NotUtf8 { at }) => Err(input::not_utf8(&name, at)),
        // Rare: read it whole (and with the files it includes).
        Err(ReadError::HeaderNotFirst | ReadError::Includes) => Ok(None),
    }
}

/// What kept [`check_read`] from checking a file.
#[derive(Debug)]
enum ReadError {
    Io(std::io::Error),
    /// The text is not UTF-8 from this byte on.
    NotUtf8 {
        at: u64,
    },
    /// A `title`, `version` or `languages` line after the stages: check the whole text.
    HeaderNotFirst,
    /// An `include`: check the chart with the files it includes.
    Includes,
}

/// Checks the chart `reader` gives, in pieces of `window` bytes read on a thread of their own.
fn check_read<'a>(
    reader: impl Read + Send,
    arena: &'a bumpalo::Bump,
    levels: &Levels,
    window: usize,
    size_hint: u64,
) -> Result<Checked<'a>, ReadError> {
    let mut stream = Stream::new(arena, size_hint);
    std::thread::scope(|scope| {
        let (send, pieces) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || read_pieces(reader, window.max(1), &send));
        loop {
            let piece = pieces.recv().map_err(|_| ReadError::Io(std::io::ErrorKind::BrokenPipe.into()))??;
            stream.push(piece.text, piece.last).map_err(|HeaderNotFirst| ReadError::HeaderNotFirst)?;
            if piece.last {
                return Ok(());
            }
        }
    })?;
    if stream.includes() {
        return Err(ReadError::Includes);
    }
    Ok(stream.finish(levels))
}

/// A piece of a file, UTF-8, ending between two characters.
struct Piece {
    text: String,
    /// It ends the file.
    last: bool,
}

/// Reads `reader` in pieces of `size` bytes (give or take the bytes of a character cut in
/// two, which go to the next piece) and sends them on, until the end, an error or a byte
/// that is not UTF-8 (named by its offset in the file).
fn read_pieces(mut reader: impl Read, size: usize, send: &std::sync::mpsc::SyncSender<Result<Piece, ReadError>>) {
    let (mut cut, mut offset) = (Vec::new(), 0u64);
    loop {
        // With room for what the piece before leaves (see `Stream::push`).
        let mut bytes = Vec::with_capacity(size + cut.len() + (64 << 10));
        bytes.append(&mut cut);
        let piece = match reader.by_ref().take(size as u64).read_to_end(&mut bytes) {
            Err(e) => Err(ReadError::Io(e)),
            Ok(n) => {
                let last = n < size;
                if !last {
                    cut = bytes.split_off(char_start(&bytes));
                }
                let len = bytes.len() as u64;
                let piece = String::from_utf8(bytes)
                    .map(|text| Piece { text, last })
                    .map_err(|e| ReadError::NotUtf8 { at: offset + e.utf8_error().valid_up_to() as u64 });
                offset += len;
                piece
            }
        };
        let done = piece.as_ref().map_or(true, |p| p.last);
        if send.send(piece).is_err() || done {
            return;
        }
    }
}

/// Where the character that the end of `bytes` cuts in two starts, or the end if none is
/// cut: the first byte of a character in UTF-8 says how many follow it.
fn char_start(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(3) {
        let b = bytes[n - back];
        if b & 0xC0 != 0x80 {
            let len = match b {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            return if len > back { n - back } else { n };
        }
    }
    n
}

/// Reads at most the size limit from `inner`, and tells how much it read and its CRC-32: a
/// file read twice is the same text if both agree.
#[derive(Debug)]
struct Fingerprinted<R> {
    inner: std::io::Take<R>,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<R: Read> Fingerprinted<R> {
    fn new(inner: R) -> Self {
        let limit = input::max_file_size();
        Fingerprinted { inner: inner.take(limit.saturating_add(1)), crc: crc32fast::Hasher::new(), len: 0 }
    }

    /// The length and CRC-32 of what was read; a failure if it was longer than the limit.
    fn finish(self, name: &str) -> Result<(u64, u32), Failure> {
        if self.len > input::max_file_size() {
            return Err(input::too_large(name));
        }
        Ok((self.len, self.crc.finalize()))
    }
}

impl<R: Read> Read for Fingerprinted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// [`Fingerprinted::finish`] of a text in memory.
fn fingerprint(text: &str) -> (u64, u32) {
    (text.len() as u64, crc32fast::hash(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading in pieces of every size gives what checking the whole text gives, and stops at
    /// the first byte that is not UTF-8, the byte `std::str::from_utf8` names.
    #[test]
    fn pieces_of_any_size_read_as_the_whole_text() {
        let levels = Levels::default();
        let chart = "title \"ก\"\nactor a \"เอ\"\nstart s \"เริ่ม\" by a\nstep x \"X\" by nobody\ns -> x\n";
        let whole = referflow_check::check_source(chart, &levels);
        for window in [1, 2, 3, 5, 64, 1 << 20] {
            let arena = bumpalo::Bump::new();
            let read = check_read(chart.as_bytes(), &arena, &levels, window, 0).unwrap();
            assert_eq!(format!("{:?}", read.diagnostics), format!("{:?}", whole.diagnostics), "pieces of {window}");
        }
        let mut bad = chart.as_bytes().to_vec();
        bad.insert(20, 0xFF);
        for window in [1, 7, 64] {
            let arena = bumpalo::Bump::new();
            match check_read(&bad[..], &arena, &levels, window, 0) {
                Err(ReadError::NotUtf8 { at }) => assert_eq!(at, 20),
                other => panic!("pieces of {window}: {:?}", other.map(|c| c.diagnostics)),
            }
        }
    }

    #[test]
    fn a_cut_character_goes_to_the_next_piece() {
        let thai = "กข".as_bytes();
        assert_eq!(char_start(&thai[..4]), 3);
        assert_eq!(char_start(&thai[..3]), 3);
        assert_eq!(char_start(&thai[..1]), 0);
        assert_eq!(char_start(b"ab"), 2);
    }
}
