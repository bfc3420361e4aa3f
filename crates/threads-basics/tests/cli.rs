//! The binary: bad arguments exit with code 2 and a clear message; demos run.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use testkit::deadline;

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threads-basics"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn rejects(args: &'static [&'static str], message: &'static str) {
    deadline(Duration::from_secs(20), move || {
        let out = run(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    });
}

#[test]
fn zero_threads_is_refused() {
    rejects(&["cpu", "--threads", "0"], "at least 1");
}

#[test]
fn negative_threads_are_refused() {
    rejects(&["scoped", "--threads", "-2"], "at least 1");
}

#[test]
fn absurd_thread_counts_are_refused() {
    rejects(&["cpu", "--threads", "1000000"], "too many");
}

#[test]
fn negative_durations_are_refused() {
    rejects(&["squares", "--give-up-after", "-1"], "cannot be negative");
}

#[test]
fn absurd_durations_are_refused() {
    rejects(&["squares", "--give-up-after", "1e12"], "more than an hour");
}

#[test]
fn a_zero_pace_is_refused() {
    rejects(&["--pace", "0", "cores"], "above 0");
}

#[test]
fn squares_reads_piped_input() {
    deadline(Duration::from_secs(20), || {
        let out = run(&["squares"], "piped text\n");
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("while you typed \"piped text\""),
            "{stdout}"
        );
    });
}

#[test]
fn a_small_cpu_run_works() {
    deadline(Duration::from_secs(30), || {
        let out = run(
            &[
                "cpu",
                "--threads",
                "3",
                "--numbers",
                "10000",
                "--repeat",
                "1",
                "--pace",
                "0.001",
            ],
            "",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("3 threads"), "{stdout}");
        assert!(stdout.contains("GIL"), "{stdout}");
    });
}
