//! Idle workers asleep on a condition variable, woken only when there is someone to wake: how
//! the [`StealingPool`](crate::StealingPool) waits for work without losing a wake-up and
//! without paying for one when every worker is busy.
//!
//! The queues of a work-stealing pool have no lock to wait on, so sleeping is a protocol of its
//! own, and an easy one to get wrong. Two rules make it right, and the loom model
//! (`tests/loom.rs`) checks them:
//!
//! - **No lost wake-up.** A worker first counts itself as a sleeper, *then* looks at the queues
//!   once more, and only then waits; a producer first queues its job, *then* looks at the count.
//!   Both touch the count with a read-modify-write (the producer's adds 0), and read-modify-writes
//!   of one atomic happen in a single order: if the worker's comes first, the producer reads a
//!   sleeper and wakes it; if the producer's comes first, the worker's reads it (acquire from
//!   release) and so sees the job queued before it. A plain load on the producer's side would not
//!   do: it may read a stale count while the worker reads a stale queue, and the job would wait
//!   while every worker sleeps. (Two `SeqCst` fences around plain accesses also work in the C++
//!   model, but loom cannot check that: it treats `SeqCst` as acquire/release.) The count changes
//!   and the wait begins under one mutex, so the producer's `notify` cannot slip in between the
//!   worker's last look and its wait.
//! - **No wake-up for nothing.** While no worker sleeps, [`Sleepers::wake_one`] is one atomic
//!   instruction (a `lock xadd` on x86, what a `SeqCst` fence costs too): no lock, no system
//!   call. That is most of the time under load.

#[cfg(loom)]
use loom::sync::atomic::{AtomicUsize, Ordering};
#[cfg(loom)]
use loom::sync::{Condvar, Mutex};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex};

use std::sync::PoisonError;

/// Idle workers, sleeping until [`Sleepers::wake_one`] or [`Sleepers::wake_all`].
#[derive(Debug, Default)]
pub struct Sleepers {
    /// How many workers are between counting themselves in and waking up.
    count: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Sleepers {
    /// Sleeps until `ready` returns `Some`, and returns that. `ready` is called under the
    /// sleepers' lock, after this worker has counted itself as a sleeper, and again after each
    /// wake-up (which may be spurious, or meant for another sleeper).
    pub fn sleep_until<T>(&self, mut ready: impl FnMut() -> Option<T>) -> T {
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.count.fetch_add(1, Ordering::SeqCst);
        let found = loop {
            if let Some(found) = ready() {
                break found;
            }
            guard = self
                .wake
                .wait(guard)
                .unwrap_or_else(PoisonError::into_inner);
        };
        self.count.fetch_sub(1, Ordering::SeqCst);
        found
    }

    /// Wakes one sleeping worker, if any. Call it *after* making the work visible.
    pub fn wake_one(&self) {
        // Adding 0, not loading: see the module's first rule.
        if self.count.fetch_add(0, Ordering::SeqCst) > 0 {
            let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.wake.notify_one();
        }
    }

    /// Wakes every sleeping worker (the pool is closing). Call it *after* marking it closed.
    pub fn wake_all(&self) {
        // Under the lock, every sleeper either is waiting (and is notified) or has not yet
        // counted itself in (and will see the pool closed when it looks).
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.wake.notify_all();
    }
}
