//! `async-io`: futures, tokio tasks against threads at 10,000 connections, cancellation, blocking
//! the executor, shared state, graceful shutdown.
//!
//! `async-io` alone runs every demo briefly; `async-io <demo> --help` shows each demo's options.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use async_io::c10k::{self, Way};
use async_io::server::{self, ServerProcess};
use async_io::{Error, blocking, cancel, download, future, resources, shared_state, shutdown};
use clap::{Args, Parser, Subcommand};
use downloader::LocalServer;
use serde::Serialize;

/// What async buys over threads, and what it costs. With no command, runs every demo briefly.
#[derive(Parser)]
#[command(name = "async-io", version)]
struct Cli {
    #[command(subcommand)]
    demo: Option<Demo>,
}

#[derive(Subcommand)]
enum Demo {
    /// A future does nothing until polled: a hand-written one beside an async fn, counted polls.
    Future {
        /// Each of the two waits, in milliseconds.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=10_000))]
        wait_ms: u64,
    },
    /// Many requests at once, each held by a server in another process: tasks, a pool, threads.
    C10k(C10kArgs),
    /// The downloader's gallery with its threaded pool and with tasks, at several sizes.
    Download(DownloadArgs),
    /// Timeouts, select!, and what a cancelled download leaves on disk.
    Cancel,
    /// A Mandelbrot render inside a task stalls a ticking task; spawn_blocking and rayon do not.
    Blocking(BlockingArgs),
    /// std and tokio mutexes, Semaphore, mpsc and broadcast, each checked.
    Shared,
    /// Graceful shutdown: stop accepting, finish what is in flight, abort at a deadline.
    Shutdown {
        /// The grace period, in milliseconds.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=60_000))]
        grace_ms: u64,
    },
    /// Run the slow server until Ctrl-C (then shut down gracefully); try it with curl.
    Serve(ServeArgs),
}

#[derive(Args)]
struct C10kArgs {
    /// Requests, all at once.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    connections: u64,
    /// How long the server holds each request, in milliseconds.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    hold_ms: u64,
    /// Threads of the worker pool.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    workers: u64,
    /// The ways to measure (repeatable; default: all three).
    #[arg(long = "way", value_enum)]
    ways: Vec<Way>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DownloadArgs {
    /// Batch sizes, in URLs (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [64, 256], value_parser = clap::value_parser!(u64).range(1..=100_000))]
    urls: Vec<u64>,
    /// Latency of every request, in milliseconds.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    latency_ms: u64,
    /// The most downloads in flight, for both: the pool's threads, the tasks' permits.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=5_000))]
    limit: u64,
    /// Where the files go (`<out>/<urls>/worker-pool`, `<out>/<urls>/tasks`).
    #[arg(long, default_value = "downloads")]
    out: PathBuf,
    /// Print the table as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct BlockingArgs {
    /// Image width.
    #[arg(long, default_value_t = 480, value_parser = clap::value_parser!(u64).range(1..=8_000))]
    width: u64,
    /// Image height.
    #[arg(long, default_value_t = 320, value_parser = clap::value_parser!(u64).range(1..=8_000))]
    height: u64,
    /// Iteration cap.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_iter: u32,
}

#[derive(Args)]
struct ServeArgs {
    /// How long each request is held, in milliseconds (a request can ask: /hold?ms=N).
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    hold_ms: u64,
    /// The port on 127.0.0.1 (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// On Ctrl-C, how long to wait for the requests in flight, in milliseconds.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    grace_ms: u64,
    /// Also stop when standard input closes (how the C10k demo's child follows its parent).
    #[arg(long, hide = true)]
    exit_with_parent: bool,
}

/// An error caused by what the user asked for: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadInput(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.demo {
        None => run_all(),
        Some(demo) => run(demo),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            if error.downcast_ref::<BadInput>().is_some() {
                ExitCode::from(2)
            } else if matches!(error.downcast_ref::<Error>(), Some(Error::Interrupted)) {
                // The shell's convention for "ended by Ctrl-C": 128 + SIGINT.
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(demo: Demo) -> anyhow::Result<ExitCode> {
    match demo {
        Demo::Future { wait_ms } => future_demo(wait_ms),
        Demo::C10k(args) => c10k_demo(&args),
        Demo::Download(args) => download_demo(&args),
        Demo::Cancel => cancel_demo(Path::new(".")),
        Demo::Blocking(args) => blocking_demo(&args),
        Demo::Shared => shared_demo(),
        Demo::Shutdown { grace_ms } => shutdown_demo(grace_ms),
        Demo::Serve(args) => serve(&args),
    }
}

/// Every demo with its default (small) sizes: a few seconds in all.
fn run_all() -> anyhow::Result<ExitCode> {
    let demos = [
        ("1. What a future is", "future"),
        (
            "2. C10k, small: 1,000 requests held 200 ms (try: c10k --connections 10000 --hold-ms 1000 --workers 1000)",
            "c10k",
        ),
        (
            "3. The downloader's gallery: its worker pool and tasks",
            "download",
        ),
        ("4. Timeouts and cancellation", "cancel"),
        ("5. Blocking the executor", "blocking"),
        ("6. Shared state across .await", "shared"),
        ("7. Graceful shutdown", "shutdown"),
    ];
    let mut code = ExitCode::SUCCESS;
    for (title, command) in demos {
        println!("\n=== {title}");
        // The defaults live in one place, the arguments' declarations: parse them.
        let cli = Cli::try_parse_from(["async-io", command])?;
        if let Some(demo) = cli.demo
            && run(demo)? != ExitCode::SUCCESS
        {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// Prints `report` as text, or as JSON with `--json`.
fn print(report: &(impl std::fmt::Display + Serialize), json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}

/// Library errors caused by the arguments become exit code 2.
fn classify(error: Error) -> anyhow::Error {
    match error {
        Error::BadInput(_) | Error::TooFewFiles { .. } => BadInput(error.to_string()).into(),
        other => other.into(),
    }
}

fn success_if(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn future_demo(wait_ms: u64) -> anyhow::Result<ExitCode> {
    let report = future::demo(Duration::from_millis(wait_ms)).context("the future demo")?;
    println!("{report}");
    Ok(success_if(report.runs.iter().all(|run| run.output == 42)))
}

fn c10k_demo(args: &C10kArgs) -> anyhow::Result<ExitCode> {
    let config = c10k::Config {
        connections: args.connections as usize,
        hold: Duration::from_millis(args.hold_ms),
        pool_workers: args.workers as usize,
        ways: if args.ways.is_empty() {
            Way::ALL.to_vec()
        } else {
            args.ways.clone()
        },
    };
    // Checked before the server starts, so a refusal is one clear line.
    let limits = resources::check_open_files(config.connections).map_err(classify)?;
    let exe = std::env::current_exe().context("finding this program to start the server")?;
    let server = ServerProcess::spawn(&exe, config.hold).map_err(classify)?;
    if !args.json {
        println!(
            "{} requests at once, each held {} ms by the slow server at {} (process {}, its own \
             open-files limit). Open files here: soft limit {}{}, hard {}.",
            config.connections,
            args.hold_ms,
            server.addr(),
            server.pid(),
            limits.soft,
            limits
                .raised_from
                .map_or(String::new(), |before| format!(" (raised from {before})")),
            limits.hard
        );
    }
    let report = c10k::run(server.addr(), &config).map_err(classify)?;
    print(&report, args.json)?;
    Ok(success_if(report.ways.iter().all(|w| w.failed == 0)))
}

fn download_demo(args: &DownloadArgs) -> anyhow::Result<ExitCode> {
    let server = LocalServer::start().context("starting the downloader's local server")?;
    let counts: Vec<usize> = args.urls.iter().map(|&n| n as usize).collect();
    let latency = Duration::from_millis(args.latency_ms);
    if !args.json {
        println!(
            "Gallery images from {} ({} ms each), at most {} in flight: the downloader's worker \
             pool ({} threads) against tokio tasks ({} worker threads + at most {} for files).",
            server.base_url(),
            args.latency_ms,
            args.limit,
            args.limit,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            download::BLOCKING_THREADS
        );
    }
    let stop = stop_on_ctrl_c(args.out.clone());
    let comparison = download::compare(
        &server,
        &args.out,
        &counts,
        latency,
        args.limit as usize,
        &stop,
    )
    .map_err(|e| match e {
        Error::Download(downloader::DownloadError::OutputDir { .. }) => {
            BadInput(e.to_string()).into()
        }
        other => classify(other),
    })?;
    print(&comparison, args.json)?;
    Ok(success_if(comparison.rows.iter().all(|row| {
        row.identical && row.worker_pool.failed == 0 && row.tasks.failed == 0
    })))
}

/// A stop signal fired by the first Ctrl-C (or `SIGTERM`): the batches stop and clean up after
/// themselves. A second one quits at once, after deleting the temporary files under `out`.
///
/// Without this, Ctrl-C's default action would end the process on the spot, no destructor would
/// run, and every download in flight would leave its `.part` file behind.
fn stop_on_ctrl_c(out: PathBuf) -> download::Stop {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let watcher = std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if shutdown::terminal().await.is_err() {
                    return;
                }
                eprintln!("interrupted: stopping the downloads (Ctrl-C again quits at once)");
                let _ = stop.send(true);
                if shutdown::terminal().await.is_ok() {
                    let _ = download::remove_partial_files(&out);
                    std::process::exit(130);
                }
            });
        });
    if watcher.is_err() {
        eprintln!("warning: no Ctrl-C handler; an interrupted run may leave .part files");
    }
    stopped
}

fn cancel_demo(dir: &Path) -> anyhow::Result<ExitCode> {
    let server = LocalServer::start().context("starting the downloader's local server")?;
    let dir = dir.join("cancel");
    let report = cancel::demo(
        &server,
        &dir,
        64 * 1024,
        8,
        Duration::from_millis(40),
        Duration::from_millis(150),
    )?;
    println!("{report}");
    Ok(success_if(
        report.safe.final_file.is_none() && report.safe.temporary_files == 0,
    ))
}

fn blocking_demo(args: &BlockingArgs) -> anyhow::Result<ExitCode> {
    let report = blocking::demo(
        args.width as usize,
        args.height as usize,
        args.max_iter,
        Duration::from_millis(5),
    )
    .map_err(classify)?;
    println!("{report}");
    Ok(success_if(report.same_picture))
}

fn shared_demo() -> anyhow::Result<ExitCode> {
    let report = shared_state::demo()?;
    println!("{report}");
    Ok(success_if(report.all_correct()))
}

fn shutdown_demo(grace_ms: u64) -> anyhow::Result<ExitCode> {
    let config = shutdown::DemoConfig {
        grace: Duration::from_millis(grace_ms),
        ..shutdown::DemoConfig::default()
    };
    let report = shutdown::demo(&config).context("the shutdown demo")?;
    println!("{report}");
    Ok(success_if(report.late_client_refused))
}

fn serve(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let report = server::run_as_process(&server::ProcessOptions {
        addr: SocketAddr::from(([127, 0, 0, 1], args.port)),
        hold: Duration::from_millis(args.hold_ms),
        grace: Duration::from_millis(args.grace_ms),
        exit_with_parent: args.exit_with_parent,
    })?;
    println!("stopped: {report}");
    Ok(ExitCode::SUCCESS)
}
