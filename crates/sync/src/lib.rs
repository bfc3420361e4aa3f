//! # Lesson: sync — races, locks, deadlocks and the primitives
//!
//! Threads that share memory must agree on who touches what, when. This lesson ports the seeds'
//! synchronization material to Rust, one module per concept:
//!
//! - [`races`]: what safe Rust refuses to compile, and the races it still allows (lost updates,
//!   check-then-act), fixed with atomics and with a `Mutex`;
//! - [`bank`]: the husband-and-wife overdraw, counted over many trials, and a [`bank::BankAccount`]
//!   whose `transfer` cannot deadlock;
//! - [`philosophers`]: the dining philosophers, naive (deadlocks, and the demo detects it), ordered
//!   forks and an arbitrator;
//! - [`primitives`]: `Mutex` and guards, re-entrant locks, `RwLock`, `Condvar`, `Barrier`, atomics;
//! - [`semaphore`] and [`event`]: the two primitives std lacks, built by hand from `Mutex` + `Condvar`
//!   (and model-checked with loom);
//! - [`queues`]: producer/consumer over a bounded channel, shutdown by closing, `task_done`/`join`;
//! - [`join_deadlock`]: two threads each waiting for the other, detected with a deadline.
//!
//! Each topic's `demo` function runs what `sync <topic>` shows and returns its report; [`tour`]
//! runs them all, briefly, and [`narration`] keeps what their threads say for the reports.
//!
//! Under `--cfg loom` only [`semaphore`] and [`event`] are built, on loom's types, so that the model
//! checker sees every lock and wake-up they make.

// Which Mutex/Condvar the hand-made primitives use: std's normally, loom's under the model checker.
mod shim;

pub mod event;
pub mod semaphore;

#[cfg(not(loom))]
pub mod bank;
#[cfg(not(loom))]
pub mod join_deadlock;
#[cfg(not(loom))]
pub mod narration;
#[cfg(not(loom))]
pub mod philosophers;
#[cfg(not(loom))]
pub mod primitives;
#[cfg(not(loom))]
pub mod queues;
#[cfg(not(loom))]
pub mod races;
#[cfg(not(loom))]
pub mod tour;

/// parking_lot, re-exported so the benches compare its `Mutex` with the one this crate builds on.
///
/// Note: this workspace builds it with the `deadlock_detection` feature (the philosophers demo
/// needs it), which adds a little bookkeeping to every lock and unlock.
#[cfg(not(loom))]
pub use parking_lot;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(not(loom))]
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
