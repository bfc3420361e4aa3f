//! `--continue`: resuming with a range request when the server allows it, starting over when it
//! does not, or when the file changed.

mod common;

use std::path::Path;
use std::time::Duration;

use downloader::server::pattern;
use downloader::{Config, DownloadError, Downloader, LocalServer, Outcome, Strategy};
use testkit::deadline;

fn resuming(retries: u32) -> Downloader {
    Downloader::new(Config {
        resume: true,
        ..common::quick_config(retries)
    })
}

/// The only result of a batch of one URL.
fn fetch(
    downloader: &Downloader,
    url: String,
    out: &Path,
    strategy: Strategy,
) -> Result<Outcome, DownloadError> {
    let mut summary = common::batch(downloader, &[url], out, strategy);
    summary.results.remove(0).1
}

#[test]
fn a_cut_download_resumes_where_it_stopped_under_every_strategy() {
    deadline(Duration::from_secs(60), || {
        let server = LocalServer::start().unwrap();
        let root = tempfile::tempdir().unwrap();
        for strategy in Strategy::ALL {
            let out = root.path().join(strategy.name());
            // The first request of this key is cut after half of its 100 000 bytes.
            let url = server.url(&format!("/flaky/{strategy}?size=100000"));
            let first = fetch(&resuming(0), url.clone(), &out, strategy);
            assert!(
                matches!(
                    first,
                    Err(DownloadError::Truncated {
                        received: 50_000,
                        ..
                    })
                ),
                "{strategy}: {first:?}"
            );
            let partial = format!(".{strategy}.partial");
            assert_eq!(
                common::files(&out),
                [partial.clone(), format!("{partial}.etag")],
                "{strategy}: the partial file is kept, with its ETag"
            );

            let ranges = server.stats().ranges_served();
            let second = fetch(&resuming(0), url, &out, strategy);
            assert_eq!(
                second.unwrap(),
                Outcome::Resumed {
                    total: 100_000,
                    from: 50_000
                },
                "{strategy}"
            );
            assert_eq!(server.stats().ranges_served(), ranges + 1, "{strategy}");
            assert_eq!(
                common::files(&out),
                [strategy.name()],
                "{strategy}: partial removed"
            );
            assert_eq!(
                std::fs::read(out.join(strategy.name())).unwrap(),
                pattern(100_000)
            );
        }
    });
}

#[test]
fn a_retry_resumes_within_the_same_run() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/flaky/retry?size=100000");
        let result = fetch(&resuming(1), url, dir.path(), Strategy::WorkerPool);
        assert_eq!(
            result.unwrap(),
            Outcome::Resumed {
                total: 100_000,
                from: 50_000
            }
        );
        assert_eq!(
            std::fs::read(dir.path().join("retry")).unwrap(),
            pattern(100_000)
        );
    });
}

#[test]
fn without_ranges_nothing_is_kept_and_the_download_starts_over() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/flaky/plain?size=100000&ranges=none");
        let first = fetch(&resuming(0), url.clone(), dir.path(), Strategy::Sequential);
        assert!(
            matches!(first, Err(DownloadError::Truncated { .. })),
            "{first:?}"
        );
        assert!(
            common::files(dir.path()).is_empty(),
            "no Accept-Ranges: nothing worth keeping"
        );
        let second = fetch(&resuming(0), url, dir.path(), Strategy::Sequential);
        assert_eq!(second.unwrap(), Outcome::Downloaded(100_000));
        assert_eq!(server.stats().ranges_served(), 0);
    });
}

#[test]
fn a_server_that_ignores_the_range_gets_the_whole_file_written_anew() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/flaky/ignoring?size=100000");
        assert!(fetch(&resuming(0), url.clone(), dir.path(), Strategy::Rayon).is_err());
        // The same file, from a server that no longer serves ranges: it sends all of it (200).
        let second = fetch(
            &resuming(0),
            url + "&ranges=none",
            dir.path(),
            Strategy::Rayon,
        );
        assert_eq!(second.unwrap(), Outcome::Downloaded(100_000));
        assert_eq!(common::files(dir.path()), ["ignoring"]);
        assert_eq!(
            std::fs::read(dir.path().join("ignoring")).unwrap(),
            pattern(100_000)
        );
    });
}

#[test]
fn a_file_that_changed_is_downloaded_anew() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/flaky/changed?size=100000&etag=v1");
        assert!(fetch(&resuming(0), url, dir.path(), Strategy::Pools).is_err());
        // Garbage in the partial file: only a download from byte 0 gives the right file.
        let partial = dir.path().join(".changed.partial");
        std::fs::write(&partial, vec![0xff; 50_000]).unwrap();
        let changed = server.url("/flaky/changed?size=100000&etag=v2");
        let second = fetch(&resuming(0), changed, dir.path(), Strategy::Pools);
        assert_eq!(
            second.unwrap(),
            Outcome::Downloaded(100_000),
            "If-Range did not match"
        );
        assert_eq!(server.stats().ranges_served(), 0);
        assert_eq!(
            std::fs::read(dir.path().join("changed")).unwrap(),
            pattern(100_000)
        );
        assert_eq!(common::files(dir.path()), ["changed"]);
    });
}

#[test]
fn a_partial_file_longer_than_the_file_starts_over() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".1000.partial"), vec![1; 2000]).unwrap();
        let result = fetch(
            &resuming(0),
            server.url("/bytes/1000"),
            dir.path(),
            Strategy::ThreadPerUrl,
        );
        assert_eq!(
            result.unwrap(),
            Outcome::Downloaded(1000),
            "416, then the whole file"
        );
        assert_eq!(
            std::fs::read(dir.path().join("1000")).unwrap(),
            pattern(1000)
        );
        assert_eq!(common::files(dir.path()), ["1000"]);
    });
}

#[test]
fn a_gallery_image_resumes_from_a_partial_file() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let image = downloader::gallery::png(5);
        let half = image.len() as u64 / 2;
        std::fs::write(
            dir.path().join(".image-005.png.partial"),
            &image[..half as usize],
        )
        .unwrap();
        let result = fetch(
            &resuming(0),
            server.url("/images/image-005.png"),
            dir.path(),
            Strategy::Sequential,
        );
        assert_eq!(
            result.unwrap(),
            Outcome::Resumed {
                total: image.len() as u64,
                from: half
            }
        );
        assert_eq!(
            std::fs::read(dir.path().join("image-005.png")).unwrap(),
            image
        );
    });
}
