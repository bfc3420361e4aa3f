//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use std::time::Duration;

use testkit::cli::Bin;

fn threads_basics<const N: usize>(args: [&str; N]) -> Bin {
    Bin::new(env!("CARGO_BIN_EXE_threads-basics")).args(args)
}

#[test]
fn bad_thread_counts_are_refused() {
    threads_basics(["cpu", "--threads", "0"])
        .run()
        .refused("at least 1");
    threads_basics(["scoped", "--threads", "-2"])
        .run()
        .refused("at least 1");
    threads_basics(["cpu", "--threads", "1000000"])
        .run()
        .refused("too many");
}

#[test]
fn bad_durations_and_paces_are_refused() {
    threads_basics(["squares", "--give-up-after", "-1"])
        .run()
        .refused("cannot be negative");
    threads_basics(["squares", "--give-up-after", "1e12"])
        .run()
        .refused("more than an hour");
    threads_basics(["--pace", "0", "cores"])
        .run()
        .refused("above 0");
}

#[test]
fn squares_reads_piped_input() {
    let ran = threads_basics(["squares"]).stdin("piped text\n").run();
    assert!(
        ran.success().contains("while you typed \"piped text\""),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_small_cpu_run_works() {
    let ran = threads_basics([
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
    let stdout = ran.success();
    assert!(stdout.contains("=== CPU-bound work"), "{stdout}");
    assert!(stdout.contains("3 threads"), "{stdout}");
    assert!(stdout.contains("GIL"), "{stdout}");
}
