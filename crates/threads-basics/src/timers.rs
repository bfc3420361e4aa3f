//! Timers built from a thread, a mutex and a condition variable.
//!
//! Python's `threading.Timer(5, f)` is a thread that waits 5 s and then calls `f`, unless
//! `cancel()` came first. The seeds also build a repeating timer twice: once by having each run
//! start the next `Timer` (a new thread per tick), and once as a loop around
//! `event.wait(n)`, which returns early when another thread calls `event.set()`: the loop stops
//! at once instead of finishing its sleep.
//!
//! Rust's std has no timer, so we build both from an [`Event`]: a flag behind a `Mutex` with a
//! `Condvar` to wake the waiters, like Python's `threading.Event`. Waiting on a condition
//! variable with a timeout (`Condvar::wait_timeout_while`) is the key: the thread sleeps until the
//! deadline *or* until someone sets the event, whichever comes first. A plain `thread::sleep`
//! could not be interrupted, and stopping a timer would take up to a whole interval.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error::ThreadsError;
use crate::spawning::join_named;

/// A flag that threads can wait on, with a timeout: Python's `threading.Event`.
#[derive(Clone, Debug, Default)]
pub struct Event {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every thread waiting on it.
    pub fn set(&self) {
        let (flag, wake) = &*self.inner;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *self.inner.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the flag is set or `timeout` passes; returns whether it is set.
    ///
    /// `wait_timeout_while` re-checks the flag after every wake-up, so spurious wake-ups (which
    /// condition variables are allowed to have) do not end the wait early.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let (flag, wake) = &*self.inner;
        let guard = flag.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = wake
            .wait_timeout_while(guard, timeout, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

/// Where a one-shot timer is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Armed,
    Cancelled,
    Fired,
}

/// A one-shot timer: runs an action once after a delay, unless cancelled first.
///
/// The state (armed, cancelled, fired) lives behind one mutex, and the timer thread moves it from
/// armed to fired under that lock *before* it runs the action. So [`OneShotTimer::cancel`] either
/// finds it armed (and the action will never run) or fired (too late): there is no moment when
/// both could happen.
#[derive(Debug)]
pub struct OneShotTimer {
    shared: Arc<(Mutex<State>, Condvar)>,
    handle: JoinHandle<bool>,
}

impl OneShotTimer {
    /// Starts a timer that runs `action` after `delay`.
    pub fn start<F>(delay: Duration, action: F) -> Result<Self, ThreadsError>
    where
        F: FnOnce() + Send + 'static,
    {
        let shared = Arc::new((Mutex::new(State::Armed), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("one-shot-timer".into())
            .spawn(move || {
                let (state, wake) = &*theirs;
                let guard = state.lock().unwrap_or_else(PoisonError::into_inner);
                let (mut guard, _) = wake
                    .wait_timeout_while(guard, delay, |s| *s == State::Armed)
                    .unwrap_or_else(PoisonError::into_inner);
                if *guard != State::Armed {
                    return false; // cancelled
                }
                *guard = State::Fired;
                drop(guard); // never run user code while holding the lock
                action();
                true
            })
            .map_err(|source| ThreadsError::Spawn {
                name: "one-shot-timer".into(),
                source,
            })?;
        Ok(Self { shared, handle })
    }

    /// Cancels the timer. Returns `true` if it had not fired yet (the action will never run), or
    /// `false` if it already fired. Waits for the timer thread to end either way.
    pub fn cancel(self) -> Result<bool, ThreadsError> {
        let (state, wake) = &*self.shared;
        let cancelled = {
            let mut guard = state.lock().unwrap_or_else(PoisonError::into_inner);
            if *guard == State::Armed {
                *guard = State::Cancelled;
                true
            } else {
                false
            }
        };
        wake.notify_all();
        join_named(self.handle)?;
        Ok(cancelled)
    }

    /// Waits until the timer has fired (or was cancelled); returns whether the action ran.
    pub fn wait(self) -> Result<bool, ThreadsError> {
        join_named(self.handle)
    }
}

/// A repeating timer: runs an action every `interval` until stopped.
///
/// Ticks are scheduled at `start + k·interval`, not `interval` after the previous tick ended, so
/// a slow action does not make the timer drift. If an action runs longer than an interval, the
/// missed ticks are skipped rather than run in a burst.
#[derive(Debug)]
pub struct RepeatingTimer {
    stop: Event,
    handle: JoinHandle<u64>,
}

impl RepeatingTimer {
    /// Starts the timer; `action` receives the tick number, from 1.
    pub fn start<F>(interval: Duration, action: F) -> Result<Self, ThreadsError>
    where
        F: FnMut(u64) + Send + 'static,
    {
        Self::start_with_event(interval, Event::new(), action)
    }

    /// Starts the timer on an existing [`Event`]: setting it stops every timer that shares it (the
    /// seeds stop two timers with one event).
    pub fn start_with_event<F>(
        interval: Duration,
        stop: Event,
        mut action: F,
    ) -> Result<Self, ThreadsError>
    where
        F: FnMut(u64) + Send + 'static,
    {
        let event = stop.clone();
        let handle = thread::Builder::new()
            .name("repeating-timer".into())
            .spawn(move || {
                let start = Instant::now();
                let mut ticks = 0;
                let mut next = start + interval;
                loop {
                    let now = Instant::now();
                    if event.wait_timeout(next.saturating_duration_since(now)) {
                        return ticks;
                    }
                    ticks += 1;
                    action(ticks);
                    // Skip ticks that are already in the past.
                    let now = Instant::now();
                    while next <= now {
                        next += interval;
                    }
                }
            })
            .map_err(|source| ThreadsError::Spawn {
                name: "repeating-timer".into(),
                source,
            })?;
        Ok(Self { stop, handle })
    }

    /// Stops the timer and waits for its thread; returns how many times the action ran. No tick
    /// runs after this returns. (An action that is running when `stop` is called finishes first.)
    pub fn stop(self) -> Result<u64, ThreadsError> {
        self.stop.set();
        join_named(self.handle)
    }

    /// Waits for the thread to end after someone else set the shared event.
    pub fn join(self) -> Result<u64, ThreadsError> {
        join_named(self.handle)
    }
}
