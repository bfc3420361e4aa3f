//! Proof that work runs on several threads at the same time, without timing it.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// How long [`Together::arrive`] waits for the other threads: long enough for threads that are
/// merely slow to start on a loaded machine, short enough that work done one thread after
/// another fails in seconds.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// A barrier that opens only when `size` different threads have arrived at it: call
/// [`Together::arrive`] from the work under test, and the work can only get past it if `size`
/// threads run it at the same time.
///
/// Each thread waits at its first arrival only; later arrivals of the same thread (one per item,
/// say) pass straight through, and so does every arrival once the barrier has opened. Work done
/// one thread after another never opens it: the first thread gives up after [`PATIENCE`] and
/// panics with a message that says so, which fails the test instead of hanging it.
///
/// ```
/// use std::thread;
/// let together = testkit::Together::new(2);
/// thread::scope(|s| {
///     for _ in 0..2 {
///         s.spawn(|| together.arrive());
///     }
/// });
/// assert_eq!(together.threads(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Together {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    size: usize,
    state: Mutex<State>,
    arrived: Condvar,
}

#[derive(Debug, Default)]
struct State {
    seen: HashSet<ThreadId>,
    open: bool,
}

impl Together {
    /// A barrier for `size` threads.
    pub fn new(size: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                size,
                state: Mutex::new(State::default()),
                arrived: Condvar::new(),
            }),
        }
    }

    /// At the calling thread's first arrival, waits until `size` different threads have arrived;
    /// panics if they have not within [`PATIENCE`].
    pub fn arrive(&self) {
        let Inner {
            size,
            state,
            arrived,
        } = &*self.inner;
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        if !state.seen.insert(thread::current().id()) || state.open {
            return;
        }
        if state.seen.len() >= *size {
            state.open = true;
            arrived.notify_all();
            return;
        }
        let (state, _) = arrived
            .wait_timeout_while(state, PATIENCE, |s| !s.open)
            .unwrap_or_else(PoisonError::into_inner);
        if !state.open {
            let (came, size) = (state.seen.len(), *size);
            drop(state); // do not poison the lock for the other threads
            panic!(
                "only {came} of {size} threads were running this work at the same time \
                 (waited {PATIENCE:?} for the others): is it done one thread after another?"
            );
        }
    }

    /// How many different threads have arrived so far.
    pub fn threads(&self) -> usize {
        self.ids().len()
    }

    /// The threads that have arrived so far.
    pub fn ids(&self) -> HashSet<ThreadId> {
        let state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.seen.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_when_all_arrive_and_counts_threads_once() {
        let together = Together::new(3);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for _ in 0..10 {
                        together.arrive();
                    }
                });
            }
        });
        assert_eq!(together.threads(), 3);
    }

    #[test]
    #[should_panic(expected = "only 1 of 2 threads")]
    fn one_thread_after_another_is_refused() {
        let together = Together::new(2);
        for _ in 0..2 {
            let t = together.clone();
            // Each thread is joined before the next starts: they never meet.
            if let Err(payload) = thread::spawn(move || t.arrive()).join() {
                std::panic::resume_unwind(payload);
            }
        }
    }
}
