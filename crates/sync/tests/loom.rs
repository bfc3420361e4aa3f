//! Model checks of the hand-made [`Semaphore`] and [`Event`] with loom.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test --release -p sync --test loom --target-dir target/loom`.
//! loom runs each closure under every interleaving of its threads' synchronization operations (up
//! to the preemption bound), so a lost wake-up shows up as a deadlock loom reports, and an
//! over-admitting semaphore as a failed assertion. Every model is bounded: unbounded, even three
//! threads on a semaphore take minutes to hours.
#![cfg(loom)]

use std::time::Duration;

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use sync::event::Event;
use sync::semaphore::Semaphore;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// Enters the semaphore, records how many are inside, leaves.
fn enter(sem: &Semaphore, inside: &AtomicUsize) {
    let _permit = sem.acquire();
    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
    assert!(
        now <= sem.limit(),
        "{now} holders of a {}-permit semaphore",
        sem.limit()
    );
    inside.fetch_sub(1, Ordering::SeqCst);
}

#[test]
fn permits_never_exceed_the_limit() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                thread::spawn(move || enter(&sem, &inside))
            })
            .collect();
        enter(&sem, &inside);
        for t in others {
            t.join().unwrap();
        }
        assert_eq!(sem.available(), 1, "every permit came back");
    });
}

#[test]
fn two_permits_two_waiters_no_lost_wake_up() {
    model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        // Main holds both permits, so both threads must sleep and be woken by the releases.
        let a = sem.acquire();
        let b = sem.acquire();
        let others: Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                thread::spawn(move || enter(&sem, &inside))
            })
            .collect();
        drop(a);
        drop(b);
        for t in others {
            t.join().unwrap(); // a lost wake-up would leave a thread asleep: loom reports a deadlock
        }
        assert_eq!(sem.available(), 2);
    });
}

#[test]
fn a_timeout_does_not_eat_a_permit() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = Arc::clone(&sem);
            thread::spawn(move || sem.acquire_timeout(Duration::from_millis(1)).is_some())
        };
        drop(held);
        let got_it = waiter.join().unwrap();
        // Whether the waiter timed out or got the permit (and dropped it), it is back.
        assert_eq!(sem.available(), 1, "got_it = {got_it}");
        assert!(sem.try_acquire().is_some());
    });
}

#[test]
fn try_acquire_and_acquire_share_one_permit() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let t = {
            let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
            thread::spawn(move || enter(&sem, &inside))
        };
        if let Some(_p) = sem.try_acquire() {
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            assert_eq!(now, 1);
            inside.fetch_sub(1, Ordering::SeqCst);
        }
        t.join().unwrap();
        assert_eq!(sem.available(), 1);
    });
}

#[test]
fn event_set_wakes_every_waiter() {
    model(|| {
        let event = Arc::new(Event::new());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let event = Arc::clone(&event);
                thread::spawn(move || event.wait())
            })
            .collect();
        event.set();
        for w in waiters {
            w.join().unwrap(); // a missed notification = a waiter asleep forever = loom deadlock
        }
        assert!(event.is_set());
    });
}

#[test]
fn event_wait_timeout_sees_a_set_or_times_out_cleanly() {
    model(|| {
        let event = Arc::new(Event::new());
        let waiter = {
            let event = Arc::clone(&event);
            thread::spawn(move || event.wait_timeout(Duration::from_millis(1)))
        };
        event.set();
        let saw = waiter.join().unwrap();
        // Either answer is allowed, but after the join the flag is set and later waits pass.
        let _ = saw;
        assert!(event.is_set());
        event.wait();
        event.clear();
        assert!(!event.is_set());
    });
}
