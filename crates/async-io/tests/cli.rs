//! The binary: bad arguments exit with code 2, the demos run, the C10k server is a child.

use std::process::{Command, Stdio};
use std::time::Duration;

fn async_io() -> Command {
    Command::new(env!("CARGO_BIN_EXE_async-io"))
}

#[test]
fn bad_arguments_exit_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("file");
    std::fs::write(&not_a_folder, "x").unwrap();
    for args in [
        vec!["no-such-demo"],
        vec!["c10k", "--connections", "0"],
        vec!["c10k", "--way", "fibers"],
        vec!["future", "--wait-ms", "soon"],
        vec!["blocking", "--width", "0"],
        vec!["download", "--urls", "0"],
        vec![
            "download",
            "--urls",
            "4",
            "--out",
            not_a_folder.to_str().unwrap(),
        ],
    ] {
        let out = async_io().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn more_connections_than_open_files_is_refused_with_advice() {
    let hard = async_io::resources::raise_open_files().unwrap().hard;
    // The check is there to be seen failing; a machine allowing 100,000 files cannot show it.
    if hard >= 100_000 {
        return;
    }
    let out = async_io()
        .args(["c10k", "--connections", "100000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: 100000 connections need"),
        "{stderr}"
    );
    assert!(stderr.contains("ulimit -Hn"), "{stderr}");
}

#[test]
fn the_future_demo_runs() {
    let out = async_io()
        .args(["future", "--wait-ms", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("polled 0 times"), "{text}");
}

#[test]
fn a_small_c10k_runs_against_a_server_process() {
    let out = async_io()
        .args([
            "c10k",
            "--connections",
            "30",
            "--hold-ms",
            "50",
            "--workers",
            "10",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
        let mut child = async_io()
            .args([
                "download",
                "--urls",
                "100",
                "--latency-ms",
                "100",
                "--limit",
                "10",
                "--out",
            ])
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
