//! # Pools: a thread pool from scratch, the pool API, rayon, and the race of strategies
//!
//! Spawning a thread per task is simple but pays the thread's start-up every time and lets the
//! number of threads grow without bound. A **pool** starts N workers once and feeds them jobs
//! through a queue. This lesson builds one by hand ([`ThreadPool`], on the hand-made [`queue`]),
//! puts Python's `multiprocessing.Pool` / `concurrent.futures` API on it ([`handle`], [`map`],
//! [`imap`]), and races every way of parallelizing the seeds' Collatz workload.
//!
//! Read in this order:
//! - `queue` — the job queue, a channel made of a `Mutex`, a `Condvar` and a `VecDeque`;
//! - `pool` — `ThreadPool`: workers, panics caught as values, graceful drop, `shutdown_now`;
//! - `handle`, `map`, `imap` — `submit`/`as_completed`, `map`/`map_async`/`starmap`,
//!   `imap`/`imap_unordered`;
//! - `stealing`, `sleepers` — [`StealingPool`]: a deque per worker, stealing when idle, and
//!   sleeping without losing a wake-up (how rayon's pool works inside);
//! - `demos` — the seeds' demos of each method, and when to use which;
//! - `collatz`, `race`, `seed_python` — the seeds' workload and every strategy, timed and
//!   checked, beside the seed's own Python;
//! - `big_integers` — the seeds' `Pool(5).map(n ** 1000)`: data parallelism on big numbers;
//! - `tasks` — the seeds' tasks, which threads and worker processes both run;
//! - `process` — the same work on worker processes (the ipc lesson's process pool);
//! - `granularity`, `monte_carlo`, `overhead` — chunk sizes and contention, a reproducible
//!   simulation, what an empty job costs;
//! - `timeline` — a picture of who ran what, when;
//! - `exercises` — your turn.
//!
//! Under `--cfg loom` only the [`queue`] and [`sleepers`] modules are built: they are what the
//! loom model checks.

#[cfg(not(loom))]
pub mod big_integers;
#[cfg(not(loom))]
pub mod collatz;
#[cfg(not(loom))]
pub mod demos;
#[cfg(not(loom))]
pub mod error;
#[cfg(not(loom))]
pub mod granularity;
#[cfg(not(loom))]
pub mod handle;
#[cfg(not(loom))]
pub mod imap;
#[cfg(not(loom))]
pub mod map;
#[cfg(not(loom))]
pub mod monte_carlo;
#[cfg(not(loom))]
pub mod overhead;
#[cfg(not(loom))]
pub mod pool;
#[cfg(not(loom))]
pub mod process;
pub mod queue;
#[cfg(not(loom))]
pub mod race;
#[cfg(not(loom))]
pub mod seed_python;
pub mod sleepers;
#[cfg(not(loom))]
pub mod stealing;
#[cfg(not(loom))]
pub mod tasks;
#[cfg(not(loom))]
pub mod timeline;

#[cfg(not(loom))]
pub use error::{JobError, JobPanicked, PoolError};
#[cfg(not(loom))]
pub use handle::{AsCompleted, JobHandle, as_completed};
#[cfg(not(loom))]
pub use imap::{Imap, ImapUnordered};
#[cfg(not(loom))]
pub use map::{MapAsync, MapResult};
#[cfg(not(loom))]
pub use pool::{ThreadPool, current_worker};
#[cfg(not(loom))]
pub use stealing::StealingPool;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(not(loom))]
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
