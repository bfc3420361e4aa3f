//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use testkit::assert_says;
use testkit::cli::Bin;

const POOLS: &str = env!("CARGO_BIN_EXE_pools");

#[test]
fn bad_arguments_are_refused() {
    for (args, message) in [
        (&["no-such-demo"][..], "no-such-demo"),
        (&["race", "--repeats", "0"], "--repeats"),
        (&["bigint", "--count", "0"], "--count"),
        (&["granularity", "-n", "many"], "--n"),
        (&["pi", "--workers", "0"], "--workers"),
        (&["timeline", "--workers", "100"], "--workers"),
        (
            &["timeline", "--out", "/no/such/folder/timeline.svg"],
            "/no/such/folder",
        ),
    ] {
        Bin::new(POOLS).args(args).run().refused(message);
    }
}

#[test]
fn a_demo_prints_its_report() {
    let ran = Bin::new(POOLS)
        .args(["pi", "--samples", "10000", "--workers", "2"])
        .run();
    assert_says(
        ran.success(),
        &["=== Monte Carlo π: 10000 points", "the same"],
    );
}
