//! A work-stealing pool: a queue per worker, and idle workers steal from the others.
//!
//! [`ThreadPool`](crate::ThreadPool) has one queue behind one lock: every `execute` and every
//! worker taking a job meet at that lock, and the lock's owner may be asleep when it is needed.
//! With tiny jobs, the pool spends its time handing them out. `StealingPool` is how rayon (and
//! Go, Tokio, Java's fork/join) avoid that, built by hand on the deques of `crossbeam-deque`:
//!
//! - a global **`Injector`**, a lock-free FIFO queue where jobs from outside the pool arrive;
//! - a **`Worker`** deque per thread, which only its owner pushes to and pops from, at the same
//!   end (LIFO: the job it queued last is the one whose data is still in its cache). A job that
//!   calls `execute` on its own pool queues there, touching nothing shared;
//! - a **`Stealer`** per deque for the other threads: an idle worker takes from the *other* end
//!   (FIFO: the oldest job, often the biggest piece of a divided task), so owner and thief rarely
//!   meet.
//!
//! A worker looks for its next job in that order (`find_job`): its own deque, then a batch
//! from the injector (about half of it, at most 32, moved into its own deque at once, so the
//! next jobs come from there), then one job stolen from another worker. Only when all three are empty does it
//! go to sleep, and only then does `execute` pay for waking it ([`crate::sleepers`]).
//!
//! What it keeps from `ThreadPool`: a panicking job is caught and counted and its worker carries
//! on; `map` returns the panic in that item's slot; dropping the pool runs every queued job, then
//! joins the workers. (There is no `shutdown_now`: jobs spread over many deques cannot be taken
//! back all at once.)

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use crossbeam::deque::{Injector, Steal, Stealer, Worker};

use crate::error::PoolError;
use crate::map::{MapAsync, MapResult, queue_map};
use crate::pool::{Job, set_current_worker};
use crate::sleepers::Sleepers;

/// How many times an idle worker looks for work (yielding its core in between) before it goes
/// to sleep. Sleeping and being woken cost microseconds of system calls; a short look costs
/// nothing when more jobs are on their way, which they usually are.
const IDLE_ROUNDS: u32 = 32;

thread_local! {
    /// On a worker thread: its own deque, and which pool it belongs to.
    static OWN_DEQUE: RefCell<Option<OwnDeque>> = const { RefCell::new(None) };
}

/// A worker's deque, as its own thread sees it.
struct OwnDeque {
    /// The address of the pool's [`Shared`]: tells `execute` whether it runs on one of this
    /// pool's workers.
    pool: usize,
    deque: Worker<Job>,
}

/// A fixed set of worker threads, each with its own deque, stealing from each other when idle.
pub struct StealingPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

/// What the workers and the pool's handle share.
struct Shared {
    injector: Injector<Job>,
    /// One per worker, in worker order.
    stealers: Vec<Stealer<Job>>,
    sleepers: Sleepers,
    closed: AtomicBool,
    panicked: AtomicUsize,
}

impl StealingPool {
    /// Starts `workers` worker threads named `stealing-worker-<i>`. Zero workers is an error.
    ///
    /// ```
    /// let pool = pools::StealingPool::new(2).unwrap();
    /// let squares: Vec<u64> = pool.map(|x: u64| x * x, 1..=4).into_iter().map(Result::unwrap).collect();
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// ```
    pub fn new(workers: usize) -> Result<Self, PoolError> {
        if workers == 0 {
            return Err(PoolError::NoWorkers);
        }
        let deques: Vec<Worker<Job>> = (0..workers).map(|_| Worker::new_lifo()).collect();
        let shared = Arc::new(Shared {
            injector: Injector::new(),
            stealers: deques.iter().map(Worker::stealer).collect(),
            sleepers: Sleepers::default(),
            closed: AtomicBool::new(false),
            panicked: AtomicUsize::new(0),
        });
        let mut pool = StealingPool {
            shared,
            workers: Vec::with_capacity(workers),
        };
        for (index, deque) in deques.into_iter().enumerate() {
            let shared = Arc::clone(&pool.shared);
            let spawned = thread::Builder::new()
                .name(format!("stealing-worker-{index}"))
                .spawn(move || worker_loop(index, deque, &shared));
            // On failure, dropping `pool` closes it and joins the workers already started.
            pool.workers.push(spawned?);
        }
        Ok(pool)
    }

    /// How many worker threads the pool was started with.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// How many worker threads are still running their loop: all of them while the pool is
    /// alive, since a panicking job does not end its worker.
    pub fn alive_workers(&self) -> usize {
        self.workers.iter().filter(|w| !w.is_finished()).count()
    }

    /// How many jobs given to [`Self::execute`] panicked (`map` reports its panics in place).
    pub fn panicked_jobs(&self) -> usize {
        self.shared.panicked.load(Ordering::SeqCst)
    }

    /// Queues `job` to run on some worker and returns at once; a panic in it is caught and
    /// counted ([`Self::panicked_jobs`]). Called from a job running on this pool, it queues on
    /// that worker's own deque; from anywhere else, on the injector.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.push(Box::new(job));
    }

    /// Applies `f` to every item on the pool and returns the results in input order; a
    /// panicking item gives `Err(JobPanicked)` in its slot. The same as [`crate::ThreadPool::map`].
    pub fn map<T, R, F>(&self, f: F, items: impl IntoIterator<Item = T>) -> Vec<MapResult<R>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        self.map_async(f, items).get()
    }

    /// Queues `f` on every item and returns at once; the handle collects the results in input
    /// order. The same as [`crate::ThreadPool::map_async`].
    pub fn map_async<T, R, F>(&self, f: F, items: impl IntoIterator<Item = T>) -> MapAsync<'_, R>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        queue_map(|job| self.push(job), f, items)
    }

    /// Graceful shutdown, spelled out: runs every queued job, then joins the workers. The same as
    /// dropping the pool.
    pub fn join(self) {
        drop(self);
    }

    /// Queues a job that is boxed already (`map` and friends box theirs).
    pub(crate) fn push(&self, job: Job) {
        let me = Arc::as_ptr(&self.shared) as usize;
        let job = OWN_DEQUE.with_borrow(|own| match own {
            Some(own) if own.pool == me => {
                own.deque.push(job);
                None
            }
            _ => Some(job),
        });
        if let Some(job) = job {
            self.shared.injector.push(job);
        }
        self.shared.sleepers.wake_one();
    }
}

impl std::fmt::Debug for StealingPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StealingPool")
            .field("workers", &self.workers())
            .field("panicked_jobs", &self.panicked_jobs())
            .finish()
    }
}

impl Drop for StealingPool {
    /// Closes the pool, lets the workers run every queued job, and joins them.
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.sleepers.wake_all();
        for handle in self.workers.drain(..) {
            // A job that drops the last handle to its own pool must not wait for itself: its
            // worker leaves its loop by itself once the queues are empty.
            if handle.thread().id() != thread::current().id() {
                // Workers catch job panics: a join error would be a bug in the loop itself.
                let _ = handle.join();
            }
        }
    }
}

/// The body of every worker thread: run jobs until the pool is closed and nothing is left.
fn worker_loop(index: usize, deque: Worker<Job>, shared: &Shared) {
    set_current_worker(index);
    let pool = std::ptr::from_ref(shared) as usize;
    OWN_DEQUE.set(Some(OwnDeque { pool, deque }));
    while let Some(job) = next_job(index, shared) {
        // AssertUnwindSafe: the job owns what it touches and is dropped after a panic.
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            shared.panicked.fetch_add(1, Ordering::SeqCst);
        }
    }
    OWN_DEQUE.set(None);
}

/// The next job for worker `index`: found at once, found after a short look, or after sleeping
/// until a job arrives. `None` once the pool is closed and every queue is empty.
fn next_job(index: usize, shared: &Shared) -> Option<Job> {
    let soon = (0..IDLE_ROUNDS).find_map(|round| {
        if round > 0 {
            thread::yield_now();
        }
        find_job(index, shared)
    });
    let job = soon.or_else(|| {
        shared.sleepers.sleep_until(|| {
            let job = find_job(index, shared);
            (job.is_some() || shared.closed.load(Ordering::SeqCst)).then_some(job)
        })
    })?;
    // More jobs wait in this worker's deque (a batch from the injector, or jobs its jobs
    // queued): a sleeping worker could be stealing them.
    if OWN_DEQUE.with_borrow(|own| own.as_ref().is_some_and(|own| !own.deque.is_empty())) {
        shared.sleepers.wake_one();
    }
    Some(job)
}

/// Worker `index`'s own deque first (LIFO), then a batch from the injector, then one job from
/// the front of another worker's deque (FIFO).
fn find_job(index: usize, shared: &Shared) -> Option<Job> {
    OWN_DEQUE.with_borrow(|own| {
        let own = &own.as_ref().expect("a worker thread has its deque").deque;
        own.pop().or_else(|| {
            let others = shared.stealers.len();
            std::iter::repeat_with(|| {
                shared.injector.steal_batch_and_pop(own).or_else(|| {
                    // Start with the next worker, so thieves do not all pick on worker 0.
                    (1..others)
                        .map(|k| shared.stealers[(index + k) % others].steal())
                        .collect()
                })
            })
            // `Retry`: a steal raced with another thread; look again.
            .find(|steal| !steal.is_retry())
            .and_then(Steal::success)
        })
    })
}
