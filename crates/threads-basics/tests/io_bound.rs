//! Sequential vs thread-per-task waiting work.

use std::time::Duration;

use testkit::deadline;
use threads_basics::io_bound;
use threads_basics::{Log, Pace};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn sequential_runs_every_request_in_order_on_the_calling_thread() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let me = threads_basics::log::thread_name();
        let results = io_bound::sequential(&[Duration::from_millis(5); 4], &log);
        assert_eq!(results, [200; 4]);
        let lines = log.lines();
        for (i, line) in lines.iter().enumerate() {
            assert!(line.starts_with(&format!("Request {i} done")), "{line}");
            assert!(line.ends_with(&format!("on thread {me}")), "{line}");
        }
    });
}

#[test]
fn thread_per_task_runs_each_request_on_its_own_thread() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let results = io_bound::thread_per_task(&[Duration::from_millis(5); 6], &log).unwrap();
        assert_eq!(results, [200; 6]);
        let mut lines = log.lines();
        lines.sort();
        assert_eq!(lines.len(), 6);
        for (i, line) in lines.iter().enumerate() {
            assert!(line.ends_with(&format!("on thread request-{i}")), "{line}");
        }
    });
}

#[test]
fn the_demo_runs_the_requests_both_ways_and_compares_them() {
    deadline(LIMIT, || {
        let log = Log::quiet();
        let pace = Pace::with_factor(0.005); // 10 ms a request
        let report = io_bound::demo(pace, 3, &log).unwrap();
        assert_eq!(report.requests, 3);
        assert_eq!(log.lines().len(), 6, "each request narrated, both ways");
        // Sleeping one after another cannot take less than the sleeps added up.
        assert!(report.sequential >= pace.secs(2.0) * 3, "{report:?}");
        assert!(
            report.to_string().starts_with("3 requests: sequential "),
            "{report}"
        );
    });
}
