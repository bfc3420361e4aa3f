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

use ipc::pool::{PoolError, ProcessPool};
use serde::{Deserialize, Serialize};

use crate::collatz;
use crate::tasks::{self, TaskKind, TaskSpan};

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

/// The worker side: what a worker process does with each request.
pub fn handle_request(request: WorkerRequest) -> WorkerResponse {
    match request {
        WorkerRequest::Collatz { start, end } => {
            WorkerResponse::Collatz(collatz::sequential(start..end))
        }
        WorkerRequest::Timed(kind) => {
            WorkerResponse::Timed(tasks::run_timed(kind, u64::from(std::process::id())))
        }
        WorkerRequest::SleepySquare(x) => {
            let (x, square) = tasks::sleepy_task(x);
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
