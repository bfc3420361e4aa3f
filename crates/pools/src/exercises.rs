//! Exercises: build pools yourself, from a minimal one to a parallel reduce with a well-chosen
//! chunk size. Replace each `todo!()`; `cargo xtask grade` scores your answers.
//!
//! You may use anything in `std`, and the lesson's [`crate::ThreadPool`] where an exercise hands
//! you one. Run one exercise's tests with
//! `cargo test -p pools --features grading --test grade <name>`.

use std::sync::mpsc::Receiver;

use crate::ThreadPool;

/// A job for [`MiniPool`]: any closure that can run once on another thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Exercise 1 — a minimal pool: `workers` threads that take jobs from one shared channel.
///
/// Replace the field with your own (for instance the workers' `JoinHandle`s and the sending end
/// of an `mpsc` channel whose receiver the workers share behind an `Arc<Mutex<_>>`).
///
/// ```no_run
/// # use pools::exercises::MiniPool;
/// let pool = MiniPool::new(4);
/// for i in 0..10 {
///     pool.execute(move || println!("job {i}"));
/// }
/// pool.join(); // every job has run when this returns
/// ```
#[derive(Debug)]
pub struct MiniPool {
    _replace_me: (),
}

impl MiniPool {
    /// Starts `workers` threads (at least 1), each running jobs from the shared channel until it
    /// is closed.
    pub fn new(workers: usize) -> MiniPool {
        let _ = workers;
        todo!()
    }

    /// Queues `job` to run on some worker and returns at once. Jobs run on the pool's workers
    /// only (never on the caller's thread, never on a thread of their own), several at once.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        let _ = job;
        todo!()
    }

    /// Graceful shutdown: closes the channel, lets the workers finish every queued job, and joins
    /// them.
    pub fn join(self) {
        todo!()
    }
}

/// A job that returns a value, for [`run_all_catching`].
pub type BoxedJob<R> = Box<dyn FnOnce() -> R + Send + 'static>;

/// Exercise 2 — a pool that survives panicking jobs.
///
/// Run every job on `workers` threads of your own, running at the same time (not on the
/// caller's thread, not a thread per job), and return their results in the order of `jobs`. A job that panics gives `Err(message)` with its panic message (`"boom"`
/// for `panic!("boom")`), and the worker that ran it goes on with the next job.
///
/// ```no_run
/// # use pools::exercises::{BoxedJob, run_all_catching};
/// let jobs: Vec<BoxedJob<u32>> = vec![Box::new(|| 1), Box::new(|| panic!("boom")), Box::new(|| 3)];
/// assert_eq!(run_all_catching(2, jobs), [Ok(1), Err("boom".to_string()), Ok(3)]);
/// ```
pub fn run_all_catching<R: Send + 'static>(
    workers: usize,
    jobs: Vec<BoxedJob<R>>,
) -> Vec<Result<R, String>> {
    let _ = (workers, jobs);
    todo!()
}

/// Exercise 3 — an ordered parallel map.
///
/// Apply `f` to every item on `workers` threads at once (not a thread per item) and return the
/// results **in input order**, whatever order they finish in.
///
/// ```no_run
/// # use pools::exercises::ordered_map;
/// assert_eq!(ordered_map(3, |x: u32| x * 2, vec![1, 2, 3, 4]), [2, 4, 6, 8]);
/// ```
pub fn ordered_map<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (workers, f, items);
    todo!()
}

/// Exercise 4 — `imap_unordered`: results as they finish.
///
/// Start applying `f` to every item on `workers` threads (not a thread per item) and return
/// **at once** a receiver on which `(input index, result)` pairs arrive in completion order, each
/// as soon as it is ready.
/// The receiver's iterator ends when every item has been delivered.
///
/// ```no_run
/// # use pools::exercises::unordered_results;
/// # use std::{thread::sleep, time::Duration};
/// let results = unordered_results(2, |ms: u64| { sleep(Duration::from_millis(ms)); ms }, vec![200, 10]);
/// assert_eq!(results.recv().unwrap(), (1, 10)); // the fast one first
/// ```
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let _ = (workers, f, items);
    todo!()
}

/// Exercise 5 — a parallel reduce whose chunk size matters.
///
/// Return `0² + 1² + ... + (n-1)²` computed on `pool` (use its `map`, `starmap`, `submit` or
/// `execute`). Every job costs a trip through the pool's queue, so choose the chunk size well:
/// for large `n`, use at least one job per worker (so every worker has work) but no more than a
/// few hundred jobs in all (the tests count them with `pool.submitted_jobs()`).
///
/// ```no_run
/// # use pools::{ThreadPool, exercises::sum_of_squares};
/// let pool = ThreadPool::new(4).unwrap();
/// assert_eq!(sum_of_squares(&pool, 4), 0 + 1 + 4 + 9);
/// ```
pub fn sum_of_squares(pool: &ThreadPool, n: u64) -> u64 {
    let _ = (pool, n);
    todo!()
}
