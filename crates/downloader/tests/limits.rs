//! Deadlines: the stall rule and `--max-time`, under every strategy. Every failure leaves no
//! temporary file and stops nothing else.

mod common;

use std::time::Duration;

use downloader::limits::StallRule;
use downloader::retry::RetryPolicy;
use downloader::{Config, DownloadError, Downloader, LocalServer, Strategy};
use testkit::deadline;

/// A stall rule that judges quickly: 1024 bytes in every 300 ms.
fn impatient() -> StallRule {
    StallRule {
        min_bytes: 1024,
        window: Duration::from_millis(300),
    }
}

/// The error of the only failed job of `summary`.
fn only_failure(summary: &downloader::report::Summary) -> &DownloadError {
    let failures = summary.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    failures[0].1
}

#[test]
fn a_trickle_is_stalled_and_retried_under_every_strategy() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let urls = [
            server.url("/trickle?size=100&interval_ms=50"),
            server.url("/images/image-001.png"),
        ];
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            let downloader = Downloader::new(Config {
                stall: impatient(),
                ..common::quick_config(1)
            });
            let before = server.stats().hits("/trickle");
            let out = root.path().join(strategy.name());
            let summary = common::batch(&downloader, &urls, &out, strategy);
            let error = only_failure(&summary);
            assert!(
                matches!(error, DownloadError::Stalled { received, .. } if *received < 1024),
                "{strategy}: {error}"
            );
            assert_eq!(
                server.stats().hits("/trickle") - before,
                2,
                "{strategy}: a stall is transient, so it is tried again"
            );
            assert_eq!(common::files(&out), ["image-001.png"], "{strategy}");
        }
    });
}

#[test]
fn a_body_that_stops_is_stalled_after_one_window_under_every_strategy() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let urls = [server.url("/stall?size=100000"), server.url("/bytes/300")];
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            // A read timeout far beyond the test's deadline: only the stall rule can end this.
            let downloader = Downloader::new(Config {
                stall: impatient(),
                read_timeout: Duration::from_secs(600),
                ..common::quick_config(0)
            });
            let out = root.path().join(strategy.name());
            let summary = common::batch(&downloader, &urls, &out, strategy);
            let error = only_failure(&summary);
            assert!(
                matches!(error, DownloadError::Stalled { received: 0, .. }),
                "{strategy}: {error}"
            );
            assert!(error.to_string().contains("nothing received"), "{error}");
            assert_eq!(
                common::files(&out),
                ["300"],
                "{strategy}: no temporary file"
            );
        }
    });
}

#[test]
fn a_slow_but_steady_download_is_not_stalled() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let downloader = Downloader::new(Config {
            stall: impatient(),
            ..common::quick_config(0)
        });
        // 12 000 bytes at 20 000 bytes/s: 0.6 s, two windows of about 6000 bytes each.
        let urls = [server.url("/bytes/12000?rate=20000")];
        let dir = tempfile::tempdir().unwrap();
        let summary = common::batch(&downloader, &urls, dir.path(), Strategy::Sequential);
        assert!(summary.all_ok(), "{:?}", summary.failures());
    });
}

#[test]
fn max_time_ends_a_slow_download_without_retries_under_every_strategy() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let urls = [
            server.url("/trickle?size=100&interval_ms=50"),
            server.url("/bytes/300"),
        ];
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            // No stall rule: the trickle would take 5 s, the deadline ends it at 0.4 s.
            let downloader = Downloader::new(Config {
                stall: StallRule::off(),
                max_time: Some(Duration::from_millis(400)),
                ..common::quick_config(3)
            });
            let before = server.stats().hits("/trickle");
            let out = root.path().join(strategy.name());
            let summary = common::batch(&downloader, &urls, &out, strategy);
            let error = only_failure(&summary);
            assert!(
                matches!(error, DownloadError::MaxTime { last: None, .. }),
                "{strategy}: {error}"
            );
            assert!(!error.is_transient());
            assert_eq!(server.stats().hits("/trickle") - before, 1, "{strategy}");
            assert_eq!(
                common::files(&out),
                ["300"],
                "{strategy}: no temporary file"
            );
        }
    });
}

#[test]
fn max_time_counts_the_retries_and_their_waits() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let downloader = Downloader::new(Config {
            max_time: Some(Duration::from_millis(300)),
            retry: RetryPolicy {
                max_retries: 1000,
                base_delay: Duration::from_millis(40),
                max_delay: Duration::from_millis(40),
            },
            ..common::quick_config(0)
        });
        let urls = [server.url("/status/503")];
        let dir = tempfile::tempdir().unwrap();
        let summary = common::batch(&downloader, &urls, dir.path(), Strategy::WorkerPool);
        let error = only_failure(&summary);
        assert!(
            matches!(error, DownloadError::MaxTime { last: Some(last), .. }
                if matches!(**last, DownloadError::Status(503))),
            "{error}"
        );
        assert!(
            error.to_string().contains("503 Service Unavailable"),
            "{error}"
        );
        let hits = server.stats().hits("/status/503");
        assert!(
            (2..20).contains(&hits),
            "about 300 / 40 tries, not 1000: {hits}"
        );
    });
}

#[test]
fn max_time_covers_the_wait_for_the_answer() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let downloader = Downloader::new(Config {
            max_time: Some(Duration::from_millis(300)),
            ..common::quick_config(0)
        });
        let urls = [server.url("/bytes/10?latency_ms=1500")];
        let dir = tempfile::tempdir().unwrap();
        let summary = common::batch(&downloader, &urls, dir.path(), Strategy::Sequential);
        assert!(matches!(
            only_failure(&summary),
            DownloadError::MaxTime { .. }
        ));
    });
}
