//! The seeds' tasks: what the demos, the timeline and the worker processes run.
//!
//! They live apart from the code that runs them so that a worker process ([`crate::process`])
//! and a demo ([`crate::demos`]) can both call them without importing each other.

use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The seeds' `worker_task` for the API demos: 0.1 s of "work", then `(x, x²)`.
pub fn sleepy_task(x: u64) -> (u64, u64) {
    thread::sleep(Duration::from_millis(100));
    (x, x * x)
}

/// The seeds' `variable_worker_task`: sleeps `millis` (drawn by the caller), returns `(x, x², ms)`.
pub fn variable_task(x: u64, millis: u64) -> (u64, u64, u64) {
    thread::sleep(Duration::from_millis(millis));
    (x, x * x, millis)
}

/// A task whose start and end the timeline draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskKind {
    /// Busy arithmetic (the seeds' `computing`: a chain of cosines), `iterations` long.
    Cpu {
        /// How many `cos` in the chain.
        iterations: u64,
    },
    /// Waiting, as for a download (the seeds' `download`): `millis` of sleep.
    Sleep {
        /// How long.
        millis: u64,
    },
}

/// When one task ran: wall-clock times, comparable across processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSpan {
    /// Who ran it: a pool worker's index (threads) or a process id (processes).
    pub worker: u64,
    /// Start, in nanoseconds since the Unix epoch.
    pub start_ns: u64,
    /// End, in nanoseconds since the Unix epoch.
    pub end_ns: u64,
}

/// Nanoseconds since the Unix epoch: a clock every process agrees on.
pub fn now_ns() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

/// Runs one timed task and reports it as run by `worker`.
pub fn run_timed(kind: TaskKind, worker: u64) -> TaskSpan {
    let start_ns = now_ns();
    match kind {
        TaskKind::Cpu { iterations } => {
            let mut y = 0.001_f64;
            for _ in 0..iterations {
                y = y.cos();
            }
            std::hint::black_box(y);
        }
        TaskKind::Sleep { millis } => thread::sleep(Duration::from_millis(millis)),
    }
    TaskSpan {
        worker,
        start_ns,
        end_ns: now_ns(),
    }
}
