//! Stopping the runner stops what it started: a SIGTERM (or Ctrl-C) while a graded test hangs
//! ends the test's process group too, and the runner exits with 128 + the signal.

mod common;

use common::{STUBS, XTASK, answer, course};
use std::process::Command;
use std::time::{Duration, Instant};

/// The command lines of the processes running now that contain `needle`.
fn processes_with(needle: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(needle))
        .collect()
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_signal_stops_the_runner_and_the_test_it_runs() {
    for sandbox in ["off", "auto"] {
        stop_while_a_test_hangs(sandbox);
    }
}

fn stop_while_a_test_hangs(sandbox: &str) {
    let course = course();
    let root = course.path();
    // The test of this answer blocks for ever (its limit, 3 s, is not reached before the signal).
    let hangs = answer(
        STUBS,
        "xs",
        "let (_keep, never) = std::sync::mpsc::channel::<u64>();\n    \
         let _ = xs;\n    never.recv().unwrap()",
    );
    std::fs::write(root.join("crates/mini/src/exercises.rs"), hangs).unwrap();
    let mut runner = Command::new(XTASK)
        .args(["grade", "--sandbox", sandbox])
        .env("XTASK_WORKSPACE", root)
        .spawn()
        .unwrap();
    // The test's command line names the test, and its binary is in this course's target folder.
    let marker = "sum_on_threads_adds_up";
    let folder = root.display().to_string();
    let ours = |cmdline: &String| cmdline.contains(&folder) && !cmdline.contains("cargo");
    wait_for("the graded test to start", Duration::from_secs(120), || {
        processes_with(marker).iter().any(ours)
    });
    // SAFETY: kill only sends a signal to the runner we started.
    unsafe {
        libc::kill(runner.id() as i32, libc::SIGTERM);
    }
    let status = runner.wait().unwrap();
    assert_eq!(status.code(), Some(143), "--sandbox {sandbox}: {status:?}");
    wait_for(
        "the hanging test to be gone",
        Duration::from_secs(5),
        || !processes_with(marker).iter().any(ours),
    );
}
