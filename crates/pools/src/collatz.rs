//! The seeds' benchmark workload and every way of spreading it over threads.
//!
//! `worker_task(n)` applies 1000 Collatz steps to `n` (halve it if even, else `3n + 1`); the race
//! computes it for every `n` in `1..=50_000`. The work per item is small (about a microsecond) and
//! all the same, which makes it a good test of what each strategy costs on top of the work.
//!
//! Each strategy returns the results in input order, so every one can be checked against
//! [`sequential`]. Read them in order: each fixes something the previous one left to chance.

use std::ops::Range;
use std::thread;

use rayon::prelude::*;

use crate::pool::ThreadPool;
use crate::stealing::StealingPool;

/// The seeds' inputs: `START..=END`.
pub const START: u64 = 1;
/// The last input (inclusive).
pub const END: u64 = 50_000;
/// Collatz steps per item.
pub const STEPS: u32 = 1000;

/// The seeds' inputs as a range.
pub fn inputs() -> Range<u64> {
    START..END + 1
}

/// The seeds' `worker_task`: 1000 Collatz steps from `number`.
pub fn worker_task(number: u64) -> u64 {
    let mut n = number;
    for _ in 0..STEPS {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
    }
    n
}

/// The sum of the results: the checksum to compare with the Python original.
pub fn checksum(results: &[u64]) -> u64 {
    results.iter().sum()
}

/// One loop on one thread: the baseline.
pub fn sequential(inputs: Range<u64>) -> Vec<u64> {
    inputs.map(worker_task).collect()
}

/// The seeds' `threading_implementation`: one `thread::spawn` per chunk of `ceil(len / threads)`
/// inputs. `spawn` needs `'static` data, so each thread owns its range and returns its own `Vec`;
/// the caller joins them in order and concatenates.
pub fn spawned_threads(inputs: Range<u64>, threads: usize) -> Vec<u64> {
    let handles: Vec<_> = split(inputs, threads)
        .into_iter()
        .map(|chunk| thread::spawn(move || sequential(chunk)))
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("a Collatz thread panicked"))
        .collect()
}

/// `ThreadPoolExecutor.map`: the hand-made pool, one job per item. Honest but wasteful: each
/// item pays a trip through the queue and the result channel, which costs about as much as the
/// item's work.
pub fn pool_per_item(pool: &ThreadPool, inputs: Range<u64>) -> Vec<u64> {
    pool.map(worker_task, inputs)
        .into_iter()
        .map(|r| r.expect("worker_task does not panic"))
        .collect()
}

/// The work-stealing pool, one job per item: the same jobs as [`pool_per_item`], without the one
/// lock they all meet at.
pub fn stealing_per_item(pool: &StealingPool, inputs: Range<u64>) -> Vec<u64> {
    pool.map(worker_task, inputs)
        .into_iter()
        .map(|r| r.expect("worker_task does not panic"))
        .collect()
}

/// The hand-made pool with one job per chunk of `chunk` items (`chunksize=1000` in the seeds'
/// process pool): the queue's cost is paid 1000 times less often.
pub fn pool_chunked(pool: &ThreadPool, inputs: Range<u64>, chunk: usize) -> Vec<u64> {
    let chunks = chunks_of(inputs, chunk);
    pool.map(sequential, chunks)
        .into_iter()
        .flat_map(|r| r.expect("worker_task does not panic"))
        .collect()
}

/// `std::thread::scope`: threads may borrow, so each writes straight into its own slice of the
/// output — what the seeds' threads do to their shared `results` list, but proven race-free:
/// `chunks_mut` hands out disjoint `&mut` slices.
pub fn scoped_threads(inputs: Range<u64>, threads: usize) -> Vec<u64> {
    let first = inputs.start;
    let mut out = vec![0; range_len(&inputs)];
    let per_thread = out.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        for (i, slice) in out.chunks_mut(per_thread).enumerate() {
            let offset = first + (i * per_thread) as u64;
            s.spawn(move || fill(slice, offset));
        }
    });
    out
}

/// crossbeam scoped threads pulling work from a channel: the output is cut into chunks of `chunk`
/// items and the `&mut` slices themselves travel through the channel. Whoever is free takes the
/// next chunk, so a slow thread (or a busy core) delays nobody — dynamic load balancing.
pub fn crossbeam_channel(inputs: Range<u64>, threads: usize, chunk: usize) -> Vec<u64> {
    let first = inputs.start;
    let mut out = vec![0; range_len(&inputs)];
    // The channel borrows `out` (it carries `&mut` slices of it): it must be gone before `out`
    // is returned, hence the block.
    {
        let (tx, rx) = crossbeam_channel::unbounded::<(u64, &mut [u64])>();
        for (i, slice) in out.chunks_mut(chunk.max(1)).enumerate() {
            tx.send((first + (i * chunk) as u64, slice))
                .expect("the receiver is alive");
        }
        drop(tx); // workers stop when the channel is empty and closed
        crossbeam::scope(|s| {
            for _ in 0..threads.max(1) {
                let rx = rx.clone();
                s.spawn(move |_| {
                    for (offset, slice) in rx {
                        fill(slice, offset);
                    }
                });
            }
        })
        .expect("a Collatz thread panicked");
    }
    out
}

/// rayon: `par_iter().map().collect()`. Work stealing over the global pool (one thread per core),
/// splitting the range adaptively; the results come back in order.
pub fn rayon(inputs: Range<u64>) -> Vec<u64> {
    inputs.into_par_iter().map(worker_task).collect()
}

/// Writes `worker_task(offset + i)` into `slice[i]`.
fn fill(slice: &mut [u64], offset: u64) {
    for (i, slot) in slice.iter_mut().enumerate() {
        *slot = worker_task(offset + i as u64);
    }
}

fn range_len(range: &Range<u64>) -> usize {
    usize::try_from(range.end.saturating_sub(range.start)).expect("the range fits in memory")
}

/// `parts` consecutive ranges of (nearly) equal length covering `range`, as the seeds cut it.
pub fn split(range: Range<u64>, parts: usize) -> Vec<Range<u64>> {
    let per_part = range_len(&range).div_ceil(parts.max(1)).max(1);
    chunks_of(range, per_part)
}

/// Consecutive ranges of `size` items (the last may be shorter) covering `range`.
pub fn chunks_of(range: Range<u64>, size: usize) -> Vec<Range<u64>> {
    let size = size.max(1) as u64;
    (range.start..range.end)
        .step_by(size as usize)
        .map(|start| start..(start + size).min(range.end))
        .collect()
}

/// rayon on a pool of exactly `threads` threads, built for the call: the nearest Rust has to
/// joblib's `Parallel(n_jobs=threads, backend="threading")`, a parallel map over a fixed number of
/// threads (which, in Python, the GIL lets compute one at a time).
pub fn rayon_pool(
    inputs: Range<u64>,
    threads: usize,
) -> Result<Vec<u64>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(|| rayon(inputs)))
}
