//! The latest page update, shared between the watcher that makes updates and the event
//! streams that push them to browsers.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Hub {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    /// Counts updates, so a stream knows whether it has sent the latest.
    revision: u64,
    update: Arc<str>,
    stopping: bool,
}

/// What a waiting stream should do next.
#[derive(Debug)]
pub enum Next {
    Send(u64, Arc<str>),
    /// Nothing new within the wait: time for a keep-alive.
    Idle,
    Stop,
}

impl Hub {
    pub fn new(update: String) -> Self {
        Hub {
            state: Mutex::new(State { revision: 1, update: update.into(), stopping: false }),
            changed: Condvar::new(),
        }
    }

    /// A panic elsewhere must not take the preview down with a poisoned lock: the state is
    /// replaced whole on every update, so it is never half-written.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn publish(&self, update: String) {
        let mut state = self.lock();
        state.revision += 1;
        state.update = update.into();
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// Waits until there is an update newer than `seen`, the hub stops, or `timeout` passes.
    pub fn next(&self, seen: u64, timeout: Duration) -> Next {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if state.stopping {
                return Next::Stop;
            }
            if state.revision > seen {
                return Next::Send(state.revision, Arc::clone(&state.update));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Next::Idle;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    /// Sleeps for `pause` unless the hub stops first; true when it has stopped.
    pub fn stopped_within(&self, pause: Duration) -> bool {
        let deadline = Instant::now() + pause;
        let mut state = self.lock();
        while !state.stopping {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_gets_the_latest_then_waits() {
        let hub = Hub::new("a".into());
        let Next::Send(seen, update) = hub.next(0, Duration::ZERO) else { panic!("the first update") };
        assert_eq!(&*update, "a");
        assert!(matches!(hub.next(seen, Duration::from_millis(10)), Next::Idle));
        hub.publish("b".into());
        hub.publish("c".into());
        let Next::Send(_, update) = hub.next(seen, Duration::ZERO) else { panic!("the newest update") };
        assert_eq!(&*update, "c");
        hub.stop();
        assert!(matches!(hub.next(seen, Duration::from_secs(5)), Next::Stop));
        assert!(hub.stopped_within(Duration::from_secs(5)));
    }
}
