//! Timers built from a thread, a mutex and a condition variable.
//!
//! Python's `threading.Timer(5, f)` is a thread that waits 5 s and then calls `f`, unless
//! `cancel()` came first. The seeds also build a repeating timer twice: once by having each run
//! start the next `Timer` (a new thread per tick), and once as a loop around
//! `event.wait(n)`, which returns early when another thread calls `event.set()`: the loop stops
//! at once instead of finishing its sleep.
//!
//! Rust's std has no timer, so we build both. The key is waiting on a condition variable with a
//! timeout (`Condvar::wait_timeout_while`): the thread sleeps until the deadline *or* until
//! another thread changes the state and notifies it, whichever comes first. A plain
//! `thread::sleep` could not be interrupted, and stopping a timer would take up to a whole
//! interval. [`OneShotTimer`] does it with a `Mutex` and a `Condvar` of its own;
//! [`RepeatingTimer`] waits on an [`Event`], Python's `threading.Event`, which lesson 2 (`sync`)
//! builds by hand from that same pair and model-checks: here we only use it.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use sync::event::Event;

use crate::error::ThreadsError;
use crate::log::Log;
use crate::pace::Pace;
use crate::spawning::{join_named, spawn_named};

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
        let handle = spawn_named("one-shot-timer", move || {
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
    stop: Arc<Event>,
    handle: JoinHandle<u64>,
}

impl RepeatingTimer {
    /// Starts the timer; `action` receives the tick number, from 1.
    pub fn start<F>(interval: Duration, action: F) -> Result<Self, ThreadsError>
    where
        F: FnMut(u64) + Send + 'static,
    {
        Self::start_with_event(interval, Arc::new(Event::new()), action)
    }

    /// Starts the timer on an existing [`Event`]: setting it stops every timer that shares it (the
    /// seeds stop two timers with one event).
    pub fn start_with_event<F>(
        interval: Duration,
        stop: Arc<Event>,
        mut action: F,
    ) -> Result<Self, ThreadsError>
    where
        F: FnMut(u64) + Send + 'static,
    {
        let event = Arc::clone(&stop);
        let handle = spawn_named("repeating-timer", move || {
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

/// What the timers demo saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimersReport {
    /// Whether the first one-shot timer fired.
    pub fired: bool,
    /// Whether the second one was cancelled before it fired.
    pub cancelled_in_time: bool,
    /// The ticks of each of the two repeating timers that one event stopped.
    pub ticks: Vec<u64>,
}

/// The seeds' timers: a one-shot timer that fires, one cancelled before it fires, then two
/// repeating timers that share one event, which the main thread sets after a while. The timers
/// and the main thread narrate on `log` as they go.
pub fn demo(pace: Pace, log: &Log) -> Result<TimersReport, ThreadsError> {
    let delay = pace.secs(5.0);
    let l = log.clone();
    let timer = OneShotTimer::start(delay, move || l.say("one-shot timer: fired"))?;
    log.say(format!(
        "timer activated, fires in {:.3} s",
        delay.as_secs_f64()
    ));
    let fired = timer.wait()?;
    log.say(format!("it fired: {fired}"));

    let l = log.clone();
    let timer = OneShotTimer::start(delay, move || {
        l.say("cancelled timer: fired (must not happen)")
    })?;
    let cancelled_in_time = timer.cancel()?;
    log.say(format!(
        "second timer cancelled before firing: {cancelled_in_time}"
    ));

    let stop = Arc::new(Event::new());
    let timers = ["timer-A", "timer-B"]
        .into_iter()
        .map(|name| {
            let l = log.clone();
            RepeatingTimer::start_with_event(pace.secs(2.0), Arc::clone(&stop), move |n| {
                l.say(format!("{name}: hello, tick {n}"));
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for _ in 0..3 {
        log.say("The main thread is doing something");
        std::thread::sleep(delay);
    }
    log.say("Main: setting the event");
    stop.set();
    let ticks = timers
        .into_iter()
        .map(RepeatingTimer::join)
        .collect::<Result<_, _>>()?;
    Ok(TimersReport {
        fired,
        cancelled_in_time,
        ticks,
    })
}

impl fmt::Display for TimersReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.ticks {
            writeln!(
                f,
                "a repeating timer left after {n} ticks; no tick runs after its join"
            )?;
        }
        Ok(())
    }
}
