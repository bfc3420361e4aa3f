//! How the lessons measure: wall-clock time, the fastest of a few runs, and speedup.
//!
//! Whether threads help is a question of time, so this lesson times its demos, and the later
//! lessons (the Mandelbrot strategies, the downloads) time theirs with these same helpers:
//!
//! - [`timed`] runs a closure and measures it with [`std::time::Instant`], a monotonic clock
//!   (the wall clock can jump; `Instant` never goes backwards).
//! - [`best_of`] and [`fastest_of`] keep the fastest of several runs. The first run pays for
//!   warming up (caches, page faults, the CPU raising its clock), and on a shared machine any run
//!   can be slowed by someone else's work: the fastest run is the one closest to what the code
//!   itself costs.
//! - [`speedup`] is how many times faster one run was than another: the baseline's time divided
//!   by the contender's.
//!
//! These are demo measurements, printed for people. The figures a README quotes come from the
//! criterion benches in `benches/`, which repeat each measurement until it is statistically sound.

use std::convert::Infallible;
use std::time::{Duration, Instant};

/// What a run produced, with how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed<T> {
    /// What the run produced.
    pub value: T,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl<T, E> Timed<Result<T, E>> {
    /// The timed result of a fallible run, as a result of a timed value.
    pub fn transpose(self) -> Result<Timed<T>, E> {
        let Self { value, elapsed } = self;
        value.map(|value| Timed { value, elapsed })
    }
}

/// Runs `f` and measures it.
pub fn timed<T>(f: impl FnOnce() -> T) -> Timed<T> {
    let start = Instant::now();
    let value = f();
    Timed {
        value,
        elapsed: start.elapsed(),
    }
}

/// Runs `f` `repeat` times (at least once), timing each run, and keeps the fastest.
pub fn best_of<T>(repeat: u32, mut f: impl FnMut() -> T) -> Timed<T> {
    let Ok(best) = fastest_of(
        repeat,
        || Ok::<_, Infallible>(timed(&mut f)),
        |run| run.elapsed,
    );
    best
}

/// Runs `run` `repeat` times (at least once) and keeps the result whose `elapsed` is the
/// smallest; the first error ends the runs.
///
/// For work that times itself: a rendering that measures only its own loop, not the setting up
/// around it, reports its time in its result.
pub fn fastest_of<T, E>(
    repeat: u32,
    mut run: impl FnMut() -> Result<T, E>,
    elapsed: impl Fn(&T) -> Duration,
) -> Result<T, E> {
    let mut best = run()?;
    for _ in 1..repeat {
        let next = run()?;
        if elapsed(&next) < elapsed(&best) {
            best = next;
        }
    }
    Ok(best)
}

/// How many times faster `fast` was than `slow` (a zero `fast` counts as a nanosecond).
pub fn speedup(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

/// A duration in milliseconds, for tables.
pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
