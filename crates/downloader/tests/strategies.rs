//! Every strategy gives the same, complete files; the pool really runs N at a time.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use downloader::progress::{Progress, Silent};
use downloader::report::download_all;
use downloader::{LocalServer, Strategy};
use testkit::deadline;

fn checksums(dir: &std::path::Path) -> BTreeMap<String, u64> {
    common::files(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, common::checksum(&bytes))
        })
        .collect()
}

#[test]
fn every_strategy_writes_byte_identical_files() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let urls = server.gallery_urls(12, Duration::from_millis(5));
        let expected: BTreeMap<String, u64> = (0..12)
            .map(|i| {
                (
                    downloader::gallery::file_name(i),
                    common::checksum(&downloader::gallery::png(i)),
                )
            })
            .collect();
        let root = tempfile::tempdir().unwrap();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        for strategy in Strategy::ALL {
            let out = root.path().join(strategy.name());
            let summary =
                download_all(&common::quick(0), &urls, &out, strategy, 4, &progress).unwrap();
            assert!(summary.all_ok(), "{strategy}: {:?}", summary.failures());
            assert_eq!(summary.downloaded(), 12, "{strategy}");
            assert_eq!(checksums(&out), expected, "{strategy}");
        }
    });
}

#[test]
fn the_worker_pool_keeps_exactly_n_requests_in_flight() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        // Latency long enough that the workers overlap for sure.
        let urls = server.gallery_urls(12, Duration::from_millis(150));
        let root = tempfile::tempdir().unwrap();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        for (strategy, workers, peak) in [
            (Strategy::WorkerPool, 4, 4),
            (Strategy::Rayon, 3, 3),
            (Strategy::Pools, 4, 4),
            (Strategy::Sequential, 4, 1),
        ] {
            server.stats().reset_peak();
            let out = root.path().join(strategy.name());
            let summary =
                download_all(&common::quick(0), &urls, &out, strategy, workers, &progress).unwrap();
            assert!(summary.all_ok());
            assert_eq!(
                server.stats().peak(),
                peak,
                "{strategy} with {workers} workers"
            );
        }
    });
}

#[test]
fn one_failing_url_does_not_stop_the_others() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let mut urls = server.gallery_urls(6, Duration::ZERO);
        urls.insert(2, server.url("/status/404"));
        urls.insert(4, server.url("/truncated?size=1000"));
        let root = tempfile::tempdir().unwrap();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        for strategy in Strategy::ALL {
            let out = root.path().join(strategy.name());
            let summary =
                download_all(&common::quick(0), &urls, &out, strategy, 3, &progress).unwrap();
            assert_eq!(summary.downloaded(), 6, "{strategy}");
            let failed: Vec<&str> = summary
                .failures()
                .iter()
                .map(|(job, _)| job.url.as_str())
                .collect();
            assert_eq!(failed, [urls[2].as_str(), urls[4].as_str()], "{strategy}");
            assert_eq!(common::files(&out).len(), 6, "{strategy}: no partial files");
        }
    });
}

#[test]
fn colliding_names_get_suffixes() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let urls = vec![
            server.url("/files/a/x.txt"),
            server.url("/files/b/x.txt"),
            server.url("/files/c/X.txt"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        let summary = download_all(
            &common::quick(0),
            &urls,
            dir.path(),
            Strategy::WorkerPool,
            3,
            &progress,
        )
        .unwrap();
        assert!(summary.all_ok());
        assert_eq!(common::files(dir.path()), ["X-2.txt", "x-1.txt", "x.txt"]);
    });
}

#[test]
fn the_weather_is_the_same_serially_and_concurrently() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let report = downloader::demo::weather_report(&server, 5).unwrap();
        let runs = &report.runs;
        assert_eq!(runs.len(), 3);
        for run in runs {
            assert_eq!(run.temps.len(), 17, "{}", run.label);
            assert_eq!(run.temps, runs[0].temps, "{}", run.label);
        }
        assert_eq!(runs[0].temps["Zurich"], 18.0);
        assert!(report.agree());
        testkit::assert_says(&report, &["Weather of 17 cities", "all three agree: true"]);
    });
}

#[test]
fn the_race_table_has_a_row_per_strategy() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let report =
            downloader::demo::race_report(&server, dir.path(), 8, Duration::from_millis(2), 4)
                .unwrap();
        let rows = &report.rows;
        assert_eq!(rows.len(), Strategy::ALL.len());
        assert!(
            rows.iter()
                .all(|r| r.files == 8 && r.failures == 0 && r.bytes == rows[0].bytes)
        );
        assert!(report.identical, "the report compared the folders");
        testkit::assert_says(
            &report,
            &["worker-pool", "speedup", "byte-identical files: true"],
        );
    });
}

#[test]
fn progress_bars_follow_every_strategy() {
    deadline(Duration::from_secs(30), || {
        let server = LocalServer::start().unwrap();
        let mut urls = server.gallery_urls(6, Duration::from_millis(2));
        urls.push(server.url("/status/404"));
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            // Hidden when stdout is not a terminal (as under `cargo test`), but every call runs.
            let bars: Arc<dyn Progress> = Arc::new(downloader::progress::Bars::new(urls.len()));
            let out = root.path().join(strategy.name());
            let summary = download_all(&common::quick(0), &urls, &out, strategy, 3, &bars).unwrap();
            assert_eq!(
                (summary.downloaded(), summary.failures().len()),
                (6, 1),
                "{strategy}"
            );
        }
    });
}

#[test]
fn a_slow_link_still_delivers_every_byte() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        // 4000 bytes at 40 000 bytes/s: about 0.1 s, in 200-byte pieces.
        let urls = vec![
            server.url("/bytes/4000?rate=40000"),
            server.url("/images/image-002.png?rate=100000"),
        ];
        let summary = download_all(
            &common::quick(0),
            &urls,
            dir.path(),
            Strategy::ThreadPerUrl,
            2,
            &progress,
        )
        .unwrap();
        assert!(summary.all_ok(), "{:?}", summary.failures());
        assert_eq!(
            std::fs::read(dir.path().join("4000")).unwrap(),
            downloader::server::pattern(4000)
        );
        assert_eq!(
            std::fs::read(dir.path().join("image-002.png")).unwrap(),
            downloader::gallery::png(2)
        );
    });
}

#[test]
fn the_gallery_lists_its_images_as_json_and_as_text() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let agent = downloader::Downloader::new(downloader::Config::default());
        let json = agent
            .get_json(&server.url("/gallery?count=3&image_latency_ms=7"))
            .unwrap();
        let urls: Vec<&str> = json["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert_eq!(urls, server.gallery_urls(3, Duration::from_millis(7)));
        let text = agent
            .agent()
            .get(&server.url("/gallery?count=3&format=text"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().all(|l| l.ends_with(".png")));
    });
}
