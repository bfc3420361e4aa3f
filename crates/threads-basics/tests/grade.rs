//! Grading tests of this lesson's exercises (`cargo xtask grade threads-basics`).
//!
//! Each test checks results, that the work really ran on several threads at once where that is
//! the point (a `Barrier` that only opens when enough threads arrive together), and that nothing
//! hangs (`testkit::deadline`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use testkit::deadline;
use threads_basics::ThreadsError;
use threads_basics::exercises::{
    Ticker, Worker, join_all_within, parallel_sum, run_named, scoped_map,
};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

const LIMIT: Duration = Duration::from_secs(5);

/// Calls `barrier.wait()` the first time each thread comes by: the barrier only opens when
/// `size` different threads are running at the same time. Work done one thread after another
/// never gets past it (and the test's deadline reports that).
#[derive(Clone)]
struct Together {
    seen: Arc<Mutex<HashSet<ThreadId>>>,
    barrier: Arc<Barrier>,
}

impl Together {
    fn new(size: usize) -> Self {
        Self {
            seen: Arc::new(Mutex::new(HashSet::new())),
            barrier: Arc::new(Barrier::new(size)),
        }
    }

    fn arrive(&self) {
        let first_time = self.seen.lock().unwrap().insert(thread::current().id());
        if first_time {
            self.barrier.wait();
        }
    }

    fn threads(&self) -> HashSet<ThreadId> {
        self.seen.lock().unwrap().clone()
    }
}

// --- Exercise 1: run_named ---

#[test]
fn run_named_runs_each_job_on_its_named_thread_in_order() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let names = ["alpha", "beta", "gamma", "delta"];
        let caller = thread::current().id();
        let results = run_named(&names, |i| {
            thread::sleep(Duration::from_millis(10 * (4 - i as u64))); // finish in reverse order
            (
                i,
                thread::current().name().map(str::to_string),
                thread::current().id(),
            )
        })
        .unwrap();
        assert_eq!(results.len(), 4);
        let mut ids = HashSet::new();
        for (i, (index, name, id)) in results.into_iter().enumerate() {
            assert_eq!(index, i, "results must be in the order of `names`");
            assert_eq!(
                name.as_deref(),
                Some(names[i]),
                "job {i} ran on the wrong thread"
            );
            assert_ne!(id, caller, "jobs must run on new threads");
            ids.insert(id);
        }
        assert_eq!(ids.len(), 4, "one thread per name");
    });
}

// --- Exercise 2: parallel_sum ---

#[test]
fn parallel_sum_is_exact() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        assert_eq!(parallel_sum(100, 4, |i| i).unwrap(), 4950);
        assert_eq!(
            parallel_sum(10_001, 3, |i| i * i).unwrap(),
            (0..10_001_u64).map(|i| i * i).sum::<u64>()
        );
        assert_eq!(parallel_sum(7, 1, |_| 1).unwrap(), 7);
        assert_eq!(
            parallel_sum(3, 8, |i| i + 1).unwrap(),
            6,
            "more threads than numbers"
        );
        assert_eq!(parallel_sum(0, 2, |i| i).unwrap(), 0);
        assert_eq!(
            parallel_sum(2, 2, |_| u64::MAX).unwrap(),
            u64::MAX - 1,
            "wrapping addition"
        );
    });
}

#[test]
fn parallel_sum_calls_f_once_per_number() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let calls = Arc::new(Mutex::new(vec![0_u32; 1000]));
        let c = Arc::clone(&calls);
        parallel_sum(1000, 4, move |i| {
            c.lock().unwrap()[i as usize] += 1;
            0
        })
        .unwrap();
        assert!(
            calls.lock().unwrap().iter().all(|&n| n == 1),
            "each i in 0..n exactly once"
        );
    });
}

#[test]
fn parallel_sum_really_uses_that_many_threads_at_once() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        for threads in [2, 4] {
            let together = Together::new(threads);
            let t = together.clone();
            let total = parallel_sum(10_000, threads, move |i| {
                t.arrive();
                i
            })
            .unwrap();
            assert_eq!(total, 49_995_000);
            let used = together.threads();
            assert_eq!(used.len(), threads, "expected {threads} distinct threads");
            assert!(
                !used.contains(&thread::current().id()),
                "chunks must run on new threads"
            );
        }
    });
}

#[test]
fn parallel_sum_refuses_zero_threads() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        assert!(matches!(
            parallel_sum(10, 0, |i| i),
            Err(ThreadsError::ZeroThreads)
        ));
    });
}

// --- Exercise 3: join_all_within ---

#[test]
fn join_all_within_returns_values_and_none_for_panics() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let handles = vec![
            thread::spawn(|| 1),
            thread::spawn(|| -> i32 { panic!("this one fails on purpose") }),
            thread::spawn(|| {
                thread::sleep(Duration::from_millis(30));
                3
            }),
        ];
        // All finish quickly: it must return long before the 60 s limit.
        assert_eq!(
            join_all_within(handles, Duration::from_secs(60)),
            [Some(1), None, Some(3)]
        );
    });
}

#[test]
fn join_all_within_shares_one_deadline() {
    let _pass = harness::start();
    // Five threads that will not finish in time; a limit of 0.5 s per handle would take 2.5 s,
    // one shared deadline takes 0.5 s.
    deadline(Duration::from_millis(1800), || {
        let limit = Duration::from_millis(500);
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(Mutex::new(gate));
        let mut handles = vec![thread::spawn(|| 0)];
        for i in 1..=5 {
            let gate = Arc::clone(&gate);
            handles.push(thread::spawn(move || {
                let _ = gate.lock().unwrap().recv(); // blocks until `release` is dropped
                i
            }));
        }
        let start = Instant::now();
        let results = join_all_within(handles, limit);
        assert!(
            start.elapsed() >= limit,
            "returned before the deadline while threads still ran"
        );
        assert_eq!(results, [Some(0), None, None, None, None, None]);
        drop(release); // let the detached threads end
    });
}

// --- Exercise 4: Worker ---

#[test]
fn worker_stops_when_asked() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let runs = Arc::new(AtomicU64::new(0));
        let r = Arc::clone(&runs);
        let worker = Worker::start(move || {
            r.fetch_add(1, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(1));
        });
        while runs.load(Ordering::SeqCst) < 5 {
            thread::sleep(Duration::from_millis(1));
        }
        let reported = worker.stop();
        assert_eq!(
            reported,
            runs.load(Ordering::SeqCst),
            "stop() must return the number of runs"
        );
        thread::sleep(Duration::from_millis(50));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            reported,
            "work ran after stop() returned"
        );
    });
}

#[test]
fn worker_runs_on_another_thread() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let ids = Arc::new(Mutex::new(HashSet::new()));
        let i = Arc::clone(&ids);
        let worker = Worker::start(move || {
            i.lock().unwrap().insert(thread::current().id());
            thread::sleep(Duration::from_millis(1));
        });
        thread::sleep(Duration::from_millis(20));
        let runs = worker.stop();
        let ids = ids.lock().unwrap();
        assert!(runs > 0, "work never ran");
        assert_eq!(ids.len(), 1, "all runs on one worker thread");
        assert!(
            !ids.contains(&thread::current().id()),
            "work must not run on the caller"
        );
    });
}

// --- Exercise 5: scoped_map ---

#[test]
fn scoped_map_keeps_order_on_borrowed_data() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Local, non-'static data: only scoped threads can borrow it.
        let words: Vec<String> = (0..23).map(|i| "x".repeat(i)).collect();
        for threads in [1, 2, 3, 7, 50] {
            let lens = scoped_map(&words, threads, |w| w.len()).unwrap();
            assert_eq!(lens, (0..23).collect::<Vec<_>>(), "{threads} threads");
        }
        let empty: Vec<u8> = Vec::new();
        assert!(scoped_map(&empty, 3, |&b| b).unwrap().is_empty());
        assert!(matches!(
            scoped_map(&words, 0, |w| w.len()),
            Err(ThreadsError::ZeroThreads)
        ));
    });
}

#[test]
fn scoped_map_runs_its_chunks_at_the_same_time() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let items: Vec<u64> = (0..10).collect();
        for (threads, expected) in [(3, 3), (4, 4), (20, 10)] {
            let together = Together::new(expected);
            let doubled = scoped_map(&items, threads, |&x| {
                together.arrive();
                x * 2
            })
            .unwrap();
            assert_eq!(doubled, (0..10).map(|x| x * 2).collect::<Vec<_>>());
            assert_eq!(
                together.threads().len(),
                expected,
                "{threads} threads over 10 items"
            );
        }
    });
}

// --- Exercise 6: Ticker ---

#[test]
fn ticker_ticks_in_order_and_stops() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (tx, rx) = mpsc::channel();
        let ticker = Ticker::start(Duration::from_millis(5), move |n| {
            let _ = tx.send((n, thread::current().id()));
        });
        let first: Vec<(u64, ThreadId)> = (0..3).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(first.iter().map(|t| t.0).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(
            first.iter().all(|t| t.1 != thread::current().id()),
            "ticks must come from another thread"
        );
        let total = ticker.stop();
        // Every tick was sent before stop() returned.
        let rest: Vec<u64> = rx.try_iter().map(|t| t.0).collect();
        assert_eq!(
            rest,
            (4..=total).collect::<Vec<_>>(),
            "ticks after the third, up to stop()'s count"
        );
    });
}

#[test]
fn ticker_stops_without_waiting_a_whole_interval() {
    let _pass = harness::start();
    deadline(Duration::from_secs(3), || {
        let ticked = Arc::new(AtomicU64::new(0));
        let t = Arc::clone(&ticked);
        let ticker = Ticker::start(Duration::from_secs(3600), move |_| {
            t.fetch_add(1, Ordering::SeqCst);
        });
        thread::sleep(Duration::from_millis(20));
        assert_eq!(ticker.stop(), 0);
        assert_eq!(ticked.load(Ordering::SeqCst), 0);
    });
}
