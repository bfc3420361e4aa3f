//! Monte Carlo π on the pool, reproducibly.
//!
//! Throw random points in the unit square; the fraction inside the quarter circle tends to π/4.
//! The seeds run ten of these on a process pool. Two things need care when the throws are split
//! over workers:
//! - **Each task needs its own generator.** One shared generator behind a lock would serialize the
//!   work (and make the order of draws depend on scheduling). Here task `i` seeds its own
//!   `StdRng` from `(seed, i)`.
//! - **Reproducible means: same seed, same split.** The tasks are one per worker, so for a given
//!   seed and worker count the answer is the same on every run, whichever thread runs which
//!   task. A different worker count splits the draws differently and gives a (slightly)
//!   different estimate — still of π.

use std::fmt;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use threads_basics::timing::{Timed, timed};

use crate::error::PoolError;
use crate::pool::ThreadPool;

/// The result of a simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PiEstimate {
    /// Points thrown.
    pub samples: u64,
    /// Points that fell inside the quarter circle.
    pub inside: u64,
}

impl PiEstimate {
    /// `4 · inside / samples`.
    pub fn pi(&self) -> f64 {
        if self.samples == 0 {
            return 0.0;
        }
        4.0 * self.inside as f64 / self.samples as f64
    }
}

/// The generator of task `task` of a simulation seeded with `seed`.
pub fn task_rng(seed: u64, task: u64) -> StdRng {
    // `seed_from_u64` scrambles its input, so neighbouring values give unrelated streams.
    StdRng::seed_from_u64(seed ^ task.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Throws `samples` points with `rng` and counts those inside.
pub fn count_inside(samples: u64, rng: &mut impl Rng) -> u64 {
    let mut inside = 0;
    for _ in 0..samples {
        let (x, y): (f64, f64) = (rng.random(), rng.random());
        if x * x + y * y < 1.0 {
            inside += 1;
        }
    }
    inside
}

/// The simulation on one thread (one task: the same as a pool of one worker).
pub fn sequential(samples: u64, seed: u64) -> PiEstimate {
    PiEstimate {
        samples,
        inside: count_inside(samples, &mut task_rng(seed, 0)),
    }
}

/// The simulation on `pool`, one task (and one generator) per worker.
pub fn on_pool(pool: &ThreadPool, samples: u64, seed: u64) -> PiEstimate {
    let tasks = pool.workers() as u64;
    let shares: Vec<(u64, u64)> = (0..tasks)
        .map(|task| (task, samples / tasks + u64::from(task < samples % tasks)))
        .collect();
    let inside = pool
        .starmap(
            move |task, share| count_inside(share, &mut task_rng(seed, task)),
            shares,
        )
        .into_iter()
        .map(|r| r.expect("counting does not panic"))
        .sum();
    PiEstimate { samples, inside }
}

/// The π demo: one thread, then the pool twice with the same seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Pool workers.
    pub workers: usize,
    /// On one thread, and how long it took.
    pub one_thread: Timed<PiEstimate>,
    /// On the pool, and how long it took.
    pub on_pool: Timed<PiEstimate>,
    /// On the pool again, same seed: must equal `on_pool`.
    pub again: PiEstimate,
}

impl Report {
    /// Whether the second run on the pool reproduced the first.
    pub fn reproducible(&self) -> bool {
        self.on_pool.value == self.again
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |t: Duration| t.as_secs_f64() * 1e3;
        let (one, pool) = (&self.one_thread, &self.on_pool);
        writeln!(
            f,
            "=== Monte Carlo π: {} points, seed {} ===",
            one.value.samples, self.seed
        )?;
        writeln!(
            f,
            "one thread:          π ≈ {:.6} in {:.0} ms",
            one.value.pi(),
            ms(one.elapsed)
        )?;
        let verdict = if self.reproducible() {
            "the same: one seeded generator per worker"
        } else {
            "DIFFERENT"
        };
        writeln!(
            f,
            "pool of {} workers: π ≈ {:.6} in {:.0} ms; run again: {:.6} ({verdict})",
            self.workers,
            pool.value.pi(),
            ms(pool.elapsed),
            self.again.pi()
        )?;
        writeln!(
            f,
            "(a different worker count splits the draws differently: a slightly different estimate)\n"
        )
    }
}

/// Throws `samples` points on one thread and twice on a pool of `workers`, all seeded with `seed`.
pub fn demo(samples: u64, workers: usize, seed: u64) -> Result<Report, PoolError> {
    let one_thread = timed(|| sequential(samples, seed));
    let pool = ThreadPool::new(workers)?;
    let first = timed(|| on_pool(&pool, samples, seed));
    let again = on_pool(&pool, samples, seed);
    Ok(Report {
        seed,
        workers,
        one_thread,
        on_pool: first,
        again,
    })
}
