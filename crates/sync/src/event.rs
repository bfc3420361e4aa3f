//! An event flag (Python's `threading.Event`), built by hand from a `Mutex<bool>` and a `Condvar`.
//!
//! One thread [`set`](Event::set)s the flag; every thread [`wait`](Event::wait)ing for it wakes up,
//! and later waiters pass straight through until someone [`clear`](Event::clear)s it. The seeds use
//! it to stop timer threads: `while not event.is_set(): ...; event.wait(n)`.
//!
//! std has no event type; this is the textbook build, kept by hand because building it is the
//! lesson. The flag lives under the same lock the condition variable waits with, which is what
//! prevents the lost wake-up: a `set` cannot slip in between a waiter's check and its sleep.
//!
//! ```
//! use std::time::Duration;
//! use sync::event::Event;
//! let stop = Event::new();
//! std::thread::scope(|s| {
//!     s.spawn(|| stop.set());
//!     stop.wait();
//! });
//! assert!(stop.is_set());
//! stop.clear();
//! assert!(!stop.wait_timeout(Duration::from_millis(10)));
//! ```

use std::time::{Duration, Instant};

use crate::shim::{self, Condvar, Mutex};

/// A boolean flag threads can wait on.
#[derive(Debug, Default)]
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// A new event, not set.
    pub fn new() -> Self {
        Event {
            flag: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        *shim::lock(&self.flag) = true;
        // Every waiter is waiting for the same thing, so all of them may go on.
        self.changed.notify_all();
    }

    /// Clears the flag; later waiters wait again.
    pub fn clear(&self) {
        *shim::lock(&self.flag) = false;
    }

    /// Whether the flag is set right now.
    pub fn is_set(&self) -> bool {
        *shim::lock(&self.flag)
    }

    /// Waits until the flag is set (returns at once if it already is).
    pub fn wait(&self) {
        let mut flag = shim::lock(&self.flag);
        while !*flag {
            flag = shim::wait(&self.changed, flag);
        }
    }

    /// Waits at most `timeout` for the flag; returns whether it is set (Python's `wait(n)`).
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut flag = shim::lock(&self.flag);
        while !*flag {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let (guard, timed_out) =
                shim::wait_timeout(&self.changed, &self.flag, flag, deadline - now);
            flag = guard;
            if timed_out {
                return *flag;
            }
        }
        true
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn set_clear_and_timeout() {
        let event = Event::new();
        assert!(!event.is_set());
        assert!(!event.wait_timeout(Duration::from_millis(10)));
        event.set();
        assert!(event.is_set());
        assert!(event.wait_timeout(Duration::from_millis(10)));
        event.wait();
        event.clear();
        assert!(!event.is_set());
    }
}
