//! Tests of the hand-made pool: panics, shutdown, no job lost or run twice.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use pools::{JobError, PoolError, ThreadPool};
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn zero_workers_is_an_error() {
    assert!(matches!(ThreadPool::new(0), Err(PoolError::NoWorkers)));
}

#[test]
fn every_worker_runs_at_once() {
    // Four jobs that each wait for all four: only four live, distinct workers can finish them.
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        let barrier = Arc::new(Barrier::new(4));
        let seen = Arc::new(Mutex::new(Vec::new()));
        for _ in 0..4 {
            let (barrier, seen) = (Arc::clone(&barrier), Arc::clone(&seen));
            pool.execute(move || {
                barrier.wait();
                seen.lock().unwrap().push(pools::current_worker().unwrap());
            });
        }
        drop(pool);
        let mut seen = seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 2, 3]);
    });
}

#[test]
fn a_thousand_panicking_jobs_leave_the_pool_whole() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        for i in 0..500 {
            pool.execute(move || panic!("job {i} fails on purpose"));
        }
        let results = pool.map(
            |i: u32| -> u32 {
                if i.is_multiple_of(2) {
                    panic!("item {i}")
                } else {
                    i
                }
            },
            0..500,
        );
        for (i, result) in results.iter().enumerate() {
            if i.is_multiple_of(2) {
                assert_eq!(result.as_ref().unwrap_err().message, format!("item {i}"));
            } else {
                assert_eq!(*result.as_ref().unwrap(), i as u32);
            }
        }
        assert_eq!(pool.alive_workers(), 4);
        // And it still computes correctly, on all four workers at once.
        let barrier = Arc::new(Barrier::new(4));
        let squares = pool.map(
            move |x: u64| {
                if x < 4 {
                    barrier.wait();
                }
                x * x
            },
            0..100,
        );
        let squares: Vec<u64> = squares.into_iter().map(Result::unwrap).collect();
        assert_eq!(squares, (0..100).map(|x| x * x).collect::<Vec<_>>());
        // Counted only now: a worker counts a panic after its job, and the barrier above proves
        // every worker has come back for more work since.
        assert_eq!(pool.panicked_jobs(), 500);
    });
}

#[test]
fn drop_runs_every_queued_job_exactly_once() {
    deadline(LIMIT, || {
        let runs: Arc<Vec<AtomicUsize>> =
            Arc::new((0..2000).map(|_| AtomicUsize::new(0)).collect());
        let pool = ThreadPool::new(3).unwrap();
        for i in 0..2000 {
            let runs = Arc::clone(&runs);
            pool.execute(move || {
                runs[i].fetch_add(1, Ordering::SeqCst);
            });
        }
        drop(pool);
        assert!(runs.iter().all(|r| r.load(Ordering::SeqCst) == 1));
    });
}

#[test]
fn shutdown_now_drops_the_queue_and_cancels_its_handles() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(1).unwrap();
        let gate = Arc::new(Barrier::new(2));
        let started = {
            let gate = Arc::clone(&gate);
            pool.submit(move || {
                gate.wait(); // running: now the rest are surely queued behind it
                gate.wait();
                "finished"
            })
        };
        let ran = Arc::new(AtomicUsize::new(0));
        let queued: Vec<_> = (0..10)
            .map(|_| {
                let ran = Arc::clone(&ran);
                pool.submit(move || ran.fetch_add(1, Ordering::SeqCst))
            })
            .collect();
        gate.wait();
        let mut queued = queued;
        let last = queued.pop().unwrap();
        // The running job may finish only once the queue has been drained: the last queued
        // handle reports `Cancelled` exactly then (its job, and the sender in it, was dropped).
        let releaser = {
            let gate = Arc::clone(&gate);
            thread::spawn(move || {
                let outcome = last.wait();
                gate.wait();
                outcome
            })
        };
        assert_eq!(pool.shutdown_now(), 10);
        assert_eq!(releaser.join().unwrap(), Err(JobError::Cancelled));
        assert_eq!(started.wait(), Ok("finished"));
        assert_eq!(ran.load(Ordering::SeqCst), 0);
        for handle in queued {
            assert_eq!(handle.wait(), Err(JobError::Cancelled));
        }
    });
}

#[test]
fn a_job_that_outlives_its_handle_is_harmless() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(2).unwrap();
        drop(pool.submit(|| 1));
        assert_eq!(pool.submit(|| 2).wait(), Ok(2));
    });
}
