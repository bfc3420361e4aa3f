//! Tests of `sync::primitives`, `sync::semaphore` and `sync::event`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use sync::event::Event;
use sync::primitives;
use sync::semaphore::Semaphore;
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(20);

fn quiet(_: String) {}

#[test]
fn mutex_guard_collects_every_worker() {
    let mut names = deadline(LIMIT, || primitives::mutex_and_guard(&quiet));
    names.sort();
    assert_eq!(names, ["worker-0", "worker-1", "worker-2"]);
}

#[test]
fn reentrant_lock_nests_and_plain_mutex_would_block() {
    let r = deadline(LIMIT, || primitives::reentrancy(&quiet));
    assert_eq!(r.reentrant_depth, 3);
    assert!(r.plain_mutex_would_block);
}

#[test]
fn rwlock_admits_readers_together() {
    let (peak, value) = deadline(LIMIT, || primitives::rwlock(4, &quiet));
    assert_eq!(peak, 4);
    assert_eq!(value, 42);
}

#[test]
fn condvar_hands_over_the_job() {
    assert_eq!(deadline(LIMIT, || primitives::condvar(&quiet)), 144);
}

#[test]
fn barrier_separates_the_phases() {
    let events = deadline(LIMIT, || primitives::barrier(4, &quiet));
    assert_eq!(events.len(), 8);
    assert!(
        events[..4].iter().all(|&(_, phase)| phase == 1),
        "{events:?}"
    );
    assert!(
        events[4..].iter().all(|&(_, phase)| phase == 2),
        "{events:?}"
    );
}

#[test]
fn atomics_count_exactly_and_initialize_once() {
    let r = deadline(LIMIT, || primitives::atomics(4, &quiet));
    assert_eq!((r.total, r.max, r.initializers), (4000, 3999, 1));
}

#[test]
fn semaphore_demo_respects_its_permits() {
    let peak = deadline(LIMIT, || primitives::semaphore(2, 6, &quiet));
    assert!((1..=2).contains(&peak), "peak {peak}");
}

#[test]
fn event_stops_the_timers() {
    let hellos = deadline(LIMIT, || {
        primitives::event_timers(Duration::from_millis(10), Duration::from_millis(50), &quiet)
    });
    assert!(hellos >= 2, "each timer says hello at least once");
}

#[test]
fn semaphore_bounds_concurrency_under_stress() {
    let peak = deadline(LIMIT, || {
        let sem = Semaphore::new(3);
        let inside = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..200 {
                        let _p = sem.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(sem.available(), 3);
        peak.into_inner()
    });
    assert!(peak <= 3, "peak {peak}");
}

#[test]
fn semaphore_timeout_then_success() {
    deadline(LIMIT, || {
        let sem = Semaphore::new(1);
        let held = sem.acquire();
        assert!(sem.try_acquire().is_none());
        assert!(sem.acquire_timeout(Duration::from_millis(30)).is_none());
        assert_eq!(sem.available(), 0, "the timeout took nothing");
        thread::scope(|s| {
            s.spawn(|| {
                thread::sleep(Duration::from_millis(20));
                drop(held);
            });
            let p = sem
                .acquire_timeout(Duration::from_secs(10))
                .expect("released within the timeout");
            assert_eq!(p.semaphore().limit(), 1);
        });
        assert_eq!(sem.available(), 1);
    });
}

#[test]
fn event_wakes_all_waiters_and_clear_resets() {
    deadline(LIMIT, || {
        let event = Event::new();
        let woke = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    event.wait();
                    woke.fetch_add(1, Ordering::SeqCst);
                });
            }
            thread::sleep(Duration::from_millis(20));
            event.set();
        });
        assert_eq!(woke.into_inner(), 3);
        event.clear();
        assert!(!event.wait_timeout(Duration::from_millis(20)));
        thread::scope(|s| {
            s.spawn(|| {
                thread::sleep(Duration::from_millis(20));
                event.set();
            });
            assert!(event.wait_timeout(Duration::from_secs(10)));
        });
    });
}

#[test]
fn the_primitives_demo_goes_through_every_primitive_in_order() {
    let lines = deadline(LIMIT, || primitives::demo(2, 4)).lines();
    let headings: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("-- "))
        .map(String::as_str)
        .collect();
    assert_eq!(headings.len(), 8, "{headings:?}");
    assert_eq!(headings[6], "-- hand-made Semaphore(2), 4 workers");
    assert!(
        lines.contains(&"  the worker answered 144".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  at most ")),
        "{lines:?}"
    );
}
