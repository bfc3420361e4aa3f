//! The same picture, rendered seven ways: from one loop to every lane of every core, and then
//! skipping what need not be computed.
//!
//! Every strategy fills a [`Counts`] grid with bit-identical results (the tests check it); they
//! differ only in who computes which pixel:
//!
//! | strategy | who renders what |
//! |---|---|
//! | `sequential` | one thread, one pixel at a time, with complex numbers (the seeds' simple version) |
//! | `threads` | one band of consecutive rows per thread (the seeds' multiprocessing split by y) |
//! | `threads-interleaved` | rows dealt round-robin: thread `t` takes rows `t, t+n, t+2n, …` |
//! | `rayon` | rayon's work stealing over rows (`par_chunks_mut`) |
//! | `simd` | one thread, many pixels per instruction ([`crate::simd`]) |
//! | `simd-rayon` | both: SIMD rows, stolen by every core |
//! | `smart` | `simd-rayon` on what is left after exact skips ([`crate::smart`]) |
//!
//! (The `processes` strategy, bands rendered by worker processes, is in [`crate::processes`].)
//!
//! ## Why bands balance badly
//! The cost of a pixel is its escape count, and the set's interior costs `max_iter` per pixel while
//! the outside costs a handful. With one band per thread, the threads whose bands cross the middle
//! of the set work much longer than the ones at the top and bottom, and the render takes as long as
//! the slowest band. Dealing rows round-robin gives every thread a sample of every part of the
//! picture; rayon goes further and lets idle threads steal rows. [`Rendering::per_worker`] shows
//! the spread.

use std::fmt;
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use thiserror::Error;

use crate::escape;
use crate::params::Params;
use crate::simd;
use crate::smart;

/// Escape counts of a whole image, row-major (`counts[i * width + j]` is row `i`, column `j`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Image width.
    pub width: usize,
    /// Image height.
    pub height: usize,
    /// `width × height` counts, row 0 (`y_min`) first.
    pub data: Vec<u32>,
}

impl Counts {
    /// A grid of zeros for `params`, written out before it is returned. (`vec![0; n]` would
    /// map fresh pages that the system fills only when first written to: inside the render's
    /// timing, where faulting in 33 MB costs a tenth of a fast render. The zero is hidden from
    /// the optimizer, which would otherwise turn the writing back into such a lazy allocation.)
    pub fn zeros(params: &Params) -> Counts {
        let mut data = Vec::with_capacity(params.pixels());
        data.resize(params.pixels(), std::hint::black_box(0));
        Counts {
            width: params.width(),
            height: params.height(),
            data,
        }
    }

    /// The count at row `i`, column `j`.
    pub fn get(&self, i: usize, j: usize) -> u32 {
        self.data[i * self.width + j]
    }

    /// Total iterations over every pixel: the work done, for throughput figures.
    pub fn total_iterations(&self) -> u64 {
        self.data.iter().map(|&c| u64::from(c)).sum()
    }
}

/// How to spread the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// One thread, complex numbers.
    Sequential,
    /// One band of rows per thread.
    Threads,
    /// Rows dealt round-robin to the threads.
    ThreadsInterleaved,
    /// Rayon over rows.
    Rayon,
    /// One thread, SIMD.
    Simd,
    /// Rayon over rows, SIMD within each.
    SimdRayon,
    /// `SimdRayon` on the pixels that cannot be skipped exactly ([`crate::smart`]).
    Smart,
    /// Bands of rows rendered by worker processes ([`crate::processes`]).
    Processes,
}

impl Strategy {
    /// Every strategy, in the order the lesson tells them.
    pub const ALL: [Strategy; 8] = [
        Strategy::Sequential,
        Strategy::Threads,
        Strategy::ThreadsInterleaved,
        Strategy::Rayon,
        Strategy::Simd,
        Strategy::SimdRayon,
        Strategy::Smart,
        Strategy::Processes,
    ];

    /// The strategies that run inside this process ([`render`] handles them).
    pub const IN_PROCESS: [Strategy; 7] = [
        Strategy::Sequential,
        Strategy::Threads,
        Strategy::ThreadsInterleaved,
        Strategy::Rayon,
        Strategy::Simd,
        Strategy::SimdRayon,
        Strategy::Smart,
    ];

    /// The name used on the command line and in benches.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::Threads => "threads",
            Strategy::ThreadsInterleaved => "threads-interleaved",
            Strategy::Rayon => "rayon",
            Strategy::Simd => "simd",
            Strategy::SimdRayon => "simd-rayon",
            Strategy::Smart => "smart",
            Strategy::Processes => "processes",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A strategy name that is not one of [`Strategy::ALL`].
#[derive(Debug, Error)]
#[error(
    "unknown strategy {0:?} (expected one of: sequential, threads, threads-interleaved, rayon, simd, simd-rayon, smart, processes)"
)]
pub struct UnknownStrategy(String);

impl FromStr for Strategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Strategy, UnknownStrategy> {
        Strategy::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| UnknownStrategy(s.to_owned()))
    }
}

/// A finished render: the counts, the time it took (no I/O), each worker's own busy time where
/// the strategy has a fixed set of workers, and the iterations it did not compute.
#[derive(Debug, Clone)]
pub struct Rendering {
    /// The counts.
    pub counts: Counts,
    /// Wall-clock time of the render alone.
    pub elapsed: Duration,
    /// Busy time of each thread or process, in worker order (empty for `sequential`, `rayon`...).
    pub per_worker: Vec<Duration>,
    /// Iterations counted but not computed (`smart` skips some exactly; the others skip none).
    pub skipped_iterations: u64,
}

impl Rendering {
    /// Iterations actually computed: the sum of the counts, less those skipped. Divided by
    /// [`Rendering::elapsed`], the honest throughput.
    pub fn computed_iterations(&self) -> u64 {
        self.counts.total_iterations() - self.skipped_iterations
    }
}

/// Renders `params` with `strategy` on `threads` threads (ignored by the single-threaded ones;
/// rayon uses its global pool).
///
/// # Panics
/// For [`Strategy::Processes`], which needs a process pool: use [`crate::processes::render`].
pub fn render(params: &Params, strategy: Strategy, threads: usize) -> Rendering {
    let mut counts = Counts::zeros(params);
    let mut skipped = None;
    let start = Instant::now();
    let per_worker = match strategy {
        Strategy::Sequential => {
            sequential(params, &mut counts.data);
            Vec::new()
        }
        Strategy::Threads => threads_bands(params, threads, &mut counts.data),
        Strategy::ThreadsInterleaved => threads_interleaved(params, threads, &mut counts.data),
        Strategy::Rayon => {
            rayon_rows(params, &mut counts.data);
            Vec::new()
        }
        Strategy::Simd => {
            simd::render_rows(params, 0, &mut counts.data);
            Vec::new()
        }
        Strategy::SimdRayon => {
            simd_rayon(params, &mut counts.data);
            Vec::new()
        }
        Strategy::Smart => {
            skipped = Some(smart::render(params, &mut counts.data));
            Vec::new()
        }
        Strategy::Processes => panic!("the processes strategy needs a pool: use processes::render"),
    };
    let elapsed = start.elapsed();
    let skipped_iterations = skipped.map_or(0, |s| s.iterations(params.width(), &counts.data));
    Rendering {
        elapsed,
        counts,
        per_worker,
        skipped_iterations,
    }
}

/// The seeds' simple version: every pixel in turn, with complex numbers.
pub fn sequential(params: &Params, out: &mut [u32]) {
    escape::render_rows_complex(params, 0, out);
}

/// Rows per band when `height` rows are split into `parts` bands: the ceiling, so that at most
/// `parts` bands cover every row (the seeds' `height // num_workers` drops the remainder rows).
pub fn band_rows(height: usize, parts: usize) -> usize {
    height.div_ceil(parts.max(1))
}

/// One band of consecutive rows per thread, on scoped threads; returns each thread's busy time.
pub fn threads_bands(params: &Params, threads: usize, out: &mut [u32]) -> Vec<Duration> {
    let rows = band_rows(params.height(), threads);
    thread::scope(|s| {
        let handles: Vec<_> = out
            .chunks_mut(rows * params.width())
            .enumerate()
            .map(|(b, band)| {
                s.spawn(move || {
                    let start = Instant::now();
                    escape::render_rows(params, b * rows, band);
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a render thread panicked"))
            .collect()
    })
}

/// Rows dealt round-robin: thread `t` renders rows `t, t + n, t + 2n, …`; returns each thread's
/// busy time.
///
/// Each thread gets its own list of `&mut` rows, so the borrow checker knows no two threads write
/// the same row: no locks, no `unsafe`.
pub fn threads_interleaved(params: &Params, threads: usize, out: &mut [u32]) -> Vec<Duration> {
    let n = threads.clamp(1, params.height());
    let mut hands: Vec<Vec<(usize, &mut [u32])>> = (0..n).map(|_| Vec::new()).collect();
    for (i, row) in out.chunks_mut(params.width()).enumerate() {
        hands[i % n].push((i, row));
    }
    thread::scope(|s| {
        let handles: Vec<_> = hands
            .into_iter()
            .map(|rows| {
                s.spawn(move || {
                    let start = Instant::now();
                    for (i, row) in rows {
                        escape::render_row(params, i, row);
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a render thread panicked"))
            .collect()
    })
}

/// Rayon over rows: each row is a task, idle threads steal the rest.
pub fn rayon_rows(params: &Params, out: &mut [u32]) {
    out.par_chunks_mut(params.width())
        .enumerate()
        .for_each(|(i, row)| escape::render_row(params, i, row));
}

/// Rayon over rows, each row rendered with the fastest SIMD kernel.
pub fn simd_rayon(params: &Params, out: &mut [u32]) {
    let kernel = simd::Kernel::best();
    out.par_chunks_mut(params.width())
        .enumerate()
        .for_each(|(i, row)| simd::render_row_with(kernel, params, i, row));
}

/// The number of threads to use by default: the cores the OS gives this process.
pub fn default_threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// How rows are assigned to a fixed set of workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduling {
    /// Consecutive bands of rows ([`threads_bands`]).
    Bands,
    /// Rows dealt round-robin ([`threads_interleaved`]).
    Interleaved,
}

/// The iterations each of `workers` workers would compute on `counts` under `scheduling`: the
/// work balance, independent of the machine's noise. The busiest worker sets the wall-clock time.
pub fn work_per_worker(counts: &Counts, workers: usize, scheduling: Scheduling) -> Vec<u64> {
    let workers = workers.max(1);
    let rows = band_rows(counts.height, workers);
    let mut work = vec![0u64; workers];
    for (i, row) in counts.data.chunks(counts.width).enumerate() {
        let w = match scheduling {
            Scheduling::Bands => i / rows,
            Scheduling::Interleaved => i % workers,
        };
        work[w] += row.iter().map(|&c| u64::from(c)).sum::<u64>();
    }
    work
}

/// The busiest worker's work divided by the average: 1.0 is a perfect balance, and the best
/// speed-up the split allows is `workers / imbalance`.
pub fn imbalance(work: &[u64]) -> f64 {
    let total: u64 = work.iter().sum();
    let max = work.iter().copied().max().unwrap_or(0);
    if total == 0 {
        1.0
    } else {
        max as f64 * work.len() as f64 / total as f64
    }
}
