//! The command line: exit codes and what it prints.

mod common;

use std::path::Path;

use downloader::LocalServer;
use testkit::cli::{Bin, Ran};

/// Runs `downloader ARGS` in `dir`.
fn run(args: &[&str], dir: &Path) -> Ran {
    Bin::new(env!("CARGO_BIN_EXE_downloader"))
        .args(args)
        .current_dir(dir)
        .run()
}

/// Runs `downloader fetch --quiet --out got ARGS` in a fresh folder; returns the run and the folder.
fn fetch(args: &[&str]) -> (Ran, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["fetch", "--quiet", "--out", "got"];
    all.extend_from_slice(args);
    (run(&all, dir.path()), dir)
}

#[test]
fn bad_input_is_refused_with_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, message) in [
        (&["fetch", "file:///etc/passwd"][..], "unsupported scheme"),
        (&["fetch", "ftp://example.com/x"], "unsupported scheme"),
        (&["fetch", "not a url"], "invalid URL"),
        (&["fetch"], "required"),
        (&["fetch", "--list", "missing.txt"], "reading missing.txt: "),
        (
            &["fetch", "--workers", "0", "http://127.0.0.1:9/x"],
            "--workers",
        ),
        (
            &["fetch", "--max-time", "0", "http://127.0.0.1:9/x"],
            "--max-time",
        ),
        (
            &["fetch", "--stall-window", "-1", "http://127.0.0.1:9/x"],
            "'-1'",
        ),
        (
            &["fetch", "--min-speed", "fast", "http://127.0.0.1:9/x"],
            "--min-speed",
        ),
        (
            &[
                "fetch",
                "--out",
                "/proc/no/such/dir",
                "http://127.0.0.1:9/x",
            ],
            "output directory \"/proc/no/such/dir\" is not writable: ",
        ),
    ] {
        run(args, dir.path()).refused(message);
    }
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nothing\n\n").unwrap();
    run(&["fetch", "--list", "empty.txt"], dir.path()).refused("no URLs to download");
}

#[test]
fn fetch_downloads_and_fails_with_1_when_a_url_fails() {
    let server = LocalServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let urls = format!(
        "# the gallery\n{}\n\n{}\n",
        server.url("/images/image-001.png"),
        server.url("/bytes/300")
    );
    std::fs::write(dir.path().join("urls.txt"), urls).unwrap();
    run(
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
    )
    .success();
    assert_eq!(
        std::fs::read(dir.path().join("got/image-001.png")).unwrap(),
        downloader::gallery::png(1)
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("got/300")).unwrap().len(),
        300
    );

    let failing = server.url("/status/404");
    let ran = run(
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
    let stdout = &ran.exit(1).stdout;
    assert!(
        stdout.contains("1 failed") && stdout.contains("404") && stdout.contains("1 skipped"),
        "{stdout}"
    );
}

#[test]
fn serve_prints_its_url_and_stops_after_its_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let ran = run(&["serve", "--seconds", "1"], dir.path());
    assert!(
        ran.success().contains("http://127.0.0.1:"),
        "{}",
        ran.stdout
    );
}

#[test]
fn the_race_subcommand_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let ran = run(
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
    let stdout = ran.success();
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
    assert_eq!(common::files(&dir.path().join("downloads/pools")).len(), 6);
}

#[test]
fn max_bytes_on_the_command_line_stops_a_large_file() {
    let server = LocalServer::start().unwrap();
    let big = server.url("/unannounced?size=5000");
    let small = server.url("/bytes/100");
    let (ran, dir) = fetch(&["--max-bytes", "1000", &big, &small]);
    assert!(
        ran.exit(1)
            .stdout
            .contains("larger than the limit of 1000 bytes"),
        "{}",
        ran.stdout
    );
    assert_eq!(
        common::files(&dir.path().join("got")),
        ["100"],
        "no partial file of the large one"
    );
}

#[test]
fn every_failure_line_names_the_url_and_the_reason() {
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
    let mut args = vec!["--retries", "0"];
    args.extend(cases.iter().map(|(url, _)| url.as_str()));
    let (ran, _dir) = fetch(&args);
    let stdout = &ran.exit(1).stdout;
    for (url, reason) in &cases {
        assert!(
            stdout.contains(&format!("FAILED    {url}: {reason}")),
            "{url}: {stdout}"
        );
    }
}

#[test]
fn max_time_and_the_stall_rule_on_the_command_line() {
    let server = LocalServer::start().unwrap();
    let trickle = server.url("/trickle?interval_ms=100");
    for (args, reason) in [
        (
            vec!["--max-time", "0.5", "--min-speed", "0", &trickle],
            "gave up after 0.5 s",
        ),
        (
            vec![
                "--stall-window",
                "0.3",
                "--retries",
                "0",
                &server.url("/stall"),
            ],
            "stalled: nothing received in the last 0.3 s",
        ),
    ] {
        let (ran, dir) = fetch(&args);
        assert!(ran.exit(1).stdout.contains(reason), "{}", ran.stdout);
        assert!(
            common::files(&dir.path().join("got")).is_empty(),
            "no temporary file"
        );
    }
}

#[test]
fn continue_resumes_a_download_cut_in_an_earlier_run() {
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
    run(&args, dir.path()).exit(1);
    assert!(dir.path().join("got/.cli.partial").is_file());
    let second = run(&args, dir.path());
    let stdout = second.success();
    assert!(
        stdout.contains("resumed") && stdout.contains("10000 of them kept"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("got/cli")).unwrap(),
        downloader::server::pattern(20000)
    );
}
