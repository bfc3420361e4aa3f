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

use std::hint::black_box;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::collatz::chunks_of;
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
