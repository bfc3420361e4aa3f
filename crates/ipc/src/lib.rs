//! # Lesson: ipc — processes, what they do not share, and how they talk
//!
//! Threads share one address space; processes do not. This lesson starts real child processes
//! (the binary re-executes itself, Rust's answer to Python's `spawn` start method), shows that
//! they do not share memory, and then makes them talk: a pipe over stdin/stdout, typed messages
//! over ipc-channel, a shared memory mapping with atomics, and a process pool.
//!
//! Modules, in teaching order:
//! - [`child`]: starting children that never outlive their parent (fork, spawn, forkserver);
//! - [`pool`]: a process pool over ipc-channel (`map`, `imap_unordered`, dead workers reported).
//! - [`jobs`]: what the lesson's own pool workers run (and ways to die on purpose).

pub mod child;
pub mod jobs;
pub mod pool;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
