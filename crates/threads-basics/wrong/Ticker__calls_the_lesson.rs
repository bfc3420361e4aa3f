//! Wraps the lesson's own `timers::RepeatingTimer` instead of building the ticker.

use crate::timers::RepeatingTimer;

/// **Exercise 6: a repeating timer that stops on request.** (Wrong: the lesson does the work.)
#[derive(Debug)]
pub struct Ticker {
    timer: RepeatingTimer,
}

impl Ticker {
    /// Starts ticking every `interval`; returns at once.
    pub fn start<F>(interval: Duration, on_tick: F) -> Ticker
    where
        F: FnMut(u64) + Send + 'static,
    {
        let timer = RepeatingTimer::start(interval, on_tick).expect("the OS refused a thread");
        Ticker { timer }
    }

    /// Stops the ticker, waits for its thread, and returns how many ticks happened.
    pub fn stop(self) -> u64 {
        self.timer.stop().expect("the ticker's on_tick panicked")
    }
}
