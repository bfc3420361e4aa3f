//! `pools race`: the seeds' benchmark table, translated.
//!
//! Every [`Strategy`] computes `worker_task` on the same inputs; each result is checked against the
//! sequential one, timed, and compared: *speedup* = sequential time / its time, and *efficiency* =
//! speedup / the cores it could use (its workers, at most the machine's cores). An efficiency near
//! 1 means every core did useful work; far below 1 means time went to overhead or waiting.
//!
//! The times include everything each strategy needs, as in the seeds: spawning the threads,
//! building the pool, starting the processes.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::collatz;
use crate::pool::ThreadPool;
use crate::process;
use crate::stealing::StealingPool;

/// Items per job where a strategy hands out chunks (the seeds' `chunksize=1000`).
pub const CHUNK: usize = 1000;

/// One way of computing the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// One loop, one thread.
    Sequential,
    /// `thread::spawn` over equal chunks, one per thread.
    Threads(usize),
    /// The hand-made pool, one job per item.
    ThreadPool(usize),
    /// The hand-made pool, one job per chunk of [`CHUNK`] items.
    ThreadPoolChunked(usize),
    /// The hand-made work-stealing pool, one job per item.
    StealingPool(usize),
    /// `std::thread::scope`, each thread writing its slice of the output.
    Scope(usize),
    /// crossbeam scoped threads taking chunks of the output from a channel.
    CrossbeamChannel(usize),
    /// rayon's `par_iter` on its global pool.
    Rayon,
    /// The ipc lesson's process pool, chunks of [`CHUNK`].
    Processes(usize),
}

impl Strategy {
    /// The seeds' line-up, translated.
    pub fn lineup() -> Vec<Strategy> {
        use Strategy::*;
        vec![
            Sequential,
            Threads(4),
            Threads(12),
            Threads(100),
            ThreadPool(4),
            ThreadPool(12),
            ThreadPool(100),
            ThreadPoolChunked(4),
            StealingPool(4),
            Scope(4),
            CrossbeamChannel(4),
            Rayon,
            Processes(2),
            Processes(4),
        ]
    }

    /// How many threads or processes it uses.
    pub fn workers(self) -> usize {
        match self {
            Strategy::Sequential => 1,
            Strategy::Rayon => rayon::current_num_threads(),
            Strategy::Threads(n)
            | Strategy::ThreadPool(n)
            | Strategy::ThreadPoolChunked(n)
            | Strategy::StealingPool(n)
            | Strategy::Scope(n)
            | Strategy::CrossbeamChannel(n)
            | Strategy::Processes(n) => n,
        }
    }

    /// Computes `worker_task` on `inputs`. `exe` is the worker binary for [`Strategy::Processes`].
    pub fn run(self, inputs: Range<u64>, exe: Option<&Path>) -> Result<Vec<u64>, RaceError> {
        Ok(match self {
            Strategy::Sequential => collatz::sequential(inputs),
            Strategy::Threads(n) => collatz::spawned_threads(inputs, n),
            Strategy::ThreadPool(n) => collatz::pool_per_item(&ThreadPool::new(n)?, inputs),
            Strategy::ThreadPoolChunked(n) => {
                collatz::pool_chunked(&ThreadPool::new(n)?, inputs, CHUNK)
            }
            Strategy::Scope(n) => collatz::scoped_threads(inputs, n),
            Strategy::CrossbeamChannel(n) => collatz::crossbeam_channel(inputs, n, CHUNK),
            Strategy::StealingPool(n) => collatz::stealing_per_item(&StealingPool::new(n)?, inputs),
            Strategy::Rayon => collatz::rayon(inputs),
            Strategy::Processes(n) => {
                let exe = exe.ok_or(RaceError::NoWorkerBinary)?;
                let mut pool = process::start(n, exe)?;
                process::collatz(&mut pool, inputs, CHUNK)?
            }
        })
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Sequential => write!(f, "sequential"),
            Strategy::Threads(n) => write!(f, "thread::spawn, {n} chunks"),
            Strategy::ThreadPool(n) => write!(f, "hand-made pool ({n}), job per item"),
            Strategy::ThreadPoolChunked(n) => write!(f, "hand-made pool ({n}), chunks of {CHUNK}"),
            Strategy::Scope(n) => write!(f, "thread::scope, {n} slices"),
            Strategy::CrossbeamChannel(n) => write!(f, "crossbeam scope + channel ({n})"),
            Strategy::StealingPool(n) => write!(f, "work-stealing pool ({n}), job per item"),
            Strategy::Rayon => write!(f, "rayon par_iter"),
            Strategy::Processes(n) => write!(f, "process pool ({n}), chunks of {CHUNK}"),
        }
    }
}

/// A strategy that could not run.
#[derive(Debug, thiserror::Error)]
pub enum RaceError {
    /// The hand-made pool would not start.
    #[error(transparent)]
    Pool(#[from] crate::error::PoolError),
    /// The process pool failed.
    #[error(transparent)]
    Processes(#[from] ipc::pool::PoolError),
    /// Process strategies need a worker binary.
    #[error("no worker binary given for the process pool")]
    NoWorkerBinary,
}

/// One line of the table.
#[derive(Debug)]
pub struct RaceRow {
    /// The strategy.
    pub strategy: Strategy,
    /// Best time over the repeats, or why it failed.
    pub outcome: Result<RaceRun, RaceError>,
}

/// A successful run.
#[derive(Debug, Clone, Copy)]
pub struct RaceRun {
    /// The best time over the repeats.
    pub time: Duration,
    /// Whether the results equal the sequential ones.
    pub correct: bool,
    /// The sum of the results.
    pub checksum: u64,
}

impl RaceRow {
    /// Sequential time / this time.
    pub fn speedup(&self, sequential: Duration) -> Option<f64> {
        let run = self.outcome.as_ref().ok()?;
        Some(sequential.as_secs_f64() / run.time.as_secs_f64().max(1e-9))
    }

    /// Speedup per core it could use: its workers, at most `cores`.
    pub fn efficiency(&self, sequential: Duration, cores: usize) -> Option<f64> {
        let usable = self.strategy.workers().min(cores).max(1);
        Some(self.speedup(sequential)? / usable as f64)
    }
}

/// Runs every strategy `repeats` times (keeping the best time) and checks it against the
/// sequential results, which are computed first. `on_row` sees each row as it finishes.
pub fn race(
    strategies: &[Strategy],
    inputs: Range<u64>,
    repeats: usize,
    exe: Option<&Path>,
    mut on_row: impl FnMut(&RaceRow),
) -> Vec<RaceRow> {
    let reference = collatz::sequential(inputs.clone());
    let mut rows = Vec::new();
    for &strategy in strategies {
        let outcome =
            time_best(strategy, inputs.clone(), repeats, exe).map(|(time, results)| RaceRun {
                time,
                correct: results == reference,
                checksum: collatz::checksum(&results),
            });
        let row = RaceRow { strategy, outcome };
        on_row(&row);
        rows.push(row);
    }
    rows
}

fn time_best(
    strategy: Strategy,
    inputs: Range<u64>,
    repeats: usize,
    exe: Option<&Path>,
) -> Result<(Duration, Vec<u64>), RaceError> {
    let mut best: Option<(Duration, Vec<u64>)> = None;
    for _ in 0..repeats.max(1) {
        let started = Instant::now();
        let results = strategy.run(inputs.clone(), exe)?;
        let time = started.elapsed();
        if best.as_ref().is_none_or(|(t, _)| time < *t) {
            best = Some((time, results));
        }
    }
    Ok(best.expect("at least one repeat"))
}
