//! The locks the hand-made primitives are built on: std's, or loom's under `--cfg loom`.
//!
//! loom replaces `Mutex` and `Condvar` with versions that let it explore every interleaving. loom's
//! `Condvar::wait_timeout` never times out, so under loom [`wait_timeout`] models the other case, a
//! timeout that fires before any notification: it releases the lock, lets other threads run, takes
//! the lock back and reports "timed out". Together with the real waits of `acquire` and `wait`, the
//! model then covers both ways a timed wait can end.

use std::sync::PoisonError;
use std::time::Duration;

#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

/// Locks `mutex`, ignoring poisoning: the primitives run no user code while holding their lock, so
/// the state behind it is consistent even if some other thread panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar` until notified (or spuriously woken).
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar` for at most `timeout`; returns the guard and whether the wait timed out.
#[cfg(not(loom))]
pub(crate) fn wait_timeout<'a, T>(
    condvar: &Condvar,
    _mutex: &'a Mutex<T>,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> (MutexGuard<'a, T>, bool) {
    let (guard, result) = condvar
        .wait_timeout(guard, timeout)
        .unwrap_or_else(PoisonError::into_inner);
    (guard, result.timed_out())
}

/// Under loom: the timeout fires at once (see the module docs).
#[cfg(loom)]
pub(crate) fn wait_timeout<'a, T>(
    _condvar: &Condvar,
    mutex: &'a Mutex<T>,
    guard: MutexGuard<'a, T>,
    _timeout: Duration,
) -> (MutexGuard<'a, T>, bool) {
    drop(guard);
    loom::thread::yield_now();
    (lock(mutex), true)
}
