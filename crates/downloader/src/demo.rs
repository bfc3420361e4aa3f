//! The lesson's demos: the race of strategies over the gallery, and the weather.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use threads_basics::timing::{speedup, timed};

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

/// The race as the CLI shows it: the table, whether the files agree, and what the ideal was.
#[derive(Debug, Clone)]
pub struct RaceReport {
    /// One row per strategy.
    pub rows: Vec<Row>,
    /// Whether every strategy wrote byte-identical files.
    pub identical: bool,
    /// Gallery images downloaded by each strategy.
    pub count: usize,
    /// The latency of each request.
    pub latency: Duration,
    /// Workers of the pool strategies.
    pub workers: usize,
    /// Where the files went (one folder per strategy).
    pub out_dir: PathBuf,
    /// The server's URL.
    pub server_url: String,
}

/// Runs the [`race`] and compares the folders the strategies wrote.
pub fn race_report(
    server: &LocalServer,
    out_dir: &Path,
    count: usize,
    latency: Duration,
    workers: usize,
) -> Result<RaceReport, DownloadError> {
    let rows = race(server, out_dir, count, latency, workers)?;
    let identical =
        identical_files(out_dir, &Strategy::ALL).map_err(|source| DownloadError::File {
            path: out_dir.to_path_buf(),
            source,
        })?;
    Ok(RaceReport {
        rows,
        identical,
        count,
        latency,
        workers,
        out_dir: out_dir.to_path_buf(),
        server_url: server.base_url(),
    })
}

impl fmt::Display for RaceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.latency.as_millis();
        writeln!(
            f,
            "Race: {} gallery images from {} (each answered after {ms} ms), {} workers, into {}/<strategy>/",
            self.count,
            self.server_url,
            self.workers,
            self.out_dir.display()
        )?;
        write!(f, "{}", table(&self.rows))?;
        writeln!(
            f,
            "Every strategy wrote byte-identical files: {}",
            self.identical
        )?;
        let workers = self.workers.max(1);
        writeln!(
            f,
            "Ideal with {workers} workers: ceil({}/{workers}) x {ms} ms = {} ms. Threads help because they wait, not compute:",
            self.count,
            self.count.div_ceil(workers) as u128 * ms
        )?;
        writeln!(
            f,
            "a thread blocked on a socket costs no CPU, so even 2 cores keep dozens of downloads in flight."
        )
    }
}

/// Formats the rows as a table, with the speedup against the first (sequential) row.
pub fn table(rows: &[Row]) -> String {
    let base = rows.first().map_or(Duration::from_secs(1), |r| r.elapsed);
    let mut out = format!(
        "{:<16} {:>8} {:>10} {:>8} {:>10} {:>6} {:>8}\n",
        "strategy", "workers", "time", "speedup", "bytes", "files", "failed"
    );
    for row in rows {
        let workers = row.workers.map_or("-".to_string(), |w| w.to_string());
        out += &format!(
            "{:<16} {:>8} {:>9.3}s {:>7.1}x {:>10} {:>6} {:>8}\n",
            row.strategy.name(),
            workers,
            row.elapsed.as_secs_f64(),
            speedup(base, row.elapsed),
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
            let timed = timed(|| run(&downloader, &base, latency_ms)).transpose()?;
            Ok(WeatherRun {
                label,
                temps: timed.value,
                elapsed: timed.elapsed,
            })
        })
        .collect()
}

/// The weather demo as the CLI shows it.
#[derive(Debug)]
pub struct WeatherReport {
    /// The three runs.
    pub runs: Vec<WeatherRun>,
    /// The latency of each request, in milliseconds.
    pub latency_ms: u64,
    /// The server's URL.
    pub server_url: String,
}

impl WeatherReport {
    /// Whether the three runs found the same temperatures.
    pub fn agree(&self) -> bool {
        self.runs
            .windows(2)
            .all(|pair| pair[0].temps == pair[1].temps)
    }
}

/// Runs [`weather_runs`] for the report.
pub fn weather_report(
    server: &LocalServer,
    latency_ms: u64,
) -> Result<WeatherReport, DownloadError> {
    Ok(WeatherReport {
        runs: weather_runs(server, latency_ms)?,
        latency_ms,
        server_url: server.base_url(),
    })
}

impl fmt::Display for WeatherReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Weather of 17 cities from {} ({} ms per request):",
            self.server_url, self.latency_ms
        )?;
        for run in &self.runs {
            writeln!(
                f,
                "  {:<22} {:>8.3}s  {} cities",
                run.label,
                run.elapsed.as_secs_f64(),
                run.temps.len()
            )?;
        }
        writeln!(f, "  all three agree: {}", self.agree())?;
        let first = self.runs.first().map(|r| &r.temps);
        for (city, temp) in first.into_iter().flatten().take(5) {
            writeln!(f, "  it is {temp:.0}° in {city}")?;
        }
        writeln!(
            f,
            "  ... The Mutex version shares one map (lock held only to insert); the join version needs no lock."
        )
    }
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
