//! Reading the charts named on the command line: files, directories (every `*.flow` below, in
//! sorted order) and `-` for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Failure;

/// The largest chart referflow reads, in bytes (`--max-file-size`); 256 MiB unless raised.
/// A million-stage chart is about 220 MB.
static MAX_FILE_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_SIZE);

pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 << 20;

pub fn set_max_file_size(bytes: u64) {
    MAX_FILE_SIZE.store(bytes, Ordering::Relaxed);
}

/// Reads `--max-file-size`: a number of bytes, or with a unit `K`, `M` or `G` (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, shift) = match text.char_indices().last() {
        Some((i, 'K' | 'k')) => (&text[..i], 10),
        Some((i, 'M' | 'm')) => (&text[..i], 20),
        Some((i, 'G' | 'g')) => (&text[..i], 30),
        _ => (text, 0),
    };
    let n: u64 = number.trim().parse().map_err(|_| format!("`{text}` is not a size such as `512M` or `1G`"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("`{text}` is too large"))
}

/// `256M`, `1G`, `512K`, `100 bytes`: as `--max-file-size` takes it.
fn show_size(bytes: u64) -> String {
    for (shift, unit) in [(30, "G"), (20, "M"), (10, "K")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

fn too_large(name: &str) -> Failure {
    let limit = MAX_FILE_SIZE.load(Ordering::Relaxed);
    Failure(format!("{name}: larger than the limit of {}; raise it with --max-file-size", show_size(limit)))
}

/// A chart's text and the name to show for it.
#[derive(Debug)]
pub struct Loaded {
    pub name: String,
    pub text: String,
}

/// Every file a list of PATH arguments stands for, in order; directories expand to their
/// `*.flow` files in sorted order.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, Failure>> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || !path.is_dir() {
            out.push(Ok(path.clone()));
            continue;
        }
        let mut found = Vec::new();
        match walk(path, &mut found) {
            Ok(()) => {
                found.sort();
                out.extend(found.into_iter().map(Ok));
            }
            Err(failure) => out.push(Err(failure)),
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Failure(format!("{}: cannot read the directory: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| Failure(format!("{}: cannot read the directory: {e}", dir.display())))?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "flow") {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads one chart; `-` is standard input.
pub fn load(path: &Path) -> Result<Loaded, Failure> {
    let limit = MAX_FILE_SIZE.load(Ordering::Relaxed);
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Failure(format!("<stdin>: cannot read: {e}")))?;
        ("<stdin>".to_string(), bytes)
    } else {
        let name = path.display().to_string();
        let (file, meta) = open(path, &name)?;
        // The size is known: reading into a buffer of that size saves copying it as it grows.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| cannot_read(&name, &e))?;
        (name, bytes)
    };
    if bytes.len() as u64 > limit {
        return Err(too_large(&name));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded { name, text }),
        Err(e) => Err(not_utf8(&name, e.utf8_error().valid_up_to() as u64)),
    }
}

/// Opens a chart file, refusing one larger than the limit before reading any of it.
fn open(path: &Path, name: &str) -> Result<(std::fs::File, std::fs::Metadata), Failure> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(name, &e))?;
    let meta = file.metadata().map_err(|e| cannot_read(name, &e))?;
    if meta.len() > MAX_FILE_SIZE.load(Ordering::Relaxed) {
        return Err(too_large(name));
    }
    Ok((file, meta))
}

fn cannot_read(name: &str, error: &std::io::Error) -> Failure {
    Failure(format!("{name}: cannot read: {}", io_cause(error)))
}

fn not_utf8(name: &str, at: u64) -> Failure {
    Failure(format!("{name}: not valid UTF-8 at byte {at}; referflow reads UTF-8 text only"))
}

/// A chart file larger than a piece, checked a piece at a time so that its text is never
/// in memory whole (see `referflow_check::check_reader`).
#[derive(Debug)]
pub struct Large<'a> {
    pub name: String,
    pub checked: referflow_check::Checked<'a>,
    /// The length and CRC-32 of the text checked.
    read: (u64, u32),
}

impl Large<'_> {
    /// The text again, to show what the diagnostics point at: it must be the text checked.
    pub fn load_again(&self, path: &Path) -> Result<Loaded, Failure> {
        let loaded = load(path)?;
        if fingerprint(&loaded.text) != self.read {
            return Err(Failure(format!("{}: changed while it was being checked; check it again", self.name)));
        }
        Ok(loaded)
    }
}

/// Checks `path` a piece at a time if it is a file larger than a piece, its strings in
/// `arena`; `None` for standard input, a smaller file, and a file with a header line after
/// its stages: read those whole.
pub fn check_large<'a>(
    path: &Path,
    levels: &referflow_check::Levels,
    arena: &'a bumpalo::Bump,
) -> Result<Option<Large<'a>>, Failure> {
    use referflow_check::{READ_WINDOW, ReadError};
    if path.as_os_str() == "-" {
        return Ok(None);
    }
    let name = path.display().to_string();
    let (file, meta) = open(path, &name)?;
    if !meta.is_file() || meta.len() <= READ_WINDOW as u64 {
        return Ok(None);
    }
    let mut reader = Fingerprinted::new(file);
    match referflow_check::check_reader(&mut reader, arena, levels, READ_WINDOW, meta.len()) {
        Ok(checked) => {
            let read = reader.finish(&name)?;
            Ok(Some(Large { name, checked, read }))
        }
        Err(ReadError::Io(e)) => Err(cannot_read(&name, &e)),
        Err(ReadError::NotUtf8 { at }) => Err(not_utf8(&name, at)),
        // Rare: read it whole.
        Err(ReadError::HeaderNotFirst) => Ok(None),
    }
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
        let limit = MAX_FILE_SIZE.load(Ordering::Relaxed);
        Fingerprinted { inner: inner.take(limit.saturating_add(1)), crc: crc32fast::Hasher::new(), len: 0 }
    }

    /// The length and CRC-32 of what was read; a failure if it was longer than the limit.
    fn finish(self, name: &str) -> Result<(u64, u32), Failure> {
        if self.len > MAX_FILE_SIZE.load(Ordering::Relaxed) {
            return Err(too_large(name));
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

/// The OS error without Rust's "(os error 2)" suffix.
fn io_cause(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
