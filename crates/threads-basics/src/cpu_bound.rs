//! Computing work: the sum of square roots, on one thread and on N.
//!
//! The seeds compute `sqrt(i)` for 5,000,000 numbers, then split the range into 12 chunks with
//! one thread each, and find that **the threads are no faster**: CPython's Global Interpreter Lock
//! lets only one thread run Python bytecode at a time, so CPU-bound Python threads take turns on
//! one core. The seeds then switch to processes to get a speedup.
//!
//! Rust has no GIL. Each thread here is an OS thread running machine code on its own core, so N
//! threads over N chunks run up to N times faster, limited by the number of cores (see
//! [`crate::cores`]) and by the cost of starting threads, which matters when the work is small.
//!
//! The second half ports the seeds' `wait` vs `computing` comparison: the same number of calls
//! of a waiting task (sleep) and of a computing task (a chain of `cos`), serial and on threads.
//! In Python, threads speed up only the waiting one; in Rust, both.

use std::ops::Range;
use std::thread;
use std::time::Duration;

use crate::error::ThreadsError;
use crate::spawning::join_named;

/// The seeds' problem size.
pub const SEED_NUMBERS: u64 = 5_000_000;

/// The sum of `sqrt(i)` for `i` in `range`: the work of one chunk.
pub fn sqrt_sum_range(range: Range<u64>) -> f64 {
    range.map(|i| (i as f64).sqrt()).sum()
}

/// The baseline: the sum of `sqrt(i)` for `i` in `0..n` on the calling thread.
pub fn sqrt_sum_sequential(n: u64) -> f64 {
    sqrt_sum_range(0..n)
}

/// Splits `0..n` into `parts` contiguous ranges of nearly equal length (the first `n % parts`
/// get one more), covering every number exactly once. Some ranges are empty when `parts > n`.
pub fn chunk_ranges(n: u64, parts: usize) -> Result<Vec<Range<u64>>, ThreadsError> {
    if parts == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    let parts_u64 = parts as u64;
    let (base, extra) = (n / parts_u64, n % parts_u64);
    let mut start = 0;
    Ok((0..parts_u64)
        .map(|i| {
            let len = base + u64::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect())
}

/// The sum of `sqrt(i)` for `i` in `0..n`, split over `threads` threads, one chunk each.
///
/// Each thread returns its partial sum through `join`; adding the partial sums in chunk order
/// makes the result deterministic for a given thread count. (It can differ from the sequential
/// sum in the last digits: floating-point addition is not associative.)
pub fn sqrt_sum_threads(n: u64, threads: usize) -> Result<f64, ThreadsError> {
    let handles = chunk_ranges(n, threads)?
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let name = format!("sqrt-{i}");
            thread::Builder::new()
                .name(name.clone())
                .spawn(move || sqrt_sum_range(range))
                .map_err(|source| ThreadsError::Spawn { name, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut total = 0.0;
    for handle in handles {
        total += join_named(handle)?;
    }
    Ok(total)
}

/// The seeds' waiting task: sleep.
pub fn wait(duration: Duration) {
    thread::sleep(duration);
}

/// The seeds' computing task: `y = cos(y)` `iterations` times, starting at 0.001.
///
/// Each step needs the previous result, so the compiler cannot skip or vectorise the loop; the
/// result is returned so that it cannot be optimised away either.
pub fn computing(iterations: u64) -> f64 {
    let mut y = 0.001_f64;
    for _ in 0..iterations {
        y = y.cos();
    }
    y
}

/// The seeds' iteration count for [`computing`].
pub const SEED_ITERATIONS: u64 = 10_000_000;

/// Runs `task` `count` times on the calling thread.
pub fn run_serial<T>(count: usize, task: impl Fn() -> T) -> Vec<T> {
    (0..count).map(|_| task()).collect()
}

/// Runs `task` `count` times, each on its own thread, and returns the results in spawn order.
pub fn run_threads<T, F>(count: usize, task: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn() -> T + Send + Clone + 'static,
{
    let handles = (0..count)
        .map(|i| {
            let name = format!("task-{i}");
            let task = task.clone();
            thread::Builder::new()
                .name(name.clone())
                .spawn(task)
                .map_err(|source| ThreadsError::Spawn { name, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}
