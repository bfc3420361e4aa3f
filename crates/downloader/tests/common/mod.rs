//! Helpers shared by the test files.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use std::sync::Arc;

use downloader::progress::{Progress, Silent};
use downloader::report::{Summary, download_all};
use downloader::retry::RetryPolicy;
use downloader::{Config, Downloader, Strategy};

/// A downloader for tests: short timeouts, quick retries.
pub fn quick(retries: u32) -> Downloader {
    Downloader::new(quick_config(retries))
}

/// The configuration of [`quick`], to change before use.
pub fn quick_config(retries: u32) -> Config {
    Config {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_retries: retries,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        force: true,
        ..Config::default()
    }
}

/// Downloads `urls` into `out` with `strategy` (3 workers), silently.
pub fn batch(downloader: &Downloader, urls: &[String], out: &Path, strategy: Strategy) -> Summary {
    let progress: Arc<dyn Progress> = Arc::new(Silent);
    download_all(downloader, urls, out, strategy, 3, &progress).unwrap()
}

/// The temporary files (`.download-*.part`) in `dir`.
pub fn temporary_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|name| name.starts_with(".download-"))
        .collect()
}

/// The names of the regular files in `dir` (sorted), hidden ones included.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// FNV-1a: a checksum good enough to compare files.
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100000001b3)
    })
}
