//! Exercises of the downloader lesson: reference solutions.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// Exercise 1: a safe file name from a URL.
pub fn sanitize_name(url: &str) -> String {
    let url = url.split(['#', '?']).next().unwrap_or("");
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url,
    };
    let segment = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    // Decode first: what was hidden behind %2e%2e%2f is visible, and cleaned, below.
    let decoded = crate::name::percent_decode(segment);
    let mut name: String = decoded
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    let name = name.trim().trim_start_matches('.');
    if name.is_empty() {
        "download".to_string()
    } else {
        name.to_string()
    }
}

/// A body, or why there is none.
type Body = Result<Vec<u8>, ureq::Error>;

/// Exercise 2: at most `max_in_flight` requests at a time.
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    // Each worker takes the next index until none is left: exactly `max_in_flight` requests run
    // while at least that many remain.
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Body>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..max_in_flight.max(1).min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let body = agent
                        .get(url)
                        .call()
                        .and_then(|mut r| r.body_mut().read_to_vec());
                    *results[i].lock().unwrap() = Some(body);
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

/// Exercise 3: is this error worth a retry?
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

/// Exercise 4: retries of transient failures with exponential backoff.
pub fn get_with_retry(
    agent: &ureq::Agent,
    url: &str,
    max_retries: u32,
    base_delay: Duration,
) -> Result<Vec<u8>, ureq::Error> {
    let mut retry = 0;
    loop {
        match agent
            .get(url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_vec())
        {
            Err(error) if is_transient(&error) && retry < max_retries => {
                thread::sleep(base_delay * 2u32.pow(retry));
                retry += 1;
            }
            result => return result,
        }
    }
}

/// Exercise 5: concurrent JSON results into one map.
pub fn collect_temperatures(
    agent: &ureq::Agent,
    cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    // The join version: each thread returns its result; no lock needed.
    thread::scope(|scope| {
        let handles: Vec<_> = cities
            .iter()
            .map(|(city, url)| {
                scope.spawn(move || {
                    let text = agent.get(url).call()?.body_mut().read_to_string()?;
                    let value: serde_json::Value =
                        serde_json::from_str(&text).map_err(|e| ureq::Error::Other(Box::new(e)))?;
                    let temp = value["main"]["temp"].as_f64().unwrap_or(f64::NAN);
                    Ok((city.clone(), temp))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
