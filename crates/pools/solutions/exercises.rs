//! Reference solutions of the pools exercises.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crate::ThreadPool;

/// A job for [`MiniPool`]: any closure that can run once on another thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Exercise 1 — a minimal pool: `workers` threads that take jobs from one shared channel.
#[derive(Debug)]
pub struct MiniPool {
    workers: Vec<JoinHandle<()>>,
    sender: Option<Sender<Job>>,
}

impl MiniPool {
    /// Starts `workers` threads (at least 1), each running jobs from the shared channel until it
    /// is closed.
    pub fn new(workers: usize) -> MiniPool {
        let (sender, receiver) = mpsc::channel::<Job>();
        // `Receiver` cannot be shared as is: the mutex lets one worker at a time take a job.
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers.max(1))
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || {
                    loop {
                        // The guard is a temporary: the lock is released before the job runs.
                        let next = receiver.lock().expect("no job runs under the lock").recv();
                        match next {
                            Ok(job) => job(),
                            Err(_) => break, // channel closed and empty
                        }
                    }
                })
            })
            .collect();
        MiniPool {
            workers,
            sender: Some(sender),
        }
    }

    /// Queues `job` to run on some worker and returns at once.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        if let Some(sender) = &self.sender {
            sender.send(Box::new(job)).expect("the workers are alive");
        }
    }

    /// Graceful shutdown: closes the channel, lets the workers finish every queued job, and joins
    /// them.
    pub fn join(mut self) {
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            worker.join().expect("a worker panicked");
        }
    }
}

/// A job that returns a value, for [`run_all_catching`].
pub type BoxedJob<R> = Box<dyn FnOnce() -> R + Send + 'static>;

/// Exercise 2 — a pool that survives panicking jobs.
pub fn run_all_catching<R: Send + 'static>(
    workers: usize,
    jobs: Vec<BoxedJob<R>>,
) -> Vec<Result<R, String>> {
    let count = jobs.len();
    let (job_tx, job_rx) = mpsc::channel::<(usize, BoxedJob<R>)>();
    for indexed in jobs.into_iter().enumerate() {
        job_tx.send(indexed).expect("the receiver is alive");
    }
    drop(job_tx);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (result_tx, result_rx) = mpsc::channel();
    let handles: Vec<_> = (0..workers.max(1))
        .map(|_| {
            let (job_rx, result_tx) = (Arc::clone(&job_rx), result_tx.clone());
            thread::spawn(move || {
                loop {
                    let next = job_rx.lock().expect("no job runs under the lock").recv();
                    let Ok((index, job)) = next else { break };
                    let outcome = catch_unwind(AssertUnwindSafe(job)).map_err(|payload| {
                        payload
                            .downcast_ref::<&str>()
                            .map(|s| (*s).to_owned())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_default()
                    });
                    let _ = result_tx.send((index, outcome));
                }
            })
        })
        .collect();
    drop(result_tx);
    let mut slots: Vec<Option<Result<R, String>>> = (0..count).map(|_| None).collect();
    for (index, outcome) in result_rx {
        slots[index] = Some(outcome);
    }
    for handle in handles {
        let _ = handle.join();
    }
    slots.into_iter().flatten().collect()
}

/// Exercise 3 — an ordered parallel map.
pub fn ordered_map<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    // Each item and its output slot travel together; threads take the next pair from a shared
    // iterator, so the work balances itself and every result lands in its own slot.
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let work = Mutex::new(items.into_iter().zip(slots.iter_mut()));
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                loop {
                    let next = work.lock().expect("no one panics under the lock").next();
                    let Some((item, slot)) = next else { break };
                    *slot = Some(f(item));
                }
            });
        }
    });
    slots.into_iter().flatten().collect()
}

/// Exercise 4 — `imap_unordered`: results as they finish.
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (job_tx, job_rx) = mpsc::channel();
    for indexed in items.into_iter().enumerate() {
        job_tx.send(indexed).expect("the receiver is alive");
    }
    drop(job_tx);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let f = Arc::new(f);
    let (result_tx, result_rx) = mpsc::channel();
    for _ in 0..workers.max(1) {
        let (job_rx, result_tx, f) = (Arc::clone(&job_rx), result_tx.clone(), Arc::clone(&f));
        // Detached: each worker ends when the jobs run out; the last sender dropped closes the
        // receiver's iterator.
        thread::spawn(move || {
            loop {
                let next = job_rx.lock().expect("no job runs under the lock").recv();
                let Ok((index, item)) = next else { break };
                if result_tx.send((index, f(item))).is_err() {
                    break; // the caller stopped listening
                }
            }
        });
    }
    result_rx
}

/// Exercise 5 — a parallel reduce whose chunk size matters.
pub fn sum_of_squares(pool: &ThreadPool, n: u64) -> u64 {
    // A few chunks per worker: enough to balance uneven progress, few enough that the queue's
    // cost is negligible.
    let jobs = (4 * pool.workers() as u64).clamp(1, n.max(1));
    let size = n.div_ceil(jobs).max(1);
    let chunks = (0..n)
        .step_by(size as usize)
        .map(move |start| (start, (start + size).min(n)));
    pool.starmap(
        |start, end| (start..end).map(|i| i * i).sum::<u64>(),
        chunks,
    )
    .into_iter()
    .map(|r| r.expect("squaring does not panic"))
    .sum()
}
