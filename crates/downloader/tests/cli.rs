//! The command line: exit codes and what it prints.

mod common;

use std::process::{Command, Output};
use std::time::Duration;

use downloader::LocalServer;
use testkit::deadline;

fn run(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_downloader"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn bad_input_exits_with_2() {
    deadline(Duration::from_secs(30), || {
        let dir = tempfile::tempdir().unwrap();
        for args in [
            &["fetch", "file:///etc/passwd"][..],
            &["fetch", "ftp://example.com/x"],
            &["fetch", "not a url"],
            &["fetch"],
            &["fetch", "--list", "missing.txt"],
            &["fetch", "--workers", "0", "http://127.0.0.1:9/x"],
            &["fetch", "--max-time", "0", "http://127.0.0.1:9/x"],
            &["fetch", "--stall-window", "-1", "http://127.0.0.1:9/x"],
            &["fetch", "--min-speed", "fast", "http://127.0.0.1:9/x"],
            &[
                "fetch",
                "--out",
                "/proc/no/such/dir",
                "http://127.0.0.1:9/x",
            ],
        ] {
            let out = run(args, dir.path());
            assert_eq!(
                out.status.code(),
                Some(2),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        }
    });
}

#[test]
fn fetch_downloads_and_fails_with_1_when_a_url_fails() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("urls.txt");
        let urls = format!(
            "# the gallery\n{}\n\n{}\n",
            server.url("/images/image-001.png"),
            server.url("/bytes/300")
        );
        std::fs::write(&list, urls).unwrap();
        let out = run(
            &[
                "fetch",
                "--list",
                "urls.txt",
                "--out",
                "got",
                "--strategy",
                "rayon",
                "--workers",
                "2",
            ],
            dir.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(dir.path().join("got/image-001.png")).unwrap(),
            downloader::gallery::png(1)
        );
        assert_eq!(
            std::fs::metadata(dir.path().join("got/300")).unwrap().len(),
            300
        );

        let failing = server.url("/status/404");
        let out = run(
            &[
                "fetch",
                "--quiet",
                "--out",
                "got",
                &failing,
                &server.url("/bytes/300"),
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("1 failed") && stdout.contains("404") && stdout.contains("1 skipped"),
            "{stdout}"
        );
    });
}

#[test]
fn serve_prints_its_url_and_stops_after_its_seconds() {
    deadline(Duration::from_secs(30), || {
        let dir = tempfile::tempdir().unwrap();
        let out = run(&["serve", "--seconds", "1"], dir.path());
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("http://127.0.0.1:"));
    });
}

#[test]
fn the_race_subcommand_prints_the_table() {
    deadline(Duration::from_secs(60), || {
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            &[
                "race",
                "--count",
                "6",
                "--latency-ms",
                "5",
                "--workers",
                "3",
            ],
            dir.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        for name in [
            "sequential",
            "thread-per-url",
            "worker-pool",
            "rayon",
            "pools",
            "speedup",
        ] {
            assert!(stdout.contains(name), "{stdout}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path().join("downloads/pools"))
                .unwrap()
                .count(),
            6
        );
    });
}

#[test]
fn max_bytes_on_the_command_line_stops_a_large_file() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let big = server.url("/unannounced?size=5000");
        let small = server.url("/bytes/100");
        let out = run(
            &[
                "fetch",
                "--quiet",
                "--max-bytes",
                "1000",
                "--out",
                "got",
                &big,
                &small,
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("larger than the limit of 1000 bytes"),
            "{stdout}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path().join("got"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["100"], "no partial file of the large one");
    });
}

/// Runs `downloader fetch --quiet ARGS` in a fresh folder; returns the exit code and stdout.
fn fetch(args: &[&str]) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["fetch", "--quiet", "--out", "got"];
    all.extend_from_slice(args);
    let out = run(&all, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        dir,
    )
}

#[test]
fn every_failure_line_names_the_url_and_the_reason() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let cases = [
            (
                server.url("/redirect/1?to=file:///etc/passwd"),
                "refused to follow a redirect to \"file:///etc/passwd\"",
            ),
            (
                server.url("/status/404"),
                "the server answered 404 Not Found",
            ),
            (
                server.url("/truncated?size=1000"),
                "the connection closed after 500 of 1000 bytes",
            ),
        ];
        let urls: Vec<&str> = cases.iter().map(|(url, _)| url.as_str()).collect();
        let mut args = vec!["--retries", "0"];
        args.extend(urls);
        let (code, stdout, _dir) = fetch(&args);
        assert_eq!(code, Some(1));
        for (url, reason) in &cases {
            assert!(
                stdout.contains(&format!("FAILED    {url}: {reason}")),
                "{url}: {stdout}"
            );
        }
    });
}

#[test]
fn max_time_and_the_stall_rule_on_the_command_line() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let trickle = server.url("/trickle?interval_ms=100");
        let (code, stdout, dir) = fetch(&["--max-time", "0.5", "--min-speed", "0", &trickle]);
        assert_eq!(code, Some(1));
        assert!(stdout.contains("gave up after 0.5 s"), "{stdout}");
        assert!(
            common::files(&dir.path().join("got")).is_empty(),
            "no temporary file"
        );

        let stall = server.url("/stall");
        let (code, stdout, dir) = fetch(&["--stall-window", "0.3", "--retries", "0", &stall]);
        assert_eq!(code, Some(1));
        assert!(
            stdout.contains("stalled: nothing received in the last 0.3 s"),
            "{stdout}"
        );
        assert!(
            common::files(&dir.path().join("got")).is_empty(),
            "no temporary file"
        );
    });
}

#[test]
fn continue_resumes_a_download_cut_in_an_earlier_run() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/flaky/cli?size=20000");
        let args = [
            "fetch",
            "--continue",
            "--retries",
            "0",
            "--out",
            "got",
            &url,
        ];
        let first = run(&args, dir.path());
        assert_eq!(first.status.code(), Some(1));
        assert!(dir.path().join("got/.cli.partial").is_file());
        let second = run(&args, dir.path());
        assert_eq!(second.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&second.stdout);
        assert!(
            stdout.contains("resumed") && stdout.contains("10000 of them kept"),
            "{stdout}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("got/cli")).unwrap(),
            downloader::server::pattern(20000)
        );
    });
}
