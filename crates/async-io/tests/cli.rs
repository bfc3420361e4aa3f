//! The binary: bad arguments exit with code 2, the demos run, the C10k server is a child, Ctrl-C
//! stops the downloads with exit code 130 and no temporary file left.

use std::process::{Command, Stdio};
use std::time::Duration;

use testkit::assert_says;
use testkit::cli::Bin;

const ASYNC_IO: &str = env!("CARGO_BIN_EXE_async-io");

#[test]
fn bad_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("file");
    std::fs::write(&not_a_folder, "x").unwrap();
    let not_a_folder = not_a_folder.to_str().unwrap();
    for (args, message) in [
        (&["no-such-demo"][..], "no-such-demo"),
        (&["c10k", "--connections", "0"], "--connections"),
        (&["c10k", "--way", "fibers"], "fibers"),
        (&["future", "--wait-ms", "soon"], "--wait-ms"),
        (&["blocking", "--width", "0"], "--width"),
        (&["download", "--urls", "0"], "--urls"),
        (&["download", "--urls", "4", "--out", not_a_folder], "file"),
    ] {
        Bin::new(ASYNC_IO).args(args).run().refused(message);
    }
}

#[test]
fn more_connections_than_open_files_is_refused_with_advice() {
    let hard = async_io::resources::raise_open_files().unwrap().hard;
    // The check is there to be seen failing; a machine allowing 100,000 files cannot show it.
    if hard >= 100_000 {
        return;
    }
    let ran = Bin::new(ASYNC_IO)
        .args(["c10k", "--connections", "100000"])
        .run();
    ran.refused("ulimit -Hn");
    assert!(
        ran.stderr.starts_with("error: 100000 connections need"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_future_demo_runs() {
    let ran = Bin::new(ASYNC_IO).args(["future", "--wait-ms", "1"]).run();
    assert_says(ran.success(), &["polled 0 times"]);
}

#[test]
fn a_small_c10k_runs_against_a_server_process() {
    let ran = Bin::new(ASYNC_IO)
        .args(["c10k", "--connections", "30", "--hold-ms", "50"])
        .args(["--workers", "10", "--json"])
        .run();
    let report: serde_json::Value = serde_json::from_str(ran.success()).unwrap();
    let ways = report["ways"].as_array().unwrap();
    assert_eq!(ways.len(), 3);
    for way in ways {
        assert_eq!(way["completed"], 30, "{way}");
    }
    assert_eq!(ways[0]["way"], "tasks");
}

#[test]
fn ctrl_c_stops_the_downloads_and_leaves_no_temporary_file() {
    testkit::deadline(Duration::from_secs(60), || {
        let out = tempfile::tempdir().unwrap();
        // Spawned rather than run through `Bin`: the test signals it while it runs.
        let mut child = Command::new(ASYNC_IO)
            .args(["download", "--urls", "100", "--latency-ms", "100"])
            .args(["--limit", "10", "--out"])
            .arg(out.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the threaded batch has written files: downloads are in flight now.
        let pool = out.path().join("100").join("worker-pool");
        while std::fs::read_dir(&pool).map_or(0, |d| d.count()) < 5 {
            std::thread::sleep(Duration::from_millis(10));
        }
        // SAFETY: kill sends a signal to our own child, whose pid we hold; no memory is involved.
        let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        assert_eq!(sent, 0);
        let status = child.wait().unwrap();
        let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        let mut folders = vec![out.path().to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    !async_io::download::is_temporary(&name),
                    "{name} was left behind"
                );
                if path.is_dir() {
                    folders.push(path);
                }
            }
        }
    });
}
