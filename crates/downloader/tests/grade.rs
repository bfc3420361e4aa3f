//! Grading tests of the downloader lesson, against servers on `127.0.0.1`.
//!
//! Some tests use the lesson's [`LocalServer`] and its hit counters. Where a test must see how a
//! client spreads its requests (how many were in flight at once, whether all of them were, whether
//! a worker waits for a slow request, the pause before each retry) it runs a [`Probe`]: a tiny
//! server whose answers can wait for other requests, which counts a request out of flight before
//! its answer leaves (so the peak it reports is never more than the client really had), and which
//! logs when each request arrived.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use downloader::LocalServer;
use downloader::exercises::*;
use downloader::name::{percent_decode, percent_encode};
use downloader::weather;
use testkit::{Watch, deadline};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// Every test's deadline: an answer that blocks fails here instead of at the grader's limit.
const LIMIT: Duration = Duration::from_secs(8);

/// How long a probe's answer waits for other requests before it gives up on them: long enough
/// for threads to start on a loaded machine, short enough that a wrong answer costs seconds.
const PATIENCE: Duration = Duration::from_secs(2);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .max_idle_connections_per_host(32)
        .build()
        .into()
}

/// A loopback HTTP server whose answers a test writes: one thread and one request per connection
/// (`Connection: close`), and a [`Log`] of every request, which an answer may wait on.
struct Probe {
    addr: SocketAddr,
    log: Arc<Log>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// What a probe saw: each request's target (path and query) and arrival, the requests in flight
/// now and at most, the answers sent, (whether an answer gave up waiting is the [`Log`]'s).
#[derive(Default)]
struct Seen {
    arrivals: Vec<(String, Instant)>,
    in_flight: usize,
    peak: usize,
    answered: usize,
}

/// The probe's record, which answers wait on.
type Log = Watch<Seen>;

impl Seen {
    /// When the requests for `path` (with any query) arrived, in order.
    fn arrivals(&self, path: &str) -> Vec<Instant> {
        self.arrivals
            .iter()
            .filter(|(target, _)| target.split('?').next() == Some(path))
            .map(|(_, at)| *at)
            .collect()
    }
}

type Handler = dyn Fn(&str, &Log) -> (u16, String) + Send + Sync;

impl Probe {
    /// Serves `handler(target, log)` as the status and body of every request.
    fn start(handler: impl Fn(&str, &Log) -> (u16, String) + Send + Sync + 'static) -> Probe {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (log, stop) = (
            Arc::new(Log::new(Seen::default(), PATIENCE)),
            Arc::new(AtomicBool::new(false)),
        );
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (log, handler) = (Arc::clone(&log), Arc::clone(&handler));
                    // Every answer's waits are bounded, so these threads end by themselves. An
                    // error means the client hung up, which is its right.
                    thread::spawn(move || {
                        let _ = serve(stream, &*handler, &log);
                    });
                }
            })
        };
        Probe {
            addr,
            log,
            stop,
            acceptor: Some(acceptor),
        }
    }

    fn url(&self, target: &str) -> String {
        format!("http://{}{target}", self.addr)
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // `incoming` blocks: a connection of our own wakes it to see `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Reads one request's head, logs it, and writes the handler's answer.
fn serve(stream: TcpStream, handler: &Handler, log: &Log) -> io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header = String::new();
    // The head ends with an empty line ("\r\n"), or the client hung up.
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_string();
    log.update(|s| {
        s.arrivals.push((target.clone(), Instant::now()));
        s.in_flight += 1;
        s.peak = s.peak.max(s.in_flight);
    });
    let (status, body) = handler(&target, log);
    // Counted out before the answer leaves: the client cannot have its answer (and send its next
    // request) while this one still counts as in flight, so the peak never overstates.
    log.update(|s| s.in_flight -= 1);
    write!(
        &stream,
        "HTTP/1.1 {status} Probe\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    log.update(|s| s.answered += 1);
    Ok(())
}

fn is_plain_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none()
}

// --- Exercise 1: is_transient ---

#[test]
fn is_transient_tells_server_trouble_from_client_mistakes() {
    let _pass = harness::start();
    deadline(LIMIT, || {
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
        let port = TcpListener::bind("127.0.0.1:0")
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

// --- Exercise 2: sanitize_name ---

#[test]
fn sanitize_name_keeps_hostile_urls_inside_the_folder() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        for (path, expected) in [
            ("/images/image-001.png?latency_ms=1", "image-001.png"),
            ("/files/dir/report.pdf#page=2", "report.pdf"),
            ("/img/cat.png?from=/x/y.png", "cat.png"),
            ("/img/cat.png#/x/y", "cat.png"),
            ("/files/%2e%2e%2fsecret", "_secret"),
            ("/files/C%3A%5Cboot.ini", "C__boot.ini"),
            ("/", "download"),
        ] {
            assert_eq!(sanitize_name(&server.url(path)), expected, "{path}");
        }
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let agent = agent();
        for path in [
            "/files/..%2f..%2fescaped",
            "/files/%2e%2e%2f%2e%2e%2fescaped2",
            "/files/%2Fetc%2Fpasswd",
            "/files/..%5C..%5Cwin",
            "/files/C%3A%5Cboot.ini",
            "/files/..",
            "/files/%2e%2e",
            "/files/a....b",
            "/files/.%2e.%2e.",
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

// --- Exercise 3: get_with_retry ---

#[test]
fn get_with_retry_retries_transient_failures_with_backoff() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Fails three times with 503, then answers.
        let probe = Probe::start(|_, log| match log.lock().arrivals("/flaky").len() {
            n @ 1..=3 => (503, format!("failure {n} of 3")),
            _ => (200, "ok after 3 failures".into()),
        });
        let base = Duration::from_millis(30);
        let body = get_with_retry(&agent(), &probe.url("/flaky"), 3, base).unwrap();
        assert_eq!(body, b"ok after 3 failures");
        let arrivals = probe.log.lock().arrivals("/flaky");
        assert_eq!(arrivals.len(), 4, "3 failures + 1 success");
        // The server saw each retry at least the backoff after the answer before it.
        for (retry, pair) in arrivals.windows(2).enumerate() {
            let (pause, backoff) = (pair[1] - pair[0], base * 2u32.pow(retry as u32));
            assert!(
                pause >= backoff,
                "retry {} came {pause:?} after the try before it; the backoff is {backoff:?}",
                retry + 1
            );
        }

        let server = LocalServer::start().unwrap();
        let result = get_with_retry(
            &agent(),
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
    deadline(LIMIT, || {
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

// --- Exercise 4: collect_temperatures ---

/// A weather server that answers no request until `together` requests have arrived.
fn weather_probe(together: usize) -> Probe {
    Probe::start(move |target, log| {
        log.wait_until(|s| s.arrivals.len() >= together);
        let city = target
            .split_once("?q=")
            .map(|(_, q)| percent_decode(q))
            .unwrap_or_default();
        match weather::celsius(&city) {
            Some(t) => (
                200,
                serde_json::json!({ "main": { "temp": t } }).to_string(),
            ),
            None => (404, r#"{"message": "city not found"}"#.into()),
        }
    })
}

fn weather_pairs(probe: &Probe, cities: &[&str]) -> Vec<(String, String)> {
    cities
        .iter()
        .map(|city| {
            let url = probe.url(&format!("/weather?q={}", percent_encode(city)));
            (city.to_string(), url)
        })
        .collect()
}

#[test]
fn collect_temperatures_fetches_every_city_concurrently() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let cities = weather::city_names();
        let probe = weather_probe(cities.len());
        let temps = collect_temperatures(&agent(), &weather_pairs(&probe, &cities)).unwrap();
        assert!(
            !probe.log.gave_up(),
            "the server held its answers until all {} requests were in flight, and they never \
             were: some requests waited for others to finish",
            cities.len()
        );
        assert_eq!(temps.len(), cities.len());
        for (city, celsius) in weather::CITIES {
            assert_eq!(temps[city], celsius, "{city}");
        }
    });
}

#[test]
fn collect_temperatures_reports_a_failed_city() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let cities = ["Rome", "Atlantis", "Zurich"];
        let probe = weather_probe(cities.len());
        let result = collect_temperatures(&agent(), &weather_pairs(&probe, &cities));
        assert!(
            matches!(result, Err(ureq::Error::StatusCode(404))),
            "Atlantis is not on the server: expected its 404, got {result:?}"
        );
    });
}

// --- Exercise 5: fetch_all_bounded ---

#[test]
fn fetch_all_bounded_keeps_exactly_n_in_flight() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let total = 12;
        for n in [3, 5] {
            // Every answer waits until n requests are in flight (or all have come), then takes
            // a while, as a far-away server does: time enough for an unbounded client's other
            // requests to arrive too.
            let probe = Probe::start(move |target, log| {
                log.wait_until(|s| s.in_flight >= n || s.arrivals.len() >= total);
                thread::sleep(Duration::from_millis(100));
                (200, target.to_string())
            });
            let targets: Vec<String> = (0..total).map(|i| format!("/image/{i}")).collect();
            let urls: Vec<String> = targets.iter().map(|t| probe.url(t)).collect();
            let bodies = fetch_all_bounded(&agent(), &urls, n);
            assert!(
                !probe.log.gave_up(),
                "max_in_flight = {n}, but {n} requests were never in flight together"
            );
            assert_eq!(
                probe.log.lock().peak,
                n,
                "peak requests in flight with max_in_flight = {n}"
            );
            assert_eq!(bodies.len(), total);
            for (target, body) in targets.iter().zip(bodies) {
                assert_eq!(body.unwrap(), target.as_bytes(), "the body of {target}");
            }
        }
    });
}

#[test]
fn fetch_all_bounded_survives_failing_urls() {
    let _pass = harness::start();
    deadline(LIMIT, || {
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
fn fetch_all_bounded_lets_no_slow_url_hold_up_the_rest() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let others = 9;
        // `/slow` answers only once every other URL has been answered.
        let probe = Probe::start(move |target, log| {
            if target == "/slow" {
                log.wait_until(|s| s.answered >= others);
            }
            (200, target.to_string())
        });
        let targets: Vec<String> = std::iter::once("/slow".to_string())
            .chain((1..=others).map(|i| format!("/fast/{i}")))
            .collect();
        let urls: Vec<String> = targets.iter().map(|t| probe.url(t)).collect();
        let bodies = fetch_all_bounded(&agent(), &urls, 3);
        assert!(
            !probe.log.gave_up(),
            "while /slow was in flight, the other workers did not fetch the remaining URLs: \
             they waited for it"
        );
        for (target, body) in targets.iter().zip(bodies) {
            assert_eq!(body.unwrap(), target.as_bytes(), "the body of {target}");
        }
    });
}
