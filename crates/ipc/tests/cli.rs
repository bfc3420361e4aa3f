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
    ] {
        Bin::new(IPC).args(args).run().refused(message);
    }
}

#[test]
fn a_demo_prints_its_report() {
    let ran = Bin::new(IPC).args(["pipe"]).run();
    assert_says(ran.success(), &["\n== A pipe:", "answered 42"]);
}
