//! `downloader`: fetch lists of URLs with the strategy of your choice, and the lesson's demos.
//!
//! With no subcommand it starts its local server, races every strategy over the gallery, prints
//! the table, then runs the weather demo. `serve` runs the server alone; `fetch` downloads anything.
//! The work is the library's; this file parses the arguments, calls it and prints its reports.
//!
//! Exit codes: 0 done, 1 a download failed, 2 bad input, 130 / 143 cancelled by Ctrl-C / SIGTERM.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use downloader::limits::StallRule;
use downloader::progress::{Bars, Progress, Silent};
use downloader::report::download_all;
use downloader::retry::RetryPolicy;
use downloader::signals::{self, SignalWatch};
use downloader::{Config, DownloadError, Downloader, LocalServer, Strategy, demo, url};

#[derive(Parser)]
#[command(
    version,
    about = "I/O-bound concurrency: download lists of URLs sequentially, with threads, a worker pool or rayon"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Race every strategy over the local gallery and print the table.
    Race(RaceArgs),
    /// The weather of 17 cities, serially and with threads (a Mutex'd map vs results through join).
    Weather {
        /// Latency of each request, in milliseconds.
        #[arg(long, default_value_t = 50)]
        latency_ms: u64,
    },
    /// Run the local server alone, print its URL, until Ctrl-C (or --seconds).
    Serve {
        /// Stop after this many seconds.
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Download URLs (given or listed in a file) into a directory.
    Fetch(FetchArgs),
}

#[derive(Args)]
struct RaceArgs {
    /// Gallery images to download.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1000))]
    count: u64,
    /// Latency of each request, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Workers of the pool strategies.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: u64,
    /// Where the files go (one folder per strategy).
    #[arg(long, default_value = "downloads")]
    out: PathBuf,
}

#[derive(Args)]
struct FetchArgs {
    /// URLs to download (http or https).
    #[arg(required_unless_present = "list")]
    urls: Vec<String>,
    /// A file with one URL per line (blank lines and lines starting with # are skipped).
    #[arg(long)]
    list: Option<PathBuf>,
    /// The output directory (created if needed).
    #[arg(long, default_value = "downloads")]
    out: PathBuf,
    /// How to run the downloads.
    #[arg(long, value_enum, default_value_t = Strategy::WorkerPool)]
    strategy: Strategy,
    /// Workers of the pool strategies.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: u64,
    /// Download even when a file of the same size is already there.
    #[arg(long)]
    force: bool,
    /// Keep the partial file of a failed download (.NAME.partial) and resume it with a range request.
    #[arg(long = "continue")]
    resume: bool,
    /// The largest file accepted, in bytes.
    #[arg(long, default_value_t = 512 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..))]
    max_bytes: u64,
    /// Seconds one URL may take in all, retries included.
    #[arg(long, value_parser = parse_seconds)]
    max_time: Option<f64>,
    /// Bytes a download must receive in every stall window, or it is aborted as stalled (0: never).
    #[arg(long, default_value_t = 1024)]
    min_speed: u64,
    /// Seconds of the stall window.
    #[arg(long, default_value_t = 30.0, value_parser = parse_seconds)]
    stall_window: f64,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10.0, value_parser = parse_seconds)]
    connect_timeout: f64,
    /// Seconds to wait for any single read.
    #[arg(long, default_value_t = 30.0, value_parser = parse_seconds)]
    read_timeout: f64,
    /// Retries of transient failures (connection errors, stalls, 5xx, 429).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Redirects followed at most.
    #[arg(long, default_value_t = 5)]
    max_redirects: u32,
    /// No progress bars and no per-file lines; only the summary.
    #[arg(long, short)]
    quiet: bool,
}

impl FetchArgs {
    fn config(&self) -> Config {
        Config {
            connect_timeout: Duration::from_secs_f64(self.connect_timeout),
            read_timeout: Duration::from_secs_f64(self.read_timeout),
            max_time: self.max_time.map(Duration::from_secs_f64),
            stall: StallRule {
                min_bytes: self.min_speed,
                window: Duration::from_secs_f64(self.stall_window),
            },
            resume: self.resume,
            max_bytes: self.max_bytes,
            max_redirects: self.max_redirects,
            retry: RetryPolicy {
                max_retries: self.retries,
                ..RetryPolicy::default()
            },
            force: self.force,
            max_idle_per_host: self.workers as usize,
        }
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            let bad_input = err
                .downcast_ref::<DownloadError>()
                .is_some_and(DownloadError::is_bad_input);
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

fn run(command: Option<Command>) -> Result<ExitCode> {
    match command {
        None => run_all(),
        Some(Command::Race(args)) => race(&args),
        Some(Command::Weather { latency_ms }) => weather(latency_ms),
        Some(Command::Serve { seconds }) => serve(seconds),
        Some(Command::Fetch(args)) => fetch(&args),
    }
}

/// No subcommand: the race, then the weather.
fn run_all() -> Result<ExitCode> {
    race(&RaceArgs {
        count: 32,
        latency_ms: 50,
        workers: 8,
        out: PathBuf::from("downloads"),
    })?;
    println!();
    weather(50)
}

fn race(args: &RaceArgs) -> Result<ExitCode> {
    let server = LocalServer::start().context("starting the local server")?;
    let latency = Duration::from_millis(args.latency_ms);
    let report = demo::race_report(
        &server,
        &args.out,
        args.count as usize,
        latency,
        args.workers as usize,
    )?;
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

fn weather(latency_ms: u64) -> Result<ExitCode> {
    let server = LocalServer::start().context("starting the local server")?;
    let report = demo::weather_report(&server, latency_ms)?;
    print!("{report}");
    Ok(if report.agree() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn serve(seconds: Option<u64>) -> Result<ExitCode> {
    let server = LocalServer::start().context("starting the local server")?;
    print!("{}", server.usage());
    match seconds {
        Some(s) => std::thread::sleep(Duration::from_secs(s)),
        // Until Ctrl-C ends the process.
        None => loop {
            std::thread::park();
        },
    }
    println!("Served {} requests.", server.stats().total());
    Ok(ExitCode::SUCCESS)
}

fn fetch(args: &FetchArgs) -> Result<ExitCode> {
    let urls = url::collect(&args.urls, args.list.as_deref())?;
    let downloader = Downloader::new(args.config());
    let signals =
        SignalWatch::cancel_on_first(downloader.cancel_token().clone(), &args.out, |signal| {
            eprintln!(
                "{}: cancelling the downloads (once more to quit at once)",
                signals::name(signal)
            );
        })
        .context("installing the signal handlers")?;
    let bars = !args.quiet && std::io::stdout().is_terminal();
    let progress: Arc<dyn Progress> = if bars {
        Arc::new(Bars::new(urls.len()))
    } else {
        Arc::new(Silent)
    };
    let summary = download_all(
        &downloader,
        &urls,
        &args.out,
        args.strategy,
        args.workers as usize,
        &progress,
    )?;
    drop(progress);
    if !args.quiet {
        print!("{}", summary.files());
    }
    print!("{summary}");
    if let Some(signal) = signals.received() {
        eprintln!(
            "error: cancelled by {}: {} downloads did not finish; the finished files are kept",
            signals::name(signal),
            summary.cancelled()
        );
        return Ok(ExitCode::from(signals::exit_code(signal)));
    }
    Ok(if summary.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
