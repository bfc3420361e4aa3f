//! `pools bigint`: the seeds' "Data Parallelism" demo, `Pool(5).map(worker, range(100000))` with
//! `worker(n) = n ** 1000`, against the serial list comprehension.
//!
//! Python's integers grow without bound; Rust's stop at 128 bits, and `n¹⁰⁰⁰` has up to about
//! 17,000 bits, so the numbers are `num_bigint::BigUint` (the crate made for it: building big
//! integers is not this lesson). Every item is independent and costs the same, the textbook case of
//! data parallelism: the pool's `map` hands one number to each job and returns the powers in input
//! order. In Python each result is pickled and sent back from a worker process; here the threads
//! hand back the `BigUint` itself, so nothing is copied.

use std::fmt;
use std::time::Duration;

use num_bigint::BigUint;
use threads_basics::timing::{speedup, timed};

use crate::error::PoolError;
use crate::pool::ThreadPool;

/// The exponent of the seeds' worker.
pub const EXPONENT: u32 = 1000;

/// The seeds' `worker(n)`: `n ** 1000`.
pub fn worker(n: u64) -> BigUint {
    BigUint::from(n).pow(EXPONENT)
}

/// `[worker(n) for n in range(count)]`.
pub fn serial(count: u64) -> Vec<BigUint> {
    (0..count).map(worker).collect()
}

/// `pool.map(worker, range(count))`.
pub fn on_pool(pool: &ThreadPool, count: u64) -> Vec<BigUint> {
    pool.map(worker, 0..count)
        .into_iter()
        .map(|power| power.expect("worker does not panic"))
        .collect()
}

/// Serial and pool, side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The numbers were `0..count`.
    pub count: u64,
    /// Pool workers.
    pub workers: usize,
    /// The serial run's time.
    pub serial: Duration,
    /// The pool's time (starting the pool included, as in the seed).
    pub pool: Duration,
    /// Whether both produced the same powers.
    pub same: bool,
    /// The bits of all the powers together: how much data the map produced.
    pub total_bits: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { count, workers, .. } = self;
        writeln!(
            f,
            "=== Big integers: n ** {EXPONENT} for n in 0..{count}, serial vs a pool of {workers} ==="
        )?;
        let (serial, pool) = (self.serial.as_secs_f64(), self.pool.as_secs_f64());
        writeln!(f, "Serial processing took: {serial:.3} seconds")?;
        writeln!(f, "Pool({workers}).map took:    {pool:.3} seconds")?;
        writeln!(
            f,
            "speedup {:.2}x; the same {count} powers: {}; {:.1} MB of results",
            speedup(self.serial, self.pool),
            if self.same { "yes" } else { "NO" },
            self.total_bits as f64 / 8e6
        )?;
        writeln!(
            f,
            "(the seed, in Python with processes: 5.69 s serial, 3.36 s on Pool(5), for 100000)\n"
        )
    }
}

/// Computes `n ** 1000` for `0..count` serially and on a pool of `workers`, and compares.
pub fn demo(count: u64, workers: usize) -> Result<Report, PoolError> {
    let by_serial = timed(|| serial(count));
    let by_pool =
        timed(|| ThreadPool::new(workers).map(|pool| on_pool(&pool, count))).transpose()?;
    Ok(Report {
        count,
        workers,
        serial: by_serial.elapsed,
        pool: by_pool.elapsed,
        same: by_serial.value == by_pool.value,
        total_bits: by_serial.value.iter().map(BigUint::bits).sum(),
    })
}
