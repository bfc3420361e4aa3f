//! One-shot and repeating timers, and the demo of the seeds' timers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use testkit::deadline;
use threads_basics::timers::{self, Event, OneShotTimer, RepeatingTimer};
use threads_basics::{Log, Pace};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn a_one_shot_timer_fires_once_after_its_delay() {
    deadline(LIMIT, || {
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        let delay = Duration::from_millis(30);
        let timer = OneShotTimer::start(delay, move || tx.send(Instant::now()).unwrap()).unwrap();
        assert!(timer.wait().unwrap());
        let fired_at = rx.recv().unwrap();
        assert!(fired_at - start >= delay, "fired early");
        assert!(rx.recv().is_err(), "fired more than once");
    });
}

#[test]
fn a_cancelled_timer_never_fires() {
    deadline(LIMIT, || {
        let fired = Arc::new(AtomicU64::new(0));
        let f = Arc::clone(&fired);
        // A delay long enough that even a stalled test machine cancels before it.
        let timer = OneShotTimer::start(Duration::from_millis(300), move || {
            f.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        assert!(timer.cancel().unwrap(), "cancelled before the delay");
        // Wait well past the delay: it must still not fire.
        thread::sleep(Duration::from_millis(400));
        assert_eq!(fired.load(Ordering::SeqCst), 0);
    });
}

#[test]
fn cancelling_after_it_fired_says_so() {
    deadline(LIMIT, || {
        let (tx, rx) = mpsc::channel();
        let timer = OneShotTimer::start(Duration::ZERO, move || tx.send(()).unwrap()).unwrap();
        rx.recv().unwrap();
        assert!(!timer.cancel().unwrap());
    });
}

#[test]
fn a_repeating_timer_ticks_in_order_and_stops() {
    deadline(LIMIT, || {
        let (tx, rx) = mpsc::channel();
        let timer = RepeatingTimer::start(Duration::from_millis(5), move |n| {
            let _ = tx.send(n);
        })
        .unwrap();
        let first: Vec<u64> = (0..3).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(first, [1, 2, 3]);
        let total = timer.stop().unwrap();
        let rest: Vec<u64> = rx.iter().collect(); // ends: the action (and its sender) is gone
        assert_eq!(rest, (4..=total).collect::<Vec<_>>());
    });
}

#[test]
fn stopping_does_not_wait_for_the_interval() {
    deadline(Duration::from_secs(5), || {
        let timer =
            RepeatingTimer::start(Duration::from_secs(3600), |_| panic!("must not tick")).unwrap();
        assert_eq!(timer.stop().unwrap(), 0);
    });
}

#[test]
fn one_event_stops_two_timers() {
    deadline(LIMIT, || {
        let stop = Arc::new(Event::new());
        let counts: Vec<_> = (0..2).map(|_| Arc::new(AtomicU64::new(0))).collect();
        let timers: Vec<_> = counts
            .iter()
            .map(|c| {
                let c = Arc::clone(c);
                RepeatingTimer::start_with_event(
                    Duration::from_millis(5),
                    Arc::clone(&stop),
                    move |_| {
                        c.fetch_add(1, Ordering::SeqCst);
                    },
                )
                .unwrap()
            })
            .collect();
        thread::sleep(Duration::from_millis(30));
        stop.set();
        let ticks: Vec<u64> = timers.into_iter().map(|t| t.join().unwrap()).collect();
        for (c, n) in counts.iter().zip(&ticks) {
            assert_eq!(c.load(Ordering::SeqCst), *n);
        }
        thread::sleep(Duration::from_millis(20));
        for (c, n) in counts.iter().zip(&ticks) {
            assert_eq!(c.load(Ordering::SeqCst), *n, "ticked after being stopped");
        }
    });
}

#[test]
fn the_demo_fires_one_timer_cancels_the_other_and_stops_two_with_one_event() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let report = timers::demo(Pace::with_factor(0.01), &log).unwrap();
        assert!(report.fired && report.cancelled_in_time, "{report:?}");
        assert_eq!(report.ticks.len(), 2);
        let lines = log.lines();
        assert!(
            !lines.iter().any(|l| l.contains("must not happen")),
            "{lines:?}"
        );
        let set = log.position("Main: setting the event").unwrap();
        let ticks_after = lines[set..].iter().filter(|l| l.contains("hello")).count();
        assert!(
            ticks_after <= 2,
            "at most a tick in progress each: {lines:?}"
        );
        assert_eq!(report.to_string().lines().count(), 2, "{report}");
    });
}
