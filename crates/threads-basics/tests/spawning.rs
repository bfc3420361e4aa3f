//! Spawning, names, join order and values through join.

use std::time::Duration;

use testkit::{assert_says, deadline};
use threads_basics::{Log, ThreadsError, spawning};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn workers_are_joined_in_order_after_they_finish() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let waits = [
            ("Worker-1", Duration::from_millis(20)),
            ("Worker-2", Duration::from_millis(60)),
        ];
        spawning::run_workers(&waits, &log).unwrap();
        let at = |needle: &str| {
            log.position(needle)
                .unwrap_or_else(|| panic!("no line with {needle:?}: {:?}", log.lines()))
        };
        assert_eq!(at("Main: Starting threads"), 0);
        assert!(at("Thread Worker-1 started") < at("Thread Worker-1 finished"));
        assert!(at("Thread Worker-1 finished") < at("Main: Worker-1 joined"));
        assert!(at("Thread Worker-2 finished") < at("Main: Worker-2 joined"));
        assert!(at("Main: Worker-1 joined") < at("Main: Worker-2 joined"));
        assert_eq!(log.lines().len(), 8);
    });
}

#[test]
fn threads_see_their_own_names() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let handle = spawning::spawn_worker("named-by-builder", Duration::ZERO, &log).unwrap();
        assert_eq!(handle.thread().name(), Some("named-by-builder"));
        spawning::join_named(handle).unwrap();
        assert!(log.lines()[0].starts_with("Thread named-by-builder started"));
    });
}

#[test]
fn values_come_back_through_join_in_input_order() {
    deadline(LIMIT, || {
        let results = spawning::squares_through_join(&[3, 1, 4, 1, 5]).unwrap();
        let values: Vec<u64> = results.iter().map(|r| r.value).collect();
        assert_eq!(values, [9, 1, 16, 1, 25]);
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.thread, format!("square-{i}"));
        }
    });
}

#[test]
fn a_panic_comes_back_as_an_error_naming_the_thread() {
    deadline(LIMIT, || {
        let handle = std::thread::Builder::new()
            .name("doomed".into())
            .spawn(|| -> u32 { panic!("on purpose") })
            .unwrap();
        match spawning::join_named(handle) {
            Err(ThreadsError::Panicked { name, message }) => {
                assert_eq!(name, "doomed");
                assert_eq!(message, "on purpose");
            }
            other => panic!("expected a panic error, got {other:?}"),
        }
    });
}

#[test]
fn the_demo_joins_both_workers_then_returns_squares() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let report = spawning::demo(threads_basics::Pace::with_factor(0.005), &log).unwrap();
        let values: Vec<u64> = report.results.iter().map(|r| r.value).collect();
        assert_eq!(values, [9, 1, 16, 1, 25]);
        assert!(
            log.position("Main: Worker-2 joined").is_some(),
            "{:?}",
            log.lines()
        );
        assert_says(&report, &["  square-2 returned 16"]);
    });
}
