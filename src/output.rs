//! Writing files safely: every file referflow writes goes to a temporary file in the same
//! directory first and is renamed over the target, so an interrupted or failed run leaves the
//! old file intact, and readers never see half a file. Referflow refuses to write over its own
//! input.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Failure;

/// A file written in full to a temporary name, waiting to be renamed into place.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Renames the file into place. (On failure, dropping `self` removes the temporary file.)
    pub fn commit(self) -> Result<(), Failure> {
        fs::rename(&self.temp, &self.target)
            .map_err(|e| Failure(format!("{}: cannot write: {e}", crate::input::shown(&self.target))))
    }
}

impl Drop for Staged {
    /// A staged file that was never committed (or failed to be) leaves nothing behind; after a
    /// successful rename there is nothing left to remove.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.temp);
    }
}

/// Writes `bytes` to a temporary file beside `target`, keeping the permissions of an existing
/// target. Fails if `target` is one of `inputs`.
pub fn stage(target: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<Staged, Failure> {
    stage_with(target, inputs, |file| file.write_all(bytes))
}

/// Like [`stage`], with the contents written by `write` (which may write a piece at a time).
pub fn stage_with(
    target: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, Failure> {
    if let Ok(real) = fs::canonicalize(target)
        && inputs.iter().filter_map(|i| fs::canonicalize(i).ok()).any(|i| i == real)
    {
        return Err(Failure(format!("{}: refusing to write over the input chart", crate::input::shown(target))));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let temp = dir.join(format!(".{name}.referflow-{}.tmp", std::process::id()));
    let fail = |e: std::io::Error| Failure(format!("{}: cannot write: {e}", crate::input::shown(target)));
    let staged = Staged { temp: temp.clone(), target: target.to_path_buf() };
    // create_new: a file (or a planted symlink) already at the temporary name is never followed.
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&temp).map_err(fail)?;
    write(&mut file).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    if let Ok(meta) = fs::metadata(target) {
        let _ = fs::set_permissions(&temp, meta.permissions());
    }
    Ok(staged)
}

/// Writes one file atomically.
pub fn write(target: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), Failure> {
    stage(target, bytes, inputs)?.commit()
}

/// Writes one file atomically, its contents written by `write`.
pub fn write_with(
    target: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    stage_with(target, inputs, write)?.commit()
}
