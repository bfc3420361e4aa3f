//! Loom models of the pools' handoffs: the `ThreadPool`'s queue and the `StealingPool`'s
//! sleepers, every interleaving of a small configuration.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test --release -p pools --test loom --target-dir target/loom`.
//! Each model is bounded (`preemption_bound`), as loom needs: unbounded, even two workers and a
//! producer take minutes.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::thread;
use pools::queue::JobQueue;
use pools::sleepers::Sleepers;

fn model(body: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(body);
}

/// The worker loop of `ThreadPool`, with "running a job" = counting it.
fn worker(queue: &JobQueue<usize>, runs: &[AtomicUsize]) {
    while let Some(job) = queue.pop() {
        runs[job].fetch_add(1, Ordering::SeqCst);
    }
}

/// Graceful shutdown: two workers, two jobs pushed, then close. Every job runs exactly once and
/// both workers exit (a worker asleep on a closed queue would make loom report a deadlock).
#[test]
fn graceful_close_runs_every_job_once() {
    model(|| {
        let queue = Arc::new(JobQueue::new());
        let runs = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (queue, runs) = (Arc::clone(&queue), Arc::clone(&runs));
                thread::spawn(move || worker(&queue, &*runs))
            })
            .collect();
        queue.push(0).unwrap();
        queue.push(1).unwrap();
        queue.close();
        for w in workers {
            w.join().unwrap();
        }
        for r in runs.iter() {
            assert_eq!(r.load(Ordering::SeqCst), 1);
        }
        assert!(queue.push(2).is_err(), "a closed queue refuses jobs");
    });
}

/// `shutdown_now`: close and drain while a worker is popping. Each job is either run or drained,
/// never both, never neither.
#[test]
fn drain_and_pop_split_the_jobs() {
    model(|| {
        let queue = Arc::new(JobQueue::new());
        let runs = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        queue.push(0).unwrap();
        queue.push(1).unwrap();
        let handle = {
            let (queue, runs) = (Arc::clone(&queue), Arc::clone(&runs));
            thread::spawn(move || worker(&queue, &*runs))
        };
        queue.close();
        let drained = queue.drain();
        handle.join().unwrap();
        for (job, r) in runs.iter().enumerate() {
            let ran = r.load(Ordering::SeqCst);
            let dropped = usize::from(drained.contains(&job));
            assert_eq!(
                ran + dropped,
                1,
                "job {job}: ran {ran} times, drained {dropped}"
            );
        }
    });
}

/// A worker that went to sleep on an empty queue is woken by a push from another thread.
#[test]
fn a_sleeping_worker_wakes_for_a_job() {
    model(|| {
        let queue = Arc::new(JobQueue::new());
        let consumer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.pop())
        };
        queue.push(7).unwrap();
        assert_eq!(consumer.join().unwrap(), Some(7));
        queue.close();
        assert_eq!(queue.pop(), None);
    });
}

/// The stealing pool's sleep: a job queued (relaxed: the count's read-modify-writes
/// must carry it) while a worker falls asleep is never missed. With a plain load of the count
/// in `wake_one`, loom finds the run where the worker sleeps forever beside the job.
#[test]
fn a_worker_falling_asleep_never_misses_a_job() {
    model(|| {
        let sleepers = Arc::new(Sleepers::default());
        let queued = Arc::new(AtomicBool::new(false));
        let worker = {
            let (sleepers, queued) = (Arc::clone(&sleepers), Arc::clone(&queued));
            thread::spawn(move || {
                sleepers.sleep_until(|| queued.swap(false, Ordering::Relaxed).then_some("job"))
            })
        };
        // A swap, not a store: queuing is a read-modify-write in crossbeam's injector too, and
        // loom 0.7 can let a later read-modify-write miss a plain relaxed store (a false alarm
        // the C++ model rules out).
        queued.swap(true, Ordering::Relaxed);
        sleepers.wake_one();
        assert_eq!(worker.join().unwrap(), "job");
    });
}

/// Two sleeping workers, two jobs queued one at a time, one `wake_one` each: both workers get
/// a job (a wake-up meant for one and taken by the other is not lost for the second job).
#[test]
fn two_jobs_wake_two_workers() {
    model(|| {
        let sleepers = Arc::new(Sleepers::default());
        let queued = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (sleepers, queued) = (Arc::clone(&sleepers), Arc::clone(&queued));
                thread::spawn(move || {
                    sleepers.sleep_until(|| {
                        queued
                            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                                n.checked_sub(1)
                            })
                            .ok()
                    })
                })
            })
            .collect();
        for _ in 0..2 {
            queued.fetch_add(1, Ordering::Relaxed);
            sleepers.wake_one();
        }
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(queued.load(Ordering::Relaxed), 0);
    });
}

/// Closing wakes every sleeper: no worker is left asleep on a closed pool.
#[test]
fn closing_wakes_every_sleeper() {
    model(|| {
        let sleepers = Arc::new(Sleepers::default());
        let closed = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (sleepers, closed) = (Arc::clone(&sleepers), Arc::clone(&closed));
                thread::spawn(move || {
                    sleepers.sleep_until(|| closed.load(Ordering::Relaxed).then_some(()))
                })
            })
            .collect();
        closed.store(true, Ordering::Relaxed);
        sleepers.wake_all();
        for w in workers {
            w.join().unwrap();
        }
    });
}
