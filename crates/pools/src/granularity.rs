//! Granularity and contention: the seeds' sum of `0..n` three ways.
//!
//! The seeds sum `0..1e8` on a pool in chunks of 100 (a million tiny jobs), and with threads that
//! take a lock for every single addition. Both are slow for reasons that have nothing to do with
//! adding: the first pays the pool's cost per job a million times, the second makes every addition
//! wait its turn for one lock (and bounces that lock's cache line between cores). Large chunks —
//! one per worker — pay each cost once. An atomic per addition is shown beside the lock: cheaper,
//! but still one shared cache line every core fights over.
//!
//! Each loop adds `black_box(i)`: without it the compiler would replace the whole loop by
//! `n(n-1)/2` and there would be nothing left to measure.

use std::fmt;
use std::hint::black_box;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use threads_basics::timing::{Timed, timed};

use crate::collatz::chunks_of;
use crate::error::PoolError;
use crate::pool::ThreadPool;

/// The seeds' small chunk.
pub const SMALL_CHUNK: usize = 100;

/// `0 + 1 + ... + (n - 1)`, the answer every version must find.
pub fn expected(n: u64) -> u64 {
    n.checked_sub(1).map_or(0, |last| last * n / 2)
}

/// Sums `range` with a plain loop.
pub fn sum_range(range: Range<u64>) -> u64 {
    let mut sum = 0u64;
    for i in range {
        sum = sum.wrapping_add(black_box(i));
    }
    sum
}

/// One loop on one thread.
pub fn sequential(n: u64) -> u64 {
    sum_range(0..n)
}

/// The pool maps `sum_range` over chunks of `chunk` numbers and adds the partial sums
/// (`starmap(sum_multi_processes_2, chunks)`).
pub fn pool_chunks(pool: &ThreadPool, n: u64, chunk: usize) -> u64 {
    let pairs = chunks_of(0..n, chunk).into_iter().map(|r| (r.start, r.end));
    pool.starmap(|start, end| sum_range(start..end), pairs)
        .into_iter()
        .map(|r| r.expect("summing does not panic"))
        .sum()
}

/// One chunk per worker: the cost of a job is paid `workers` times in all.
pub fn pool_large_chunks(pool: &ThreadPool, n: u64) -> u64 {
    let per_worker = usize::try_from(n.div_ceil(pool.workers() as u64)).unwrap_or(usize::MAX);
    pool_chunks(pool, n, per_worker)
}

/// The seeds' threaded version: chunks of 100 on the pool, and every addition takes one shared
/// lock (`with lock: x = x + i`).
pub fn lock_per_addition(pool: &ThreadPool, n: u64) -> u64 {
    let total = Arc::new(Mutex::new(0u64));
    let shared = Arc::clone(&total);
    let done = pool.map(
        move |range: Range<u64>| {
            for i in range {
                let mut sum = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                *sum = sum.wrapping_add(black_box(i));
            }
        },
        chunks_of(0..n, SMALL_CHUNK),
    );
    assert!(done.iter().all(Result::is_ok), "summing does not panic");
    *total
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The same with an atomic `fetch_add` per addition: no lock, but one contended cache line.
pub fn atomic_per_addition(pool: &ThreadPool, n: u64) -> u64 {
    let total = Arc::new(AtomicU64::new(0));
    let shared = Arc::clone(&total);
    let done = pool.map(
        move |range: Range<u64>| {
            for i in range {
                shared.fetch_add(black_box(i), Ordering::Relaxed);
            }
        },
        chunks_of(0..n, SMALL_CHUNK),
    );
    assert!(done.iter().all(Result::is_ok), "summing does not panic");
    total.load(Ordering::Relaxed)
}

/// One line of the granularity demo.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// How the sum was cut.
    pub name: String,
    /// What it found.
    pub sum: u64,
    /// How long it took.
    pub time: Duration,
}

/// The granularity demo: one sum, five ways, each checked against [`expected`].
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The sum is of `0..n`.
    pub n: u64,
    /// Pool workers.
    pub workers: usize,
    /// One row per way.
    pub rows: Vec<Row>,
}

impl Report {
    /// Whether every way found the right sum.
    pub fn all_correct(&self) -> bool {
        self.rows.iter().all(|row| row.sum == expected(self.n))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { n, workers, .. } = self;
        writeln!(
            f,
            "=== Granularity: the sum of 0..{n} on a pool of {workers} workers ==="
        )?;
        for Row { name, sum, time } in &self.rows {
            let ok = if *sum == expected(*n) { "✓" } else { "✗" };
            let ms = time.as_secs_f64() * 1e3;
            writeln!(f, "{name:<42} {sum:>16} {ok} {ms:>9.1} ms")?;
        }
        writeln!(
            f,
            "a job costs a trip through the queue; a shared lock or atomic costs a cache line"
        )?;
        writeln!(
            f,
            "that every core fights over. Cut work into few, large, independent pieces.\n"
        )
    }
}

/// Sums `0..n` sequentially and four ways on a pool of `workers`, timing each.
pub fn demo(n: u64, workers: usize) -> Result<Report, PoolError> {
    let pool = ThreadPool::new(workers)?;
    let jobs = n.div_ceil(SMALL_CHUNK as u64);
    let ways: [(String, &dyn Fn() -> u64); 5] = [
        ("sequential loop".into(), &|| sequential(n)),
        (
            format!("pool, chunks of {SMALL_CHUNK} ({jobs} jobs)"),
            &|| pool_chunks(&pool, n, SMALL_CHUNK),
        ),
        (
            format!("pool, one chunk per worker ({workers} jobs)"),
            &|| pool_large_chunks(&pool, n),
        ),
        ("pool, chunks of 100, a LOCK per addition".into(), &|| {
            lock_per_addition(&pool, n)
        }),
        ("pool, chunks of 100, an ATOMIC per add".into(), &|| {
            atomic_per_addition(&pool, n)
        }),
    ];
    let rows = ways
        .into_iter()
        .map(|(name, run)| {
            let Timed { value, elapsed } = timed(run);
            Row {
                name,
                sum: value,
                time: elapsed,
            }
        })
        .collect();
    Ok(Report { n, workers, rows })
}
