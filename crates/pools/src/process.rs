//! The same work on worker *processes*, through the ipc lesson's process pool.
//!
//! A process pool runs copies of this very binary: `main` first asks [`ipc::pool::is_worker`] and,
//! in a worker, hands every request to [`handle_request`] (see [`run_worker`]). Everything a task
//! needs travels as a serialized [`WorkerRequest`]; nothing is shared. That is what a process
//! costs compared with a thread — start-up, and a copy of every input and output — and what it
//! buys: in Python, the only way around the GIL; in Rust, isolation (a crash kills one worker, not
//! the program), since threads already run in parallel.

use std::ops::Range;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ipc::pool::{PoolError, ProcessPool};
use serde::{Deserialize, Serialize};

use crate::collatz;

/// What a worker process is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// `worker_task` on every number of `start..end`.
    Collatz {
        /// First input.
        start: u64,
        /// One past the last input.
        end: u64,
    },
    /// One task of the timeline demo: do it and say when it ran.
    Timed(TaskKind),
    /// The seeds' `worker_task` of the API demos: sleep 0.1 s, answer `(x, x²)`.
    SleepySquare(u64),
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

/// What a worker process answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkerResponse {
    /// The results of a [`WorkerRequest::Collatz`], in input order.
    Collatz(Vec<u64>),
    /// When a [`WorkerRequest::Timed`] task ran, and in which process.
    Timed(TaskSpan),
    /// The answer to a [`WorkerRequest::SleepySquare`]: `(x, x²)`.
    Pair(u64, u64),
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
        TaskKind::Sleep { millis } => std::thread::sleep(Duration::from_millis(millis)),
    }
    TaskSpan {
        worker,
        start_ns,
        end_ns: now_ns(),
    }
}

/// The worker side: what a worker process does with each request.
pub fn handle_request(request: WorkerRequest) -> WorkerResponse {
    match request {
        WorkerRequest::Collatz { start, end } => {
            WorkerResponse::Collatz(collatz::sequential(start..end))
        }
        WorkerRequest::Timed(kind) => {
            WorkerResponse::Timed(run_timed(kind, u64::from(std::process::id())))
        }
        WorkerRequest::SleepySquare(x) => {
            let (x, square) = crate::demos::sleepy_task(x);
            WorkerResponse::Pair(x, square)
        }
    }
}

/// Call first thing in `main`: in a worker process, serves requests until the pool closes and
/// returns `Some(result)` (then `main` must return); in the parent, returns `None` at once.
pub fn run_worker() -> Option<Result<(), PoolError>> {
    ipc::pool::is_worker().then(|| ipc::pool::run_worker(handle_request))
}

/// A process pool of this lesson's requests.
pub type Pool = ProcessPool<WorkerRequest, WorkerResponse>;

/// Starts `workers` processes of `exe` (a binary that calls [`run_worker`] first).
pub fn start(workers: usize, exe: &Path) -> Result<Pool, PoolError> {
    ProcessPool::new(workers, exe)
}

/// The Collatz race on processes: chunks of `chunk` inputs (`chunksize=1000` in the seeds).
pub fn collatz(pool: &mut Pool, inputs: Range<u64>, chunk: usize) -> Result<Vec<u64>, PoolError> {
    let requests = collatz::chunks_of(inputs, chunk)
        .into_iter()
        .map(|r| WorkerRequest::Collatz {
            start: r.start,
            end: r.end,
        })
        .collect();
    let mut out = Vec::new();
    for response in pool.map(requests)? {
        match response {
            WorkerResponse::Collatz(part) => out.extend(part),
            other => unreachable!("a Collatz request got {other:?}"),
        }
    }
    Ok(out)
}
