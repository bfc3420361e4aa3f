//! # Lesson: ipc — processes, what they do not share, and how they talk
//!
//! Threads share one address space; processes do not. This lesson starts real child processes
//! (the binary re-executes itself, Rust's answer to Python's `spawn` start method), shows that
//! they do not share memory, and then makes them talk: a pipe over stdin/stdout, typed messages
//! over ipc-channel, a shared memory mapping with atomics, and a process pool.
//!
//! Modules, in teaching order:
//! - [`child`]: starting children that never outlive their parent (fork, spawn, forkserver);
//! - [`memory`]: processes do not share memory;
//! - [`pipe`]: request and answer over a child's stdin and stdout;
//! - [`channel`]: typed messages over ipc-channel, the queue of squares from four processes;
//! - [`deadlock`]: bounded queues (pipes) deadlock across processes too, and the fix;
//! - [`shared`]: a counter in a shared mapping — lost updates, atomics, a lock;
//! - [`bigdata`]: X·Y copied through channels vs shared through a mapping;
//! - [`pool`]: a process pool over ipc-channel (`map`, `imap_unordered`, dead workers reported);
//! - [`jobs`]: what the lesson's own pool workers run (and ways to die on purpose);
//! - [`cpu`]: the seeds' computing on processes (sqrt, sum, `MuchCPU`), beside threads;
//! - [`cost`]: the cost of a process vs a thread;
//! - [`transport`]: one message there and back by pipe, ipc-channel and mapping (the benches);
//! - [`roles`]: small children the exercises talk to;
//! - [`rendezvous`]: how the graded tests see children run at the same time.

pub mod bigdata;
pub mod channel;
pub mod child;
pub mod cost;
pub mod cpu;
pub mod deadlock;
pub mod jobs;
pub mod memory;
pub mod pipe;
pub mod pool;
pub mod rendezvous;
pub mod roles;
pub mod shared;
pub mod transport;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
