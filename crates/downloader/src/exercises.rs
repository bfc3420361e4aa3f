//! Exercises of the downloader lesson, in rising difficulty. Solve them here; `cargo xtask grade`
//! scores them against local servers on `127.0.0.1`.
//!
//! Every function gets a shared [`ureq::Agent`]: clone it freely (clones share one connection
//! pool), and remember that ureq 3 reports a non-2xx status as `Err(ureq::Error::StatusCode(code))`.
//! The lesson's own code ([`crate::name`], [`crate::retry`], [`crate::weather`],
//! [`crate::strategy`]) solves similar problems: read it, but write your own.

use std::collections::BTreeMap;
use std::time::Duration;

/// Exercise 1: is this error worth a retry?
///
/// Transient (retry): a status of 500 or more, 429 (too many requests), a failed connection
/// (`ureq::Error::ConnectionFailed`, `ureq::Error::HostNotFound`), an I/O error, a timeout.
/// Permanent (give up): every other status (404, 403, 400, ...) and every other error.
///
/// ```text
/// assert!(is_transient(&ureq::Error::StatusCode(503)));
/// assert!(!is_transient(&ureq::Error::StatusCode(404)));
/// ```
pub fn is_transient(_error: &ureq::Error) -> bool {
    todo!()
}

/// Exercise 2: a safe file name from a URL.
///
/// Take the last non-empty segment of the URL's path, ignoring the `?query` and the `#fragment`
/// (which may contain `/` themselves), percent-decode it (you may use
/// [`crate::name::percent_decode`]), and then make it safe:
/// - no `/`, `\` or `:` (replace each with `_`), no control characters (replace with `_`);
/// - no `..` anywhere (however many dots there were), and no leading `.` (so no hidden files);
/// - never empty: use `"download"` when nothing is left.
///
/// Decode first, clean afterwards: `%2e%2e%2f` decodes to `../`.
///
/// ```text
/// assert_eq!(sanitize_name("http://h/a/photo.png?from=/x/y"), "photo.png");
/// assert_eq!(sanitize_name("http://h/files/%2e%2e%2fsecret"), "_secret");
/// assert_eq!(sanitize_name("http://h/files/C%3A%5Cboot.ini"), "C__boot.ini");
/// assert_eq!(sanitize_name("http://h/"), "download");
/// ```
pub fn sanitize_name(_url: &str) -> String {
    todo!()
}

/// Exercise 3: retries with exponential backoff.
///
/// GET `url` and return its body, retrying transient failures (see [`is_transient`])
/// at most `max_retries` times (`max_retries + 1` requests in all), with exponential backoff:
/// wait `base_delay` before the first retry, twice that before the second, four times that
/// before the third, and so on. A permanent failure is returned at once, after one request.
///
/// ```text
/// // a server that fails twice with 503, then answers: 3 requests, 10 ms and 20 ms apart
/// let body = get_with_retry(&agent, &flaky_url, 3, Duration::from_millis(10))?;
/// ```
pub fn get_with_retry(
    _agent: &ureq::Agent,
    _url: &str,
    _max_retries: u32,
    _base_delay: Duration,
) -> Result<Vec<u8>, ureq::Error> {
    todo!()
}

/// Exercise 4: the seed's weather, in Rust. For each `(city, url)` pair, fetch the JSON at `url`
/// and put `json["main"]["temp"]` into one map from city to temperature. All the requests must be
/// in flight together: one thread per city, every request sent before any answer is awaited
/// (the tests' server answers none until all have arrived). If a request fails, return its
/// error (any one of them if several fail), not a map without that city.
///
/// Either share a `Mutex<BTreeMap<..>>` between threads, or return `(city, temp)` from each
/// thread and collect through `join`. Parse with `serde_json::from_str::<serde_json::Value>` on
/// the body (`response.body_mut().read_to_string()`).
///
/// ```text
/// let temps = collect_temperatures(&agent, &pairs)?;
/// assert_eq!(temps["Zurich"], 18.0);
/// ```
pub fn collect_temperatures(
    _agent: &ureq::Agent,
    _cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    todo!()
}

/// Exercise 5: a bounded number of downloads in flight.
///
/// Download every URL with **at most `max_in_flight` requests at a time**, and
/// exactly that many while enough URLs are left: a worker that finishes takes the next URL at
/// once, so a slow URL holds up only the worker fetching it (never wait for a whole group of
/// requests to finish before starting the next ones).
///
/// Return each body (or the error) at the index of its URL in `urls`, whatever order they
/// finish in. One failing URL must not stop the others. A shape that works: a fixed number of
/// worker threads sharing a queue of work (the seeds' `DownloadWorker`), or scoped threads taking
/// the next index from an atomic counter.
///
/// ```text
/// let bodies = fetch_all_bounded(&agent, &urls, 4); // never more than 4 requests in flight
/// assert_eq!(bodies.len(), urls.len());
/// ```
pub fn fetch_all_bounded(
    _agent: &ureq::Agent,
    _urls: &[String],
    _max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    todo!()
}
