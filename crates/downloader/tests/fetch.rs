//! One download against the local server: every failure endpoint, retries, limits, names.

mod common;

use std::sync::Arc;
use std::time::Duration;

use downloader::fetch::{Job, plan};
use downloader::progress::{Progress, Silent};
use downloader::report::download_all;
use downloader::{Config, DownloadError, Downloader, LocalServer, Outcome, Strategy};
use testkit::deadline;

fn job(dir: &std::path::Path, url: String) -> Job {
    plan(&[url], dir).remove(0)
}

fn fetch_one(
    downloader: &Downloader,
    url: String,
) -> (tempfile::TempDir, Result<Outcome, DownloadError>) {
    let dir = tempfile::tempdir().unwrap();
    let result = downloader.download(&job(dir.path(), url), &Silent);
    (dir, result)
}

#[test]
fn a_gallery_image_arrives_whole_and_is_a_png() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (dir, result) = fetch_one(&common::quick(0), server.url("/images/image-003.png"));
        let expected = downloader::gallery::png(3);
        assert_eq!(result.unwrap(), Outcome::Downloaded(expected.len() as u64));
        let written = std::fs::read(dir.path().join("image-003.png")).unwrap();
        assert_eq!(written, expected);
        assert_eq!(&written[1..4], b"PNG");
        assert_eq!(common::files(dir.path()), ["image-003.png"]);
    });
}

#[test]
fn error_statuses_fail_and_leave_no_file() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        for code in [404u16, 500, 403] {
            let (dir, result) =
                fetch_one(&common::quick(0), server.url(&format!("/status/{code}")));
            assert!(
                matches!(result, Err(DownloadError::Status(c)) if c == code),
                "{code}: {result:?}"
            );
            assert!(common::files(dir.path()).is_empty());
        }
    });
}

#[test]
fn server_errors_are_retried_but_not_found_is_not() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (_dir, result) = fetch_one(&common::quick(3), server.url("/status/500"));
        assert!(matches!(result, Err(DownloadError::Status(500))));
        assert_eq!(server.stats().hits("/status/500"), 4, "1 try + 3 retries");

        let (_dir, result) = fetch_one(&common::quick(3), server.url("/status/404"));
        assert!(matches!(result, Err(DownloadError::Status(404))));
        assert_eq!(server.stats().hits("/status/404"), 1, "a 404 is permanent");

        let (_dir, result) = fetch_one(&common::quick(3), server.url("/status/429"));
        assert!(matches!(result, Err(DownloadError::Status(429))));
        assert_eq!(server.stats().hits("/status/429"), 4, "429 means: later");
    });
}

#[test]
fn a_flaky_server_succeeds_after_retries() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (dir, result) = fetch_one(&common::quick(3), server.url("/flaky/a?fail=2&code=503"));
        assert!(matches!(result, Ok(Outcome::Downloaded(_))), "{result:?}");
        assert_eq!(server.stats().hits("/flaky/a"), 3);
        assert_eq!(common::files(dir.path()), ["a"]);
    });
}

#[test]
fn a_truncated_body_is_an_error_and_leaves_no_file() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (dir, result) = fetch_one(&common::quick(0), server.url("/truncated?size=100000"));
        assert!(result.is_err(), "{result:?}");
        assert!(result.unwrap_err().is_transient());
        assert!(common::files(dir.path()).is_empty());
    });
}

#[test]
fn a_body_larger_than_announced_is_cut_at_the_announced_length() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (dir, result) = fetch_one(
            &common::quick(0),
            server.url("/oversized?announced=1000&actual=5000"),
        );
        assert_eq!(result.unwrap(), Outcome::Downloaded(1000));
        let written = std::fs::read(dir.path().join("oversized")).unwrap();
        assert_eq!(
            written,
            downloader::server::pattern(1000),
            "HTTP framing: the announced length wins"
        );
    });
}

#[test]
fn max_bytes_stops_announced_and_unannounced_bodies() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let small = Downloader::new(Config {
            max_bytes: 10_000,
            retry: downloader::retry::RetryPolicy::none(),
            ..Config::default()
        });
        let (dir, result) = fetch_one(&small, server.url("/bytes/50000"));
        assert!(
            matches!(result, Err(DownloadError::TooLarge { limit: 10_000 })),
            "{result:?}"
        );
        assert!(common::files(dir.path()).is_empty());
        let (dir, result) = fetch_one(&small, server.url("/unannounced?size=50000"));
        assert!(
            matches!(result, Err(DownloadError::TooLarge { limit: 10_000 })),
            "{result:?}"
        );
        assert!(common::files(dir.path()).is_empty());
        let (_dir, result) = fetch_one(&small, server.url("/bytes/10000"));
        assert_eq!(
            result.unwrap(),
            Outcome::Downloaded(10_000),
            "exactly the limit is fine"
        );
    });
}

#[test]
fn a_slow_body_hits_the_read_timeout() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let impatient = Downloader::new(Config {
            read_timeout: Duration::from_millis(150),
            retry: downloader::retry::RetryPolicy::none(),
            ..Config::default()
        });
        let (dir, result) = fetch_one(
            &impatient,
            server.url("/slow-body?size=4000&chunks=4&delay_ms=600"),
        );
        assert!(
            matches!(result, Err(DownloadError::Timeout(_))),
            "{result:?}"
        );
        assert!(common::files(dir.path()).is_empty());
        // Patient enough, the same body arrives.
        let (_dir, result) = fetch_one(
            &common::quick(0),
            server.url("/slow-body?size=4000&chunks=4&delay_ms=20"),
        );
        assert_eq!(result.unwrap(), Outcome::Downloaded(4000));
    });
}

#[test]
fn latency_beyond_the_read_timeout_is_a_timeout() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let impatient = Downloader::new(Config {
            read_timeout: Duration::from_millis(100),
            retry: downloader::retry::RetryPolicy::none(),
            ..Config::default()
        });
        let (_dir, result) = fetch_one(&impatient, server.url("/bytes/10?latency_ms=800"));
        assert!(
            matches!(result, Err(DownloadError::Timeout(_))),
            "{result:?}"
        );
    });
}

#[test]
fn redirects_are_followed_up_to_the_limit() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let (dir, result) = fetch_one(&common::quick(0), server.url("/redirect/2?to=/bytes/123"));
        assert_eq!(result.unwrap(), Outcome::Downloaded(123));
        assert_eq!(
            common::files(dir.path()),
            ["2"],
            "the name comes from the URL we were given"
        );
        let (dir, result) = fetch_one(&common::quick(0), server.url("/redirect/9?to=/bytes/123"));
        assert!(
            matches!(result, Err(DownloadError::TooManyRedirects)),
            "{result:?}"
        );
        assert!(common::files(dir.path()).is_empty());
    });
}

#[test]
fn a_refused_connection_is_transient_and_retried() {
    deadline(Duration::from_secs(20), || {
        // Bind and drop a listener: nothing listens on that port now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (_dir, result) = fetch_one(&common::quick(1), format!("http://127.0.0.1:{port}/x"));
        let error = result.unwrap_err();
        assert!(matches!(error, DownloadError::Connection(_)), "{error:?}");
        assert!(error.is_transient());
    });
}

#[test]
fn existing_files_of_the_same_size_are_skipped_unless_forced() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/bytes/500");
        let lazy = Downloader::new(Config {
            force: false,
            ..Config::default()
        });
        assert_eq!(
            lazy.download(&job(dir.path(), url.clone()), &Silent)
                .unwrap(),
            Outcome::Downloaded(500)
        );
        assert_eq!(
            lazy.download(&job(dir.path(), url.clone()), &Silent)
                .unwrap(),
            Outcome::Skipped(500)
        );
        assert_eq!(
            common::quick(0)
                .download(&job(dir.path(), url), &Silent)
                .unwrap(),
            Outcome::Downloaded(500)
        );
    });
}

#[test]
fn hostile_names_land_inside_the_output_dir() {
    deadline(Duration::from_secs(20), || {
        let server = LocalServer::start().unwrap();
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let urls: Vec<String> = [
            "/files/..%2f..%2fx",
            "/files/%2e%2e%2f%2e%2e%2fescaped",
            "/files/%2Fetc%2Fpasswd",
            "/files/a/../../x",
            "/files/..",
            "/files/%00%0a%1b",
            "/files/x",
        ]
        .iter()
        .map(|p| server.url(p))
        .collect();
        let progress: Arc<dyn Progress> = Arc::new(Silent);
        let summary = download_all(
            &common::quick(0),
            &urls,
            &out,
            Strategy::Sequential,
            1,
            &progress,
        )
        .unwrap();
        assert!(summary.all_ok(), "{:?}", summary.failures());
        // Only the output dir was created next to it; every file is directly inside it.
        assert_eq!(common::files(root.path()), ["out"]);
        let names = common::files(&out);
        assert_eq!(names.len(), urls.len(), "{names:?}");
        for name in &names {
            assert!(
                !name.contains('/') && !name.contains("..") && !name.starts_with('.'),
                "{name:?}"
            );
            assert!(name.chars().all(|c| !c.is_control()), "{name:?}");
        }
    });
}

#[test]
fn invalid_urls_and_schemes_are_refused() {
    use downloader::url::validate_url;
    assert!(matches!(
        validate_url("file:///etc/passwd"),
        Err(DownloadError::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        validate_url("ftp://example.com/x"),
        Err(DownloadError::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        validate_url("not a url"),
        Err(DownloadError::InvalidUrl { .. })
    ));
    assert!(matches!(
        validate_url("/just/a/path"),
        Err(DownloadError::InvalidUrl { .. })
    ));
    assert!(validate_url("https://example.com/a.png").is_ok());
}
