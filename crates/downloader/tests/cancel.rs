//! Cooperative cancellation: the token itself, then a batch cancelled under every strategy while
//! downloads hang on a silent server.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use downloader::limits::StallRule;
use downloader::retry::RetryPolicy;
use downloader::{CancelToken, Config, DownloadError, Downloader, LocalServer, Outcome, Strategy};
use testkit::deadline;

#[test]
fn a_token_is_shared_by_its_clones_and_cancelled_once() {
    let token = CancelToken::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    token.on_cancel(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let clone = token.clone();
    assert!(!clone.is_cancelled());
    assert!(clone.cancel());
    assert!(!token.cancel(), "the second cancel does nothing");
    assert!(token.is_cancelled());
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the hook ran once");
    // A hook registered too late runs at once.
    let counter = Arc::clone(&runs);
    token.on_cancel(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[test]
fn cancelling_wakes_a_sleeper() {
    deadline(Duration::from_secs(20), || {
        let token = CancelToken::new();
        assert!(
            token.sleep(Duration::from_millis(1)),
            "nothing cut it short"
        );
        let sleeper = {
            let token = token.clone();
            thread::spawn(move || token.sleep(Duration::from_secs(3600)))
        };
        thread::sleep(Duration::from_millis(50));
        token.cancel();
        assert!(
            !sleeper.join().unwrap(),
            "woken by the cancel, long before its hour"
        );
        assert!(
            !token.sleep(Duration::from_secs(3600)),
            "no sleep once cancelled"
        );
    });
}

/// A downloader that waits for a silent server for ten minutes: in these tests, only a cancel
/// can end a download that hangs.
fn patient() -> Downloader {
    Downloader::new(Config {
        read_timeout: Duration::from_secs(600),
        stall: StallRule::off(),
        ..common::quick_config(0)
    })
}

#[test]
fn a_cancelled_batch_stops_under_every_strategy_and_keeps_the_finished_files() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let urls = vec![
            server.url("/images/image-001.png"),
            server.url("/images/image-002.png"),
            server.url("/stall?size=100000"),
            server.url("/stall?size=100000&sent=10"),
            server.url("/images/image-003.png?latency_ms=2000"),
            server.url("/images/image-004.png"),
        ];
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            let downloader = patient();
            let out = root.path().join(strategy.name());
            let stalls = server.stats().hits("/stall");
            let batch = {
                let (downloader, urls, out) = (downloader.clone(), urls.clone(), out.clone());
                thread::spawn(move || common::batch(&downloader, &urls, &out, strategy))
            };
            // Cancel once the first image is done and a download hangs on the silent server with
            // its temporary file open.
            while !out.join("image-001.png").is_file()
                || server.stats().hits("/stall") == stalls
                || common::temporary_files(&out).is_empty()
            {
                thread::sleep(Duration::from_millis(10));
            }
            downloader.cancel_token().cancel();
            let summary = batch.join().unwrap();

            assert!(summary.cancelled() >= 1, "{strategy}");
            for (job, result) in &summary.results {
                match result {
                    Ok(Outcome::Downloaded(_)) => assert!(job.dest.is_file(), "{strategy}: kept"),
                    Err(DownloadError::Cancelled { .. }) => {
                        assert!(!job.dest.exists(), "{strategy}: {}", job.url)
                    }
                    other => panic!("{strategy}: {}: {other:?}", job.url),
                }
            }
            assert!(
                summary.results[2..4]
                    .iter()
                    .any(|(_, r)| matches!(r, Err(DownloadError::Cancelled { started: true }))),
                "{strategy}: a stall was in flight"
            );
            assert!(
                matches!(summary.results[4].1, Err(DownloadError::Cancelled { .. })),
                "{strategy}: the slow answer was cut short (or never asked for)"
            );
            assert!(
                summary.results[0].1.is_ok(),
                "{strategy}: the first image was done"
            );
            assert_eq!(
                common::temporary_files(&out),
                Vec::<String>::new(),
                "{strategy}"
            );
        }
    });
}

#[test]
fn a_cancel_cuts_the_wait_before_a_retry_short() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let downloader = Downloader::new(Config {
            retry: RetryPolicy {
                max_retries: 5,
                base_delay: Duration::from_secs(600),
                max_delay: Duration::from_secs(600),
            },
            ..common::quick_config(0)
        });
        let canceller = {
            let token = downloader.cancel_token().clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(200));
                token.cancel();
            })
        };
        let dir = tempfile::tempdir().unwrap();
        let urls = [server.url("/status/503")];
        let summary = common::batch(&downloader, &urls, dir.path(), Strategy::Sequential);
        canceller.join().unwrap();
        assert!(
            matches!(
                summary.results[0].1,
                Err(DownloadError::Cancelled { started: true })
            ),
            "{:?}",
            summary.results[0].1
        );
        assert_eq!(server.stats().hits("/status/503"), 1);
    });
}
