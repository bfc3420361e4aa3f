//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use std::time::Duration;

use testkit::assert_says;
use testkit::cli::Bin;

const THREADS_BASICS: &str = env!("CARGO_BIN_EXE_threads-basics");

#[test]
fn bad_counts_durations_and_paces_are_refused() {
    for (args, message) in [
        (&["cpu", "--threads", "0"][..], "at least 1"),
        (&["scoped", "--threads", "-2"], "at least 1"),
        (&["cpu", "--threads", "1000000"], "too many"),
        (&["squares", "--give-up-after", "-1"], "cannot be negative"),
        (&["squares", "--give-up-after", "1e12"], "more than an hour"),
        (&["--pace", "0", "cores"], "above 0"),
    ] {
        Bin::new(THREADS_BASICS).args(args).run().refused(message);
    }
}

#[test]
fn squares_reads_piped_input() {
    let ran = Bin::new(THREADS_BASICS)
        .args(["squares"])
        .stdin("piped text\n")
        .run();
    assert_says(ran.success(), &["while you typed \"piped text\""]);
}

#[test]
fn a_small_cpu_run_works() {
    let ran = Bin::new(THREADS_BASICS)
        .args([
            "cpu",
            "--threads",
            "3",
            "--numbers",
            "10000",
            "--repeat",
            "1",
            "--pace",
            "0.001",
        ])
        .within(Duration::from_secs(30))
        .run();
    assert_says(ran.success(), &["=== CPU-bound work", "3 threads", "GIL"]);
}
