//! Exercises of the downloader lesson: reference solutions.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// Exercise 1: is this error worth a retry?
pub fn is_transient(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::StatusCode(code) => *code >= 500 || *code == 429,
        ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Io(_)
        | ureq::Error::Timeout(_) => true,
        _ => false,
    }
}

/// Exercise 2: a safe file name from a URL: decode first, clean afterwards, so that what was
/// hidden behind `%2e%2e%2f` is visible, and cleaned.
pub fn sanitize_name(url: &str) -> String {
    let decoded = crate::name::percent_decode(last_segment(url));
    let plain: String = decoded
        .chars()
        .map(|c| if is_unsafe(c) { '_' } else { c })
        .collect();
    let name = without_double_dots(plain);
    let name = name.trim().trim_start_matches('.');
    if name.is_empty() {
        "download".to_string()
    } else {
        name.to_string()
    }
}

/// The last non-empty segment of the URL's path, still percent-encoded. The query and the
/// fragment go first: they may hold slashes of their own.
fn last_segment(url: &str) -> &str {
    let url = url.split(['#', '?']).next().unwrap_or("");
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url,
    };
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("")
}

/// A character a file name must not hold: a separator (`:` is one on Windows) or a control.
fn is_unsafe(c: char) -> bool {
    matches!(c, '/' | '\\' | ':') || c.is_control()
}

/// `name` with every run of dots that contains `..` collapsed, until none is left: a single
/// pass turns `....` into `..`.
fn without_double_dots(mut name: String) -> String {
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    name
}

/// One GET, with its whole body.
fn get_body(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, ureq::Error> {
    agent.get(url).call()?.body_mut().read_to_vec()
}

/// Exercise 3: retries of transient failures with exponential backoff.
pub fn get_with_retry(
    agent: &ureq::Agent,
    url: &str,
    max_retries: u32,
    base_delay: Duration,
) -> Result<Vec<u8>, ureq::Error> {
    let mut retry = 0;
    loop {
        match get_body(agent, url) {
            Err(error) if worth_a_retry(&error, retry, max_retries) => {
                thread::sleep(backoff(base_delay, retry));
                retry += 1;
            }
            result => return result,
        }
    }
}

/// Whether a failed try deserves retry number `retry` (0 first): only a transient failure does,
/// and only while retries are left.
fn worth_a_retry(error: &ureq::Error, retry: u32, max_retries: u32) -> bool {
    is_transient(error) && retry < max_retries
}

/// The wait before retry number `retry` (0 first): it doubles every time.
fn backoff(base_delay: Duration, retry: u32) -> Duration {
    base_delay * 2u32.pow(retry)
}

/// Exercise 4: concurrent JSON results into one map.
pub fn collect_temperatures(
    agent: &ureq::Agent,
    cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    // The join version: each thread returns its result; no lock needed.
    thread::scope(|scope| {
        let handles: Vec<_> = cities
            .iter()
            .map(|(city, url)| {
                scope.spawn(move || temperature(agent, url).map(|t| (city.clone(), t)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// `json["main"]["temp"]` of the JSON at `url`.
fn temperature(agent: &ureq::Agent, url: &str) -> Result<f64, ureq::Error> {
    let text = agent.get(url).call()?.body_mut().read_to_string()?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ureq::Error::Other(Box::new(e)))?;
    value["main"]["temp"]
        .as_f64()
        .ok_or_else(|| ureq::Error::Other(format!("no main.temp in {text}").into()))
}

/// A body, or why there is none.
type Body = Result<Vec<u8>, ureq::Error>;

/// Exercise 5: at most `max_in_flight` requests at a time.
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    // Each worker takes the next index until none is left: exactly `max_in_flight` requests run
    // while at least that many remain, and a slow one holds up only its own worker.
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Body>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..max_in_flight.max(1).min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    *results[i].lock().unwrap() = Some(get_body(agent, url));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap()
                .expect("every index was taken by a worker")
        })
        .collect()
}
