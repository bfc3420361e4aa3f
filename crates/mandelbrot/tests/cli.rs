//! The binary: bad input is refused with exit code 2 and writes nothing; `render` writes what it
//! says; the worker processes are this same binary.

use testkit::assert_says;
use testkit::cli::Bin;

const MANDELBROT: &str = env!("CARGO_BIN_EXE_mandelbrot");

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for (args, message) in [
        (&["render", "--width", "0"][..], "--width"),
        (&["render", "--height", "100000"], "--height"),
        (&["render", "--max-iter", "0"], "--max-iter"),
        (
            &["render", "--width", "30000", "--height", "30000"],
            "pixels",
        ),
        (&["render", "--bounds", "1,0,0,1"], "x_min"),
        (&["render", "--bounds", "0,1,NaN,1"], "y_min"),
        (&["render", "--center", "nan,0"], "center"),
        (&["render", "--zoom", "0"], "zoom"),
        (&["render", "--strategy", "fastest"], "fastest"),
        (
            &["render", "--strategy", "processes", "--threads", "0"],
            "--threads",
        ),
        (&["render", "-o", "picture.gif"], "picture.gif"),
        (&["zoom", "--frames", "0"], "frames"),
        (&["zoom", "--supersample", "0"], "supersample"),
    ] {
        Bin::new(MANDELBROT)
            .args(args)
            .current_dir(dir.path())
            .run()
            .refused(message);
    }
    let written = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(written, 0, "nothing written on bad input");
}

#[test]
fn render_prints_json_and_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    let small = [
        "render",
        "--width",
        "40",
        "--height",
        "30",
        "--max-iter",
        "64",
    ];
    let ran = Bin::new(MANDELBROT)
        .args(small)
        .args(["--strategy", "threads", "--json", "-o", "c.npy"])
        .current_dir(dir.path())
        .run();
    let report: serde_json::Value = serde_json::from_str(ran.success()).unwrap();
    assert_eq!(report["strategy"], "threads");
    assert_eq!(report["width"], 40);
    assert_eq!(report["max_iter"], 64);
    assert_says(&ran.stderr, &["wrote c.npy"]);
    let npy = std::fs::metadata(dir.path().join("c.npy")).unwrap().len();
    assert_eq!(npy, 128 + 40 * 30 * 2);

    let ran = Bin::new(MANDELBROT)
        .args(small)
        .args(["--center=-0.74,0.13", "--zoom", "50", "-o", "z.png"])
        .current_dir(dir.path())
        .run();
    assert_says(
        ran.success(),
        &["simd-rayon 40×30, max_iter 64: ", "wrote z.png"],
    );
    assert!(dir.path().join("z.png").exists());
}

#[test]
fn processes_strategy_starts_this_binary_as_workers() {
    let ran = Bin::new(MANDELBROT)
        .args([
            "render",
            "--width",
            "30",
            "--height",
            "20",
            "--strategy",
            "processes",
        ])
        .args(["--threads", "2"])
        .run();
    assert_says(ran.success(), &["processes 30×20", "busy time per worker"]);
}
