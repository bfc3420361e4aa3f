//! The async strategy writes the same files as the threaded pool, within its in-flight limit.

use std::sync::Arc;
use std::time::Duration;

use async_io::download::{Setup, compare, download_all, never_stop, same_files};
use downloader::progress::{Progress, Silent};
use downloader::{Config, DownloadError, Downloader, LocalServer, Strategy};

const LIMIT: Duration = Duration::from_secs(60);

fn config() -> Config {
    Config {
        force: true,
        ..Config::default()
    }
}

#[test]
fn tasks_write_the_same_files_as_the_worker_pool() {
    testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let out = tempfile::tempdir().unwrap();
        let urls = server.gallery_urls(24, Duration::from_millis(20));
        let threaded = Downloader::new(config());
        let silent: Arc<dyn Progress> = Arc::new(Silent);
        let pool = downloader::report::download_all(
            &threaded,
            &urls,
            &out.path().join("pool"),
            Strategy::WorkerPool,
            4,
            &silent,
        )
        .unwrap();
        assert!(pool.all_ok());

        server.stats().reset_peak();
        let tasks =
            download_all(&urls, &out.path().join("tasks"), 4, config(), &never_stop()).unwrap();
        assert!(tasks.failures().is_empty(), "{:?}", tasks.failures());
        assert_eq!(tasks.files(), 24);
        assert!(
            server.stats().peak() <= 4,
            "the limit of 4 was exceeded: {}",
            server.stats().peak()
        );
        assert!(same_files(&out.path().join("pool"), &out.path().join("tasks")).unwrap());
        let leftovers = std::fs::read_dir(out.path().join("tasks"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".part")
            })
            .count();
        assert_eq!(leftovers, 0);
    });
}

#[test]
fn a_failed_download_is_reported_and_leaves_no_file() {
    testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let out = tempfile::tempdir().unwrap();
        let urls = [
            server.url("/status/404"),
            server.url("/truncated?size=5000"),
            server.url("/bytes/100"),
        ];
        let summary = download_all(&urls, out.path(), 3, config(), &never_stop()).unwrap();
        let failures = summary.failures();
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(matches!(failures[0].1, DownloadError::Status(404)));
        assert!(matches!(
            failures[1].1,
            DownloadError::Truncated { .. } | DownloadError::Connection(_)
        ));
        let names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["100"], "only the complete file is there");
    });
}

#[test]
fn https_and_bad_urls_are_refused_before_any_request() {
    testkit::deadline(LIMIT, || {
        let out = tempfile::tempdir().unwrap();
        let urls = ["https://127.0.0.1:9/x".to_string(), "not a url".to_string()];
        let summary = download_all(&urls, out.path(), 2, config(), &never_stop()).unwrap();
        let failures = summary.failures();
        assert!(matches!(
            failures[0].1,
            DownloadError::UnsupportedScheme { .. }
        ));
        assert!(matches!(failures[1].1, DownloadError::InvalidUrl { .. }));
    });
}

#[test]
fn the_comparison_checks_the_files_of_both_strategies() {
    let comparison = testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let out = tempfile::tempdir().unwrap();
        compare(
            &server,
            out.path(),
            &[6, 12],
            Duration::from_millis(10),
            4,
            &never_stop(),
        )
        .unwrap()
    });
    assert_eq!(comparison.rows.len(), 2);
    for row in &comparison.rows {
        assert!(row.identical);
        assert_eq!(
            (row.worker_pool.files, row.tasks.files),
            (row.urls, row.urls)
        );
        assert_eq!((row.worker_pool.failed, row.tasks.failed), (0, 0));
        assert!(row.tasks.server_peak <= 4 && row.worker_pool.server_peak <= 4);
    }
    assert!(comparison.to_string().contains("identical"));
    assert!(comparison.all_correct());
    let mut different = comparison.clone();
    different.rows[1].identical = false;
    assert!(!different.all_correct(), "different files fail the check");
}

#[test]
fn the_setup_line_says_what_is_compared() {
    let setup = Setup {
        base_url: "http://127.0.0.1:9".into(),
        latency: Duration::from_millis(50),
        limit: 64,
    };
    testkit::assert_says(
        &setup,
        &[
            "from http://127.0.0.1:9 (50 ms each), at most 64 in flight",
            "pool (64 threads)",
        ],
    );
}

#[test]
fn a_stopped_batch_ends_with_complete_files_only() {
    testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let out = tempfile::tempdir().unwrap();
        // Two quick files, and slow ones still arriving when the stop comes.
        let mut urls = vec![server.url("/bytes/10"), server.url("/bytes/20")];
        urls.extend(
            (0..4)
                .map(|i| server.url(&format!("/slow-body?size=4000&chunks=4&delay_ms=300&n={i}"))),
        );
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            stop.send(true).unwrap();
        });
        let result = download_all(&urls, out.path(), 6, config(), &stopped);
        stopper.join().unwrap();
        assert!(
            matches!(result, Err(async_io::Error::Interrupted)),
            "{result:?}"
        );
        for entry in std::fs::read_dir(out.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !async_io::download::is_temporary(&name),
                "{name} was left behind"
            );
        }
    });
}
