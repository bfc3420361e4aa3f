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

use std::fmt;
use std::ops::Range;
use std::thread;
use std::time::Duration;

use crate::cores::{self, Cores};
use crate::error::ThreadsError;
use crate::pace::Pace;
use crate::spawning::{join_named, spawn_named};
use crate::timing::{Timed, best_of, millis, speedup, timed};

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
        .map(|(i, range)| spawn_named(format!("sqrt-{i}"), move || sqrt_sum_range(range)))
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
        .map(|i| spawn_named(format!("task-{i}"), task.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}

/// The seeds' thread count for the sum (`NUM_WORKERS`).
pub const SEED_THREADS: usize = 12;

/// What the CPU-bound demo measured.
#[derive(Clone, Debug, PartialEq)]
pub struct CpuReport {
    /// The machine's cores.
    pub cores: Cores,
    /// How many square roots were summed.
    pub numbers: u64,
    /// The sum on the calling thread: the fastest run.
    pub sequential: Timed<f64>,
    /// The sum on each thread count: the fastest run of each.
    pub threaded: Vec<(usize, Timed<f64>)>,
    /// The seeds' `wait` vs `computing`.
    pub wait_vs_computing: WaitVsComputing,
}

/// The sum of square roots of `0..numbers` on one thread and on `threads` threads (by default
/// the logical core count, and then the seeds' 12 as well), the fastest of `repeat` runs of each;
/// then [`wait_vs_computing`] with one call per logical core.
pub fn demo(
    pace: Pace,
    threads: Option<usize>,
    numbers: u64,
    repeat: u32,
) -> Result<CpuReport, ThreadsError> {
    let cores = cores::cores();
    let mut counts = vec![threads.unwrap_or(cores.logical)];
    if threads.is_none() && cores.logical != SEED_THREADS {
        counts.push(SEED_THREADS);
    }
    let sequential = best_of(repeat, || sqrt_sum_sequential(numbers));
    let threaded = counts
        .into_iter()
        .map(|t| {
            let run = best_of(repeat, || sqrt_sum_threads(numbers, t)).transpose()?;
            Ok((t, run))
        })
        .collect::<Result<_, ThreadsError>>()?;
    Ok(CpuReport {
        cores,
        numbers,
        sequential,
        threaded,
        wait_vs_computing: wait_vs_computing(pace, cores.logical)?,
    })
}

/// Serial and threaded times of the same calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SerialVsThreads {
    /// Every call on the calling thread, one after another.
    pub serial: Duration,
    /// One thread per call.
    pub threads: Duration,
}

/// The seeds' comparison: the same number of calls of a waiting task and of a computing task.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitVsComputing {
    /// Calls of each task.
    pub calls: usize,
    /// How long each `wait` sleeps.
    pub sleep: Duration,
    /// How many `cos` iterations each `computing` does.
    pub iterations: u64,
    /// The waiting task.
    pub wait: SerialVsThreads,
    /// The computing task.
    pub computing: SerialVsThreads,
}

/// `calls` calls of [`wait`] (the seeds' 1 s, scaled by `pace`) and of [`computing`] (the seeds'
/// iterations, scaled alike), serial and one thread per call. The computing results must agree.
pub fn wait_vs_computing(pace: Pace, calls: usize) -> Result<WaitVsComputing, ThreadsError> {
    let sleep = pace.secs(1.0);
    let iterations = (SEED_ITERATIONS as f64 * pace.factor()) as u64;
    let serial = timed(|| run_serial(calls, || wait(sleep)));
    let threads = timed(|| run_threads(calls, move || wait(sleep))).transpose()?;
    let wait = SerialVsThreads {
        serial: serial.elapsed,
        threads: threads.elapsed,
    };
    let serial = timed(|| run_serial(calls, || computing(iterations)));
    let threads = timed(|| run_threads(calls, move || computing(iterations))).transpose()?;
    if threads.value != serial.value {
        return Err(ThreadsError::Disagree {
            what: "serial and threaded computing",
        });
    }
    Ok(WaitVsComputing {
        calls,
        sleep,
        iterations,
        wait,
        computing: SerialVsThreads {
            serial: serial.elapsed,
            threads: threads.elapsed,
        },
    })
}

impl fmt::Display for CpuReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.cores;
        writeln!(
            f,
            "{} logical cores, {} physical; summing sqrt(i) for i < {}",
            c.logical, c.physical, self.numbers
        )?;
        let seq = &self.sequential;
        writeln!(
            f,
            "  sequential      {:8.2} ms   sum = {:.6e}",
            millis(seq.elapsed),
            seq.value
        )?;
        for (t, run) in &self.threaded {
            writeln!(
                f,
                "  {t:3} threads     {:8.2} ms   sum = {:.6e}   speedup {:.2}x",
                millis(run.elapsed),
                run.value,
                speedup(seq.elapsed, run.elapsed)
            )?;
        }
        writeln!(
            f,
            "In CPython the threaded version is no faster: the GIL lets one thread run Python code at a\n\
             time. Rust threads run at once on separate cores, so the speedup approaches the core count\n\
             ({}) for large enough work; beyond it, more threads only take turns.",
            c.logical
        )?;
        write!(f, "{}", self.wait_vs_computing)
    }
}

impl fmt::Display for WaitVsComputing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\nwait (sleep {:.3} s) vs computing ({} cos iterations), {} calls each:",
            self.sleep.as_secs_f64(),
            self.iterations,
            self.calls
        )?;
        for (task, times) in [("wait", self.wait), ("computing", self.computing)] {
            writeln!(
                f,
                "  {task:>9}: serial {:8.2} ms, threads {:8.2} ms, speedup {:.2}x",
                millis(times.serial),
                millis(times.threads),
                speedup(times.serial, times.threads)
            )?;
        }
        writeln!(
            f,
            "Python's threads speed up only `wait`; Rust's speed up both."
        )
    }
}
