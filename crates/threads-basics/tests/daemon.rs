//! Detached threads die with the process; joined ones finish.

use std::path::Path;
use std::time::Duration;

use testkit::{assert_says, deadline};
use threads_basics::{Pace, daemon};

#[test]
fn the_detached_thread_is_cut_off_when_main_returns() {
    deadline(Duration::from_secs(30), || {
        let exe = Path::new(env!("CARGO_BIN_EXE_threads-basics"));
        let tick = Duration::from_millis(10);
        let report = daemon::run_child(exe, tick, tick * 5, Duration::from_secs(20)).unwrap();
        assert!(report.worker_finished, "{:?}", report.lines);
        assert!(report.main_returned, "{:?}", report.lines);
        assert!(!report.daemon_finished, "{:?}", report.lines);
        assert!((report.daemon_ticks as u32) < daemon::DAEMON_TICKS);
        // The joined worker always finishes before main's last line.
        let pos = |s: &str| report.lines.iter().position(|l| l.starts_with(s)).unwrap();
        assert!(pos("worker: finished") < pos("main: worker joined"));
        // Nothing of main comes after its last line; at most a tick printed while it exited.
        assert!(
            pos("main: returning from main") + 2 >= report.lines.len(),
            "{:?}",
            report.lines
        );
    });
}

#[test]
fn a_child_that_runs_too_long_is_killed() {
    deadline(Duration::from_secs(30), || {
        let exe = Path::new(env!("CARGO_BIN_EXE_threads-basics"));
        let err = daemon::run_child(
            exe,
            Duration::from_millis(10),
            Duration::from_secs(60),
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(
            matches!(err, threads_basics::ThreadsError::ChildTimedOut(_)),
            "{err}"
        );
    });
}

#[test]
fn the_demo_reports_each_line_of_the_child_and_the_verdict() {
    deadline(Duration::from_secs(30), || {
        let exe = Path::new(env!("CARGO_BIN_EXE_threads-basics"));
        let report = daemon::demo(exe, Pace::with_factor(0.01)).unwrap();
        assert!(
            report.worker_finished && !report.daemon_finished,
            "{report:?}"
        );
        assert!(report.to_string().starts_with("  child | "), "{report}");
        assert_says(&report, &["The joined worker finished: true."]);
    });
}
