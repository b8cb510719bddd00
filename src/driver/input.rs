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

/// The largest chart referflow reads now (see [`set_max_file_size`]).
pub(crate) fn max_file_size() -> u64 {
    MAX_FILE_SIZE.load(Ordering::Relaxed)
}

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

pub(crate) fn too_large(name: &str) -> Failure {
    let limit = MAX_FILE_SIZE.load(Ordering::Relaxed);
    Failure(format!("{name}: larger than the limit of {}; raise it with --max-file-size", show_size(limit)))
}

/// A chart's text and the name to show for it.
#[derive(Debug)]
pub struct Loaded {
    pub name: String,
    pub text: String,
}

/// A path as referflow prints it: control characters (a newline, a carriage return, an escape)
/// and the characters that reorder text made visible as `\n`, `\r`, `\u{1b}`…, so a file name
/// from a stranger's revision can neither start a line of its own in a CI log (where a line
/// `::error …` is a command) nor rewrite what a reviewer sees.
pub fn shown(path: &Path) -> String {
    visible(&path.to_string_lossy()).into_owned()
}

pub use referflow_emit::visible;

/// Every file a list of PATH arguments stands for, in order; directories expand to their
/// `*.flow` files in sorted order.
///
/// A folder is walked without leaving it: a symbolic link whose target lies outside the folder
/// given is skipped (one warning line names them all), a link to a folder already walked (a
/// loop) is not walked again, and a file reached twice (by its name and by a link) is read
/// once. What is not a regular file is refused when it is read (see [`load`]).
pub fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, Failure>> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || !path.is_dir() {
            out.push(Ok(path.clone()));
            continue;
        }
        let root = match std::fs::canonicalize(path) {
            Ok(root) => root,
            Err(e) => {
                out.push(Err(Failure(format!("{}: cannot read the directory: {e}", shown(path)))));
                continue;
            }
        };
        let mut walk = Walk {
            root,
            walked: Default::default(),
            files: Default::default(),
            found: Vec::new(),
            outside: Vec::new(),
        };
        match walk.dir(path) {
            Ok(()) => {
                walk.found.sort();
                if !walk.outside.is_empty() {
                    let names: Vec<String> = walk.outside.iter().map(|p| shown(p)).collect();
                    eprintln!(
                        "warning: {}: skipped {} symbolic link{} leading outside it: {}",
                        shown(path),
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", ")
                    );
                }
                out.extend(walk.found.into_iter().map(Ok));
            }
            Err(failure) => out.push(Err(failure)),
        }
    }
    out
}

/// A walk of one folder given on the command line.
struct Walk {
    /// The folder, its links resolved.
    root: PathBuf,
    /// Folders walked, their links resolved: a link back to one is a loop.
    walked: std::collections::HashSet<PathBuf>,
    /// Files found, their links resolved: each is read once.
    files: std::collections::HashSet<PathBuf>,
    found: Vec<PathBuf>,
    /// Links whose targets lie outside `root`.
    outside: Vec<PathBuf>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> Result<(), Failure> {
        let cannot = |e: std::io::Error| Failure(format!("{}: cannot read the directory: {e}", shown(dir)));
        let real = std::fs::canonicalize(dir).map_err(cannot)?;
        if !self.walked.insert(real) {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(cannot)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(cannot)?;
        entries.sort();
        for path in entries {
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            let is_flow = path.extension().is_some_and(|e| e == "flow");
            if meta.file_type().is_symlink() {
                // Where it leads, if anywhere: a dangling link to a chart is reported when read.
                let Ok(target) = std::fs::canonicalize(&path) else {
                    if is_flow {
                        self.found.push(path);
                    }
                    continue;
                };
                if !target.starts_with(&self.root) {
                    if is_flow || target.is_dir() {
                        self.outside.push(path);
                    }
                    continue;
                }
                if target.is_dir() {
                    self.dir(&path)?;
                } else if is_flow && self.files.insert(target) {
                    self.found.push(path);
                }
            } else if meta.is_dir() {
                self.dir(&path)?;
            } else if is_flow {
                let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if self.files.insert(real) {
                    self.found.push(path);
                }
            }
        }
        Ok(())
    }
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
        let name = shown(path);
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

/// Opens a chart file, refusing one larger than the limit before reading any of it, and
/// anything that is not a regular file (a FIFO would block, a device or /proc file has no end
/// or is not the author's to publish) before opening it.
pub(crate) fn open(path: &Path, name: &str) -> Result<(std::fs::File, std::fs::Metadata), Failure> {
    let kind = std::fs::metadata(path).map_err(|e| match dangling(path) {
        Some(target) => {
            Failure(format!("{name}: cannot read: a symbolic link to {}, which does not exist", shown(&target)))
        }
        None => cannot_read(name, &e),
    })?;
    let kind = kind.file_type();
    if !kind.is_file() {
        return Err(Failure(format!(
            "{name}: not a regular file ({}); referflow reads chart files only",
            kind_name(kind)
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| cannot_read(name, &e))?;
    let meta = file.metadata().map_err(|e| cannot_read(name, &e))?;
    if meta.len() > MAX_FILE_SIZE.load(Ordering::Relaxed) {
        return Err(too_large(name));
    }
    Ok((file, meta))
}

/// Where a symbolic link that leads nowhere points (perhaps to another link that does).
fn dangling(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() || std::fs::metadata(path).is_ok() {
        return None;
    }
    std::fs::read_link(path).ok()
}

/// What a file that is not a regular file is, in words.
fn kind_name(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

pub(crate) fn cannot_read(name: &str, error: &std::io::Error) -> Failure {
    Failure(format!("{name}: cannot read: {}", io_cause(error)))
}

pub(crate) fn not_utf8(name: &str, at: u64) -> Failure {
    Failure(format!("{name}: not valid UTF-8 at byte {at}; referflow reads UTF-8 text only"))
}

/// The OS error without Rust's "(os error 2)" suffix.
pub(crate) fn io_cause(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
