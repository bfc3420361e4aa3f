//! The binary: bad arguments exit with code 2; the demos run.

use std::process::Command;

fn pools() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pools"))
}

#[test]
fn bad_arguments_exit_with_code_2() {
    for args in [
        &["no-such-demo"][..],
        &["race", "--repeats", "0"],
        &["granularity", "-n", "many"],
        &["pi", "--workers", "0"],
        &["timeline", "--workers", "100"],
        &["timeline", "--out", "/no/such/folder/timeline.svg"],
    ] {
        let out = pools().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn the_pi_demo_runs() {
    let out = pools()
        .args(["pi", "--samples", "10000", "--workers", "2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the same"), "{text}");
}

#[test]
fn the_granularity_demo_checks_every_sum() {
    let out = pools()
        .args(["granularity", "-n", "20000", "--workers", "2"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches('✓').count(), 5, "{text}");
}
