//! The weather demo (seed 004): one small JSON request per city, serially and concurrently.
//!
//! The seed fills a shared `dict` from threads, which is safe in Python only because of the GIL.
//! In Rust the compiler makes us choose: share one map behind a `Mutex` ([`concurrent_shared_map`]),
//! or give each thread its own result and collect them through `join`
//! ([`concurrent_join`]), which needs no lock at all.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::thread;

use crate::error::DownloadError;
use crate::fetch::Downloader;
use crate::lock::{into_inner, lock};

/// The seeds' 17 cities with the temperatures (°C) the seed's run printed.
pub const CITIES: [(&str, f64); 17] = [
    ("Boulder", 7.0),
    ("Atlanta", 23.0),
    ("San Francisco", 13.0),
    ("Reno", 11.0),
    ("Honolulu", 26.0),
    ("Zurich", 18.0),
    ("Dubai", 31.0),
    ("Dublin", 13.0),
    ("Stuttgart", 16.0),
    ("Rome", 22.0),
    ("Singapore", 27.0),
    ("Bangalore", 20.0),
    ("Hyderabad", 29.0),
    ("Hong Kong", 25.0),
    ("Durham", 27.0),
    ("New Orleans", 23.0),
    ("Portland", 8.0),
];

/// The names of the 17 cities.
pub fn city_names() -> Vec<&'static str> {
    CITIES.iter().map(|(name, _)| *name).collect()
}

/// The temperature the local server reports for `city`, in °C (`None`: unknown city).
pub fn celsius(city: &str) -> Option<f64> {
    CITIES
        .iter()
        .find(|(name, _)| *name == city)
        .map(|(_, t)| *t)
}

/// Temperatures by city, sorted by name.
pub type Temperatures = BTreeMap<String, f64>;

/// The URL of `city`'s weather on the server at `base_url`, answered after `latency_ms`.
pub fn weather_url(base_url: &str, city: &str, latency_ms: u64) -> String {
    let city = crate::name::percent_encode(city);
    format!("{base_url}/weather?q={city}&units=metric&latency_ms={latency_ms}")
}

/// Fetches one city's temperature (`data["main"]["temp"]`, as the seed reads it).
pub fn fetch_temperature(downloader: &Downloader, url: &str) -> Result<f64, DownloadError> {
    let value = downloader.get_json(url)?;
    value["main"]["temp"]
        .as_f64()
        .ok_or_else(|| DownloadError::BadBody(format!("no main.temp in {value}")))
}

/// One city after the other (the seed's `run_serially`).
pub fn serially(
    downloader: &Downloader,
    base_url: &str,
    latency_ms: u64,
) -> Result<Temperatures, DownloadError> {
    let mut temps = Temperatures::new();
    for city in city_names() {
        let temp = fetch_temperature(downloader, &weather_url(base_url, city, latency_ms))?;
        temps.insert(city.to_string(), temp);
    }
    Ok(temps)
}

/// One thread per city, each inserting into one shared map behind a `Mutex` (the seed's
/// `run_threaded` with its shared `temps` dict, made explicit).
pub fn concurrent_shared_map(
    downloader: &Downloader,
    base_url: &str,
    latency_ms: u64,
) -> Result<Temperatures, DownloadError> {
    let temps = Mutex::new(Temperatures::new());
    let errors = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for city in city_names() {
            let (temps, errors) = (&temps, &errors);
            scope.spawn(move || {
                match fetch_temperature(downloader, &weather_url(base_url, city, latency_ms)) {
                    // The lock is held only for the insert, never during the request.
                    Ok(temp) => lock(temps).insert(city.to_string(), temp),
                    Err(e) => {
                        lock(errors).push(e);
                        None
                    }
                }
            });
        }
    });
    match into_inner(errors).pop() {
        Some(error) => Err(error),
        None => Ok(into_inner(temps)),
    }
}

/// One thread per city, each *returning* its temperature; `join` hands the results back and the
/// calling thread builds the map alone. No shared state, no lock.
pub fn concurrent_join(
    downloader: &Downloader,
    base_url: &str,
    latency_ms: u64,
) -> Result<Temperatures, DownloadError> {
    thread::scope(|scope| {
        let handles: Vec<_> = city_names()
            .into_iter()
            .map(|city| {
                scope.spawn(move || {
                    fetch_temperature(downloader, &weather_url(base_url, city, latency_ms))
                        .map(|t| (city.to_string(), t))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
