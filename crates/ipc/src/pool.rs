//! A process pool: N worker processes fed over ipc-channel (Python's `multiprocessing.Pool`).
//!
//! # How it works
//! - [`ProcessPool::new`] starts `workers` copies of a binary. Each child finds the name of an
//!   [`IpcOneShotServer`] in the environment variable [`WORKER_ENV`], connects to it and sends a
//!   [`protocol::Bootstrap::Hello`]: the sending end of its task channel and the receiving end of
//!   its result channel. From then on the parent sends [`protocol::Task`]s and reads
//!   [`protocol::Outcome`]s, one task in flight per worker, so the parent always knows which task
//!   each worker holds.
//! - The parent waits on every worker's result channel at once with an [`IpcReceiverSet`]. When a
//!   worker dies (a panic, an abort, a `kill -9`), the kernel closes its end of the socket and the
//!   set reports the channel closed: the pool reaps the child, reports the task it held as
//!   [`PoolError::WorkerDied`] (with the exit status) and starts a replacement. The parent never
//!   waits on a dead child.
//! - A message that does not decode is [`PoolError::Malformed`], never a panic: the worker that
//!   sent it is killed and replaced.
//! - Dropping the pool closes the task channels (workers leave their loop), gives them a moment
//!   to exit, then kills and reaps the rest. Each child also carries `PR_SET_PDEATHSIG`, so even a
//!   parent killed with `SIGKILL` takes its workers along.
//!
//! # The worker side
//! A binary that offers process strategies starts with
//! ```no_run
//! fn main() -> Result<(), ipc::pool::PoolError> {
//!     if ipc::pool::is_worker() {
//!         return ipc::pool::run_worker(|x: u64| x * x);
//!     }
//!     let mut pool = ipc::pool::ProcessPool::<u64, u64>::new(2, std::env::current_exe()?)?;
//!     assert_eq!(pool.map(vec![1, 2, 3])?, vec![1, 4, 9]);
//!     Ok(())
//! }
//! ```
//! Tests use `env!("CARGO_BIN_EXE_<bin>")` as the worker binary: inside a test,
//! `current_exe()` is the test harness.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiverSet, IpcSelectionResult, IpcSender};
use ipc_channel::{IpcError, TrySelectError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wait_timeout::ChildExt;

use crate::child::{Spawner, arm_parent_death_signal};

/// The environment variable through which the pool tells a child it is a worker (its value is
/// the name of the one-shot server to connect to).
pub const WORKER_ENV: &str = "IPC_POOL_SERVER";

/// How long a new worker may take to connect before the pool gives up on it.
pub const BOOTSTRAP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a worker may take to leave after its task channel closes, before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// How long a worker whose channel closed may take to finish dying before it is killed.
const DEATH_GRACE: Duration = Duration::from_secs(2);

/// How often the pool wakes while waiting, to check task deadlines.
const POLL: Duration = Duration::from_millis(100);

/// What can go wrong in a process pool.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// A pool needs at least one worker.
    #[error("a process pool needs at least one worker")]
    NoWorkers,
    /// The worker binary could not be started.
    #[error("cannot start worker `{exe}`: {source}")]
    Spawn {
        /// The binary.
        exe: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A new worker did not connect back (it is not a worker binary, or it crashed at start).
    #[error(
        "worker process {pid} did not connect within {waited:?} ({status}); does the binary call ipc::pool::run_worker when ipc::pool::is_worker()?"
    )]
    Bootstrap {
        /// The child's process id.
        pid: u32,
        /// How long the pool waited.
        waited: Duration,
        /// How the child ended, or "still running" (it was then killed).
        status: String,
    },
    /// A worker process died while it held a task; the task's result is lost.
    #[error("task {task} was lost: worker {worker} (pid {pid}) died ({status})")]
    WorkerDied {
        /// The input index of the lost task.
        task: usize,
        /// The worker's slot in the pool (0..workers).
        worker: usize,
        /// The dead worker's process id.
        pid: u32,
        /// How it ended (exit code or signal).
        status: ExitStatus,
    },
    /// A worker sent a message that does not decode as the expected type.
    #[error("malformed message from worker {worker} (pid {pid}) holding task {task:?}: {detail}")]
    Malformed {
        /// The input index of the task the worker held, if any (that task is lost).
        task: Option<usize>,
        /// The worker's slot.
        worker: usize,
        /// Its process id (it has been killed and replaced).
        pid: u32,
        /// What was wrong.
        detail: String,
    },
    /// A task ran longer than the pool's task timeout; its worker was killed and replaced.
    #[error("task {task} timed out after {limit:?}: worker {worker} (pid {pid}) was killed")]
    TaskTimedOut {
        /// The input index of the task.
        task: usize,
        /// The worker's slot.
        worker: usize,
        /// Its process id.
        pid: u32,
        /// The pool's task timeout.
        limit: Duration,
    },
    /// Every worker slot is empty (replacements failed to start); these tasks were not run.
    #[error("no worker left to run {tasks} remaining task(s)")]
    NoWorkersLeft {
        /// How many tasks were dropped.
        tasks: usize,
    },
    /// `run_worker` was called in a process the pool did not start.
    #[error("not a pool worker: the environment variable {WORKER_ENV} is not set")]
    NotAWorker,
    /// An ipc-channel error (a broken socket, a message that cannot be encoded, ...).
    #[error("ipc: {0}")]
    Ipc(String),
    /// An operating-system error.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl From<IpcError> for PoolError {
    fn from(e: IpcError) -> Self {
        PoolError::Ipc(e.to_string())
    }
}

/// The messages between the pool and its workers, public so the lesson can show them (and so a
/// deliberately broken worker can be written for the tests).
pub mod protocol {
    use ipc_channel::ipc::{IpcReceiver, IpcSender};
    use serde::{Deserialize, Serialize};

    /// The first (and only) message on the one-shot server: the worker hands over its channels.
    ///
    /// `T` is the task message type, `F` the message type from the worker.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(bound = "")]
    pub enum Bootstrap<T, F> {
        /// A worker introduces itself.
        Hello {
            /// Its process id.
            pid: u32,
            /// Where the parent sends tasks.
            tasks: IpcSender<T>,
            /// Where the parent reads results.
            results: IpcReceiver<F>,
        },
        /// Sent by the parent to itself to unblock `accept` when a child never connected.
        Cancel,
    }

    /// One task: the input and its index in the caller's input list.
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Task<Req> {
        /// Input index.
        pub index: usize,
        /// The input.
        pub input: Req,
    }

    /// One result: the index of the task it answers and the output.
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Outcome<Resp> {
        /// Input index of the task.
        pub index: usize,
        /// The handler's output.
        pub output: Resp,
    }

    /// The bootstrap message of a pool of `Req → Resp`.
    pub type Hello<Req, Resp> = Bootstrap<Task<Req>, Outcome<Resp>>;
}

use protocol::{Bootstrap, Hello, Outcome, Task};

/// True if this process was started by a [`ProcessPool`] as a worker.
pub fn is_worker() -> bool {
    std::env::var_os(WORKER_ENV).is_some()
}

/// The worker's side: connects to the pool, then answers tasks with `handler` until the pool
/// closes the task channel (a normal end: `Ok(())`).
///
/// A panic in `handler` ends the worker process; the pool reports the task as lost.
pub fn run_worker<Req, Resp>(mut handler: impl FnMut(Req) -> Resp) -> Result<(), PoolError>
where
    Req: Serialize + DeserializeOwned,
    Resp: Serialize + DeserializeOwned,
{
    let server = std::env::var(WORKER_ENV).map_err(|_| PoolError::NotAWorker)?;
    arm_parent_death_signal();
    let (task_tx, task_rx) = ipc::channel::<Task<Req>>()?;
    let (result_tx, result_rx) = ipc::channel::<Outcome<Resp>>()?;
    let bootstrap = IpcSender::<Hello<Req, Resp>>::connect(server)?;
    // Sending moves our copies of `task_tx` and `result_rx` to the parent: when the parent drops
    // its task sender, `recv` below sees the channel closed.
    bootstrap.send(Bootstrap::Hello {
        pid: std::process::id(),
        tasks: task_tx,
        results: result_rx,
    })?;
    loop {
        match task_rx.recv() {
            Ok(Task { index, input }) => {
                let output = handler(input);
                result_tx.send(Outcome { index, output })?;
            }
            Err(IpcError::Disconnected) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// One live worker process, as the parent sees it.
struct Worker<Req> {
    pid: u32,
    child: Child,
    tasks: IpcSender<Task<Req>>,
    /// The id of its result channel in the pool's receiver set.
    receiver: u64,
    /// The task it holds and when it got it.
    busy: Option<(usize, Instant)>,
}

/// A child that was started but has not yet connected.
struct Starting<Req, Resp> {
    child: Child,
    server_name: String,
    accepted: mpsc::Receiver<Result<Hello<Req, Resp>, IpcError>>,
}

impl<Req, Resp> Starting<Req, Resp>
where
    Req: Serialize + DeserializeOwned,
    Resp: Serialize + DeserializeOwned,
{
    /// Gives up on a child that has not connected yet: kill and reap it, and unblock the
    /// thread waiting in `accept` by connecting to the server ourselves.
    fn abandon(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(me) = IpcSender::<Hello<Req, Resp>>::connect(self.server_name) {
            let _ = me.send(Bootstrap::Cancel);
        }
    }
}

/// A pool of worker processes mapping `Req` to `Resp` (see the [module docs](self)).
pub struct ProcessPool<Req, Resp> {
    exe: PathBuf,
    args: Vec<OsString>,
    slots: Vec<Option<Worker<Req>>>,
    results: IpcReceiverSet,
    /// Receiver-set id → slot.
    owners: HashMap<u64, usize>,
    task_timeout: Option<Duration>,
    /// Declared last: dropped after the children are gone.
    spawner: Spawner,
    _resp: PhantomData<fn() -> Resp>,
}

impl<Req, Resp> ProcessPool<Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
{
    /// Starts `workers` processes running `exe` (any binary that calls [`run_worker`] at the top
    /// of `main` when [`is_worker`]); the pool bootstraps each over ipc-channel through the
    /// environment variable [`WORKER_ENV`] it sets on the child.
    pub fn new(workers: usize, exe: impl AsRef<Path>) -> Result<Self, PoolError> {
        Self::with_args(workers, exe, std::iter::empty::<OsString>())
    }

    /// Like [`ProcessPool::new`], passing `args` to every worker (to pick a handler, say).
    pub fn with_args<I, S>(
        workers: usize,
        exe: impl AsRef<Path>,
        args: I,
    ) -> Result<Self, PoolError>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        if workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        let mut pool = Self {
            exe: exe.as_ref().to_path_buf(),
            args: args.into_iter().map(Into::into).collect(),
            slots: (0..workers).map(|_| None).collect(),
            results: IpcReceiverSet::new()?,
            owners: HashMap::new(),
            task_timeout: None,
            spawner: Spawner::new()?,
            _resp: PhantomData,
        };
        // Start every child first, then wait for each: the children boot in parallel. On a
        // failure, the children already started are ended too (the pool's drop ends the rest).
        let mut starting = Vec::with_capacity(workers);
        for _ in 0..workers {
            match pool.start_child() {
                Ok(child) => starting.push(child),
                Err(e) => {
                    starting.into_iter().for_each(Starting::abandon);
                    return Err(e);
                }
            }
        }
        let mut starting = starting.into_iter().enumerate();
        while let Some((slot, child)) = starting.next() {
            if let Err(e) = pool.finish_start(slot, child) {
                starting.for_each(|(_, child)| child.abandon());
                return Err(e);
            }
        }
        Ok(pool)
    }

    /// The number of worker slots.
    pub fn workers(&self) -> usize {
        self.slots.len()
    }

    /// The process ids of the live workers (slot order).
    pub fn pids(&self) -> Vec<u32> {
        self.slots.iter().flatten().map(|w| w.pid).collect()
    }

    /// Kills a task (and its worker, which is replaced) that runs longer than `limit`;
    /// `None` (the default) waits forever.
    pub fn set_task_timeout(&mut self, limit: Option<Duration>) {
        self.task_timeout = limit;
    }

    /// Results in input order; the first error if any task was lost (the other tasks still ran,
    /// and the pool stays usable).
    pub fn map(&mut self, inputs: Vec<Req>) -> Result<Vec<Resp>, PoolError> {
        let mut outputs: Vec<Option<Resp>> = (0..inputs.len()).map(|_| None).collect();
        let mut first_error = None;
        for item in self.imap_unordered(inputs) {
            match item {
                Ok((index, output)) => outputs[index] = Some(output),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        let missing = outputs.iter().filter(|o| o.is_none()).count();
        outputs
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or(PoolError::NoWorkersLeft { tasks: missing })
    }

    /// (input index, result) pairs in completion order; a lost task is an `Err` item and the
    /// iteration goes on with the others.
    ///
    /// Dropping the iterator early kills the workers still busy (they are replaced on the next
    /// call), so no stale result can reach a later call.
    pub fn imap_unordered(
        &mut self,
        inputs: Vec<Req>,
    ) -> impl Iterator<Item = Result<(usize, Resp), PoolError>> + '_ {
        Unordered {
            pending: inputs.into_iter().enumerate().collect(),
            ready: VecDeque::new(),
            refill_failed: false,
            pool: self,
        }
    }

    /// Spawns one child with the bootstrap server's name in its environment.
    fn start_child(&self) -> Result<Starting<Req, Resp>, PoolError> {
        let (server, server_name) = IpcOneShotServer::<Hello<Req, Resp>>::new()?;
        let mut cmd = Command::new(&self.exe);
        cmd.args(&self.args)
            .env(WORKER_ENV, &server_name)
            .stdin(Stdio::null());
        let child = self.spawner.spawn(cmd).map_err(|source| PoolError::Spawn {
            exe: self.exe.clone(),
            source,
        })?;
        // `accept` blocks until someone connects; on a thread of its own it cannot block us.
        let (tx, accepted) = mpsc::channel();
        thread::Builder::new()
            .name("pool-bootstrap".into())
            .spawn(move || {
                let _ = tx.send(server.accept().map(|(_, hello)| hello));
            })?;
        Ok(Starting {
            child,
            server_name,
            accepted,
        })
    }

    /// Waits for a started child to say hello and installs it in `slot`.
    fn finish_start(&mut self, slot: usize, start: Starting<Req, Resp>) -> Result<(), PoolError> {
        let Starting {
            mut child,
            server_name,
            accepted,
        } = start;
        let began = Instant::now();
        let hello = loop {
            match accepted.recv_timeout(Duration::from_millis(20)) {
                Ok(Ok(hello)) => break hello,
                Ok(Err(e)) => {
                    let status = kill_and_describe(&mut child);
                    return Err(PoolError::Ipc(format!(
                        "worker pid {} sent a bad hello ({status}): {e}",
                        child.id()
                    )));
                }
                Err(_) => {
                    let exited = child.try_wait()?.is_some();
                    if exited || began.elapsed() > BOOTSTRAP_TIMEOUT {
                        // Unblock the accepting thread by connecting ourselves.
                        if let Ok(me) = IpcSender::<Hello<Req, Resp>>::connect(server_name.clone())
                        {
                            let _ = me.send(Bootstrap::Cancel);
                        }
                        return Err(PoolError::Bootstrap {
                            pid: child.id(),
                            waited: began.elapsed(),
                            status: kill_and_describe(&mut child),
                        });
                    }
                }
            }
        };
        let Bootstrap::Hello {
            pid: _,
            tasks,
            results,
        } = hello
        else {
            let status = kill_and_describe(&mut child);
            return Err(PoolError::Ipc(format!(
                "worker cancelled its bootstrap ({status})"
            )));
        };
        let receiver = self.results.add(results)?;
        self.owners.insert(receiver, slot);
        self.slots[slot] = Some(Worker {
            pid: child.id(),
            child,
            tasks,
            receiver,
            busy: None,
        });
        Ok(())
    }

    /// Starts a worker in every empty slot; returns the first failure.
    fn refill(&mut self) -> Result<(), PoolError> {
        for slot in 0..self.slots.len() {
            if self.slots[slot].is_none() {
                let start = self.start_child()?;
                self.finish_start(slot, start)?;
            }
        }
        Ok(())
    }

    /// Removes the worker in `slot`, gives it `grace` to exit by itself, then kills and reaps it;
    /// returns it and its exit status.
    fn retire(&mut self, slot: usize, grace: Duration) -> Option<(Worker<Req>, ExitStatus)> {
        let mut worker = self.slots[slot].take()?;
        self.owners.remove(&worker.receiver);
        if let Ok(Some(status)) = worker.child.wait_timeout(grace) {
            return Some((worker, status));
        }
        let _ = worker.child.kill();
        let status = worker.child.wait().ok()?;
        Some((worker, status))
    }

    /// Sends a task to an idle worker. If the send fails the worker is broken: it is retired and
    /// the task reported lost.
    fn dispatch(&mut self, slot: usize, index: usize, input: Req) -> Result<(), PoolError> {
        let Some(worker) = self.slots[slot].as_mut() else {
            return Err(PoolError::NoWorkersLeft { tasks: 1 });
        };
        worker.busy = Some((index, Instant::now()));
        match worker.tasks.send(Task { index, input }) {
            Ok(()) => Ok(()),
            Err(e) => Err(self
                .worker_died(slot)
                .unwrap_or_else(|| PoolError::Ipc(e.to_string()))),
        }
    }

    /// Waits up to [`POLL`] for results and deaths; turns them into items.
    fn collect_events(&mut self, out: &mut VecDeque<Result<(usize, Resp), PoolError>>) {
        let events = match self.results.try_select_timeout(POLL) {
            Ok(events) => events,
            Err(TrySelectError::Empty) => Vec::new(),
            Err(TrySelectError::IoError(e)) => {
                out.push_back(Err(PoolError::Io(e)));
                Vec::new()
            }
        };
        for event in events {
            match event {
                IpcSelectionResult::MessageReceived(id, message) => {
                    let Some(&slot) = self.owners.get(&id) else {
                        continue; // from a worker we already retired
                    };
                    match message.to::<Outcome<Resp>>() {
                        Ok(outcome) => out.push_back(self.accept_outcome(slot, outcome)),
                        Err(e) => out.push_back(Err(self.malformed(slot, e.to_string()))),
                    }
                }
                IpcSelectionResult::ChannelClosed(id) => {
                    if let Some(&slot) = self.owners.get(&id)
                        && let Some(lost) = self.worker_died(slot)
                    {
                        out.push_back(Err(lost));
                    }
                }
            }
        }
        self.check_timeouts(out);
    }

    fn accept_outcome(
        &mut self,
        slot: usize,
        outcome: Outcome<Resp>,
    ) -> Result<(usize, Resp), PoolError> {
        let held = self.slots[slot]
            .as_ref()
            .and_then(|w| w.busy)
            .map(|(i, _)| i);
        if held != Some(outcome.index) {
            let detail = format!("answered task {} but held {held:?}", outcome.index);
            return Err(self.malformed(slot, detail));
        }
        if let Some(worker) = self.slots[slot].as_mut() {
            worker.busy = None;
        }
        Ok((outcome.index, outcome.output))
    }

    fn malformed(&mut self, slot: usize, detail: String) -> PoolError {
        let task = self.slots[slot]
            .as_ref()
            .and_then(|w| w.busy)
            .map(|(i, _)| i);
        let pid = self
            .retire(slot, Duration::ZERO)
            .map(|(w, _)| w.pid)
            .unwrap_or(0);
        PoolError::Malformed {
            task,
            worker: slot,
            pid,
            detail,
        }
    }

    /// A worker's channel closed: reap it; if it held a task, that task is lost.
    ///
    /// The channel closes when the process drops it, which can be a moment before the process
    /// ends (a panic unwinds, then `main` returns): wait for the real exit status rather than
    /// kill it and report our own `SIGKILL`.
    fn worker_died(&mut self, slot: usize) -> Option<PoolError> {
        let (worker, status) = self.retire(slot, DEATH_GRACE)?;
        let (task, _) = worker.busy?;
        Some(PoolError::WorkerDied {
            task,
            worker: slot,
            pid: worker.pid,
            status,
        })
    }

    fn check_timeouts(&mut self, out: &mut VecDeque<Result<(usize, Resp), PoolError>>) {
        let Some(limit) = self.task_timeout else {
            return;
        };
        for slot in 0..self.slots.len() {
            let overdue = self.slots[slot]
                .as_ref()
                .and_then(|w| w.busy)
                .filter(|(_, since)| since.elapsed() > limit);
            if let Some((task, _)) = overdue
                && let Some((worker, _)) = self.retire(slot, Duration::ZERO)
            {
                out.push_back(Err(PoolError::TaskTimedOut {
                    task,
                    worker: slot,
                    pid: worker.pid,
                    limit,
                }));
            }
        }
    }

    /// Kills the workers that still hold a task (used when an iteration is abandoned).
    fn abandon_busy(&mut self) {
        for slot in 0..self.slots.len() {
            if self.slots[slot].as_ref().is_some_and(|w| w.busy.is_some()) {
                self.retire(slot, Duration::ZERO);
            }
        }
    }
}

/// The iterator behind [`ProcessPool::imap_unordered`].
struct Unordered<'a, Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
{
    pool: &'a mut ProcessPool<Req, Resp>,
    pending: VecDeque<(usize, Req)>,
    ready: VecDeque<Result<(usize, Resp), PoolError>>,
    /// A replacement failed to start: report it once, go on with the workers left, and try
    /// again on the next call.
    refill_failed: bool,
}

impl<Req, Resp> Unordered<'_, Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
{
    fn in_flight(&self) -> usize {
        self.pool
            .slots
            .iter()
            .flatten()
            .filter(|w| w.busy.is_some())
            .count()
    }

    /// Replaces dead workers, then gives every idle worker a task.
    fn feed(&mut self) {
        if !self.pending.is_empty()
            && !self.refill_failed
            && let Err(e) = self.pool.refill()
        {
            self.refill_failed = true;
            self.ready.push_back(Err(e));
        }
        for slot in 0..self.pool.slots.len() {
            let idle = self.pool.slots[slot]
                .as_ref()
                .is_some_and(|w| w.busy.is_none());
            if !idle {
                continue;
            }
            let Some((index, input)) = self.pending.pop_front() else {
                return;
            };
            if let Err(lost) = self.pool.dispatch(slot, index, input) {
                self.ready.push_back(Err(lost));
            }
        }
    }
}

impl<Req, Resp> Iterator for Unordered<'_, Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
{
    type Item = Result<(usize, Resp), PoolError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            self.feed();
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.in_flight() == 0 {
                if self.pending.is_empty() {
                    return None;
                }
                // Tasks remain but no worker could be started to run them.
                let tasks = self.pending.len();
                self.pending.clear();
                return Some(Err(PoolError::NoWorkersLeft { tasks }));
            }
            self.pool.collect_events(&mut self.ready);
        }
    }
}

impl<Req, Resp> Drop for Unordered<'_, Req, Resp>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
{
    fn drop(&mut self) {
        self.pool.abandon_busy();
    }
}

impl<Req, Resp> Drop for ProcessPool<Req, Resp> {
    fn drop(&mut self) {
        // Dropping the task senders closes the task channels: each worker leaves its loop...
        let children: Vec<Child> = self
            .slots
            .iter_mut()
            .filter_map(Option::take)
            .map(|worker| worker.child)
            .collect();
        let deadline = Instant::now() + EXIT_GRACE;
        for mut child in children {
            // ...and whoever has not left by the deadline is killed. Every child is reaped.
            let left = deadline.saturating_duration_since(Instant::now());
            if !matches!(child.wait_timeout(left), Ok(Some(_))) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// Kills a child if it still runs and describes how it ended.
fn kill_and_describe(child: &mut Child) -> String {
    match child.try_wait() {
        Ok(Some(status)) => status.to_string(),
        _ => {
            let _ = child.kill();
            match child.wait() {
                Ok(status) => format!("still running, killed: {status}"),
                Err(e) => format!("could not be reaped: {e}"),
            }
        }
    }
}
