//! `cargo run -p ipc [DEMO]`: processes, what they do not share, and how they talk.
//!
//! With no subcommand every demo runs briefly. Each demo is a function of its topic's module that
//! returns a report; this file parses the arguments, calls it and prints the report. The binary
//! is also its own child: the pool starts it with [`ipc::pool::WORKER_ENV`] set, and the demos
//! start it with the hidden `child` subcommand.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use ipc::deadlock::{self, Protocol};
use ipc::jobs::{self, MALFORMED_WORKER_ARG};
use ipc::shared::Increment;
use ipc::{bigdata, channel, child, cost, cpu, memory, pipe, roles, shared};

/// Processes, what they do not share, and how they talk.
#[derive(Debug, Parser)]
#[command(name = "ipc", about)]
struct Cli {
    /// The demo to run; none runs every demo briefly.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Processes do not share memory: a child changes its copy, the parent's stays the same.
    Memory,
    /// A pipe: the parent sends 32, the child answers 42 over stdin/stdout.
    Pipe,
    /// ipc-channel: typed messages both ways, and the queue of squares from four processes.
    Channel {
        /// Child processes putting squares into one queue.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=32))]
        children: u64,
    },
    /// Bounded queues (pipes) deadlock across processes: reproduce, detect, fix.
    Deadlock {
        /// How long to wait before declaring a deadlock, in milliseconds.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
        deadline_ms: u64,
    },
    /// A counter in shared memory: lost updates, atomics, a lock.
    Shared {
        /// Processes incrementing the counter.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
        processes: u64,
        /// Increments per process.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        increments: u64,
    },
    /// X·Y with 16 columns: copied through channels vs shared through a mapping.
    Bigdata {
        /// Rows per column (the seeds use 1000000).
        #[arg(long, default_value_t = 250_000, value_parser = clap::value_parser!(u64).range(1..=4_000_000))]
        rows: u64,
        /// Worker processes (default: the number of cores).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        workers: Option<u16>,
    },
    /// A process pool: map (input order), imap_unordered (completion order), a worker that dies.
    Pool {
        /// Worker processes.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        workers: u16,
    },
    /// The seeds' computing on processes (sqrt, sum, MuchCPU, wait vs computing) beside threads.
    Cpu {
        /// Numbers of the sqrt sum; the other tables scale with it (the seeds': 5000000).
        #[arg(long, default_value_t = 5_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        numbers: u64,
        /// Processes (and threads) of the sqrt sum (the seeds' 12).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=64))]
        processes: u16,
        /// Runs of each row; the fastest is shown.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
        repeat: u32,
    },
    /// The cost of starting a process vs a thread.
    Cost {
        /// How many of each.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=2000))]
        count: u16,
    },
    /// The child side of the demos and exercises (the binary re-executing itself).
    #[command(hide = true)]
    Child {
        #[command(subcommand)]
        role: Role,
    },
}

#[derive(Debug, Subcommand)]
enum Role {
    Memory,
    Pipe,
    Talk {
        server: String,
    },
    Deadlock {
        #[arg(value_parser = parse_protocol)]
        protocol: Protocol,
    },
    Counter {
        path: PathBuf,
        increments: u64,
        #[arg(value_parser = parse_increment)]
        mode: Increment,
        processes: u64,
    },
    Noop,
    Cpu {
        work: String,
        a: u64,
        b: u64,
    },
    Square {
        n: u64,
    },
    Jobs,
    Increment {
        path: PathBuf,
        n: u64,
    },
    Job {
        #[arg(value_parser = roles::parse_job)]
        job: jobs::Job,
    },
    PoolHolder {
        workers: usize,
    },
}

fn parse_protocol(s: &str) -> Result<Protocol, String> {
    Protocol::from_arg(s).ok_or_else(|| format!("expected broken or fixed, got {s:?}"))
}

fn parse_increment(s: &str) -> Result<Increment, String> {
    Increment::from_name(s)
        .ok_or_else(|| format!("expected load-store, fetch-add or spin-lock, got {s:?}"))
}

fn main() -> ExitCode {
    if ipc::pool::is_worker() {
        return worker_main();
    }
    if let Some(served) = ipc::transport::serve_if_child() {
        return match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("transport child: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The pool started this process as a worker: serve jobs until the pool closes the channel.
fn worker_main() -> ExitCode {
    let served = match std::env::args().nth(1).as_deref() {
        Some(MALFORMED_WORKER_ARG) => jobs::run_malformed_worker(),
        Some(bigdata::WORKER_ARG) => ipc::pool::run_worker(bigdata::work),
        _ => ipc::pool::run_worker(jobs::run_job),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pool worker {}: {e}", std::process::id());
            ExitCode::FAILURE
        }
    }
}

fn run_child(role: Role) -> Result<()> {
    // Whoever started us, we die with them.
    child::arm_parent_death_signal();
    match role {
        Role::Memory => memory::child_main(),
        Role::Pipe => pipe::child_main()?,
        Role::Talk { server } => channel::child_main(server)?,
        Role::Deadlock { protocol } => deadlock::child_main(protocol)?,
        Role::Counter {
            path,
            increments,
            mode,
            processes,
        } => shared::child_main(path, increments, mode, processes)?,
        Role::Noop => {}
        Role::Cpu { work, a, b } => {
            cpu::child_main(cpu::Work::from_args(&work, a, b).context("unknown computing work")?)
        }
        Role::Square { n } => roles::square(n),
        Role::Jobs => roles::jobs()?,
        Role::Increment { path, n } => ipc::exercises::increment_shared(&path, n)?,
        Role::Job { job } => roles::job(job),
        Role::PoolHolder { workers } => roles::pool_holder(workers)?,
    }
    Ok(())
}

fn run(command: Option<Command>) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program's path")?;
    match command {
        Some(command) => run_one(&exe, command),
        None => run_all(&exe),
    }
}

fn run_one(exe: &Path, command: Command) -> Result<()> {
    match command {
        Command::Memory => show(memory::not_shared(exe)?),
        Command::Pipe => show(pipe::demo(exe)?),
        Command::Channel { children } => show(channel::demo(exe, children)?),
        Command::Deadlock { deadline_ms } => {
            show(deadlock::demo(exe, Duration::from_millis(deadline_ms))?);
        }
        Command::Shared {
            processes,
            increments,
        } => show(shared::demo(exe, processes, increments)?),
        Command::Bigdata { rows, workers } => {
            let report = bigdata::demo(exe, rows as usize, workers.map(usize::from))?;
            show(&report);
            report.verdict()?;
        }
        Command::Pool { workers } => show(jobs::pool_tour(exe, usize::from(workers))?),
        Command::Cpu {
            numbers,
            processes,
            repeat,
        } => {
            let cores = threads_basics::cores::cores().logical;
            show(cpu::demo(
                exe,
                numbers,
                usize::from(processes),
                cores,
                repeat,
            )?);
        }
        Command::Cost { count } => show(cost::measure(exe, usize::from(count))?),
        Command::Child { role } => run_child(role)?,
    }
    Ok(())
}

/// No subcommand: every demo, briefly.
fn run_all(exe: &Path) -> Result<()> {
    for command in [
        Command::Memory,
        Command::Pipe,
        Command::Channel { children: 4 },
        Command::Deadlock { deadline_ms: 500 },
        Command::Shared {
            processes: 2,
            increments: 100_000,
        },
        Command::Bigdata {
            rows: 100_000,
            workers: None,
        },
        Command::Pool { workers: 2 },
        Command::Cpu {
            numbers: 200_000,
            processes: 4,
            repeat: 1,
        },
        Command::Cost { count: 20 },
    ] {
        run_one(exe, command)?;
    }
    Ok(())
}

/// A demo's report, after a blank line.
fn show(report: impl Display) {
    print!("\n{report}");
}
