//! Grading tests of the sync lesson's exercises (`cargo xtask grade sync`), in the order of the
//! exercises. Each checks results and, where it is the point, how they were reached: threads that
//! really overlapped (peak counters, `testkit::Together`), waits that sleep instead of spinning
//! (the waiting thread's CPU time), waiters that check again after waking. None measures speed,
//! and every one that could block runs under a deadline of a few seconds.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use sync::exercises::{Bank, BlockingQueue, BoundedSection, ExactCounter, dine};
use testkit::{Together, cpu_time_of, deadline, wait_until};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// The deadline of a test whose wrong answers fail an assertion (or `Together`) before it.
const LIMIT: Duration = Duration::from_secs(5);

/// The deadline of a test that a wrong answer fails by blocking: short, so that it costs seconds.
const SHORT: Duration = Duration::from_secs(3);

/// How long a test keeps a thread waiting when it measures the CPU time the wait costs.
const WAIT: Duration = Duration::from_millis(300);

/// Runs `wait` on a thread of its own, calls `release` after [`WAIT`], and returns the CPU time
/// the waiting thread used meanwhile.
fn cpu_while_waiting(wait: impl FnOnce() + Send, release: impl FnOnce()) -> Duration {
    thread::scope(|s| {
        let waiter = s.spawn(|| cpu_time_of(wait).1);
        thread::sleep(WAIT);
        release();
        waiter.join().expect("the waiting thread panicked")
    })
}

/// A thread that sleeps while it waits uses next to no CPU; one that polls in a loop uses it all.
fn assert_slept(what: &str, cpu: Duration) {
    assert!(
        cpu < WAIT / 10,
        "{what} waited {WAIT:?} and used {cpu:?} of CPU meanwhile: a waiting thread must sleep \
         on a Condvar, not spin"
    );
}

// ---- Exercise 1: ExactCounter -----------------------------------------------------------------

#[test]
fn counter_stays_exact_under_many_threads() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        const THREADS: usize = 4;
        const AT_LEAST: u64 = 10_000;
        const OVERLAPS: u64 = 1_000;
        let counter = ExactCounter::new();
        assert_eq!(counter.get(), 0);
        let done = AtomicUsize::new(0);
        // How often a thread saw another increment between its own two reads: the threads really
        // ran at the same moment, not only in turns.
        let overlaps = AtomicU64::new(0);
        let increments: u64 = thread::scope(|s| {
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = 0_u64;
                        while mine < AT_LEAST
                            || done.load(Ordering::SeqCst) < THREADS
                            || overlaps.load(Ordering::Relaxed) < OVERLAPS
                        {
                            let before = counter.get();
                            counter.increment();
                            if counter.get() > before + 1 {
                                overlaps.fetch_add(1, Ordering::Relaxed);
                            }
                            mine += 1;
                            if mine == AT_LEAST {
                                done.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        mine
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).sum()
        });
        assert_eq!(counter.get(), increments, "increments were lost");
    });
}

// ---- Exercise 2: Bank -------------------------------------------------------------------------

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
        let mut receipt = None;
        assert!(bank.transfer_with_receipt(2, 0, 40, |from, to| receipt = Some((from, to))));
        assert_eq!(
            receipt,
            Some((110, 40)),
            "the receipt shows from's, then to's new balance"
        );
        let mut written = false;
        assert!(!bank.transfer_with_receipt(0, 1, 41, |_, _| written = true));
        assert!(!written, "no receipt for a refused transfer");
        assert_eq!(bank.total(), 150);
    });
}

#[test]
fn bank_transfers_between_other_accounts_run_at_the_same_time() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let bank = Bank::new(vec![100; 4]);
        let together = Together::new(2);
        let written = [AtomicBool::new(false), AtomicBool::new(false)];
        thread::scope(|s| {
            for (k, (from, to)) in [(0, 1), (2, 3)].into_iter().enumerate() {
                let (bank, together, written) = (&bank, &together, &written);
                s.spawn(move || {
                    let moved = bank.transfer_with_receipt(from, to, 30, |a, b| {
                        assert_eq!((a, b), (70, 130), "the receipt of {from} -> {to}");
                        // Both transfers get here at once, unless one lock serves the whole bank.
                        together.arrive();
                        // The accounts stay locked while the receipt is written: a reader of
                        // `from` waits for it.
                        s.spawn(move || {
                            bank.balance(from);
                            assert!(
                                written[k].load(Ordering::SeqCst),
                                "balance({from}) was read while the receipt of a transfer from \
                                 it was being written: write the receipt while holding the locks"
                            );
                        });
                        thread::sleep(Duration::from_millis(50));
                        written[k].store(true, Ordering::SeqCst);
                    });
                    assert!(moved);
                });
            }
        });
        assert_eq!(bank.total(), 400);
    });
}

#[test]
fn bank_total_is_taken_at_one_instant() {
    let _pass = harness::start();
    deadline(SHORT, || {
        let bank = Bank::new(vec![1_000; 6]);
        let (paused, is_paused) = mpsc::channel();
        let (resume, resumed) = mpsc::channel::<()>();
        thread::scope(|s| {
            let bank = &bank;
            // A transfer between accounts 3 and 4 pauses in its receipt, holding both.
            s.spawn(move || {
                bank.transfer_with_receipt(3, 4, 100, |_, _| {
                    paused.send(()).unwrap();
                    let _ = resumed.recv();
                })
            });
            is_paused.recv().unwrap();
            // total() gets as far as it can (accounts 0 to 2), then waits for account 3...
            let audit = s.spawn(move || bank.total());
            thread::sleep(Duration::from_millis(50));
            // ...while money moves from an account it has not reached to one it has passed.
            let mover = s.spawn(move || bank.transfer(5, 0, 500));
            thread::sleep(Duration::from_millis(50));
            drop(resume);
            assert_eq!(
                audit.join().unwrap(),
                6_000,
                "total() counted a transfer half: it must hold every account while it sums"
            );
            assert!(mover.join().unwrap());
        });
        assert_eq!(bank.total(), 6_000);
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

        // Opposite transfers between the same two accounts, the classic deadlock.
        let bank = Bank::new(vec![1_000_000; 2]);
        thread::scope(|s| {
            for (from, to) in [(0, 1), (1, 0)] {
                let bank = &bank;
                s.spawn(move || {
                    for _ in 0..50_000 {
                        assert!(bank.transfer(from, to, 1));
                    }
                });
            }
        });
        assert_eq!((bank.balance(0), bank.balance(1)), (1_000_000, 1_000_000));
    });
}

// ---- Exercise 3: dine -------------------------------------------------------------------------

/// Runs `dine` with an `eat` that checks that forks are exclusive and records the peak of
/// philosophers eating at once. Until the peak reaches `want_peak` a meal lingers, once, up to a
/// second, for a philosopher with other forks to join in: a table that serializes everyone is
/// caught after that second instead of slowing every meal.
fn checked_dinner(n: usize, meals: usize) -> (Vec<usize>, usize) {
    let in_use: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    let eating = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let patient = AtomicBool::new(true);
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
        if patient.load(Ordering::SeqCst)
            && !wait_until(Duration::from_secs(1), || {
                peak.load(Ordering::SeqCst) >= want_peak
            })
        {
            patient.store(false, Ordering::SeqCst);
        }
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
    let (ate, peak) = deadline(SHORT, || checked_dinner(5, 40));
    assert_eq!(ate, vec![40; 5], "every philosopher eats exactly M times");
    assert_eq!(
        peak, 2,
        "philosophers who share no fork should eat at the same time"
    );
}

#[test]
fn two_philosophers_share_two_forks() {
    let _pass = harness::start();
    let (ate, peak) = deadline(SHORT, || checked_dinner(2, 200));
    assert_eq!(ate, vec![200; 2]);
    assert_eq!(peak, 1);
}

// ---- Exercise 4: BoundedSection ---------------------------------------------------------------

/// Runs `threads` threads through a section of `k`, three times each; returns the peak seen
/// inside at once. Until the peak reaches `k`, a thread inside lingers (once, up to a second) for
/// others to join it, so a section that admits fewer than `k` at a time is caught.
fn peak_inside(k: usize, threads: usize) -> usize {
    let section = BoundedSection::new(k);
    let inside = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let patient = AtomicBool::new(true);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..3 {
                    let _guard = section.enter();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    if patient.load(Ordering::SeqCst)
                        && !wait_until(Duration::from_secs(1), || peak.load(Ordering::SeqCst) >= k)
                    {
                        patient.store(false, Ordering::SeqCst);
                    }
                    thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    peak.into_inner()
}

#[test]
fn section_admits_k_threads_together_and_never_more() {
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

#[test]
fn section_waiter_checks_again_after_waking() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let section = BoundedSection::new(1);
        for round in 0..5 {
            let inside = AtomicUsize::new(1);
            let guard = section.enter();
            thread::scope(|s| {
                let waiter = s.spawn(|| {
                    let _guard = section.enter();
                    let others = inside.fetch_add(1, Ordering::SeqCst);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    others
                });
                thread::sleep(Duration::from_millis(20)); // the waiter now waits in enter()
                // Leave and come straight back: the waiter is woken, but finds no room again.
                inside.fetch_sub(1, Ordering::SeqCst);
                drop(guard);
                let again = section.enter();
                inside.fetch_add(1, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(20));
                inside.fetch_sub(1, Ordering::SeqCst);
                drop(again);
                assert_eq!(
                    waiter.join().unwrap(),
                    0,
                    "round {round}: two threads inside a section of one: a waiter that wakes up \
                     must check again whether there is room"
                );
            });
        }
    });
}

#[test]
fn section_waiter_sleeps_instead_of_spinning() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let section = BoundedSection::new(1);
        let guard = section.enter();
        let cpu = cpu_while_waiting(|| drop(section.enter()), || drop(guard));
        assert_slept("enter() on a full section", cpu);
    });
}

// ---- Exercise 5: BlockingQueue ----------------------------------------------------------------

#[test]
fn queue_delivers_every_item_once_in_order_per_producer() {
    let _pass = harness::start();
    deadline(SHORT, || {
        let q = BlockingQueue::new(2);
        let closed = AtomicBool::new(false);
        let taken: Vec<Vec<(u32, u32)>> = thread::scope(|s| {
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        while let Some(item) = q.pop() {
                            mine.push(item);
                        }
                        assert!(
                            closed.load(Ordering::SeqCst),
                            "pop() returned None while the queue was still open"
                        );
                        mine
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
            closed.store(true, Ordering::SeqCst);
            q.close(); // consumers drain what is left, then see None
            consumers.into_iter().map(|c| c.join().unwrap()).collect()
        });
        let mut all = taken.concat();
        all.sort_unstable();
        let expected: Vec<(u32, u32)> =
            (0..3).flat_map(|p| (0..300).map(move |i| (p, i))).collect();
        assert!(all == expected, "items were lost or delivered twice");
        // FIFO: whatever one consumer takes from one producer comes in the order it was pushed.
        for (c, mine) in taken.iter().enumerate() {
            for p in 0..3 {
                let seq: Vec<u32> = mine.iter().filter(|t| t.0 == p).map(|t| t.1).collect();
                assert!(
                    seq.windows(2).all(|w| w[0] < w[1]),
                    "consumer {c} took producer {p}'s items out of order: {seq:?}"
                );
            }
        }
    });
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
fn queue_close_wakes_every_waiter_and_keeps_queued_items() {
    let _pass = harness::start();
    deadline(SHORT, || {
        let q: BlockingQueue<u32> = BlockingQueue::new(1);
        thread::scope(|s| {
            let waiting: Vec<_> = (0..3).map(|_| s.spawn(|| q.pop())).collect();
            thread::sleep(Duration::from_millis(50)); // all three wait on the empty queue
            q.close();
            for w in waiting {
                assert_eq!(w.join().unwrap(), None, "close must wake every waiting pop");
            }
        });
        assert_eq!(q.push(7), Err(7), "push after close is refused");

        let q: BlockingQueue<u32> = BlockingQueue::new(1);
        q.push(1).unwrap();
        thread::scope(|s| {
            let q = &q;
            let blocked: Vec<_> = (2..5).map(|i| s.spawn(move || (i, q.push(i)))).collect();
            thread::sleep(Duration::from_millis(50)); // all three wait on the full queue
            q.close();
            for b in blocked {
                let (i, pushed) = b.join().unwrap();
                assert_eq!(pushed, Err(i), "close must wake every waiting push");
            }
        });
        assert_eq!(
            q.pop(),
            Some(1),
            "items queued before close are still delivered"
        );
        assert_eq!(q.pop(), None);
    });
}

#[test]
fn queue_push_wakes_a_pop_and_pop_wakes_a_push() {
    let _pass = harness::start();
    deadline(SHORT, || {
        for _ in 0..3 {
            let q = BlockingQueue::new(1);
            thread::scope(|s| {
                let consumers: Vec<_> = (0..2).map(|_| s.spawn(|| q.pop())).collect();
                thread::sleep(Duration::from_millis(20)); // both wait on the empty queue
                q.push(1).unwrap();
                // Usually waits until a consumer has taken 1: that pop must wake this push, not
                // the other consumer (which would find nothing and sleep on).
                q.push(2).unwrap();
                let mut got: Vec<_> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
                got.sort_unstable();
                assert_eq!(got, [Some(1), Some(2)]);
            });
        }
    });
}

#[test]
fn queue_waiters_check_again_after_waking() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        for round in 0..3 {
            // A pop woken for an item that the test takes straight back must wait again.
            let q = BlockingQueue::new(1);
            let closed = AtomicBool::new(false);
            thread::scope(|s| {
                let waiter = s.spawn(|| {
                    let got = q.pop();
                    let open = !closed.load(Ordering::SeqCst);
                    if got.is_some() {
                        q.push(0).unwrap(); // it got the item first: give the test one back
                    }
                    (got, open)
                });
                thread::sleep(Duration::from_millis(20)); // the waiter now waits in pop()
                q.push(1).unwrap();
                q.pop();
                closed.store(true, Ordering::SeqCst);
                q.close();
                let (got, open) = waiter.join().unwrap();
                assert!(
                    got.is_some() || !open,
                    "round {round}: pop() returned None while the queue was open: a waiter that \
                     wakes up must check again whether there is an item"
                );
            });

            // A push woken for room that the test fills straight back must wait again.
            let q = BlockingQueue::new(1);
            q.push(1).unwrap();
            thread::scope(|s| {
                let waiter = s.spawn(|| {
                    let pushed = q.push(2);
                    let len = q.len();
                    if pushed.is_ok() {
                        q.pop(); // it got the room first: make room for the test
                    }
                    len
                });
                thread::sleep(Duration::from_millis(20)); // the waiter now waits in push()
                q.pop();
                q.push(3).unwrap();
                q.close();
                let len = waiter.join().unwrap();
                assert!(
                    len <= 1,
                    "round {round}: a queue of capacity 1 held {len} items: a waiter that wakes \
                     up must check again whether there is room"
                );
            });
        }
    });
}

#[test]
fn queue_waiters_sleep_instead_of_spinning() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let q = BlockingQueue::new(1);
        let cpu = cpu_while_waiting(|| assert_eq!(q.pop(), Some(1)), || q.push(1).unwrap());
        assert_slept("pop() on an empty queue", cpu);
        q.push(1).unwrap();
        let cpu = cpu_while_waiting(|| q.push(2).unwrap(), || assert_eq!(q.pop(), Some(1)));
        assert_slept("push() on a full queue", cpu);
    });
}
