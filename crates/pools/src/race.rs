//! `pools race`: the seeds' benchmark table, translated.
//!
//! Every [`Strategy`] computes `worker_task` on the same inputs; each result is checked against the
//! sequential one, timed, and compared: *speedup* = sequential time / its time, and *efficiency* =
//! speedup / the cores it could use (its workers, at most the machine's cores). An efficiency near
//! 1 means every core did useful work; far below 1 means time went to overhead or waiting.
//!
//! The times include everything each strategy needs, as in the seeds: spawning the threads,
//! building the pool, starting the processes.
//!
//! [`SEED_TABLE`] maps each of the 18 rows of seed 000's table to the Rust row that stands for it;
//! with `--python` the seed's own Python rows ([`crate::seed_python`]) are timed in the same run
//! and printed beside them.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use threads_basics::timing::{Timed, fastest_of, speedup, timed};

use crate::collatz;
use crate::pool::ThreadPool;
use crate::process;
use crate::seed_python::{SeedPythonError, SeedRow};
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
    /// A rayon pool of exactly this many threads (joblib's threading backend, `n_jobs` = N).
    RayonPool(usize),
    /// The ipc lesson's process pool, chunks of [`CHUNK`].
    Processes(usize),
    /// N worker processes, each given one equal chunk, the results coming back over their pipes:
    /// the seed's raw `multiprocessing.Process`es and result `Queue`.
    RawProcesses(usize),
}

/// Seed 000's table, row by row (numbered from 1), and the Rust row that stands for each.
/// joblib's `multiprocessing` and `loky` backends are process pools that hand out batches: their
/// Rust row is the process pool of as many workers.
pub const SEED_TABLE: [(&str, Strategy); 18] = {
    use Strategy::*;
    [
        ("Naive Sequential", Sequential),
        ("Threading (4 threads)", Threads(4)),
        ("Threading (12 threads)", Threads(12)),
        ("Threading (100 threads)", Threads(100)),
        ("Multiprocessing (4 proc)", RawProcesses(4)),
        ("Multiprocessing (12 proc)", RawProcesses(12)),
        ("ThreadPool (4 workers)", ThreadPool(4)),
        ("ThreadPool (12 workers)", ThreadPool(12)),
        ("ThreadPool (100 workers)", ThreadPool(100)),
        ("ProcessPool (4 workers)", Processes(4)),
        ("ProcessPool (12 workers)", Processes(12)),
        ("Joblib Threading (4)", RayonPool(4)),
        ("Joblib Threading (12)", RayonPool(12)),
        ("Joblib Threading (100)", RayonPool(100)),
        ("Joblib Multiprocessing (4)", Processes(4)),
        ("Joblib Multiprocessing (12)", Processes(12)),
        ("Joblib Loky (4)", Processes(4)),
        ("Joblib Loky (12)", Processes(12)),
    ]
};

impl Strategy {
    /// The seed's line-up, translated, then the Rust-only rows.
    pub fn lineup() -> Vec<Strategy> {
        use Strategy::*;
        vec![
            Sequential,
            Threads(4),
            Threads(12),
            Threads(100),
            RawProcesses(4),
            RawProcesses(12),
            ThreadPool(4),
            ThreadPool(12),
            ThreadPool(100),
            Processes(4),
            Processes(12),
            RayonPool(4),
            RayonPool(12),
            RayonPool(100),
            // Rust only:
            ThreadPoolChunked(4),
            StealingPool(4),
            Scope(4),
            CrossbeamChannel(4),
            Rayon,
            Processes(2),
        ]
    }

    /// Whether it starts processes.
    pub fn uses_processes(self) -> bool {
        matches!(self, Strategy::Processes(_) | Strategy::RawProcesses(_))
    }

    /// The rows of [`SEED_TABLE`] it stands for (numbered from 1).
    pub fn seed_rows(self) -> Vec<usize> {
        (1..)
            .zip(SEED_TABLE)
            .filter(|(_, (_, strategy))| *strategy == self)
            .map(|(row, _)| row)
            .collect()
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
            | Strategy::RayonPool(n)
            | Strategy::Processes(n)
            | Strategy::RawProcesses(n) => n,
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
            Strategy::RayonPool(n) => collatz::rayon_pool(inputs, n)?,
            Strategy::Processes(n) => {
                let exe = exe.ok_or(RaceError::NoWorkerBinary)?;
                let mut pool = process::start(n, exe)?;
                process::collatz(&mut pool, inputs, CHUNK)?
            }
            Strategy::RawProcesses(n) => {
                let exe = exe.ok_or(RaceError::NoWorkerBinary)?;
                let mut pool = process::start(n, exe)?;
                let per_process = collatz::split(inputs.clone(), n)[0].clone();
                let chunk = (per_process.end - per_process.start) as usize;
                process::collatz(&mut pool, inputs, chunk)?
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
            Strategy::RayonPool(n) => write!(f, "rayon pool of {n} threads, par_iter"),
            Strategy::Processes(n) => write!(f, "process pool ({n}), chunks of {CHUNK}"),
            Strategy::RawProcesses(n) => write!(f, "{n} processes, one chunk each"),
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
    /// A rayon pool would not start.
    #[error(transparent)]
    Rayon(#[from] rayon::ThreadPoolBuildError),
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
        Some(speedup(sequential, run.time))
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
        let outcome = time_best(strategy, inputs.clone(), repeats, exe).map(|best| RaceRun {
            time: best.elapsed,
            correct: best.value == reference,
            checksum: collatz::checksum(&best.value),
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
) -> Result<Timed<Vec<u64>>, RaceError> {
    let repeats = u32::try_from(repeats).unwrap_or(u32::MAX);
    fastest_of(
        repeats,
        || timed(|| strategy.run(inputs.clone(), exe)).transpose(),
        |run| run.elapsed,
    )
}

/// What `pools race` runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Runs per strategy; the best time is kept.
    pub repeats: u32,
    /// Include the process rows.
    pub processes: bool,
    /// Also time the seed's own Python rows.
    pub python: bool,
}

/// The whole race: the Rust rows, and the seed's Python rows when asked for.
#[derive(Debug)]
pub struct Report {
    /// The machine's cores.
    pub cores: usize,
    /// Runs per strategy.
    pub repeats: u32,
    /// One row per strategy, in line-up order.
    pub rows: Vec<RaceRow>,
    /// The seed's Python rows, if asked for (or why there are none).
    pub python: Option<Result<Vec<SeedRow>, SeedPythonError>>,
}

impl Report {
    /// Whether every strategy ran and found the sequential results.
    pub fn all_correct(&self) -> bool {
        self.rows
            .iter()
            .all(|row| row.outcome.as_ref().is_ok_and(|run| run.correct))
    }

    fn sequential_time(&self) -> Duration {
        self.rows
            .iter()
            .find(|row| row.strategy == Strategy::Sequential)
            .and_then(|row| row.outcome.as_ref().ok())
            .map_or(Duration::ZERO, |run| run.time)
    }

    fn time_of(&self, strategy: Strategy) -> Option<Duration> {
        let row = self.rows.iter().find(|row| row.strategy == strategy)?;
        row.outcome.as_ref().ok().map(|run| run.time)
    }
}

/// The race of [`Strategy::lineup`] on the seeds' inputs, per `config`; `exe` is the worker
/// binary of the process rows.
pub fn demo(config: &Config, exe: Option<&Path>) -> Report {
    let strategies: Vec<Strategy> = Strategy::lineup()
        .into_iter()
        .filter(|s| config.processes || !s.uses_processes())
        .collect();
    let rows = race(
        &strategies,
        collatz::inputs(),
        config.repeats as usize,
        exe,
        |_| {},
    );
    let python = config
        .python
        .then(|| crate::seed_python::run(&crate::seed_python::interpreter()));
    Report {
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        repeats: config.repeats,
        rows,
        python,
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sequential = self.sequential_time();
        writeln!(
            f,
            "=== The race: worker_task (1000 Collatz steps) on 1..=50000, {} cores ===",
            self.cores
        )?;
        writeln!(
            f,
            "best of {} run(s); times include starting threads, pools and processes",
            self.repeats
        )?;
        writeln!(
            f,
            "{:<36} {:>10} {:>8} {:>10}  ok  checksum  seed row",
            "strategy", "time", "speedup", "efficiency"
        )?;
        for row in &self.rows {
            let name = row.strategy.to_string();
            let seed_rows = row.strategy.seed_rows();
            let seed = if seed_rows.is_empty() {
                "(Rust only)".to_owned()
            } else {
                format!("{seed_rows:?}")
            };
            match &row.outcome {
                Ok(run) => writeln!(
                    f,
                    "{name:<36} {:>8.1}ms {:>7.2}x {:>9.0}%  {}   {:<8}  {seed}",
                    run.time.as_secs_f64() * 1e3,
                    row.speedup(sequential).unwrap_or(0.0),
                    row.efficiency(sequential, self.cores).unwrap_or(0.0) * 100.0,
                    if run.correct { "✓" } else { "✗" },
                    run.checksum
                )?,
                Err(err) => writeln!(f, "{name:<36} failed: {err}")?,
            }
        }
        writeln!(
            f,
            "speedup = sequential time / time; efficiency = speedup / min(workers, cores)"
        )?;
        writeln!(
            f,
            "the checksum (sum of the results) is 116673, as tests/collatz.rs proves independently"
        )?;
        match &self.python {
            None => writeln!(f, "(the seed's own Python rows: `pools race --python`)")?,
            Some(Err(err)) => writeln!(f, "the seed's Python: {err}")?,
            Some(Ok(seed_rows)) => self.fmt_python(f, seed_rows)?,
        }
        writeln!(f)
    }
}

impl Report {
    /// The seed's table as Python ran it, each row beside the Rust row that stands for it.
    fn fmt_python(&self, f: &mut fmt::Formatter<'_>, seed_rows: &[SeedRow]) -> fmt::Result {
        writeln!(
            f,
            "\n--- seed 000's table in Python (same run), beside its Rust row ---"
        )?;
        writeln!(
            f,
            "{:>2} {:<28} {:>10} {:<9} {:<36} {:>10}",
            "#", "seed row", "Python", "checksum", "Rust row", "Rust"
        )?;
        for seed in seed_rows {
            let Some((_, strategy)) = seed.row.checked_sub(1).and_then(|i| SEED_TABLE.get(i))
            else {
                continue;
            };
            let rust = match self.time_of(*strategy) {
                Some(time) => format!("{:.1}ms", time.as_secs_f64() * 1e3),
                None => "not run".to_owned(),
            };
            let (python, checksum) = match (seed.seconds, seed.checksum) {
                (Some(s), Some(sum)) => (format!("{:.1}ms", s * 1e3), sum.to_string()),
                _ => ("skipped".to_owned(), String::new()),
            };
            writeln!(
                f,
                "{:>2} {:<28} {python:>10} {checksum:<9} {:<36} {rust:>10}",
                seed.row,
                seed.name,
                strategy.to_string()
            )?;
        }
        let mut reasons: Vec<&str> = seed_rows
            .iter()
            .filter_map(|r| r.skipped.as_deref())
            .collect();
        reasons.dedup();
        for reason in reasons {
            writeln!(f, "skipped: {reason}")?;
        }
        Ok(())
    }
}
