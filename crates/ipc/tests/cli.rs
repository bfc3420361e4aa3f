//! The binary: bad arguments are refused with exit code 2 and a clear message; demos run.

use testkit::cli::Bin;

fn ipc<const N: usize>(args: [&str; N]) -> Bin {
    Bin::new(env!("CARGO_BIN_EXE_ipc")).args(args)
}

#[test]
fn bad_arguments_are_refused() {
    ipc(["no-such-demo"]).run().refused("no-such-demo");
    ipc(["shared", "--processes", "0"])
        .run()
        .refused("--processes");
    ipc(["bigdata", "--rows", "x"]).run().refused("--rows");
}

#[test]
fn a_demo_prints_its_report() {
    let ran = ipc(["pipe"]).run();
    let stdout = ran.success();
    assert!(stdout.starts_with("\n== A pipe:"), "{stdout}");
    assert!(stdout.contains("answered 42"), "{stdout}");
}
