//! The slow server: it holds requests concurrently, counts them, shuts down gracefully, and its
//! child-process form never outlives its parent.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use async_io::server::{
    ServerProcess, SlowServer, fetch_stats, get_blocking, request, reset_stats,
};
use async_io::shutdown;

const LIMIT: Duration = Duration::from_secs(30);
const CLIENT_LIMIT: Duration = Duration::from_secs(20);

/// Waits until `condition` holds; panics (a test failure) after `LIMIT`.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < LIMIT, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn requests_are_held_at_the_same_time() {
    testkit::deadline(LIMIT, || {
        let server = SlowServer::start(Duration::from_secs(5)).unwrap();
        let addr = server.addr();
        std::thread::scope(|s| {
            let clients: Vec<_> = (0..12)
                .map(|_| s.spawn(move || get_blocking(addr, "/hold?ms=300", CLIENT_LIMIT)))
                .collect();
            // All twelve are held at once before any is answered: no clock involved.
            eventually("12 requests held at once", || {
                server.stats().in_flight == 12
            });
            for client in clients {
                let answer = client.join().unwrap().unwrap();
                assert_eq!(
                    (answer.status, answer.body.as_str()),
                    (200, "held 300 ms\n")
                );
            }
        });
        let stats = server.stats();
        assert_eq!((stats.in_flight, stats.peak, stats.served), (0, 12, 12));
    });
}

#[test]
fn the_counters_are_served_over_http_and_can_be_reset() {
    testkit::deadline(LIMIT, || {
        let server = SlowServer::start(Duration::from_millis(1)).unwrap();
        let answer = get_blocking(server.addr(), "/hold", CLIENT_LIMIT).unwrap();
        assert_eq!(answer.body, "held 1 ms\n");
        let stats = fetch_stats(server.addr()).unwrap();
        assert_eq!((stats.peak, stats.served), (1, 1));
        let after = reset_stats(server.addr()).unwrap();
        assert_eq!((after.peak, after.served), (0, 0));
        let missing = get_blocking(server.addr(), "/nothing", CLIENT_LIMIT).unwrap();
        assert_eq!(missing.status, 404);
        assert!(request("/hold").ends_with("\r\n\r\n"));
    });
}

#[test]
fn a_shutdown_finishes_requests_in_flight_within_the_grace_period() {
    testkit::deadline(LIMIT, || {
        let server = SlowServer::start(Duration::from_millis(300)).unwrap();
        let addr = server.addr();
        let client = std::thread::spawn(move || get_blocking(addr, "/hold", CLIENT_LIMIT));
        eventually("the request is held", || server.stats().in_flight == 1);
        let report = server.shutdown(Duration::from_secs(10)).unwrap();
        assert_eq!(
            (report.in_flight, report.finished, report.aborted),
            (1, 1, 0)
        );
        assert_eq!(client.join().unwrap().unwrap().status, 200);
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "a stopped server refuses connections"
        );
    });
}

#[test]
fn a_shutdown_aborts_what_outlasts_the_grace_period() {
    testkit::deadline(LIMIT, || {
        let server = SlowServer::start(Duration::from_secs(60)).unwrap();
        let addr = server.addr();
        let client = std::thread::spawn(move || get_blocking(addr, "/hold", CLIENT_LIMIT));
        eventually("the request is held", || server.stats().in_flight == 1);
        let report = server.shutdown(Duration::from_millis(50)).unwrap();
        assert_eq!((report.finished, report.aborted), (0, 1));
        assert!(
            client.join().unwrap().is_err(),
            "the client sees the connection closed without an answer"
        );
    });
}

#[test]
fn the_server_process_serves_and_is_gone_once_dropped() {
    testkit::deadline(LIMIT, || {
        let exe = env!("CARGO_BIN_EXE_async-io");
        let server = ServerProcess::spawn(exe.as_ref(), Duration::from_millis(10)).unwrap();
        let pid = server.pid();
        let answer = get_blocking(server.addr(), "/hold", CLIENT_LIMIT).unwrap();
        assert_eq!(answer.body, "held 10 ms\n");
        assert!(ipc::child::process_running(pid));
        drop(server);
        assert!(
            !ipc::child::process_running(pid),
            "the child outlived its handle"
        );
    });
}

#[test]
fn the_server_exits_by_itself_when_its_parent_closes_stdin() {
    testkit::deadline(LIMIT, || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_async-io"))
            .args(["serve", "--exit-with-parent", "--hold-ms", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
        drop(child.stdin.take());
        let status = child.wait().unwrap();
        assert!(status.success(), "{status}");
        let rest = std::io::read_to_string(stdout).unwrap();
        assert!(rest.contains("standard input closed"), "{rest}");
    });
}

#[test]
fn the_shutdown_demo_answers_the_quick_cuts_off_the_slow_and_refuses_the_late() {
    let ms = Duration::from_millis;
    let config = shutdown::DemoConfig {
        work: vec![ms(50), ms(100), ms(3_000)],
        signal_after: ms(20),
        grace: ms(300),
    };
    let report = testkit::deadline(LIMIT, move || shutdown::demo(&config).unwrap());
    assert_eq!(report.answered, [true, true, false], "{report}");
    assert!(report.all_correct(), "{report}");
    let mut open_late = report.clone();
    open_late.late_client_refused = false;
    assert!(
        !open_late.all_correct(),
        "a server that still accepts fails the check"
    );
}
