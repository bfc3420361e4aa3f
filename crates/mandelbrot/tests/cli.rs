//! The command line: bad input is a clear error with exit code 2; `render` writes what it says.

use std::process::{Command, Output};
use std::time::Duration;

fn mandelbrot(args: &[&str], dir: &std::path::Path) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let dir = dir.to_owned();
    testkit::deadline(Duration::from_secs(60), move || {
        Command::new(env!("CARGO_BIN_EXE_mandelbrot"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap()
    })
}

#[test]
fn bad_input_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["render", "--width", "0"][..],
        &["render", "--height", "100000"],
        &["render", "--max-iter", "0"],
        &["render", "--width", "30000", "--height", "30000"],
        &["render", "--bounds", "1,0,0,1"],
        &["render", "--bounds", "0,1,NaN,1"],
        &["render", "--center", "nan,0"],
        &["render", "--zoom", "0"],
        &["render", "--strategy", "fastest"],
        &["render", "--strategy", "processes", "--threads", "0"],
        &["render", "-o", "picture.gif"],
        &["zoom", "--frames", "0"],
        &["zoom", "--supersample", "0"],
    ] {
        let out = mandelbrot(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written on bad input"
    );
}

#[test]
fn render_json_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = mandelbrot(
        &[
            "render",
            "--width",
            "40",
            "--height",
            "30",
            "--max-iter",
            "64",
            "--strategy",
            "threads",
            "--json",
            "-o",
            "c.npy",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["strategy"], "threads");
    assert_eq!(report["width"], 40);
    assert_eq!(report["height"], 30);
    assert_eq!(report["max_iter"], 64);
    assert!(report["total_iterations"].as_u64().unwrap() > 40 * 30);
    assert!(report["seconds"].as_f64().unwrap() >= 0.0);
    assert!(report["iterations_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(
        std::fs::metadata(dir.path().join("c.npy")).unwrap().len(),
        128 + 40 * 30 * 2
    );

    let out = mandelbrot(
        &[
            "render",
            "--width",
            "20",
            "--height",
            "10",
            "--center",
            "-0.74,0.13",
            "--zoom",
            "50",
            "-o",
            "z.png",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("z.png").exists());
}

#[test]
fn processes_strategy_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = mandelbrot(
        &[
            "render",
            "--width",
            "30",
            "--height",
            "20",
            "--strategy",
            "processes",
            "--threads",
            "2",
            "--json",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["strategy"], "processes");
    let seq = mandelbrot(
        &[
            "render",
            "--width",
            "30",
            "--height",
            "20",
            "--strategy",
            "sequential",
            "--json",
        ],
        dir.path(),
    );
    let seq: serde_json::Value = serde_json::from_slice(&seq.stdout).unwrap();
    assert_eq!(report["total_iterations"], seq["total_iterations"]);
}
