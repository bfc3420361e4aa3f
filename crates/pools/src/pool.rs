//! A thread pool from scratch: N workers taking boxed jobs from one shared queue.
//!
//! This is the seeds' `Pool` class grown up. Each worker is a loop: take the next job from the
//! queue, run it, repeat, until the queue is closed and empty. Three things a real pool must get
//! right, and this one does:
//! - **A panicking job does not kill its worker.** The worker runs each job under
//!   [`std::panic::catch_unwind`]; the panic becomes a value ([`JobPanicked`]) for whoever waits on
//!   that job, and the worker takes the next one.
//! - **Dropping the pool is graceful.** `Drop` closes the queue (no new jobs), lets the workers
//!   finish everything already queued, and joins them, so no job is lost and no thread outlives
//!   the pool.
//! - **[`ThreadPool::shutdown_now`] is not.** It closes the queue, throws away what is still
//!   queued (their handles report [`crate::JobError::Cancelled`]), waits for the jobs already
//!   running, and joins.
//!
//! The higher-level API (`submit` in [`crate::handle`], `map` in [`crate::map`], `imap` in
//! [`crate::imap`]) is all built on [`ThreadPool::execute`].

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use crate::error::{JobPanicked, PoolError};
use crate::queue::JobQueue;

/// A unit of work: any closure that can be sent to another thread and run once.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

thread_local! {
    /// The index of the pool worker running on this thread (set once by the worker loop).
    static WORKER_INDEX: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Records that this thread is worker `index` of its pool (for [`current_worker`]).
pub(crate) fn set_current_worker(index: usize) {
    WORKER_INDEX.with(|cell| cell.set(Some(index)));
}

/// The index (0..workers) of the pool worker running the current job, or `None` outside a pool.
/// Lets a job say where it ran, as the timeline demo does.
pub fn current_worker() -> Option<usize> {
    WORKER_INDEX.with(Cell::get)
}

/// A fixed set of worker threads that run jobs from a shared queue.
pub struct ThreadPool {
    queue: Arc<JobQueue<Job>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Counters>,
}

/// What the workers count, for tests and the curious.
#[derive(Debug, Default)]
struct Counters {
    submitted: AtomicUsize,
    completed: AtomicUsize,
    panicked: AtomicUsize,
}

impl ThreadPool {
    /// Starts `workers` worker threads named `pool-worker-<i>`. Zero workers is an error.
    pub fn new(workers: usize) -> Result<Self, PoolError> {
        if workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        let queue = Arc::new(JobQueue::<Job>::new());
        let shared = Arc::new(Counters::default());
        let mut handles = Vec::with_capacity(workers);
        for index in 0..workers {
            let (worker_queue, counters) = (Arc::clone(&queue), Arc::clone(&shared));
            let spawned = thread::Builder::new()
                .name(format!("pool-worker-{index}"))
                .spawn(move || worker_loop(index, &worker_queue, &counters));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    // Do not leak the workers already started: close their queue and join them.
                    queue.close();
                    for handle in handles {
                        let _ = handle.join();
                    }
                    return Err(PoolError::Spawn(err));
                }
            }
        }
        Ok(Self {
            queue,
            workers: handles,
            shared,
        })
    }

    /// How many worker threads the pool was started with.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// How many worker threads are still running their loop. Always [`Self::workers`] while the
    /// pool is alive: a panicking job does not end its worker.
    pub fn alive_workers(&self) -> usize {
        self.workers.iter().filter(|w| !w.is_finished()).count()
    }

    /// How many jobs are queued and not yet taken by a worker.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// How many jobs have been queued since the pool started (every `submit`, every item of a
    /// `map`, ... is one job): what the granularity exercise counts.
    pub fn submitted_jobs(&self) -> usize {
        self.shared.submitted.load(Ordering::SeqCst)
    }

    /// How many jobs have finished (normally or by panicking).
    pub fn completed_jobs(&self) -> usize {
        self.shared.completed.load(Ordering::SeqCst)
    }

    /// How many jobs given to [`Self::execute`] panicked. (Jobs from `submit`, `map` and friends
    /// report their panic to their caller instead, and are not counted here.)
    pub fn panicked_jobs(&self) -> usize {
        self.shared.panicked.load(Ordering::SeqCst)
    }

    /// Queues `job` to run on some worker; returns at once. Fire and forget: if it panics, the
    /// panic is caught and counted ([`Self::panicked_jobs`]). Use `submit` to get a result back.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.push(Box::new(job));
    }

    /// Queues a job that is boxed already (`map` and friends box theirs).
    pub(crate) fn push(&self, job: Job) {
        self.shared.submitted.fetch_add(1, Ordering::SeqCst);
        if self.queue.push(job).is_err() {
            // The queue closes only in `drop`/`shutdown_now`, which consume the pool, so a pool
            // that can still be borrowed always has an open queue.
            unreachable!("a live pool's queue is open");
        }
    }

    /// Graceful shutdown, spelled out: runs every queued job, then joins the workers. The same as
    /// dropping the pool.
    pub fn join(self) {
        drop(self);
    }

    /// Immediate shutdown: drops every job still queued (their handles report `Cancelled`), waits
    /// for the jobs already running, joins the workers, and returns how many jobs were dropped.
    pub fn shutdown_now(mut self) -> usize {
        self.queue.close();
        let dropped = self.queue.drain().len();
        self.join_workers();
        dropped
    }

    fn join_workers(&mut self) {
        self.queue.close();
        for handle in self.workers.drain(..) {
            // Workers catch job panics, so a join error would be a bug in the loop itself; there is
            // nothing useful to do with it while shutting down.
            let _ = handle.join();
        }
    }
}

impl std::fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPool")
            .field("workers", &self.workers())
            .field("queued", &self.queued())
            .field("completed_jobs", &self.completed_jobs())
            .finish()
    }
}

impl Drop for ThreadPool {
    /// Closes the queue, lets the workers finish every queued job, and joins them.
    fn drop(&mut self) {
        self.join_workers();
    }
}

/// The body of every worker thread.
fn worker_loop(index: usize, queue: &JobQueue<Job>, counters: &Counters) {
    set_current_worker(index);
    while let Some(job) = queue.pop() {
        // AssertUnwindSafe: the job owns everything it touches, and after a panic we drop it and
        // never look at its state again, so no broken invariant can be observed.
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            counters.panicked.fetch_add(1, Ordering::SeqCst);
        }
        counters.completed.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs `f` and turns a panic into a [`JobPanicked`]: how every result-returning job is wrapped.
pub(crate) fn run_catching<R>(f: impl FnOnce() -> R) -> Result<R, JobPanicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| JobPanicked::from_payload(&*payload))
}
