//! Big data between processes (seed 004's runs #1–#4): Z = X·Y element by element, with 16
//! columns of `rows` numbers each, in four ways:
//! 1. one process: a plain loop;
//! 2. threads of one process, one per column, each writing its own `&mut` slice of one Z (the
//!    seeds' numpy + `ThreadPool` aside): nothing is copied and nothing needs a lock, because
//!    `chunks_mut` hands out disjoint slices and the borrow checker sees they are;
//! 3. a process pool, *copying* each column's X and Y to a worker and its Z back through
//!    ipc-channel (the seeds' `pool.imap(pmul, offsets)` that pickles slices);
//! 4. a process pool *sharing* X, Y and Z through one mapped file: a task is just "column c",
//!    the worker reads X and Y and writes Z in place (the seeds' `shared_memory` runs).
//!
//! Copying costs serialization plus two copies through the kernel per column each way; sharing
//! costs one copy into the mapping up front. The results are checked equal to the one-process
//! product, bit for bit (the same multiplications in the same order): [`BigData::verdict`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::pool::{PoolError, ProcessPool};
use crate::shared::shared_tempdir;

/// The argument that makes the `ipc` binary's pool worker serve [`ColumnJob`]s.
pub const WORKER_ARG: &str = "bigdata-worker";

/// The seeds' column count.
pub const COLUMNS: usize = 16;

/// The seeds' row count (`--rows 1000000`); the default is smaller so the lesson stays quick.
pub const SEED_ROWS: usize = 1_000_000;

/// One column's work for a pool worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnJob {
    /// The data travels with the task.
    Copied {
        /// The column of X.
        x: Vec<f64>,
        /// The column of Y.
        y: Vec<f64>,
    },
    /// The data is in a mapped file laid out as X, then Y, then Z (`columns * rows` each).
    Shared {
        /// The file.
        path: PathBuf,
        /// Rows per column.
        rows: usize,
        /// Columns.
        columns: usize,
        /// Which column to multiply.
        column: usize,
    },
}

/// A worker's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnAnswer {
    /// The product column (for [`ColumnJob::Copied`]).
    Product(Vec<f64>),
    /// The product was written into the mapping.
    Written,
    /// The worker could not do it.
    Failed(String),
}

/// The one-process product.
pub fn multiply(x: &[f64], y: &[f64]) -> Vec<f64> {
    x.iter().zip(y).map(|(a, b)| a * b).collect()
}

/// The product on one scoped thread per column, each writing its own slice of one `Vec`.
pub fn multiply_threads(x: &[f64], y: &[f64], rows: usize) -> Vec<f64> {
    let mut z = vec![0.0; x.len()];
    std::thread::scope(|s| {
        for ((z, x), y) in z
            .chunks_mut(rows.max(1))
            .zip(x.chunks(rows.max(1)))
            .zip(y.chunks(rows.max(1)))
        {
            s.spawn(move || {
                for ((z, a), b) in z.iter_mut().zip(x).zip(y) {
                    *z = a * b;
                }
            });
        }
    });
    z
}

/// What a pool worker does with a [`ColumnJob`].
pub fn work(job: ColumnJob) -> ColumnAnswer {
    match job {
        ColumnJob::Copied { x, y } => ColumnAnswer::Product(multiply(&x, &y)),
        ColumnJob::Shared {
            path,
            rows,
            columns,
            column,
        } => match multiply_in_mapping(&path, rows, columns, column) {
            Ok(()) => ColumnAnswer::Written,
            Err(e) => ColumnAnswer::Failed(e.to_string()),
        },
    }
}

fn multiply_in_mapping(
    path: &Path,
    rows: usize,
    columns: usize,
    column: usize,
) -> std::io::Result<()> {
    let mut map = map_file(path, 3 * rows * columns, false)?;
    let all = as_f64s(&mut map)?;
    let n = rows * columns;
    let (xy, z) = all.split_at_mut(2 * n);
    let (x, y) = xy.split_at(n);
    let range = column * rows..(column + 1) * rows;
    for ((z, a), b) in z[range.clone()]
        .iter_mut()
        .zip(&x[range.clone()])
        .zip(&y[range])
    {
        *z = a * b;
    }
    Ok(())
}

fn map_file(path: &Path, len: usize, create: bool) -> std::io::Result<memmap2::MmapMut> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .truncate(create)
        .open(path)?;
    if create {
        file.set_len((len * 8) as u64)?;
    }
    // SAFETY: the file lives in our private temporary directory and is never truncated while
    // mapped; the processes write disjoint ranges of Z and only read X and Y.
    unsafe { memmap2::MmapMut::map_mut(&file) }
}

fn as_f64s(map: &mut memmap2::MmapMut) -> std::io::Result<&mut [f64]> {
    // SAFETY: every bit pattern is a valid f64; `align_to_mut` puts any misaligned bytes in the
    // prefix, which we check is empty (a mapping is page-aligned).
    let (prefix, floats, _) = unsafe { map.align_to_mut::<f64>() };
    if !prefix.is_empty() {
        return Err(std::io::Error::other("mapping not aligned for f64"));
    }
    Ok(floats)
}

/// Deterministic pseudo-random numbers in [0, 1) (xorshift64*), so runs are repeatable.
pub fn random_column(seed: u64, len: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// Times and checks of one run.
#[derive(Debug, Clone)]
pub struct BigData {
    /// Rows per column.
    pub rows: usize,
    /// Columns.
    pub columns: usize,
    /// Worker processes.
    pub workers: usize,
    /// One process.
    pub single: Duration,
    /// One thread per column, writing disjoint slices of one buffer.
    pub threads: Duration,
    /// Pool, data copied through channels.
    pub copied: Duration,
    /// Copying X and Y into the mapping.
    pub shared_setup: Duration,
    /// Pool, data shared through the mapping.
    pub shared: Duration,
    /// The threads' result equals the one-process product.
    pub threads_equal: bool,
    /// The copied result equals the one-process product.
    pub copied_equal: bool,
    /// The shared result equals the one-process product.
    pub shared_equal: bool,
}

impl BigData {
    /// Input bytes (X and Y).
    pub fn input_bytes(&self) -> usize {
        2 * self.rows * self.columns * 8
    }

    /// Input throughput of a run that took `t`, in MB/s.
    pub fn mb_per_s(&self, t: Duration) -> f64 {
        self.input_bytes() as f64 / 1e6 / t.as_secs_f64().max(1e-9)
    }

    /// Whether the threaded and both multiprocess results equal the one-process product, as a
    /// result: a difference is a bug, and the demo fails on it.
    pub fn verdict(&self) -> Result<(), Mismatch> {
        if self.threads_equal && self.copied_equal && self.shared_equal {
            Ok(())
        } else {
            Err(Mismatch)
        }
    }
}

/// A multiprocess product that differs from the one-process one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a threaded or multiprocess result differs from the one-process product")]
pub struct Mismatch;

/// [`run`] with the seeds' [`COLUMNS`], on `workers` processes (by default one per core).
pub fn demo(exe: &Path, rows: usize, workers: Option<usize>) -> Result<BigData, PoolError> {
    let cores = || std::thread::available_parallelism().map_or(2, |n| n.get());
    run(exe, rows, COLUMNS, workers.unwrap_or_else(cores))
}

impl fmt::Display for BigData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== Big data: Z = X·Y, {} columns × {} rows, {} worker processes ==",
            self.columns, self.rows, self.workers
        )?;
        for (name, t) in [
            ("one process", self.single),
            ("threads, disjoint slices of Z", self.threads),
            ("pool, copied through channels", self.copied),
            ("mapping: copy X and Y in", self.shared_setup),
            ("pool, shared through a mapping", self.shared),
        ] {
            writeln!(f, "{name:<32} {t:>10.2?}  {:>8.0} MB/s", self.mb_per_s(t))?;
        }
        writeln!(
            f,
            "results equal to the one-process product: threads {}, copied {}, shared {}",
            self.threads_equal, self.copied_equal, self.shared_equal
        )
    }
}

/// Runs the four ways with `workers` processes of `exe` (the `ipc` binary).
pub fn run(exe: &Path, rows: usize, columns: usize, workers: usize) -> Result<BigData, PoolError> {
    let n = rows * columns;
    let x = random_column(1, n);
    let y = random_column(2, n);

    let start = Instant::now();
    let expected = multiply(&x, &y);
    let single = start.elapsed();

    let start = Instant::now();
    let threaded_z = multiply_threads(&x, &y, rows);
    let threads = start.elapsed();

    let mut pool = ProcessPool::<ColumnJob, ColumnAnswer>::with_args(workers, exe, [WORKER_ARG])?;

    let start = Instant::now();
    let jobs = (0..columns)
        .map(|c| ColumnJob::Copied {
            x: x[c * rows..(c + 1) * rows].to_vec(),
            y: y[c * rows..(c + 1) * rows].to_vec(),
        })
        .collect();
    let mut copied_z = Vec::with_capacity(n);
    for answer in pool.map(jobs)? {
        match answer {
            ColumnAnswer::Product(z) => copied_z.extend(z),
            other => return Err(PoolError::Ipc(format!("unexpected answer {other:?}"))),
        }
    }
    let copied = start.elapsed();

    let dir = shared_tempdir()?;
    let path = dir.path().join("xyz.f64");
    let start = Instant::now();
    let mut map = map_file(&path, 3 * n, true)?;
    {
        let all = as_f64s(&mut map)?;
        all[..n].copy_from_slice(&x);
        all[n..2 * n].copy_from_slice(&y);
    }
    let shared_setup = start.elapsed();

    let start = Instant::now();
    let jobs = (0..columns)
        .map(|column| ColumnJob::Shared {
            path: path.clone(),
            rows,
            columns,
            column,
        })
        .collect();
    for answer in pool.map(jobs)? {
        if let ColumnAnswer::Failed(why) = answer {
            return Err(PoolError::Ipc(format!("a worker failed: {why}")));
        }
    }
    let shared = start.elapsed();
    let shared_equal = as_f64s(&mut map)?[2 * n..] == expected[..];

    Ok(BigData {
        rows,
        columns,
        workers,
        single,
        threads,
        threads_equal: threaded_z == expected,
        copied,
        shared_setup,
        shared,
        copied_equal: copied_z == expected,
        shared_equal,
    })
}
