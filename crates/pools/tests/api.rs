//! Tests of the pool's API: results and ordering of map, map_async, imap, imap_unordered, submit,
//! as_completed and starmap.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use pools::{JobError, ThreadPool, as_completed};
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn map_keeps_input_order() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        // Early items sleep longest, so they finish last.
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

#[test]
fn map_async_returns_before_the_work_is_done() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(2).unwrap();
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(std::sync::Mutex::new(gate));
        let mut pending = pool.map_async(
            move |x: u32| {
                if x == 0 {
                    gate.lock().unwrap().recv().unwrap();
                }
                x + 1
            },
            0..6,
        );
        assert!(!pending.ready());
        let pending = pending.get_timeout(Duration::from_millis(20)).unwrap_err();
        release.send(()).unwrap();
        let results = pending.get();
        assert_eq!(results, (1..=6).map(Ok).collect::<Vec<_>>());
    });
}

#[test]
fn imap_yields_in_input_order_and_can_stop_early() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(3).unwrap();
        let got: Vec<u32> = pool
            .imap(
                |x: u32| {
                    thread::sleep(Duration::from_millis(u64::from(x % 3)));
                    x * x
                },
                0..30,
            )
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, (0..30).map(|x| x * x).collect::<Vec<_>>());

        // An endless input: stopping early must be possible, and must not run everything.
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let first = pool
            .imap(
                move |x: u64| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    x
                },
                0..,
            )
            .map(Result::unwrap)
            .find(|&x| x == 5);
        assert_eq!(first, Some(5));
        drop(pool); // joins: every job that will ever run has run
        assert!(calls.load(Ordering::SeqCst) <= 6 + 4 * 3);
    });
}

#[test]
fn imap_unordered_yields_in_completion_order() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(2).unwrap();
        let (release, gate) = mpsc::channel::<()>();
        let gate = Arc::new(std::sync::Mutex::new(gate));
        let mut results = pool.imap_unordered(
            move |x: u32| {
                if x == 0 {
                    // The first item waits until the second has been received by the caller.
                    gate.lock().unwrap().recv().unwrap();
                }
                x * 100
            },
            0..2,
        );
        assert_eq!(results.next(), Some((1, Ok(100))));
        release.send(()).unwrap();
        assert_eq!(results.next(), Some((0, Ok(0))));
        assert_eq!(results.next(), None);
    });
}

#[test]
fn imap_unordered_delivers_every_item_once() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        let mut seen: Vec<usize> = pool
            .imap_unordered(|x: usize| x, 0..1000)
            .map(|(i, r)| {
                assert_eq!(r, Ok(i));
                i
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    });
}

#[test]
fn submit_and_as_completed() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(2).unwrap();
        let (release, gate) = mpsc::channel::<()>();
        let slow = pool.submit(move || {
            gate.recv().unwrap();
            "slow"
        });
        let fast = pool.submit(|| "fast");
        let boom = pool.submit(|| -> &str { panic!("boom") });
        let mut done = as_completed(vec![slow, fast, boom]);
        let mut first_two: Vec<_> = done.by_ref().take(2).collect();
        first_two.sort_by_key(|(i, _)| *i);
        assert_eq!(first_two[0], (1, Ok("fast")));
        assert!(matches!(&first_two[1], (2, Err(JobError::Panicked(p))) if p.message == "boom"));
        release.send(()).unwrap();
        assert_eq!(done.next(), Some((0, Ok("slow"))));
        assert_eq!(done.next(), None);
    });
}

#[test]
fn handle_wait_timeout_gives_the_handle_back() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(1).unwrap();
        let (release, gate) = mpsc::channel::<()>();
        let handle = pool.submit(move || gate.recv().map(|()| 7));
        let handle = handle.wait_timeout(Duration::from_millis(10)).unwrap_err();
        assert!(!handle.is_ready());
        release.send(()).unwrap();
        assert_eq!(handle.wait(), Ok(Ok(7)));
    });
}

#[test]
fn starmap_unpacks_pairs() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(3).unwrap();
        let sums = pool.starmap(
            |a: u64, b: u64| (a..b).sum::<u64>(),
            (0..10).map(|i| (i * 100, i * 100 + 100)),
        );
        let total: u64 = sums.into_iter().map(Result::unwrap).sum();
        assert_eq!(total, (0..1000).sum::<u64>());
    });
}
