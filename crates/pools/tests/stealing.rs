//! Tests of the work-stealing pool: every job runs exactly once, panics, stealing, shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use pools::{PoolError, StealingPool, current_worker};
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn zero_workers_is_an_error() {
    assert!(matches!(StealingPool::new(0), Err(PoolError::NoWorkers)));
}

#[test]
fn every_worker_runs_at_once() {
    // Four jobs that each wait for all four: only four live, distinct workers can finish them.
    deadline(LIMIT, || {
        let pool = StealingPool::new(4).unwrap();
        let barrier = Arc::new(Barrier::new(4));
        let seen = Arc::new(Mutex::new(Vec::new()));
        for _ in 0..4 {
            let (barrier, seen) = (Arc::clone(&barrier), Arc::clone(&seen));
            pool.execute(move || {
                barrier.wait();
                seen.lock().unwrap().push(current_worker().unwrap());
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
        let pool = StealingPool::new(4).unwrap();
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
        // It still computes correctly, on all four workers at once.
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
        // Counted only now: the barrier proves every worker came back for work since.
        assert_eq!(pool.panicked_jobs(), 500);
    });
}

#[test]
fn many_producers_and_drop_run_every_job_exactly_once() {
    deadline(LIMIT, || {
        const PRODUCERS: usize = 4;
        const JOBS: usize = 5000;
        let runs: Arc<Vec<AtomicUsize>> =
            Arc::new((0..PRODUCERS * JOBS).map(|_| AtomicUsize::new(0)).collect());
        let pool = StealingPool::new(3).unwrap();
        thread::scope(|s| {
            for p in 0..PRODUCERS {
                let (pool, runs) = (&pool, &runs);
                s.spawn(move || {
                    for j in 0..JOBS {
                        let runs = Arc::clone(runs);
                        pool.execute(move || {
                            runs[p * JOBS + j].fetch_add(1, Ordering::SeqCst);
                        });
                    }
                });
            }
        });
        drop(pool);
        let wrong: Vec<usize> = (0..runs.len())
            .filter(|&i| runs[i].load(Ordering::SeqCst) != 1)
            .collect();
        assert!(wrong.is_empty(), "jobs not run exactly once: {wrong:?}");
    });
}

#[test]
fn a_job_queues_on_its_own_deque_and_an_idle_worker_steals_the_oldest() {
    // A job running on worker A queues two jobs: they go to A's deque, not the injector. Each
    // waits for the other, so both must run at once: A takes the newest (LIFO), and the other
    // worker can only get the oldest by stealing it from the front of A's deque.
    deadline(LIMIT, || {
        let pool = Arc::new(StealingPool::new(2).unwrap());
        let (report, reports) = mpsc::channel();
        let inner = Arc::clone(&pool);
        pool.execute(move || {
            let barrier = Arc::new(Barrier::new(2));
            for name in ["oldest", "newest"] {
                let (barrier, report) = (Arc::clone(&barrier), report.clone());
                inner.execute(move || {
                    barrier.wait();
                    report.send((name, current_worker().unwrap())).unwrap();
                });
            }
            report.send(("parent", current_worker().unwrap())).unwrap();
        });
        let mut ran: Vec<(&str, usize)> = reports.iter().take(3).collect();
        ran.sort_unstable();
        let [(_, newest), (_, oldest), (_, parent)] = ran[..] else {
            panic!("three reports, got {ran:?}")
        };
        assert_eq!(newest, parent, "the owner runs what it queued last");
        assert_ne!(oldest, parent, "the thief takes what was queued first");
    });
}

#[test]
fn a_job_that_drops_the_last_handle_does_not_wait_for_itself() {
    // Dropping the pool joins its workers; done by one of those workers, it must not join
    // itself (that would never return).
    deadline(LIMIT, || {
        let pool = Arc::new(StealingPool::new(2).unwrap());
        let (dropped, caller_dropped) = mpsc::channel();
        let (done, finished) = mpsc::channel();
        let last = Arc::clone(&pool);
        pool.execute(move || {
            caller_dropped.recv().unwrap();
            drop(last);
            done.send(()).unwrap();
        });
        drop(pool);
        dropped.send(()).unwrap();
        finished.recv().unwrap();
    });
}

#[test]
fn map_keeps_input_order_whoever_finishes_first() {
    deadline(LIMIT, || {
        let pool = StealingPool::new(4).unwrap();
        let out = pool.map(
            |x: u64| {
                thread::sleep(Duration::from_millis(20 - x));
                x * 10
            },
            0..20,
        );
        let out: Vec<u64> = out.into_iter().map(Result::unwrap).collect();
        assert_eq!(out, (0..20).map(|x| x * 10).collect::<Vec<_>>());
        assert!(pool.map(|x: u8| x, Vec::new()).is_empty());
    });
}
