//! The jobs the lesson's own pool workers run, and a worker that breaks the protocol on purpose.
//!
//! The `ipc` binary becomes a pool worker when [`crate::pool::is_worker`] says so: with no
//! arguments it runs [`run_job`]; with the argument [`MALFORMED_WORKER_ARG`] it runs
//! [`run_malformed_worker`], which the tests use to prove that a garbled message is an error in
//! the parent, not a panic.

use std::time::Duration;

use ipc_channel::ipc::{self, IpcSender};
use serde::{Deserialize, Serialize};

use crate::pool::protocol::{Bootstrap, Task};
use crate::pool::{PoolError, WORKER_ENV};
use crate::rendezvous::{Rendezvous, meet};

/// A job for a worker process: real work, or a way to die that the pool must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// Answer `n * n`.
    Square(u64),
    /// Sleep `ms` milliseconds, then answer `value` (for completion-order demos).
    SleepThen {
        /// How long to sleep.
        ms: u64,
        /// The answer.
        value: u64,
    },
    /// Answer the worker's process id (to show that tasks run in different processes).
    Pid,
    /// `std::process::abort()`: the worker dies of `SIGABRT` mid-task.
    Abort,
    /// `panic!`: the worker's `main` unwinds and the process exits with code 101.
    Panic,
    /// `std::process::exit(code)` mid-task.
    Exit(i32),
    /// Wait at the [`crate::rendezvous::Rendezvous`] on `port` until enough processes are there
    /// at once, then answer `value` (how the tests see children run at the same time). Panics,
    /// like [`Job::Panic`], if the rendezvous never opens.
    Meet {
        /// The rendezvous' port on 127.0.0.1.
        port: u16,
        /// The answer.
        value: u64,
    },
}

// Here, beside the job it makes, rather than in `rendezvous`: a rendezvous knows nothing of jobs.
impl Rendezvous {
    /// A job that meets here, then answers `value`.
    pub fn job(&self, value: u64) -> Job {
        Job::Meet {
            port: self.port(),
            value,
        }
    }
}

/// What a worker of the lesson does with a [`Job`].
pub fn run_job(job: Job) -> u64 {
    match job {
        Job::Square(n) => n * n,
        Job::SleepThen { ms, value } => {
            std::thread::sleep(Duration::from_millis(ms));
            value
        }
        Job::Pid => u64::from(std::process::id()),
        Job::Abort => std::process::abort(),
        Job::Panic => panic!("job asked the worker to panic"),
        Job::Exit(code) => std::process::exit(code),
        Job::Meet { port, value } => match meet(port) {
            Ok(()) => value,
            Err(e) => panic!("meeting at port {port}: {e}"),
        },
    }
}

/// The argument that makes the `ipc` binary run [`run_malformed_worker`] as its pool worker.
pub const MALFORMED_WORKER_ARG: &str = "malformed-worker";

/// Bytes that no `Outcome` decodes from: postcard reads the task index as a variable-length
/// integer, and a run of `0xFF` bytes never ends one.
#[derive(Debug, Serialize, Deserialize)]
struct NotAnOutcome([u8; 12]);

/// A worker that bootstraps correctly, then answers every task with bytes that do not decode.
pub fn run_malformed_worker() -> Result<(), PoolError> {
    let server = std::env::var(WORKER_ENV).map_err(|_| PoolError::NotAWorker)?;
    crate::child::arm_parent_death_signal();
    let (task_tx, task_rx) = ipc::channel::<Task<Job>>()?;
    let (garbage_tx, garbage_rx) = ipc::channel::<NotAnOutcome>()?;
    // The parent expects `Hello<Job, u64>`; the wire format of a channel end does not carry its
    // message type, so this hello is accepted and the garbage shows up only on decoding.
    let bootstrap = IpcSender::<Bootstrap<Task<Job>, NotAnOutcome>>::connect(server)?;
    bootstrap.send(Bootstrap::Hello {
        pid: std::process::id(),
        tasks: task_tx,
        results: garbage_rx,
    })?;
    while task_rx.recv().is_ok() {
        garbage_tx.send(NotAnOutcome([0xFF; 12]))?;
    }
    Ok(())
}

/// What the process-pool demo saw.
#[derive(Debug)]
pub struct PoolTour {
    /// The parent's process id.
    pub parent: u32,
    /// The worker processes' ids.
    pub pids: Vec<u32>,
    /// `map` over squares: results in input order.
    pub squares: Vec<u64>,
    /// `imap_unordered` over jobs that sleep less the later they come: (input index, value) in
    /// completion order.
    pub completion_order: Vec<(usize, u64)>,
    /// The error reported for a job that aborts its worker.
    pub lost: String,
    /// `map` after the abort: the pool replaced the worker and still works.
    pub after_abort: Vec<u64>,
    /// Worker pids after the abort (one is new).
    pub pids_after: Vec<u32>,
}

/// The process-pool demo: `map`, `imap_unordered`, a worker that dies mid-task and its
/// replacement. `exe` is a binary that runs [`run_job`] as its pool worker (the `ipc` binary).
pub fn pool_tour(exe: &std::path::Path, workers: usize) -> Result<PoolTour, PoolError> {
    let mut pool = crate::pool::ProcessPool::<Job, u64>::new(workers, exe)?;
    let pids = pool.pids();
    let squares = pool.map((1..=10).map(Job::Square).collect())?;
    // Later jobs sleep less, so they finish first: completion order differs from input order.
    let sleepy = (0..6u64)
        .map(|i| Job::SleepThen {
            ms: 20 * (6 - i),
            value: i,
        })
        .collect();
    let completion_order = pool.imap_unordered(sleepy).collect::<Result<Vec<_>, _>>()?;
    let lost = match pool.map(vec![Job::Square(2), Job::Abort, Job::Square(4)]) {
        Err(e) => e.to_string(),
        Ok(v) => format!("nothing was lost?! {v:?}"),
    };
    let after_abort = pool.map((1..=4).map(Job::Square).collect())?;
    Ok(PoolTour {
        parent: std::process::id(),
        pids,
        squares,
        completion_order,
        lost,
        after_abort,
        pids_after: pool.pids(),
    })
}

impl std::fmt::Display for PoolTour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "== A process pool: {} worker processes over ipc-channel ==",
            self.pids.len()
        )?;
        writeln!(f, "worker pids: {:?} (parent {})", self.pids, self.parent)?;
        writeln!(f, "map(square, 1..=10) in input order: {:?}", self.squares)?;
        writeln!(
            f,
            "imap_unordered, later jobs sleep less — (index, value) as they complete:"
        )?;
        writeln!(f, "  {:?}", self.completion_order)?;
        writeln!(f, "a job that aborts its worker: {}", self.lost)?;
        writeln!(
            f,
            "the pool replaced it and goes on: {:?}",
            self.after_abort
        )?;
        writeln!(f, "worker pids now: {:?}", self.pids_after)
    }
}
