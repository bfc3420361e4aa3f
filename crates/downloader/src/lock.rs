//! The one poison-tolerant lock of the crate.
//!
//! A `Mutex` is *poisoned* when a thread panics while holding it. Everything this crate keeps
//! behind a lock (counters, maps of progress bars, collected results) is updated in a single
//! step, so a panic cannot leave it half-changed: the other threads may go on using it, and one
//! panicking download must not take the whole batch down with it.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, even if a thread panicked while holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// The value inside `mutex`, even if a thread panicked while holding it.
pub(crate) fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
}
