//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use std::time::Duration;

use testkit::cli::Bin;

fn sync<const N: usize>(args: [&str; N]) -> Bin {
    Bin::new(env!("CARGO_BIN_EXE_sync")).args(args)
}

#[test]
fn bad_arguments_are_refused() {
    sync(["no-such-demo"]).run().refused("no-such-demo");
    sync(["races", "--threads", "0"]).run().refused("--threads");
    sync(["philosophers", "--seconds", "0"])
        .run()
        .refused("more than 0");
    sync(["philosophers", "--philosophers", "1"])
        .run()
        .refused("--philosophers");
}

#[test]
fn a_demo_prints_its_report() {
    let ran = sync(["races", "--increments", "1000"]).run();
    let stdout = ran.success();
    assert!(
        stdout.starts_with("== races: 2 threads × 1000 increments"),
        "{stdout}"
    );
    assert!(stdout.contains("fetch_add"), "{stdout}");
}

#[test]
fn a_deadlock_demo_detects_its_deadlock_and_ends() {
    let ran = sync(["join-deadlock", "--deadline", "0.2"])
        .within(Duration::from_secs(30))
        .run();
    assert!(ran.success().contains("DEADLOCK"), "{}", ran.stdout);
}
