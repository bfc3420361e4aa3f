//! Observing concurrency without a clock: how many are in flight now, and the most at once.
//!
//! "These requests ran concurrently" is a claim about overlapping lifetimes, not about speed. A
//! [`Gauge`] counts the lifetimes that are open right now and remembers the peak, so a test can
//! say "10 tasks were in flight at once" or "never more than 4" without timing anything, on any
//! machine, however loaded.
//!
//! It is runtime-agnostic on purpose: two atomics, no lock and no `.await`, so the same gauge
//! counts threads, tokio tasks, or connections of the lesson's server (which uses one).
//!
//! ```
//! use async_io::gauge::Gauge;
//!
//! let gauge = Gauge::default();
//! let first = gauge.enter();
//! let second = gauge.enter();
//! assert_eq!((gauge.now(), gauge.peak()), (2, 2));
//! drop((first, second));
//! let _third = gauge.enter();
//! assert_eq!((gauge.now(), gauge.peak()), (1, 2));
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

/// A counter of what is in flight, with its peak. Share it with `Arc` (or `&` in scoped threads).
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
    entered: AtomicUsize,
}

impl Gauge {
    /// Counts one more in flight until the returned guard is dropped.
    pub fn enter(&self) -> InFlight<'_> {
        // SeqCst keeps `now` and `peak` in one order for every thread: the peak can never be seen
        // lower than a `now` that was already seen.
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.entered.fetch_add(1, Ordering::SeqCst);
        InFlight { gauge: self }
    }

    /// In flight right now.
    pub fn now(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most that were ever in flight at once (since the start or the last reset).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many times [`Gauge::enter`] was called in all (since the start or the last reset).
    pub fn entered(&self) -> usize {
        self.entered.load(Ordering::SeqCst)
    }

    /// Starts a new measurement: the peak becomes what is in flight now, the total zero.
    pub fn reset(&self) {
        self.peak.store(self.now(), Ordering::SeqCst);
        self.entered.store(0, Ordering::SeqCst);
    }
}

/// One lifetime counted by a [`Gauge`]; dropping it ends it.
#[derive(Debug)]
#[must_use = "the lifetime ends when this guard is dropped"]
pub struct InFlight<'a> {
    gauge: &'a Gauge,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}
