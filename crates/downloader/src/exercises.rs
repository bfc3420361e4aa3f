//! Exercises of the downloader lesson. Solve them here; `cargo xtask grade` scores them against
//! the lesson's local server ([`crate::LocalServer`]).
//!
//! Every function gets a shared [`ureq::Agent`]: clone it freely (clones share one connection
//! pool), and remember that ureq 3 reports a non-2xx status as `Err(ureq::Error::StatusCode(code))`.

use std::collections::BTreeMap;
use std::time::Duration;

/// Exercise 1: a safe file name from a URL.
///
/// Take the last non-empty segment of the URL's path (ignore `?query` and `#fragment`),
/// percent-decode it (you may use [`crate::name::percent_decode`]), and then make it safe:
/// - no `/`, `\` or `:` (replace them with `_`), no control characters (replace with `_`);
/// - no `..` anywhere, and no leading `.` (so no hidden files and no `..`);
/// - never empty: use `"download"` when nothing is left.
///
/// Decode first, clean afterwards: `%2e%2e%2f` decodes to `../`.
///
/// ```text
/// assert_eq!(sanitize_name("http://h/a/photo.png?x=1"), "photo.png");
/// assert_eq!(sanitize_name("http://h/files/%2e%2e%2fsecret"), "_secret");
/// assert_eq!(sanitize_name("http://h/"), "download");
/// ```
pub fn sanitize_name(_url: &str) -> String {
    todo!()
}

/// Exercise 2: download every URL with **at most `max_in_flight` requests at a time**, and
/// exactly that many while there is enough work.
///
/// Return each body (or the error) in the order of `urls`. One failing URL must not stop the
/// others. Hint of a shape: a fixed number of worker threads sharing a queue of work (the seeds'
/// `DownloadWorker`), or scoped threads taking the next index from an atomic counter.
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

/// Exercise 3: is this error worth a retry?
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

/// Exercise 4: GET `url` and return its body, retrying transient failures (see [`is_transient`])
/// at most `max_retries` times, waiting `base_delay`, then twice that, then four times that...
/// between tries (exponential backoff). A permanent failure is returned at once, without retry.
///
/// ```text
/// // a server that fails twice with 503, then answers: 3 requests in all
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

/// Exercise 5: the seed's weather, in Rust. For each `(city, url)` pair, fetch the JSON at `url`
/// **concurrently** (all requests in flight together) and put `json["main"]["temp"]` into one map
/// from city to temperature. Return the first error if any request fails.
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
