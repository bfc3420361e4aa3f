//! `async-io`: futures, tokio tasks against threads at 10,000 connections, cancellation, blocking
//! the executor, shared state, graceful shutdown.
//!
//! `async-io` alone runs every demo briefly; `async-io <demo> --help` shows each demo's options.

use std::fmt::Display;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use async_io::blocking::{self, BlockingReport};
use async_io::c10k::{self, Way};
use async_io::cancel::{self, CancelReport};
use async_io::future::{self, FutureReport};
use async_io::server;
use async_io::shared_state::{self, SharedReport};
use async_io::shutdown::{self, ShutdownDemo};
use async_io::{Error, download};
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.demo.map_or_else(run_all, run) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            exit_code(&error)
        }
    }
}

/// 2 when the input was refused, 130 when Ctrl-C stopped the run (the shell's 128 + SIGINT), 1
/// for any other failure.
fn exit_code(error: &anyhow::Error) -> ExitCode {
    match error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
    {
        Some(error) if error.is_bad_input() => ExitCode::from(2),
        Some(Error::Interrupted) => ExitCode::from(130),
        _ => ExitCode::FAILURE,
    }
}

fn run(demo: Demo) -> anyhow::Result<ExitCode> {
    match demo {
        Demo::Future { wait_ms } => {
            let report = future::demo(Duration::from_millis(wait_ms)).context("the future demo")?;
            show(&report, false, FutureReport::all_correct)
        }
        Demo::C10k(args) => c10k_demo(&args),
        Demo::Download(args) => download_demo(&args),
        Demo::Cancel => {
            let server = LocalServer::start().context("starting the downloader's local server")?;
            // A 64 KiB body in 8 chunks 40 ms apart, cancelled after 150 ms.
            let (delay, cancel_after) = (Duration::from_millis(40), Duration::from_millis(150));
            let dir = Path::new("cancel");
            let report = cancel::demo(&server, dir, 64 * 1024, 8, delay, cancel_after)?;
            show(&report, false, CancelReport::all_correct)
        }
        Demo::Blocking(args) => {
            let (width, height) = (args.width as usize, args.height as usize);
            let report = blocking::demo(width, height, args.max_iter, Duration::from_millis(5))?;
            show(&report, false, BlockingReport::all_correct)
        }
        Demo::Shared => show(&shared_state::demo()?, false, SharedReport::all_correct),
        Demo::Shutdown { grace_ms } => {
            let config = shutdown::DemoConfig {
                grace: Duration::from_millis(grace_ms),
                ..shutdown::DemoConfig::default()
            };
            let report = shutdown::demo(&config).context("the shutdown demo")?;
            show(&report, false, ShutdownDemo::all_correct)
        }
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

/// Prints `report`, as JSON with `--json`; the exit code says whether its check passed.
fn show<R: Display + Serialize>(
    report: &R,
    json: bool,
    all_correct: fn(&R) -> bool,
) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{report}");
    }
    Ok(if all_correct(report) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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
    let exe = std::env::current_exe().context("finding this program to start the server")?;
    let demo = c10k::Demo::start(&exe, config)?;
    if !args.json {
        println!("{demo}");
    }
    let report = demo.run()?;
    show(&report, args.json, c10k::Report::all_correct)
}

fn download_demo(args: &DownloadArgs) -> anyhow::Result<ExitCode> {
    let server = LocalServer::start().context("starting the downloader's local server")?;
    let counts: Vec<usize> = args.urls.iter().map(|&n| n as usize).collect();
    let setup = download::Setup {
        base_url: server.base_url(),
        latency: Duration::from_millis(args.latency_ms),
        limit: args.limit as usize,
    };
    if !args.json {
        println!("{setup}");
    }
    let stop = download::stop_on_ctrl_c(args.out.clone());
    let comparison = download::compare(
        &server,
        &args.out,
        &counts,
        setup.latency,
        setup.limit,
        &stop,
    )?;
    show(&comparison, args.json, download::Comparison::all_correct)
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
