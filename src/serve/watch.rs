//! Watching the chart for saves by polling its metadata.
//!
//! Polling (every 100 ms) rather than OS notifications: it needs no extra dependency, sees a
//! save however the editor makes it (in place, or a new file renamed over the old one, which
//! an inotify watch on the old file would miss), and costs one `stat` per poll.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use super::hub::Hub;
use super::render::{self, Renderer};

const POLL: Duration = Duration::from_millis(100);
/// How long a changed file must stay unchanged before it is read, so a save caught half
/// written is not shown as a burst of syntax errors.
const SETTLE: Duration = Duration::from_millis(20);

/// What a save changes: size, modification time, and the file itself (a rename puts a new
/// inode in place, possibly with the same size and, on coarse clocks, the same time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
    changed: (i64, i64),
}

/// The stamp of the file at `path` now.
pub fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let meta = std::fs::metadata(path)?;
    #[cfg(unix)]
    let (inode, changed) = {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), (meta.ctime(), meta.ctime_nsec()))
    };
    #[cfg(not(unix))]
    let (inode, changed) = (0, (0, 0));
    Ok(Stamp { len: meta.len(), modified: meta.modified().ok(), inode, changed })
}

/// Starts the watcher thread; it publishes an update to `hub` after each save that changes
/// the text, and stops when the hub does. `text` is the text already rendered, and `since`
/// the stamp taken before it was read: a save made in between is then seen as a change.
pub fn spawn(
    path: PathBuf,
    mut renderer: Renderer,
    text: String,
    since: Option<Stamp>,
    hub: Arc<Hub>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let name = crate::input::shown(&path);
        let mut last_stamp = since;
        let mut last_text = text;
        // Reading failed on this many polls in a row; an editor that saves by delete and
        // create leaves the file missing for a moment, which is not worth a warning.
        let mut failures = 0u32;
        let mut reported = false;
        // The stamps of the files the chart includes, as last rendered.
        let stamps = |files: &[PathBuf]| files.iter().map(|f| stamp(f).ok()).collect::<Vec<_>>();
        let mut last_included = stamps(&renderer.included);
        while !hub.stopped_within(POLL) {
            let mut now = stamp(&path);
            let included = stamps(&renderer.included);
            let included_changed = included != last_included;
            if now.as_ref().ok() == last_stamp.as_ref() && failures == 0 && !included_changed {
                continue;
            }
            for _ in 0..10 {
                if hub.stopped_within(SETTLE) {
                    return;
                }
                let again = stamp(&path);
                // Still missing counts as settled too.
                let same = match (&now, &again) {
                    (Ok(a), Ok(b)) => a == b,
                    (Err(_), Err(_)) => true,
                    _ => false,
                };
                now = again;
                if same {
                    break;
                }
            }
            if let Ok(now) = now {
                last_stamp = Some(now);
            }
            // Read even when `stat` failed: the read says why in the words `check` uses.
            let read = render::read(&path);
            match read {
                Ok(text) => {
                    failures = 0;
                    if text == last_text && !reported && !included_changed {
                        continue;
                    }
                    reported = false;
                    let (update, summary) = renderer.render(&text);
                    last_included = stamps(&renderer.included);
                    last_text = text;
                    hub.publish(update);
                    eprintln!("{name}: updated: {summary}");
                }
                Err(cause) => {
                    failures += 1;
                    last_stamp = None;
                    if failures == 2 {
                        reported = true;
                        hub.publish(renderer.unreadable(&cause));
                        eprintln!("warning: {cause}; the page keeps the last chart");
                    }
                }
            }
        }
    })
}
