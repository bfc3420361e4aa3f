//! A counting semaphore, built by hand from a `Mutex` and a `Condvar`.
//!
//! Python has `threading.Semaphore(4)`; Rust's standard library has no semaphore. Crates do
//! (tokio's is async), but building one is the point here: a semaphore is just a counter of free
//! permits behind a lock, plus a condition variable to sleep on while the counter is zero.
//!
//! The Rust twist is the permit: [`Semaphore::acquire`] returns a [`Permit`] that gives its slot back
//! when dropped, so a permit can neither be forgotten (`release` never called) nor released twice,
//! the two classic semaphore bugs. Python's `with sem:` gets the first half of that guarantee.
//!
//! ```
//! use sync::semaphore::Semaphore;
//! let sem = Semaphore::new(2);
//! let a = sem.acquire();
//! let b = sem.try_acquire().expect("a second permit is free");
//! assert!(sem.try_acquire().is_none(), "only two permits exist");
//! drop(a);
//! assert_eq!(sem.available(), 1);
//! # drop(b);
//! ```

use std::time::{Duration, Instant};

use crate::shim::{self, Condvar, Mutex};

/// A counting semaphore: at most `permits` holders at once.
#[derive(Debug)]
pub struct Semaphore {
    /// How many permits are free right now. Invariant: `0 <= free <= limit`.
    free: Mutex<usize>,
    /// Signalled each time a permit comes back.
    returned: Condvar,
    limit: usize,
}

/// One permit of a [`Semaphore`]; dropping it gives the permit back (RAII, like a `MutexGuard`).
#[derive(Debug)]
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits. With 0, every `acquire` waits forever (the CLI
    /// refuses 0; the library allows it because a gate that starts closed is occasionally useful).
    pub fn new(permits: usize) -> Self {
        Semaphore {
            free: Mutex::new(permits),
            returned: Condvar::new(),
            limit: permits,
        }
    }

    /// How many permits the semaphore was created with.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many permits are free at this instant (already stale when you read it; for reports).
    pub fn available(&self) -> usize {
        *shim::lock(&self.free)
    }

    /// Takes a permit, waiting as long as it takes for one to be free.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = shim::lock(&self.free);
        // A loop, not an `if`: wake-ups can be spurious, and another thread may take the permit
        // between the notification and our re-locking.
        while *free == 0 {
            free = shim::wait(&self.returned, free);
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// Takes a permit if one is free right now, without waiting.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = shim::lock(&self.free);
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }

    /// Takes a permit, waiting at most `timeout`; `None` if none came free in time.
    ///
    /// A timeout takes nothing: the counter is only decremented on the path that returns a permit.
    pub fn acquire_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + timeout;
        let mut free = shim::lock(&self.free);
        loop {
            if *free > 0 {
                *free -= 1;
                return Some(Permit { semaphore: self });
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            let (guard, timed_out) =
                shim::wait_timeout(&self.returned, &self.free, free, deadline - now);
            free = guard;
            // One last look after a timeout: a permit returned just as we timed out is taken.
            if timed_out && *free == 0 {
                return None;
            }
        }
    }

    /// Gives one permit back (called by `Permit::drop`).
    fn release(&self) {
        let mut free = shim::lock(&self.free);
        debug_assert!(*free < self.limit, "more permits returned than taken");
        *free += 1;
        drop(free);
        // One permit came back, so one waiter can use it: waking all would be a thundering herd.
        self.returned.notify_one();
    }
}

impl Permit<'_> {
    /// The semaphore this permit belongs to.
    pub fn semaphore(&self) -> &Semaphore {
        self.semaphore
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.release();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn permits_are_counted() {
        let sem = Semaphore::new(2);
        let a = sem.acquire();
        let b = sem.acquire();
        assert_eq!(sem.available(), 0);
        assert!(sem.try_acquire().is_none());
        drop(a);
        assert_eq!(sem.available(), 1);
        drop(b);
        assert_eq!(sem.available(), 2);
    }

    #[test]
    fn timeout_takes_nothing() {
        let sem = Semaphore::new(1);
        let held = sem.acquire();
        assert!(sem.acquire_timeout(Duration::from_millis(20)).is_none());
        drop(held);
        assert_eq!(sem.available(), 1);
        assert!(sem.acquire_timeout(Duration::from_millis(20)).is_some());
        assert_eq!(sem.available(), 1, "the permit came back when dropped");
    }
}
