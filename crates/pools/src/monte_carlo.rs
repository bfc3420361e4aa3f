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

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

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
