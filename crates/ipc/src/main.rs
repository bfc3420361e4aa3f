//! `cargo run -p ipc [DEMO]`: processes, what they do not share, and how they talk.
//!
//! With no subcommand every demo runs briefly. The binary is also its own child: the pool starts
//! it with [`ipc::pool::WORKER_ENV`] set, and the demos start it with the hidden `child`
//! subcommand.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use ipc::jobs::{self, MALFORMED_WORKER_ARG};

/// Processes, what they do not share, and how they talk.
#[derive(Debug, Parser)]
#[command(name = "ipc", about)]
struct Cli {
    /// The demo to run; none runs every demo briefly.
    #[command(subcommand)]
    demo: Option<Demo>,
}

#[derive(Debug, Subcommand)]
enum Demo {
    /// A process pool: map (input order), imap_unordered (completion order), a worker that dies.
    Pool {
        /// Worker processes.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        workers: u16,
    },
}

fn main() -> ExitCode {
    if ipc::pool::is_worker() {
        return worker_main();
    }
    let cli = Cli::parse();
    match run(cli.demo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The pool started this process as a worker: serve jobs until the pool closes the channel.
fn worker_main() -> ExitCode {
    let malformed = std::env::args().nth(1).as_deref() == Some(MALFORMED_WORKER_ARG);
    let served = if malformed {
        jobs::run_malformed_worker()
    } else {
        ipc::pool::run_worker(jobs::run_job)
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pool worker {}: {e}", std::process::id());
            ExitCode::FAILURE
        }
    }
}

fn run(demo: Option<Demo>) -> Result<()> {
    let exe = std::env::current_exe()?;
    match demo {
        Some(Demo::Pool { workers }) => pool(&exe, usize::from(workers)),
        None => pool(&exe, 2),
    }
}

fn pool(exe: &std::path::Path, workers: usize) -> Result<()> {
    println!("== A process pool: {workers} worker processes over ipc-channel ==");
    let tour = jobs::pool_tour(exe, workers)?;
    println!(
        "worker pids: {:?} (parent {})",
        tour.pids,
        std::process::id()
    );
    println!("map(square, 1..=10) in input order: {:?}", tour.squares);
    println!("imap_unordered, later jobs sleep less — (index, value) as they complete:");
    println!("  {:?}", tour.completion_order);
    println!("a job that aborts its worker: {}", tour.lost);
    println!("the pool replaced it and goes on: {:?}", tour.after_abort);
    println!("worker pids now: {:?}", tour.pids_after);
    Ok(())
}
