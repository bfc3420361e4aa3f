//! Grading tests of the downloader lesson, against the lesson's local server.

use std::path::{Component, Path};
use std::time::{Duration, Instant};

use downloader::LocalServer;
use downloader::exercises::*;
use testkit::deadline;

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .max_idle_connections_per_host(32)
        .build()
        .into()
}

fn is_plain_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none()
}

#[test]
fn sanitize_name_keeps_hostile_urls_inside_the_folder() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        assert_eq!(
            sanitize_name(&server.url("/images/image-001.png?latency_ms=1")),
            "image-001.png"
        );
        assert_eq!(
            sanitize_name(&server.url("/files/dir/report.pdf#page=2")),
            "report.pdf"
        );
        assert_eq!(sanitize_name(&server.url("/")), "download");
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let agent = agent();
        for path in [
            "/files/..%2f..%2fescaped",
            "/files/%2e%2e%2f%2e%2e%2fescaped2",
            "/files/%2Fetc%2Fpasswd",
            "/files/..%5C..%5Cwin",
            "/files/..",
            "/files/%2e%2e",
            "/files/%0a%00",
            "/files/.bashrc",
        ] {
            let url = server.url(path);
            let name = sanitize_name(&url);
            assert!(
                !name.is_empty() && is_plain_name(&name),
                "{path} gave {name:?}"
            );
            assert!(
                !name.contains("..") && !name.starts_with('.'),
                "{path} gave {name:?}"
            );
            assert!(
                !name.contains(['/', '\\', ':']) && !name.chars().any(char::is_control),
                "{path} gave {name:?}"
            );
            let body = agent
                .get(&url)
                .call()
                .unwrap()
                .body_mut()
                .read_to_vec()
                .unwrap();
            std::fs::write(out.join(&name), body).unwrap();
        }
        let escaped: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            escaped,
            ["out"],
            "something was written outside the output folder"
        );
    });
}

#[test]
fn fetch_all_bounded_keeps_exactly_n_in_flight() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let agent = agent();
        for n in [3, 5] {
            let urls = server.gallery_urls(12, Duration::from_millis(120));
            server.stats().reset_peak();
            let bodies = fetch_all_bounded(&agent, &urls, n);
            assert_eq!(
                server.stats().peak(),
                n,
                "peak requests in flight with max_in_flight = {n}"
            );
            assert_eq!(bodies.len(), urls.len());
            for (i, body) in bodies.into_iter().enumerate() {
                assert_eq!(
                    body.unwrap(),
                    downloader::gallery::png(i),
                    "body {i} (in input order)"
                );
            }
        }
    });
}

#[test]
fn fetch_all_bounded_survives_failing_urls() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let urls = vec![
            server.url("/bytes/10"),
            server.url("/status/404"),
            server.url("/bytes/20"),
            server.url("/status/500"),
        ];
        let results = fetch_all_bounded(&agent(), &urls, 2);
        assert_eq!(results[0].as_ref().unwrap().len(), 10);
        assert!(matches!(results[1], Err(ureq::Error::StatusCode(404))));
        assert_eq!(results[2].as_ref().unwrap().len(), 20);
        assert!(matches!(results[3], Err(ureq::Error::StatusCode(500))));
    });
}

#[test]
fn is_transient_tells_server_trouble_from_client_mistakes() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let agent = agent();
        let error_of = |path: &str| agent.get(&server.url(path)).call().unwrap_err();
        for code in [500, 502, 503, 429] {
            assert!(
                is_transient(&error_of(&format!("/status/{code}"))),
                "{code} is transient"
            );
        }
        for code in [400, 403, 404, 410] {
            assert!(
                !is_transient(&error_of(&format!("/status/{code}"))),
                "{code} is permanent"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let refused = agent
            .get(&format!("http://127.0.0.1:{port}/"))
            .call()
            .unwrap_err();
        assert!(
            is_transient(&refused),
            "a refused connection ({refused}) is transient"
        );
        assert!(!is_transient(&ureq::Error::TooManyRedirects));
    });
}

#[test]
fn get_with_retry_retries_transient_failures_with_backoff() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let agent = agent();
        let start = Instant::now();
        let body = get_with_retry(
            &agent,
            &server.url("/flaky/grade?fail=2&code=503"),
            3,
            Duration::from_millis(40),
        )
        .unwrap();
        assert!(String::from_utf8_lossy(&body).contains("ok after 2 failures"));
        assert_eq!(
            server.stats().hits("/flaky/grade"),
            3,
            "2 failures + 1 success"
        );
        // Waits of 40 ms then 80 ms: backoff, not a tight loop.
        assert!(
            start.elapsed() >= Duration::from_millis(120),
            "no backoff between the tries"
        );

        let result = get_with_retry(
            &agent,
            &server.url("/status/503"),
            2,
            Duration::from_millis(5),
        );
        assert!(matches!(result, Err(ureq::Error::StatusCode(503))));
        assert_eq!(
            server.stats().hits("/status/503"),
            3,
            "1 try + 2 retries, then give up"
        );
    });
}

#[test]
fn get_with_retry_gives_up_at_once_on_permanent_failures() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let result = get_with_retry(
            &agent(),
            &server.url("/status/404"),
            5,
            Duration::from_millis(5),
        );
        assert!(matches!(result, Err(ureq::Error::StatusCode(404))));
        assert_eq!(
            server.stats().hits("/status/404"),
            1,
            "a 404 will not change: no retry"
        );
        let body = get_with_retry(
            &agent(),
            &server.url("/bytes/7"),
            5,
            Duration::from_millis(5),
        )
        .unwrap();
        assert_eq!(body.len(), 7);
    });
}

#[test]
fn collect_temperatures_fetches_every_city_concurrently() {
    let _pass = harness::start();
    deadline(Duration::from_secs(8), || {
        let server = LocalServer::start().unwrap();
        let pairs: Vec<(String, String)> = downloader::weather::city_names()
            .into_iter()
            .map(|city| {
                (
                    city.to_string(),
                    downloader::weather::weather_url(&server.base_url(), city, 200),
                )
            })
            .collect();
        let temps = collect_temperatures(&agent(), &pairs).unwrap();
        assert_eq!(temps.len(), 17);
        for (city, celsius) in downloader::weather::CITIES {
            assert_eq!(temps[city], celsius, "{city}");
        }
        assert!(
            server.stats().peak() >= 8,
            "requests were not concurrent (peak {})",
            server.stats().peak()
        );

        let mut with_unknown = pairs.clone();
        with_unknown.push((
            "Atlantis".into(),
            downloader::weather::weather_url(&server.base_url(), "Atlantis", 0),
        ));
        assert!(
            collect_temperatures(&agent(), &with_unknown).is_err(),
            "an unknown city is an error"
        );
    });
}
