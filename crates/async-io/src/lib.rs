//! # async-io: ten thousand waits at once, what async buys over threads and what it costs
//!
//! Seed 001 names Python's three tools for concurrency: threading, multiprocessing and asyncio.
//! The course taught the first two; this lesson is the third, in Rust, with tokio. Read the
//! modules in this order:
//!
//! 1. [`future`]: what a future is: a state machine that does nothing until polled; a hand-written
//!    future with a waker beside the `async fn` that does the same; an executor in twenty lines;
//! 2. [`server`] and [`c10k`]: ten thousand requests held a second each, by a thread per request,
//!    a worker pool and tokio tasks, with the memory, the wall time and the cost of a spawn
//!    ([`resources`] reads the limits and the memory, [`gauge`] counts what is in flight);
//! 3. [`download`]: the downloader lesson's job done with tasks, against its threaded pool;
//! 4. [`cancel`]: timeouts, `select!`, and what a dropped future leaves behind;
//! 5. [`blocking`]: a CPU-bound render inside a task stalls its worker; `spawn_blocking` and rayon;
//! 6. [`shared_state`]: `Mutex` across `.await` (a `compile_fail` test), `tokio::sync::Mutex`,
//!    `Semaphore`, `mpsc` and `broadcast`;
//! 7. [`shutdown`]: stop accepting, finish what is in flight, abort at a deadline.

pub mod blocking;
pub mod c10k;
pub mod cancel;
pub mod download;
pub mod error;
pub mod future;
pub mod gauge;
pub mod report;
pub mod resources;
pub mod server;
pub mod shared_state;
pub mod shutdown;

pub use error::Error;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
