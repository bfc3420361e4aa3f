//! Grading tests of the pools exercises (`cargo xtask grade`; each runs alone in its process).
//!
//! Each test checks the results, which threads ran the jobs (the pool's own, no more of them than
//! asked for), and that they ran at the same time where that is the point: a [`Together`] or a
//! `Barrier` opens only when enough threads arrive at once. Work done one job after another never
//! gets past them: `Together` refuses it after a while, the deadline ends a `Barrier`'s wait.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::Duration;

use pools::ThreadPool;
use pools::exercises::{
    BoxedJob, MiniPool, ordered_map, run_all_catching, sum_of_squares, unordered_results,
};
use testkit::{Together, deadline};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// Plenty for the right answer; a wrong one that blocks costs this much.
const LIMIT: Duration = Duration::from_secs(2);

/// A set of the threads that ran some jobs.
#[derive(Clone, Default)]
struct Threads(Arc<Mutex<HashSet<ThreadId>>>);

impl Threads {
    fn record(&self) {
        self.0.lock().unwrap().insert(thread::current().id());
    }

    fn seen(&self) -> HashSet<ThreadId> {
        self.0.lock().unwrap().clone()
    }
}

/// The jobs ran on at most `workers` threads, none of them the caller's.
fn assert_on_workers(threads: &HashSet<ThreadId>, workers: usize, caller: ThreadId) {
    assert!(
        !threads.contains(&caller),
        "the jobs must run on the pool's threads, not on the caller's"
    );
    assert!(
        threads.len() <= workers,
        "{} threads ran the jobs of {workers} workers: a thread per job is not a pool",
        threads.len()
    );
}

#[test]
fn mini_pool_runs_every_job() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let pool = MiniPool::new(4);
        let count = Arc::new(AtomicUsize::new(0));
        let threads = Threads::default();
        for _ in 0..200 {
            let (count, threads) = (Arc::clone(&count), threads.clone());
            pool.execute(move || {
                threads.record();
                count.fetch_add(1, Ordering::SeqCst);
            });
        }
        pool.join();
        assert_eq!(
            count.load(Ordering::SeqCst),
            200,
            "every job runs exactly once"
        );
        assert_on_workers(&threads.seen(), 4, thread::current().id());
    });
}

#[test]
fn mini_pool_workers_run_at_the_same_time() {
    let _pass = harness::start();
    // Three jobs that each wait for all three: only three workers running at once finish them.
    deadline(LIMIT, || {
        let pool = MiniPool::new(3);
        let barrier = Arc::new(Barrier::new(3));
        let threads = Arc::new(Mutex::new(HashSet::new()));
        for _ in 0..3 {
            let (barrier, threads) = (Arc::clone(&barrier), Arc::clone(&threads));
            pool.execute(move || {
                barrier.wait();
                threads.lock().unwrap().insert(thread::current().id());
            });
        }
        pool.join();
        assert_eq!(threads.lock().unwrap().len(), 3);
    });
}

#[test]
fn mini_pool_join_finishes_the_queue() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let pool = MiniPool::new(1);
        let done = Arc::new(Mutex::new(Vec::new()));
        for i in 0..5 {
            let done = Arc::clone(&done);
            pool.execute(move || {
                thread::sleep(Duration::from_millis(5));
                done.lock().unwrap().push(i);
            });
        }
        pool.join();
        assert_eq!(
            *done.lock().unwrap(),
            [0, 1, 2, 3, 4],
            "join waits for queued jobs, in order"
        );
    });
}

#[test]
fn run_all_catching_survives_panics() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let threads = Threads::default();
        let jobs: Vec<BoxedJob<u32>> = (0..40u32)
            .map(|i| {
                let threads = threads.clone();
                Box::new(move || {
                    threads.record();
                    if i % 3 == 0 {
                        panic!("job {i} failed");
                    }
                    i * 10
                }) as BoxedJob<u32>
            })
            .collect();
        let results = run_all_catching(2, jobs);
        assert_eq!(results.len(), 40);
        for (i, result) in results.into_iter().enumerate() {
            if i % 3 == 0 {
                assert_eq!(result, Err(format!("job {i} failed")));
            } else {
                assert_eq!(result, Ok(i as u32 * 10));
            }
        }
        assert_on_workers(&threads.seen(), 2, thread::current().id());
    });
}

#[test]
fn run_all_catching_runs_jobs_at_once_on_its_workers() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Each worker's first job waits until all three workers have one.
        let together = Together::new(3);
        let jobs: Vec<BoxedJob<usize>> = (0..30usize)
            .map(|i| {
                let together = together.clone();
                Box::new(move || {
                    together.arrive();
                    i
                }) as BoxedJob<usize>
            })
            .collect();
        let results = run_all_catching(3, jobs);
        assert_eq!(results, (0..30).map(Ok).collect::<Vec<_>>());
        assert_on_workers(&together.ids(), 3, thread::current().id());
    });
}

#[test]
fn ordered_map_keeps_input_order() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Early items sleep longest, so they finish last.
        let out = ordered_map(
            4,
            |x: u64| {
                thread::sleep(Duration::from_millis(2 * (20 - x)));
                x * x
            },
            (0..20).collect(),
        );
        assert_eq!(out, (0..20).map(|x| x * x).collect::<Vec<_>>());
        assert!(ordered_map(2, |x: u8| x, Vec::new()).is_empty());
    });
}

#[test]
fn ordered_map_runs_in_parallel() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Each thread's first item waits until three threads have one: only three threads
        // running at once get past it.
        let together = Together::new(3);
        let out = ordered_map(
            3,
            |x: u32| {
                together.arrive();
                x + 1
            },
            (0..12).collect(),
        );
        assert_eq!(out, (1..13).collect::<Vec<_>>());
        assert_eq!(together.threads(), 3, "3 workers, not a thread per item");
    });
}

#[test]
fn unordered_results_arrive_as_they_finish() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(Mutex::new(gate));
        let results = unordered_results(
            2,
            move |x: u32| {
                if x == 0 {
                    // The slow item waits until the fast one's result has reached the caller.
                    gate.lock().unwrap().recv().unwrap();
                }
                x * 100
            },
            vec![0, 1],
        );
        assert_eq!(
            results.recv().unwrap(),
            (1, 100),
            "the fast result comes first"
        );
        release.send(()).unwrap();
        assert_eq!(results.recv().unwrap(), (0, 0));
        assert!(
            results.recv().is_err(),
            "the receiver ends after the last result"
        );
    });
}

#[test]
fn unordered_results_delivers_every_item_once() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let threads = Threads::default();
        let recorder = threads.clone();
        let work = move |x: u64| {
            recorder.record();
            x * 2
        };
        let mut seen: Vec<(usize, u64)> = unordered_results(3, work, (0..500).collect())
            .into_iter()
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            (0..500).map(|i| (i as usize, i * 2)).collect::<Vec<_>>()
        );
        assert_on_workers(&threads.seen(), 3, thread::current().id());
    });
}

#[test]
fn sum_of_squares_is_exact_on_the_pool() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        assert_eq!(sum_of_squares(&pool, 0), 0);
        for n in [1, 4, 7, 10_001, 100_000u64] {
            let before = pool.submitted_jobs();
            assert_eq!(
                sum_of_squares(&pool, n),
                (n - 1) * n * (2 * n - 1) / 6,
                "n = {n}"
            );
            assert!(
                pool.submitted_jobs() > before,
                "n = {n}: the work must run on the pool"
            );
        }
    });
}

#[test]
fn sum_of_squares_chooses_a_good_chunk_size() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        let n: u64 = 200_000;
        assert_eq!(sum_of_squares(&pool, n), (n - 1) * n * (2 * n - 1) / 6);
        let jobs = pool.submitted_jobs();
        assert!(
            jobs >= 4,
            "{jobs} job(s) on 4 workers: some workers had nothing to do"
        );
        assert!(
            jobs <= 500,
            "{jobs} jobs: each one costs a trip through the queue; use bigger chunks"
        );
    });
}
