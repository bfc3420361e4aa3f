//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use std::time::Duration;

use testkit::assert_says;
use testkit::cli::Bin;

const SYNC: &str = env!("CARGO_BIN_EXE_sync");

#[test]
fn bad_arguments_are_refused() {
    for (args, message) in [
        (&["no-such-demo"][..], "no-such-demo"),
        (&["races", "--threads", "0"], "--threads"),
        (&["philosophers", "--seconds", "0"], "more than 0"),
        (&["philosophers", "--philosophers", "1"], "--philosophers"),
    ] {
        Bin::new(SYNC).args(args).run().refused(message);
    }
}

#[test]
fn demos_print_their_reports() {
    let ran = Bin::new(SYNC).args(["races", "--increments", "1000"]).run();
    assert_says(
        ran.success(),
        &["== races: 2 threads × 1000 increments\n", "fetch_add"],
    );
    // A demo of a failure detects it and ends.
    let ran = Bin::new(SYNC)
        .args(["join-deadlock", "--deadline", "0.2"])
        .within(Duration::from_secs(30))
        .run();
    assert_says(ran.success(), &["DEADLOCK"]);
}
