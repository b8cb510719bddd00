//! Writing files safely: every file referflow writes goes to a temporary file in the same
//! directory first and is renamed over the target, so an interrupted or failed run leaves the
//! old file intact, and readers never see half a file. Referflow refuses to write over its own
//! input.
//!
//! The temporary file is created with `O_EXCL` (`create_new`) under a name no one can predict
//! (`.NAME.referflow-PID-RANDOM.tmp`), trying another name if one is taken; only a file this
//! process created, and only while it is still the file at that name, is ever removed. A file
//! that was there before is never touched.
//!
//! `fmt` rewrites a chart in place ([`rewrite`]): through a symbolic link to the file it names
//! (the link stays a link), keeping the file's mode, owner and group, and only if the file
//! still holds the text that was formatted.

use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::Failure;
use crate::input::shown;

/// A file written in full to a temporary name, waiting to be renamed into place.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    /// The temporary file this process created, open.
    file: fs::File,
    /// Renamed into place: the temporary name is free, and whatever takes it next is not ours.
    committed: bool,
}

impl Staged {
    /// Renames the file into place. (On failure, dropping `self` removes the temporary file.)
    pub fn commit(self) -> Result<(), Failure> {
        let target = self.target.clone();
        self.rename().map_err(|e| Failure(format!("{}: cannot write: {e}", shown(&target))))
    }

    fn rename(mut self) -> std::io::Result<()> {
        fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(dir) = fs::File::open(dir)
        {
            // The rename itself on disk too, where the file system allows (best effort).
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    /// A staged file that was never committed (or failed to be) leaves nothing behind. It is
    /// removed only if the name still holds the file this process created: in a folder that
    /// others can write to, someone may have put a file of theirs there since.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if let (Ok(ours), Ok(there)) = (self.file.metadata(), fs::symlink_metadata(&self.temp))
            && (ours.dev(), ours.ino()) == (there.dev(), there.ino())
        {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to a temporary file beside `target`, keeping the permissions of an existing
/// target. Fails if `target` is one of `inputs`.
pub fn stage(target: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<Staged, Failure> {
    stage_with(target, inputs, |file| file.write_all(bytes))
}

/// Like [`stage`], with the contents written by `write` (which may write a piece at a time).
///
/// A `target` that is a symbolic link is replaced by the file written: an output is written
/// where it was asked for, never through a link someone may have planted there.
pub fn stage_with(
    target: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, Failure> {
    if let Ok(real) = fs::canonicalize(target)
        && inputs.iter().filter_map(|i| fs::canonicalize(i).ok()).any(|i| i == real)
    {
        return Err(Failure(format!("{}: refusing to write over the input chart", shown(target))));
    }
    let fail = |e: std::io::Error| Failure(format!("{}: cannot write: {e}", shown(target)));
    let staged = create(target, temp_names(target)).map_err(fail)?;
    let mut file = &staged.file;
    write(&mut file).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    if let Ok(meta) = fs::metadata(target) {
        let _ = file.set_permissions(meta.permissions());
    }
    Ok(staged)
}

/// Creates a new, empty temporary file for `target` in its folder, under the first of `names`
/// that no file has: `create_new` (`O_EXCL`) never opens, follows or truncates a file or link
/// that is already there, and such a file is left as it is.
fn create(target: &Path, names: impl Iterator<Item = String>) -> std::io::Result<Staged> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut last = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary name");
    for name in names {
        let temp = dir.join(name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok(Staged { temp, target: target.to_path_buf(), file, committed: false }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Temporary names for `target`: `.NAME.referflow-PID-RANDOM.tmp`, a few dozen of them.
fn temp_names(target: &Path) -> impl Iterator<Item = String> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let pid = std::process::id();
    (0..64).map(move |_| {
        // std's hash keys are random per process; a fresh hasher gives a fresh number.
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!(".{name}.referflow-{pid}-{random:016x}.tmp")
    })
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

/// Rewrites the chart at `path`, shown as `name`, which held `read` when it was read, with
/// `bytes`: what `fmt` does.
///
/// - Through symbolic links: the file written is the one `path` leads to (every link in a
///   chain resolved), in its own folder; the links stay links.
/// - The new file gets the old one's owner and group, then its mode. If the owner or group
///   cannot be given (a file of another user, or a group one is not in, formatted by someone
///   who is not root), nothing is written: fmt would otherwise hand the file over to whoever
///   ran it.
/// - A file one may not write to is not rewritten, even where the folder would allow it.
/// - Just before the rename, the file must still hold `read`, byte for byte: if it changed
///   (an editor saved it while fmt was formatting), nothing is written, so no save is lost.
pub fn rewrite(path: &Path, name: &str, read: &[u8], bytes: &[u8]) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| Failure(format!("{name}: cannot write: {}", crate::input::io_cause(&e)));
    let real = fs::canonicalize(path).map_err(cannot)?;
    let meta = fs::metadata(&real).map_err(cannot)?;
    // Opening it to write (without truncating) asks the system whether we may.
    fs::OpenOptions::new().write(true).open(&real).map_err(cannot)?;
    let staged = create(&real, temp_names(&real)).map_err(cannot)?;
    let mut file = &staged.file;
    file.write_all(bytes).map_err(cannot)?;
    keep_owner(file, &meta).map_err(|e| {
        Failure(format!(
            "{name}: cannot give the formatted file the owner and group of the original ({}:{}): {}; nothing written",
            meta.uid(),
            meta.gid(),
            crate::input::io_cause(&e)
        ))
    })?;
    // After the owner: changing it clears the set-user-ID and set-group-ID bits.
    file.set_permissions(meta.permissions()).map_err(cannot)?;
    file.sync_all().map_err(cannot)?;
    if !holds(&real, read).map_err(cannot)? {
        return Err(changed(name));
    }
    staged.rename().map_err(cannot)
}

/// Gives `file` the owner and group of `original` where they differ (a file created by this
/// process is ours, in our group or the folder's).
fn keep_owner(file: &fs::File, original: &fs::Metadata) -> std::io::Result<()> {
    let ours = file.metadata()?;
    let uid = (ours.uid() != original.uid()).then_some(original.uid());
    let gid = (ours.gid() != original.gid()).then_some(original.gid());
    if uid.is_none() && gid.is_none() {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, uid, gid)
}

/// Whether the file at `path` holds exactly `read` now.
pub fn holds(path: &Path, read: &[u8]) -> std::io::Result<bool> {
    let mut now = Vec::with_capacity(read.len() + 1);
    fs::File::open(path)?.take(read.len() as u64 + 1).read_to_end(&mut now)?;
    Ok(now == read)
}

fn changed(name: &str) -> Failure {
    Failure(format!("{name}: changed on disk while formatting; nothing written, run fmt again"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("referflow-output-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    /// An editor saved the file after fmt read it: fmt's `read` is not what the file holds.
    /// Nothing is written, the save is kept, and no temporary file is left.
    #[test]
    fn a_file_changed_since_it_was_read_is_not_rewritten() {
        let dir = temp_dir("changed");
        let path = dir.join("a.flow");
        fs::write(&path, "saved in the editor\n").unwrap();
        let failure = rewrite(&path, "a.flow", b"as fmt read it\n", b"formatted\n").unwrap_err();
        assert_eq!(failure.0, "a.flow: changed on disk while formatting; nothing written, run fmt again");
        assert_eq!(fs::read_to_string(&path).unwrap(), "saved in the editor\n");
        assert_eq!(names(&dir), ["a.flow"]);
        // Longer or shorter by a byte is a change too; the same bytes are not.
        fs::write(&path, "ab").unwrap();
        assert!(!holds(&path, b"a").unwrap() && !holds(&path, b"abc").unwrap() && holds(&path, b"ab").unwrap());
        rewrite(&path, "a.flow", b"ab", b"formatted\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "formatted\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A file at a temporary name is someone else's: it is skipped, never opened, and never
    /// removed, whether the write then succeeds, fails, or finds every name taken.
    #[test]
    fn a_file_already_at_a_temporary_name_is_never_touched() {
        let dir = temp_dir("taken");
        let target = dir.join("a.flow");
        fs::write(dir.join(".taken"), "theirs").unwrap();
        std::os::unix::fs::symlink("a.flow", dir.join(".link")).unwrap();
        let taken = || [".taken".to_string(), ".link".to_string()].into_iter();
        // Every name taken: an error, and both left as they were.
        assert!(create(&target, taken()).is_err());
        assert_eq!(names(&dir), [".link", ".taken"]);
        // The next free name is used; dropped uncommitted, only it is removed.
        let staged = create(&target, taken().chain([".free".to_string()])).unwrap();
        assert_eq!(staged.temp, dir.join(".free"));
        drop(staged);
        assert_eq!(names(&dir), [".link", ".taken"]);
        assert_eq!(fs::read_to_string(dir.join(".taken")).unwrap(), "theirs");
        assert!(!target.exists(), "the planted link was followed");
        // A file put at our name after we made it is theirs too.
        let staged = create(&target, [".ours".to_string()].into_iter()).unwrap();
        fs::write(dir.join(".other"), "theirs").unwrap();
        fs::rename(dir.join(".other"), dir.join(".ours")).unwrap();
        drop(staged);
        assert_eq!(fs::read_to_string(dir.join(".ours")).unwrap(), "theirs");
        // After a commit the name is free, and nothing removes what comes there next.
        let staged = create(&target, [".next".to_string()].into_iter()).unwrap();
        staged.commit().unwrap();
        assert_eq!(names(&dir), [".link", ".ours", ".taken", "a.flow"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_names_are_hidden_and_differ() {
        let names: Vec<String> = temp_names(Path::new("dir/a.flow")).collect();
        assert!(names.len() > 10);
        assert!(names[0].starts_with(".a.flow.referflow-") && names[0].ends_with(".tmp"), "{}", names[0]);
        assert_ne!(names[0], names[1]);
    }

    /// Through a chain of links (one in another folder) to the file, whose mode is kept.
    #[test]
    fn a_rewrite_goes_through_links_and_keeps_the_mode() {
        let dir = temp_dir("links");
        fs::create_dir(dir.join("sub")).unwrap();
        let real = dir.join("sub/real.flow");
        fs::write(&real, "old\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o751)).unwrap();
        std::os::unix::fs::symlink("sub/real.flow", dir.join("mid.flow")).unwrap();
        std::os::unix::fs::symlink("mid.flow", dir.join("link.flow")).unwrap();
        rewrite(&dir.join("link.flow"), "link.flow", b"old\n", b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&real).unwrap(), "new\n");
        assert_eq!(fs::metadata(&real).unwrap().permissions().mode() & 0o7777, 0o751);
        for link in ["link.flow", "mid.flow"] {
            assert!(fs::symlink_metadata(dir.join(link)).unwrap().file_type().is_symlink(), "{link}");
        }
        assert_eq!(names(&dir), ["link.flow", "mid.flow", "sub"]);
        assert_eq!(names(&dir.join("sub")), ["real.flow"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
