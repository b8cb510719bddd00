//! The latest page update, shared between the watcher that makes updates and the event
//! streams that push them to browsers.
//!
//! The watcher is a thread and waits on a condition variable (`stopped_within`); the streams
//! are tasks on the server's runtime and wait on a `tokio::sync::watch` channel
//! (`subscribe`), which costs nothing while nothing changes and needs no thread per page.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

#[derive(Debug)]
pub struct Hub {
    stopping: Mutex<bool>,
    stopped: Condvar,
    latest: watch::Sender<Latest>,
}

/// What every stream sees: the newest update, and whether the server is stopping.
#[derive(Debug, Clone)]
pub struct Latest {
    /// Counts updates; a stream sends it as the event's id.
    pub revision: u64,
    pub update: Arc<str>,
    pub stopping: bool,
}

impl Hub {
    pub fn new(update: String) -> Self {
        let (latest, _) = watch::channel(Latest { revision: 1, update: update.into(), stopping: false });
        Hub { stopping: Mutex::new(false), stopped: Condvar::new(), latest }
    }

    /// A panic elsewhere must not take the preview down with a poisoned lock: the flag is
    /// a single bool, never half-written.
    fn lock(&self) -> MutexGuard<'_, bool> {
        self.stopping.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn publish(&self, update: String) {
        // `send_modify`, not `send`: it stores the update even while no page is open.
        self.latest.send_modify(|latest| {
            latest.revision += 1;
            latest.update = update.into();
        });
    }

    pub fn stop(&self) {
        *self.lock() = true;
        self.stopped.notify_all();
        self.latest.send_modify(|latest| latest.stopping = true);
    }

    /// A receiver that has not yet seen the latest update.
    pub fn subscribe(&self) -> watch::Receiver<Latest> {
        let mut receiver = self.latest.subscribe();
        receiver.mark_changed();
        receiver
    }

    /// Sleeps for `pause` unless the hub stops first; true when it has stopped.
    pub fn stopped_within(&self, pause: Duration) -> bool {
        let deadline = Instant::now() + pause;
        let mut stopping = self.lock();
        while !*stopping {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            stopping = self.stopped.wait_timeout(stopping, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscriber_sees_the_latest_update_then_each_newer_one_then_the_stop() {
        let hub = Hub::new("a".into());
        let mut receiver = hub.subscribe();
        assert!(receiver.has_changed().unwrap());
        let first = receiver.borrow_and_update().clone();
        assert_eq!((first.revision, &*first.update), (1, "a"));
        assert!(!receiver.has_changed().unwrap());
        hub.publish("b".into());
        hub.publish("c".into());
        assert!(receiver.has_changed().unwrap());
        let newest = receiver.borrow_and_update().clone();
        assert_eq!((newest.revision, &*newest.update), (3, "c"));
        assert!(!hub.stopped_within(Duration::from_millis(10)));
        hub.stop();
        assert!(receiver.borrow_and_update().stopping);
        assert!(hub.stopped_within(Duration::from_secs(5)));
    }
}
