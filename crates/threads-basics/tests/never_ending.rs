//! Joins with a deadline and stop flags.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use testkit::{assert_says, deadline};
use threads_basics::never_ending::{
    self, Joined, StopFlag, StoppableWorker, TimedHandle, join_timeout, spawn_never_ending,
};
use threads_basics::{Log, Pace};

const LIMIT: Duration = Duration::from_secs(20);
const SHORT: Duration = Duration::from_millis(100);

#[test]
fn polling_join_timeout_returns_after_the_deadline_while_the_thread_still_runs() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let handle = spawn_never_ending("forever", Duration::from_millis(5), &log).unwrap();
        let start = Instant::now();
        let handle =
            join_timeout(handle, SHORT).expect_err("a never-ending thread cannot be joined");
        assert!(start.elapsed() >= SHORT, "returned before its deadline");
        assert!(!handle.is_finished());
        // Still running: it keeps logging after we stopped waiting.
        let before = log.lines().len();
        thread::sleep(Duration::from_millis(50));
        assert!(
            log.lines().len() > before,
            "the thread should still be working"
        );
    });
}

#[test]
fn polling_join_timeout_returns_the_value_or_the_panic() {
    deadline(LIMIT, || {
        let quick = thread::spawn(|| 42);
        assert_eq!(join_timeout(quick, LIMIT).unwrap().unwrap(), 42);
        let panics = thread::spawn(|| -> u8 { panic!("boom") });
        assert!(join_timeout(panics, LIMIT).unwrap().is_err());
    });
}

#[test]
fn polling_join_timeout_can_wait_again_on_the_handle_it_gave_back() {
    deadline(LIMIT, || {
        let (go, wait) = mpsc::channel::<()>();
        let handle = thread::spawn(move || {
            wait.recv().unwrap();
            7
        });
        let handle = join_timeout(handle, Duration::from_millis(20)).unwrap_err();
        go.send(()).unwrap();
        assert_eq!(join_timeout(handle, LIMIT).unwrap().unwrap(), 7);
    });
}

#[test]
fn channel_join_timeout_times_out_then_finishes() {
    deadline(LIMIT, || {
        let (go, wait) = mpsc::channel::<()>();
        let timed = TimedHandle::spawn("waits-for-go", move || {
            wait.recv().unwrap();
            "done"
        })
        .unwrap();
        let start = Instant::now();
        let timed = match timed.join_timeout(SHORT) {
            Joined::TimedOut(h) => h,
            other => panic!("expected a timeout, got {other:?}"),
        };
        assert!(start.elapsed() >= SHORT);
        assert!(
            !timed.is_finished(),
            "the thread must still be running after the timeout"
        );
        assert_eq!(timed.name(), "waits-for-go");
        go.send(()).unwrap();
        assert!(matches!(
            timed.join_timeout(LIMIT),
            Joined::Finished("done")
        ));
    });
}

#[test]
fn channel_join_timeout_reports_a_panic() {
    deadline(LIMIT, || {
        let timed = TimedHandle::spawn("panics", || -> u8 { panic!("inside") }).unwrap();
        match timed.join_timeout(LIMIT) {
            Joined::Panicked(payload) => {
                assert_eq!(threads_basics::error::panic_message(&*payload), "inside")
            }
            other => panic!("expected a panic, got {other:?}"),
        }
    });
}

#[test]
fn a_stop_flag_really_stops_the_thread() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let worker = StoppableWorker::spawn("stoppable", Duration::from_millis(5), &log).unwrap();
        thread::sleep(Duration::from_millis(40));
        assert!(!worker.is_finished());
        let rounds = worker.stop().unwrap();
        let lines = log.lines();
        assert_eq!(
            lines.last().map(String::as_str),
            Some("Thread stoppable: asked to stop, exiting")
        );
        assert_eq!(
            lines.len() as u64,
            rounds + 1,
            "one line per round plus the goodbye"
        );
        // The thread has ended: nothing more is logged.
        thread::sleep(Duration::from_millis(30));
        assert_eq!(log.lines().len(), lines.len());
    });
}

#[test]
fn a_stop_flag_is_shared_by_its_clones() {
    let flag = StopFlag::new();
    let clone = flag.clone();
    assert!(!clone.is_raised());
    flag.raise();
    assert!(clone.is_raised());
}

#[test]
fn the_demo_gives_up_on_the_endless_threads_and_stops_the_stoppable_one() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let report = never_ending::demo(Pace::with_factor(0.01), &log).unwrap();
        assert!(
            report.left_running && report.timed_handle_gave_up,
            "{report:?}"
        );
        let at = |needle: &str| log.position(needle);
        assert!(
            at("(muting that thread's output").is_some(),
            "{:?}",
            log.lines()
        );
        assert!(
            at("raising the stop flag") < at("asked to stop, exiting"),
            "{:?}",
            log.lines()
        );
        assert_says(&report, &["nothing is left running"]);
    });
}
