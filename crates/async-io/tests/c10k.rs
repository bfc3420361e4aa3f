//! The three ways all complete every request; the pool is bounded, the others are not.

use std::path::Path;
use std::time::Duration;

use async_io::Error;
use async_io::c10k::{Config, Demo, Way, run, spawn_cost};
use async_io::resources::check_open_files;
use async_io::server::SlowServer;

#[test]
fn every_way_completes_every_request_with_the_concurrency_it_promises() {
    let report = testkit::deadline(Duration::from_secs(60), || {
        let server = SlowServer::start(Duration::from_millis(500)).unwrap();
        let config = Config {
            connections: 40,
            hold: Duration::from_millis(500),
            pool_workers: 20,
            ways: Way::ALL.to_vec(),
        };
        run(server.addr(), &config).unwrap()
    });
    assert_eq!(report.ways.len(), 3);
    for way in &report.ways {
        assert_eq!((way.completed, way.failed), (40, 0), "{:?}", way.way);
        assert!(way.stopped.is_none() && way.first_error.is_none());
    }
    let pool = report.way(Way::WorkerPool).unwrap();
    assert_eq!(pool.concurrency, 20);
    assert!(
        pool.server_peak <= 20,
        "the pool had {} in flight",
        pool.server_peak
    );
    assert_eq!(pool.ideal, Duration::from_secs(1));
    for way in [Way::Tasks, Way::ThreadPerRequest] {
        let report = report.way(way).unwrap();
        // Each request is held half a second: more than the pool's 20 overlap unless the clients
        // waited for each other.
        assert!(report.server_peak > 20, "{way:?}: {}", report.server_peak);
        assert_eq!(report.ideal, Duration::from_millis(500));
    }
    let text = report.to_string();
    assert!(text.contains("tokio tasks") && text.contains("thread per request"));
}

#[test]
fn creating_threads_and_tasks_is_measured() {
    let cost = spawn_cost(50).unwrap();
    assert_eq!(cost.samples, 50);
    assert!(cost.thread > Duration::ZERO && cost.task > Duration::ZERO);
}

#[test]
fn too_many_connections_for_the_open_files_limit_are_refused_in_plain_words() {
    let error = check_open_files(usize::MAX / 2).unwrap_err();
    assert!(matches!(error, Error::TooFewFiles { .. }));
    assert!(error.to_string().contains("ulimit -Hn"), "{error}");
    assert!(
        error.is_bad_input(),
        "exit code 2: the user asked for too much"
    );
}

#[test]
fn the_demo_starts_its_server_process_says_what_it_measures_and_checks_every_request() {
    let exe = Path::new(env!("CARGO_BIN_EXE_async-io"));
    let config = Config {
        connections: 20,
        hold: Duration::from_millis(20),
        pool_workers: 5,
        ways: vec![Way::Tasks, Way::WorkerPool],
    };
    let (header, mut report) = testkit::deadline(Duration::from_secs(60), move || {
        let demo = Demo::start(exe, config).unwrap();
        (demo.to_string(), demo.run().unwrap())
    });
    testkit::assert_says(
        &header,
        &[
            "20 requests at once, each held 20 ms",
            "(process ",
            "soft limit",
        ],
    );
    assert!(report.all_correct(), "{report}");
    report.ways[1].failed = 1;
    assert!(!report.all_correct(), "one failed request fails the check");
}

#[test]
fn zero_connections_are_bad_input() {
    let config = Config {
        connections: 0,
        hold: Duration::from_millis(1),
        pool_workers: 1,
        ways: vec![Way::Tasks],
    };
    let addr = "127.0.0.1:9".parse().unwrap();
    assert!(matches!(run(addr, &config), Err(Error::BadInput(_))));
}
