//! The lesson's demos: the race of strategies over the gallery, and the weather.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::DownloadError;
use crate::fetch::{Config, Downloader};
use crate::progress::{Progress, Silent};
use crate::report::download_all;
use crate::server::LocalServer;
use crate::strategy::Strategy;
use crate::weather::{self, Temperatures};

/// One row of the comparison table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The strategy.
    pub strategy: Strategy,
    /// Workers (where the strategy has a count).
    pub workers: Option<usize>,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Bytes written.
    pub bytes: u64,
    /// Files written.
    pub files: usize,
    /// Failures (0 expected).
    pub failures: usize,
}

/// Downloads `count` gallery images (each answered after `latency`) with every strategy into
/// `out_dir/<strategy>/`, and returns one row per strategy.
pub fn race(
    server: &LocalServer,
    out_dir: &Path,
    count: usize,
    latency: Duration,
    workers: usize,
) -> Result<Vec<Row>, DownloadError> {
    let urls = server.gallery_urls(count, latency);
    let downloader = Downloader::new(Config {
        force: true,
        max_idle_per_host: workers.max(count),
        ..Config::default()
    });
    let silent: Arc<dyn Progress> = Arc::new(Silent);
    Strategy::ALL
        .into_iter()
        .map(|strategy| {
            let summary = download_all(
                &downloader,
                &urls,
                &out_dir.join(strategy.name()),
                strategy,
                workers,
                &silent,
            )?;
            Ok(Row {
                strategy,
                workers: strategy.uses_workers().then_some(workers),
                elapsed: summary.elapsed,
                bytes: summary.bytes(),
                files: summary.downloaded() + summary.skipped(),
                failures: summary.failures().len(),
            })
        })
        .collect()
}

/// Formats the rows as a table, with the speedup against the first (sequential) row.
pub fn table(rows: &[Row]) -> String {
    let base = rows.first().map_or(1.0, |r| r.elapsed.as_secs_f64());
    let mut out = format!(
        "{:<16} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8}\n",
        "strategy", "workers", "time", "speedup", "bytes", "files", "failed"
    );
    for row in rows {
        let workers = row.workers.map_or("-".to_string(), |w| w.to_string());
        let secs = row.elapsed.as_secs_f64();
        out += &format!(
            "{:<16} {:>8} {:>9.3}s {:>7.1}x {:>10} {:>6} {:>8}\n",
            row.strategy.name(),
            workers,
            secs,
            base / secs.max(1e-9),
            row.bytes,
            row.files,
            row.failures
        );
    }
    out
}

/// The weather three ways, with the time each took.
#[derive(Debug)]
pub struct WeatherRun {
    /// What the run is called.
    pub label: &'static str,
    /// The temperatures.
    pub temps: Temperatures,
    /// How long it took.
    pub elapsed: Duration,
}

/// Fetches the 17 cities serially, then concurrently into a shared map, then through `join`.
pub fn weather_runs(
    server: &LocalServer,
    latency_ms: u64,
) -> Result<Vec<WeatherRun>, DownloadError> {
    let downloader = Downloader::new(Config {
        max_idle_per_host: 17,
        ..Config::default()
    });
    let base = server.base_url();
    let runs: [(&'static str, WeatherFn); 3] = [
        ("serially", weather::serially),
        ("threads + Mutex<map>", weather::concurrent_shared_map),
        ("threads + join", weather::concurrent_join),
    ];
    runs.into_iter()
        .map(|(label, run)| {
            let start = Instant::now();
            let temps = run(&downloader, &base, latency_ms)?;
            Ok(WeatherRun {
                label,
                temps,
                elapsed: start.elapsed(),
            })
        })
        .collect()
}

type WeatherFn = fn(&Downloader, &str, u64) -> Result<Temperatures, DownloadError>;

/// True when every strategy's folder under `out_dir` holds the same files, byte for byte, as the
/// first strategy's (what the race promises: same work, different schedules).
pub fn identical_files(out_dir: &Path, strategies: &[Strategy]) -> std::io::Result<bool> {
    let read_all = |strategy: &Strategy| -> std::io::Result<Vec<(std::ffi::OsString, Vec<u8>)>> {
        let mut files = std::fs::read_dir(out_dir.join(strategy.name()))?
            .map(|entry| {
                let entry = entry?;
                Ok((entry.file_name(), std::fs::read(entry.path())?))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        files.sort();
        Ok(files)
    };
    let Some(first) = strategies.first() else {
        return Ok(true);
    };
    let reference = read_all(first)?;
    for strategy in &strategies[1..] {
        if read_all(strategy)? != reference {
            return Ok(false);
        }
    }
    Ok(true)
}
