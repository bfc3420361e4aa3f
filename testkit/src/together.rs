//! Seeing threads run at the same time, without a clock.

use std::collections::HashSet;
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::thread::{self, ThreadId};

/// A meeting point for threads: the first time each thread calls [`Together::arrive`], it waits
/// until `size` different threads have arrived together.
///
/// Work that runs one thread after another, or all on one thread, never gets past it (the
/// test's [`crate::deadline`] then reports it), while `size` threads running at once do, however
/// slow the machine. Later arrivals of a thread that has met already pass straight through, so
/// the work may go on in any order once it started in parallel.
///
/// ```
/// use testkit::Together;
/// let together = Together::new(2);
/// std::thread::scope(|s| {
///     for _ in 0..2 {
///         s.spawn(|| together.arrive());
///     }
/// });
/// assert_eq!(together.threads().len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Together {
    seen: Arc<Mutex<HashSet<ThreadId>>>,
    barrier: Arc<Barrier>,
}

impl Together {
    /// A meeting point for `size` threads.
    pub fn new(size: usize) -> Self {
        Self {
            seen: Arc::new(Mutex::new(HashSet::new())),
            barrier: Arc::new(Barrier::new(size)),
        }
    }

    /// Waits, the first time the calling thread comes by, for `size` threads to be here at once.
    pub fn arrive(&self) {
        let first_time = self.lock().insert(thread::current().id());
        if first_time {
            self.barrier.wait();
        }
    }

    /// Every thread that arrived so far.
    pub fn threads(&self) -> HashSet<ThreadId> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<ThreadId>> {
        // A set of ids cannot be left half-updated by a panic: keep using it.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
