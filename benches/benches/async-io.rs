//! Benchmarks of the async-io lesson.
//!
//! - `async-io/hold`: 64 requests, each held 20 ms by the lesson's slow server: one at a time
//!   (`sequential`, 1.28 s), by a worker pool of 8 threads (8 rounds, 160 ms), and all at once by
//!   a thread each and by a task each (20 ms). Pure waiting, so the ideal speedup is the number of
//!   requests in flight, whatever the core count.
//! - `async-io/c10k`: 10,000 requests held 1 s each, by tokio tasks and by a thread each (the
//!   worker pool would take 10 s an iteration at 1,000 threads; the demo measures it). The ideal is
//!   one second; the lesson's goal is tokio within 20 % of it.
//! - `async-io/spawn`: creating and joining one thread against one task.
//!
//! 10,000 client sockets and 10,000 server sockets do not fit under one process's open-files
//! limit, so the server runs in a child process: this bench program itself, started again with
//! [`SERVE`] set (the way the ipc lesson's pools start their workers). After criterion, a short
//! report runs the C10k batch once more per way and prints the figures criterion cannot give: the
//! peak of resident memory and the server's count of requests held at once.

use std::process::Command;
use std::time::Duration;

use async_io::c10k::{self, Way};
use async_io::resources;
use async_io::server::{self, ServerProcess};
use criterion::{BenchmarkId, Criterion, Throughput};

/// Set (to the hold in milliseconds) in the child that serves: it runs the server, not criterion.
const SERVE: &str = "ASYNC_IO_BENCH_SERVE";

const SMALL: usize = 64;
const SMALL_HOLD: Duration = Duration::from_millis(20);
const POOL: usize = 8;
const C10K: usize = 10_000;
const C10K_HOLD: Duration = Duration::from_secs(1);

/// One batch; panics if a request failed (a broken bench must not look fast).
fn batch(server: &ServerProcess, way: Way, n: usize, concurrency: usize, hold: Duration) {
    let batch = c10k::requests(server.addr(), way, n, concurrency, hold).expect("the batch runs");
    assert_eq!(
        batch.completed, n,
        "{way:?}: {:?} {:?}",
        batch.first_error, batch.stopped
    );
}

fn hold(c: &mut Criterion, server: &ServerProcess) {
    let mut group = c.benchmark_group("async-io/hold");
    group
        .throughput(Throughput::Elements(SMALL as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("sequential", |b| {
        b.iter(|| batch(server, Way::WorkerPool, SMALL, 1, SMALL_HOLD))
    });
    group.bench_with_input(BenchmarkId::new("worker-pool", POOL), &POOL, |b, &w| {
        b.iter(|| batch(server, Way::WorkerPool, SMALL, w, SMALL_HOLD))
    });
    for (name, way) in [
        ("thread-per-request", Way::ThreadPerRequest),
        ("tasks", Way::Tasks),
    ] {
        group.bench_with_input(BenchmarkId::new(name, SMALL), &SMALL, |b, &n| {
            b.iter(|| batch(server, way, n, n, SMALL_HOLD))
        });
    }
    group.finish();
}

fn c10k_group(c: &mut Criterion, server: &ServerProcess) {
    let mut group = c.benchmark_group("async-io/c10k");
    // Each iteration takes a second or more: ten samples of one iteration each.
    group
        .throughput(Throughput::Elements(C10K as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(10));
    for (name, way) in [
        ("tasks", Way::Tasks),
        ("thread-per-request", Way::ThreadPerRequest),
    ] {
        group.bench_with_input(BenchmarkId::new(name, C10K), &C10K, |b, &n| {
            b.iter(|| batch(server, way, n, n, C10K_HOLD))
        });
    }
    group.finish();
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("async-io/spawn");
    group.bench_function("thread", |b| {
        b.iter(|| std::thread::spawn(|| ()).join().expect("an empty thread"))
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("a runtime");
    // Timed inside a task, on a worker thread, where tasks are spawned in real programs.
    group.bench_function("task", |b| {
        b.iter_custom(|iters| {
            runtime
                .block_on(runtime.spawn(async move {
                    let start = std::time::Instant::now();
                    for _ in 0..iters {
                        tokio::spawn(async {}).await.expect("an empty task");
                    }
                    start.elapsed()
                }))
                .expect("the timing task")
        })
    });
    group.finish();
}

/// The C10k batch once more per way, with what criterion cannot measure.
fn goals_report(server: &ServerProcess) {
    let config = c10k::Config {
        connections: C10K,
        hold: C10K_HOLD,
        pool_workers: 1,
        ways: vec![Way::Tasks, Way::ThreadPerRequest],
    };
    println!(
        "\nasync-io/c10k goals ({C10K} requests held {} s, {} cores):",
        C10K_HOLD.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>20} {:>10} {:>10} {:>12} {:>12}",
        "way", "wall", "vs ideal", "peak RSS", "server peak"
    );
    for way in &config.ways {
        let report = c10k::run_way(server.addr(), *way, &config).expect("the batch runs");
        println!(
            "{:>20} {:>9.3}s {:>+9.1}% {:>9.1} MiB {:>12}",
            way.name(),
            report.wall.as_secs_f64(),
            report.over_ideal(),
            report.peak_rss.unwrap_or(0) as f64 / (1024.0 * 1024.0),
            report.server_peak
        );
    }
}

fn main() {
    if let Some(hold_ms) = std::env::var_os(SERVE) {
        let hold = hold_ms.to_string_lossy().parse().unwrap_or(1_000);
        let options = server::ProcessOptions {
            addr: "127.0.0.1:0".parse().expect("an address"),
            hold: Duration::from_millis(hold),
            grace: Duration::from_secs(1),
            exit_with_parent: true,
        };
        if let Err(error) = server::run_as_process(&options) {
            eprintln!("async-io bench server: {error}");
            std::process::exit(1);
        }
        return;
    }
    resources::check_open_files(C10K).expect("room for 10,000 sockets");
    let exe = std::env::current_exe().expect("this bench's own path");
    let mut command = Command::new(exe);
    command.env(SERVE, C10K_HOLD.as_millis().to_string());
    let server = ServerProcess::spawn_command(command).expect("the server process starts");

    let mut criterion = Criterion::default().configure_from_args();
    hold(&mut criterion, &server);
    c10k_group(&mut criterion, &server);
    spawn(&mut criterion);
    criterion.final_summary();
    // `cargo bench -- --list` and filtered runs do not need the report; a full run does.
    if !std::env::args().any(|a| a == "--list") {
        goals_report(&server);
    }
}
