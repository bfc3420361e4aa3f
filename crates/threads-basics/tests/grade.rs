//! Grading tests of this lesson's exercises (`cargo xtask grade threads-basics`), in the order of
//! the exercises.
//!
//! Each test checks results and, where it is the point, how the work was done: that threads
//! really ran at the same time ([`Together`] only opens when enough of them arrive at once), that
//! chunks are balanced, that `stop` waits for a call that is running. None measures speed, and
//! every one that could block runs under a deadline of a few seconds (`testkit::deadline`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use testkit::{Together, deadline, wait_until};
use threads_basics::ThreadsError;
use threads_basics::exercises::{
    Ticker, Worker, join_all_within, parallel_sum, run_named, scoped_map,
};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// The deadline of a test whose wrong answers fail an assertion (or `Together`) before it.
const LIMIT: Duration = Duration::from_secs(5);

/// The deadline of a test that a wrong answer fails by blocking: short, so that it costs seconds.
const SHORT: Duration = Duration::from_secs(3);

// --- Exercise 1: run_named ---

#[test]
fn run_named_runs_each_job_on_its_named_thread() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let names = ["alpha", "beta", "gamma", "delta"];
        let caller = thread::current().id();
        let results = run_named(&names, |i| {
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

#[test]
fn run_named_runs_the_jobs_at_once_and_keeps_their_order() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let together = Together::new(4);
        let finished = Arc::new(AtomicUsize::new(0));
        let results = run_named(&["alpha", "beta", "gamma", "delta"], move |i| {
            together.arrive();
            // Job i ends only after jobs i+1.. have: they finish in the reverse of their order.
            wait_until(Duration::from_secs(2), || {
                finished.load(Ordering::SeqCst) == 3 - i
            });
            finished.fetch_add(1, Ordering::SeqCst);
            i
        })
        .unwrap();
        assert_eq!(
            results,
            [0, 1, 2, 3],
            "results in the order of `names`, not in the order the jobs finished"
        );
    });
}

// --- Exercise 2: join_all_within ---

#[test]
fn join_all_within_returns_values_and_none_for_panics() {
    let _pass = harness::start();
    // All finish quickly: it must return long before the 60 s limit.
    deadline(SHORT, || {
        let handles = vec![
            thread::spawn(|| 1),
            thread::spawn(|| -> i32 { panic!("this one fails on purpose") }),
            thread::spawn(|| {
                thread::sleep(Duration::from_millis(30));
                3
            }),
        ];
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

// --- Exercise 3: Worker ---

/// Starts something that calls back over and over on a thread of its own (`start` receives the
/// callback), holds the third call while `stop` is called on another thread, and checks that
/// `stop` waited for that call, counted every call, and that no call started after it returned.
fn check_stop_during_a_call<S: Send + 'static>(
    start: impl FnOnce(Box<dyn FnMut() + Send>) -> S,
    stop: impl FnOnce(S) -> u64 + Send + 'static,
) {
    let calls = Arc::new(AtomicU64::new(0));
    let (entered, third_call_runs) = mpsc::channel();
    let (open_gate, gate) = mpsc::channel::<()>();
    let counted = Arc::clone(&calls);
    let running = start(Box::new(move || {
        if counted.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            let _ = entered.send(());
            let _ = gate.recv(); // held until the gate opens (its sender is dropped)
        }
    }));
    third_call_runs.recv().expect("the third call never came");
    let stopping = thread::spawn(move || stop(running));
    // A stop() that waits for the thread cannot return while the third call is held.
    let returned_early = wait_until(Duration::from_millis(300), || stopping.is_finished());
    drop(open_gate);
    let reported = stopping.join().expect("stop() panicked");
    assert!(
        !returned_early,
        "stop() returned while a call was still running: it must wait for the thread to end"
    );
    let calls_at_stop = calls.load(Ordering::SeqCst);
    assert_eq!(
        reported, calls_at_stop,
        "stop() must return how many calls there were"
    );
    thread::sleep(Duration::from_millis(30));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        calls_at_stop,
        "a call started after stop() returned"
    );
}

#[test]
fn worker_stop_waits_for_the_running_work_and_counts_it() {
    let _pass = harness::start();
    deadline(SHORT, || {
        check_stop_during_a_call(Worker::start, Worker::stop)
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

// --- Exercise 4: parallel_sum ---

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
            let used = together.ids();
            assert!(
                !used.contains(&thread::current().id()),
                "chunks must run on new threads, not on the caller"
            );
            assert_eq!(used.len(), threads, "expected {threads} distinct threads");
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
                together.threads(),
                expected,
                "{threads} threads over 10 items"
            );
        }
    });
}

#[test]
fn scoped_map_splits_into_balanced_chunks() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        for (len, threads, expected) in [
            (10, 4, vec![3, 3, 2, 2]),
            (10, 6, vec![2, 2, 2, 2, 1, 1]),
            (23, 7, vec![4, 4, 3, 3, 3, 3, 3]),
            (3, 5, vec![1, 1, 1]),
        ] {
            let items: Vec<usize> = (0..len).collect();
            let done_by = Mutex::new(Vec::new());
            let out = scoped_map(&items, threads, |&i| {
                done_by.lock().unwrap().push((i, thread::current().id()));
                i
            })
            .unwrap();
            assert_eq!(out, items);
            let mut done_by = done_by.into_inner().unwrap();
            done_by.sort_unstable_by_key(|&(i, _)| i);
            // The chunks: runs of neighbouring items mapped by one thread.
            let mut chunks: Vec<(ThreadId, usize)> = Vec::new();
            for (_, id) in done_by {
                match chunks.last_mut() {
                    Some((thread, size)) if *thread == id => *size += 1,
                    _ => chunks.push((id, 1)),
                }
            }
            let threads_used: HashSet<ThreadId> = chunks.iter().map(|&(id, _)| id).collect();
            assert_eq!(
                threads_used.len(),
                chunks.len(),
                "{len} items over {threads} threads: each thread maps one contiguous chunk"
            );
            let mut sizes: Vec<usize> = chunks.iter().map(|&(_, size)| size).collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            assert_eq!(
                sizes, expected,
                "{len} items over {threads} threads: chunk lengths must differ by at most one"
            );
        }
    });
}

// --- Exercise 6: Ticker ---

#[test]
fn ticker_ticks_in_order_and_stop_waits_for_a_running_tick() {
    let _pass = harness::start();
    deadline(SHORT, || {
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
        let rest: Vec<u64> = rx.try_iter().map(|t| t.0).collect();
        assert_eq!(
            rest,
            (4..=total).collect::<Vec<_>>(),
            "ticks after the third, up to stop()'s count"
        );

        check_stop_during_a_call(
            |mut tick| Ticker::start(Duration::from_millis(1), move |_| tick()),
            Ticker::stop,
        );
    });
}

#[test]
fn ticker_stops_without_waiting_a_whole_interval() {
    let _pass = harness::start();
    deadline(SHORT, || {
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
