//! Grading tests of the sync lesson's exercises (`cargo xtask grade sync`). Each checks results
//! and, where it is the point, that threads really ran concurrently; none measures speed.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use sync::exercises::{Bank, BlockingQueue, BoundedSection, ExactCounter, dine};
use testkit::deadline;

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

const LIMIT: Duration = Duration::from_secs(8);

/// Waits (up to `max`) until `cond` holds; returns whether it did.
fn wait_until(max: Duration, cond: impl Fn() -> bool) -> bool {
    let until = Instant::now() + max;
    while !cond() {
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_micros(200));
    }
    true
}

// ---- Exercise 1 -------------------------------------------------------------------------------

#[test]
fn counter_stays_exact_under_many_threads() {
    let _pass = harness::start();
    let total = deadline(LIMIT, || {
        let counter = ExactCounter::new();
        assert_eq!(counter.get(), 0);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        counter.increment();
                    }
                });
            }
        });
        counter.get()
    });
    assert_eq!(total, 80_000);
}

// ---- Exercise 2 -------------------------------------------------------------------------------

/// Runs `threads` threads through a section of `k`; returns the peak seen inside at once. Inside,
/// a thread lingers until the peak has reached `k` once (or 1 s passed), so a section that admits
/// fewer than `k` at a time is caught.
fn peak_inside(k: usize, threads: usize) -> usize {
    let section = BoundedSection::new(k);
    let inside = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..3 {
                    let _guard = section.enter();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    wait_until(Duration::from_secs(1), || peak.load(Ordering::SeqCst) >= k);
                    thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    peak.into_inner()
}

#[test]
fn section_admits_at_most_k_threads() {
    let _pass = harness::start();
    let peak = deadline(LIMIT, || peak_inside(3, 9));
    assert!(peak <= 3, "{peak} threads were inside a section of 3");
    assert_eq!(peak, 3, "a section of 3 should let 3 threads in together");
}

#[test]
fn section_of_one_is_mutual_exclusion() {
    let _pass = harness::start();
    let peak = deadline(LIMIT, || peak_inside(1, 6));
    assert_eq!(peak, 1);
}

// ---- Exercise 3 -------------------------------------------------------------------------------

#[test]
fn bank_rules_on_a_single_thread() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let bank = Bank::new(vec![100, 50, 0]);
        assert!(bank.transfer(0, 1, 100), "the whole balance may be moved");
        assert!(!bank.transfer(0, 1, 1), "account 0 is empty");
        assert!(!bank.transfer(1, 1, 10), "no transfer to the same account");
        assert!(bank.transfer(1, 2, 150));
        assert_eq!(
            (bank.balance(0), bank.balance(1), bank.balance(2)),
            (0, 0, 150)
        );
        assert_eq!(bank.total(), 150);
    });
}

#[test]
fn random_concurrent_transfers_conserve_money_without_deadlock() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        const ACCOUNTS: usize = 6;
        let bank = Bank::new(vec![1_000; ACCOUNTS]);
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            // An auditor sums the bank while transfers run: every sum must be exact.
            let auditor = s.spawn(|| {
                while !stop.load(Ordering::SeqCst) {
                    assert_eq!(bank.total(), 6_000, "total() saw a transfer half-done");
                    thread::yield_now();
                }
            });
            let movers: Vec<_> = (0..4u64)
                .map(|t| {
                    let bank = &bank;
                    s.spawn(move || {
                        let mut x = 0x2545_F491_4F6C_DD1D ^ (t + 1); // xorshift: seeded, per thread
                        for _ in 0..20_000 {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            let from = (x % ACCOUNTS as u64) as usize;
                            let to = ((x >> 8) % ACCOUNTS as u64) as usize;
                            bank.transfer(from, to, (x >> 16) % 300);
                        }
                    })
                })
                .collect();
            for m in movers {
                m.join().unwrap();
            }
            stop.store(true, Ordering::SeqCst);
            auditor.join().unwrap();
        });
        assert_eq!(bank.total(), 6_000);
    });
}

// ---- Exercise 4 -------------------------------------------------------------------------------

/// Runs `dine` with an `eat` that checks fork exclusivity and records how many eat at once.
fn checked_dinner(n: usize, meals: usize) -> (Vec<usize>, usize) {
    let in_use: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    let eating = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let want_peak = if n >= 4 { 2 } else { 1 };
    let eat = |p: usize, left: usize, right: usize| {
        assert_eq!(
            (left, right),
            (p, (p + 1) % n),
            "philosopher {p} got the wrong forks"
        );
        for f in [left, right] {
            assert!(
                !in_use[f].swap(true, Ordering::SeqCst),
                "fork {f} used by two philosophers at once"
            );
        }
        let now = eating.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        // Linger until two philosophers have eaten together once (if the table allows it).
        wait_until(Duration::from_millis(300), || {
            peak.load(Ordering::SeqCst) >= want_peak
        });
        thread::sleep(Duration::from_micros(200));
        eating.fetch_sub(1, Ordering::SeqCst);
        for f in [left, right] {
            in_use[f].store(false, Ordering::SeqCst);
        }
    };
    let ate = dine(n, meals, &eat);
    (ate, peak.into_inner())
}

#[test]
fn philosophers_each_eat_m_times_without_deadlock() {
    let _pass = harness::start();
    let (ate, peak) = deadline(LIMIT, || checked_dinner(5, 40));
    assert_eq!(ate, vec![40; 5], "every philosopher eats exactly M times");
    assert_eq!(
        peak, 2,
        "philosophers who share no fork should eat at the same time"
    );
}

#[test]
fn two_philosophers_share_two_forks() {
    let _pass = harness::start();
    let (ate, peak) = deadline(LIMIT, || checked_dinner(2, 50));
    assert_eq!(ate, vec![50; 2]);
    assert_eq!(peak, 1);
}

// ---- Exercise 5 -------------------------------------------------------------------------------

#[test]
fn queue_delivers_every_item_once_in_order_per_producer() {
    let _pass = harness::start();
    let received = deadline(LIMIT, || {
        let q = BlockingQueue::new(2);
        let received = std::sync::Mutex::new(Vec::new());
        thread::scope(|s| {
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        while let Some(item) = q.pop() {
                            received.lock().unwrap().push(item);
                        }
                    })
                })
                .collect();
            let producers: Vec<_> = (0..3u32)
                .map(|p| {
                    let q = &q;
                    s.spawn(move || {
                        for i in 0..300 {
                            assert!(q.push((p, i)).is_ok());
                            assert!(q.len() <= 2, "the queue grew past its capacity");
                        }
                    })
                })
                .collect();
            for p in producers {
                p.join().unwrap();
            }
            q.close(); // consumers drain what is left, then see None
            for c in consumers {
                c.join().unwrap();
            }
        });
        received.into_inner().unwrap()
    });
    assert_eq!(received.len(), 900);
    for p in 0..3 {
        let mine: Vec<u32> = received
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|&(_, i)| i)
            .collect();
        let mut sorted = mine.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..300).collect::<Vec<_>>(),
            "producer {p}: lost or duplicated items"
        );
    }
}

#[test]
fn queue_push_waits_while_full() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let q = BlockingQueue::new(2);
        q.push(1).unwrap();
        q.push(2).unwrap();
        let pushed = AtomicBool::new(false);
        thread::scope(|s| {
            s.spawn(|| {
                q.push(3).unwrap(); // must wait: the queue is full
                pushed.store(true, Ordering::SeqCst);
            });
            thread::sleep(Duration::from_millis(100));
            assert!(
                !pushed.load(Ordering::SeqCst),
                "push into a full queue did not wait"
            );
            assert_eq!(q.len(), 2);
            assert_eq!(q.pop(), Some(1));
        });
        assert!(pushed.into_inner());
        assert_eq!((q.pop(), q.pop()), (Some(2), Some(3)));
        assert!(q.is_empty());
    });
}

#[test]
fn queue_close_wakes_waiters_and_keeps_queued_items() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let q: BlockingQueue<u32> = BlockingQueue::new(1);
        thread::scope(|s| {
            let waiting = s.spawn(|| q.pop()); // waits on an empty queue
            thread::sleep(Duration::from_millis(50));
            q.close();
            assert_eq!(
                waiting.join().unwrap(),
                None,
                "close must wake a waiting pop"
            );
        });
        assert_eq!(q.push(7), Err(7), "push after close is refused");

        let q: BlockingQueue<u32> = BlockingQueue::new(1);
        q.push(1).unwrap();
        thread::scope(|s| {
            let blocked = s.spawn(|| q.push(2)); // waits on a full queue
            thread::sleep(Duration::from_millis(50));
            q.close();
            assert_eq!(
                blocked.join().unwrap(),
                Err(2),
                "close must wake a waiting push"
            );
        });
        assert_eq!(
            q.pop(),
            Some(1),
            "items queued before close are still delivered"
        );
        assert_eq!(q.pop(), None);
    });
}
