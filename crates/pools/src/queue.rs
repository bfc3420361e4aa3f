//! The job queue: a channel built by hand from a `Mutex`, a `Condvar` and a `VecDeque`.
//!
//! Python's `queue.Queue` (which the seeds' `Pool` uses) is exactly this: a deque guarded by a lock,
//! plus a condition variable that wakes a sleeping consumer when an item arrives. The pool's workers
//! all `pop` from one `JobQueue`; whoever gets the lock first takes the next job, so the work spreads
//! itself over the workers with no scheduler.
//!
//! Three rules make shutdown clean, and the loom model (`tests/loom.rs`) checks them:
//! - `pop` blocks while the queue is empty *and open*; once it is closed, `pop` still hands out what
//!   is queued and returns `None` only when nothing is left, so a graceful shutdown loses no job.
//! - `close` wakes *every* sleeper (`notify_all`): a worker left asleep on a closed queue would hang
//!   the pool's `drop` forever.
//! - `drain` takes what is queued in one step under the lock, so each job is either popped by one
//!   worker or drained, never both and never neither.

use std::collections::VecDeque;

#[cfg(loom)]
use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard};

/// A multi-producer, multi-consumer FIFO queue that can be closed.
#[derive(Debug)]
pub struct JobQueue<T> {
    state: Mutex<State<T>>,
    /// Signalled when an item arrives (one sleeper) or the queue closes (all sleepers).
    changed: Condvar,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// The queue was closed: the item comes back to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the queue is closed")]
pub struct Closed<T>(pub T);

impl<T> Default for JobQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> JobQueue<T> {
    /// An empty, open queue.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// Appends `item` and wakes one waiting consumer; fails (giving the item back) once closed.
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        // Unlock before notifying so the woken consumer does not immediately block on the lock.
        drop(state);
        self.changed.notify_one();
        Ok(())
    }

    /// Takes the oldest item, sleeping while the queue is empty and open. Returns `None` once the
    /// queue is closed *and* empty: the worker's signal to exit.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.lock();
        // A loop, not an `if`: wake-ups can be spurious, and another consumer may have taken the
        // item between the notification and our re-acquiring the lock.
        while state.items.is_empty() && !state.closed {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.items.pop_front()
    }

    /// Refuses further pushes and wakes every waiting consumer. Queued items stay poppable.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// Removes and returns every queued item (used by `shutdown_now`).
    pub fn drain(&self) -> Vec<T> {
        self.lock().items.drain(..).collect()
    }

    /// How many items are waiting.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether no item is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Jobs run outside the lock, so a panic can never poison it; recovering keeps that promise
    /// even if something else panics while holding it.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
