//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use testkit::assert_says;
use testkit::cli::Bin;

const IPC: &str = env!("CARGO_BIN_EXE_ipc");

#[test]
fn bad_arguments_are_refused() {
    for (args, message) in [
        (&["no-such-demo"][..], "no-such-demo"),
        (&["shared", "--processes", "0"], "--processes"),
        (&["bigdata", "--rows", "x"], "--rows"),
        (&["cpu", "--processes", "0"], "--processes"),
        (&["cpu", "--numbers", "0"], "--numbers"),
    ] {
        Bin::new(IPC).args(args).run().refused(message);
    }
}

#[test]
fn a_demo_prints_its_report() {
    let ran = Bin::new(IPC).args(["pipe"]).run();
    assert_says(ran.success(), &["\n== A pipe:", "answered 42"]);
}

#[test]
fn the_cpu_demo_prints_every_seed_table() {
    let ran = Bin::new(IPC)
        .args(["cpu", "--numbers", "1000", "--processes", "2"])
        .run();
    assert_says(
        ran.success(),
        &[
            "== Computing on processes",
            "  2 processes",
            "seed 001: sum of i for i < 20000, in two halves",
            "seed 003: wait (sleep 0.050 s)",
        ],
    );
}

#[test]
fn a_computing_child_refuses_unknown_work() {
    Bin::new(IPC)
        .args(["child", "cpu", "fly", "1", "2"])
        .run()
        .failure("unknown computing work");
}
