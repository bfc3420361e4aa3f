//! Benchmarks of the downloader lesson.
//!
//! `downloader/gallery`: 64 gallery images from the lesson's local server, each answered after
//! 50 ms (a far-away server), downloaded to a temporary folder. The work is pure waiting, so the
//! ideal time with N workers is `ceil(64 / N) × 50 ms` (3.2 s sequential, 400 ms with 8 workers,
//! 200 ms with 16, 100 ms with 32) whatever the core count. Each strategy keeps one `Downloader`
//! (one agent, its connections kept alive between iterations), as a real client would.
//!
//! After criterion, a short report measures the worker pool again and prints its efficiency
//! against that ideal.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use downloader::progress::{Progress, Silent};
use downloader::report::download_all;
use downloader::{Config, Downloader, LocalServer, Strategy};

const IMAGES: usize = 64;
const LATENCY: Duration = Duration::from_millis(50);
const WORKERS: [usize; 3] = [8, 16, 32];
/// The worker count of the strategies shown beside the worker pool.
const OTHERS_AT: usize = 16;

fn downloader() -> Downloader {
    Downloader::new(Config {
        force: true,
        max_idle_per_host: IMAGES,
        ..Config::default()
    })
}

/// Downloads the batch once; panics if anything failed (a broken bench must not look fast).
fn run(downloader: &Downloader, urls: &[String], out: &Path, strategy: Strategy, workers: usize) {
    let progress: Arc<dyn Progress> = Arc::new(Silent);
    let summary =
        download_all(downloader, urls, out, strategy, workers, &progress).expect("output dir");
    assert!(summary.all_ok(), "{strategy}: {:?}", summary.failures());
}

/// The ideal time with `workers` workers: `ceil(64 / workers)` rounds of the latency.
fn ideal(workers: usize) -> Duration {
    LATENCY * IMAGES.div_ceil(workers) as u32
}

fn gallery(c: &mut Criterion, server: &LocalServer, out: &Path) {
    let urls = server.gallery_urls(IMAGES, LATENCY);
    let mut group = c.benchmark_group("downloader/gallery");
    // 3 s of measurement: in --quick mode the sequential run (3.2 s) is measured once.
    group
        .throughput(Throughput::Elements(IMAGES as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let d = downloader();
    group.bench_function("sequential", |b| {
        b.iter(|| run(&d, &urls, out, Strategy::Sequential, 1))
    });
    for workers in WORKERS {
        let d = downloader();
        group.bench_with_input(
            BenchmarkId::new("worker-pool", workers),
            &workers,
            |b, &w| b.iter(|| run(&d, &urls, out, Strategy::WorkerPool, w)),
        );
    }
    for strategy in [Strategy::ThreadPerUrl, Strategy::Rayon, Strategy::Pools] {
        let d = downloader();
        let workers = if strategy.uses_workers() {
            OTHERS_AT
        } else {
            IMAGES
        };
        group.bench_with_input(
            BenchmarkId::new(strategy.name(), workers),
            &workers,
            |b, &w| b.iter(|| run(&d, &urls, out, strategy, w)),
        );
    }
    group.finish();
}

/// Times the worker pool a few more times and prints its efficiency against the ideal.
fn efficiency_report(server: &LocalServer, out: &Path) {
    let urls = server.gallery_urls(IMAGES, LATENCY);
    println!(
        "\ndownloader/gallery efficiency ({IMAGES} URLs x {} ms, {} cores):",
        LATENCY.as_millis(),
        cores()
    );
    println!(
        "{:>8} {:>10} {:>10} {:>11} {:>12}",
        "workers", "ideal", "median", "efficiency", "peak flight"
    );
    for workers in WORKERS {
        let d = downloader();
        run(&d, &urls, out, Strategy::WorkerPool, workers); // warm the connections
        server.stats().reset_peak();
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                run(&d, &urls, out, Strategy::WorkerPool, workers);
                start.elapsed()
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{workers:>8} {:>8.0}ms {:>8.1}ms {:>10.1}% {:>12}",
            ideal(workers).as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            100.0 * ideal(workers).as_secs_f64() / median.as_secs_f64(),
            server.stats().peak()
        );
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn main() {
    let server = LocalServer::start().expect("the local server starts");
    let out: PathBuf =
        std::env::temp_dir().join(format!("downloader-bench-{}", std::process::id()));
    // Generate (and cache) the images before measuring anything.
    run(
        &downloader(),
        &server.gallery_urls(IMAGES, Duration::ZERO),
        &out,
        Strategy::WorkerPool,
        8,
    );

    let mut criterion = Criterion::default().configure_from_args();
    gallery(&mut criterion, &server, &out);
    criterion.final_summary();
    // `cargo bench -- --list` and filtered runs do not need the report; a full run does.
    if !std::env::args().any(|a| a == "--list") {
        efficiency_report(&server, &out);
    }
    let _ = std::fs::remove_dir_all(&out);
}
