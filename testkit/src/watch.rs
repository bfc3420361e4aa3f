//! [`Watch`]: what a probe saw, shared between the probe's threads and the test, with waits that
//! give up once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// State that a probe (a server or a worker the test controls) records and waits on: "hold
/// this answer until four requests are in flight". Every wait lasts at most `patience`. The first
/// one that runs out marks the watch as given up, and every wait after it returns at once, so a
/// wrong answer costs one `patience`, not one per wait; the test then fails on
/// [`gave_up`](Watch::gave_up).
pub struct Watch<T> {
    state: Mutex<T>,
    changed: Condvar,
    gave_up: AtomicBool,
    patience: Duration,
}

impl<T> Watch<T> {
    /// A watch over `state` whose waits last at most `patience`.
    pub fn new(state: T, patience: Duration) -> Self {
        Watch {
            state: Mutex::new(state),
            changed: Condvar::new(),
            gave_up: AtomicBool::new(false),
            patience,
        }
    }

    /// The state, for reading or changing (a panic elsewhere does not hide it).
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Changes the state and wakes every wait.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }

    /// The probe's side: waits until `done` holds, for at most the patience; when it does not,
    /// the watch gives up (and wakes every other wait).
    pub fn wait_until(&self, done: impl Fn(&T) -> bool) {
        if !self.wait_for(done) {
            self.give_up();
        }
    }

    /// Gives up: something the probe waited for did not happen (by a wait that ran out, or as
    /// the probe itself decides). Every wait returns at once from now on.
    pub fn give_up(&self) {
        // Under the lock, so no wait can miss the change between its check and its sleep.
        let _state = self.lock();
        self.gave_up.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// The test's side: whether `done` comes to hold within the patience (a watch that gave up
    /// stops waiting: the test fails then anyway).
    pub fn eventually(&self, done: impl Fn(&T) -> bool) -> bool {
        self.wait_for(done)
    }

    /// Whether some wait ran out.
    pub fn gave_up(&self) -> bool {
        self.gave_up.load(Ordering::SeqCst)
    }

    fn wait_for(&self, done: impl Fn(&T) -> bool) -> bool {
        let (state, _) = self
            .changed
            .wait_timeout_while(self.lock(), self.patience, |s| !done(s) && !self.gave_up())
            .unwrap_or_else(|poison| poison.into_inner());
        done(&state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn a_wait_ends_when_the_state_is_reached() {
        let watch = Arc::new(Watch::new(0, Duration::from_secs(10)));
        let other = Arc::clone(&watch);
        let updater = thread::spawn(move || (0..3).for_each(|_| other.update(|n| *n += 1)));
        watch.wait_until(|&n| n == 3);
        updater.join().unwrap();
        assert!(!watch.gave_up());
    }

    #[test]
    fn the_first_wait_that_runs_out_gives_up_for_all() {
        let watch = Watch::new(0, Duration::from_millis(50));
        watch.wait_until(|&n| n == 1);
        assert!(watch.gave_up());
        assert!(!watch.eventually(|&n| n == 1));
    }
}
