//! `cargo run -p ipc [DEMO]`: processes, what they do not share, and how they talk.
//!
//! With no subcommand every demo runs briefly. The binary is also its own child: the pool starts
//! it with [`ipc::pool::WORKER_ENV`] set, and the demos start it with the hidden `child`
//! subcommand.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use ipc::deadlock::{self, Protocol};
use ipc::jobs::{self, MALFORMED_WORKER_ARG};
use ipc::shared::Increment;
use ipc::{bigdata, channel, child, cost, memory, pipe, roles, shared};

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
    let result = match cli.demo {
        Some(Demo::Child { role }) => run_child(role),
        demo => run(demo),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
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
        Role::Square { n } => roles::square(n),
        Role::Jobs => roles::jobs()?,
        Role::Increment { path, n } => ipc::exercises::increment_shared(&path, n)?,
        Role::Job { job } => roles::job(job),
        Role::PoolHolder { workers } => roles::pool_holder(workers)?,
    }
    Ok(())
}

fn run(demo: Option<Demo>) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program's path")?;
    let exe = exe.as_path();
    match demo {
        Some(Demo::Memory) => demo_memory(exe),
        Some(Demo::Pipe) => demo_pipe(exe),
        Some(Demo::Channel { children }) => demo_channel(exe, children),
        Some(Demo::Deadlock { deadline_ms }) => {
            demo_deadlock(exe, Duration::from_millis(deadline_ms))
        }
        Some(Demo::Shared {
            processes,
            increments,
        }) => demo_shared(exe, processes, increments),
        Some(Demo::Bigdata { rows, workers }) => {
            let workers = workers.map(usize::from).unwrap_or_else(cores);
            demo_bigdata(exe, rows as usize, workers)
        }
        Some(Demo::Pool { workers }) => demo_pool(exe, usize::from(workers)),
        Some(Demo::Cost { count }) => demo_cost(exe, usize::from(count)),
        Some(Demo::Child { role }) => run_child(role),
        None => run_all(exe),
    }
}

fn run_all(exe: &Path) -> Result<()> {
    demo_memory(exe)?;
    demo_pipe(exe)?;
    demo_channel(exe, 4)?;
    demo_deadlock(exe, Duration::from_millis(500))?;
    demo_shared(exe, 2, 100_000)?;
    demo_bigdata(exe, 100_000, cores())?;
    demo_pool(exe, 2)?;
    demo_cost(exe, 20)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn demo_memory(exe: &Path) -> Result<()> {
    println!("\n== Processes do not share memory ==");
    let r = memory::not_shared(exe)?;
    println!(
        "[parent before] data = {:?}   ({})",
        r.parent_before, r.parent
    );
    println!("[child]         data = {:?}   ({})", r.child_data, r.child);
    println!(
        "[parent after]  data = {:?}   the child changed its own copy",
        r.parent_after_child
    );
    println!("[thread]        data += 1     ({})", r.thread);
    println!(
        "[parent after]  data = {:?}   a thread shares the parent's memory",
        r.parent_after_thread
    );
    Ok(())
}

fn demo_pipe(exe: &Path) -> Result<()> {
    println!("\n== A pipe: request and answer over the child's stdin/stdout ==");
    let (answer, pid) = pipe::send_32(exe)?;
    println!("parent sent 32, child {pid} answered {answer}");
    Ok(())
}

fn demo_channel(exe: &Path, children: u64) -> Result<()> {
    println!("\n== ipc-channel: typed messages between processes ==");
    let talk = channel::conversation(exe)?;
    println!(
        "child {} answered Add(32, 10) with Sum({})",
        talk.pid, talk.sum
    );
    println!(
        "child {} answered Shout(..) with {:?}",
        talk.pid, talk.shouted
    );
    let xs: Vec<u64> = (1..=children).collect();
    let squares = channel::queue_of_squares(exe, &xs)?;
    println!("queue of squares from {children} processes, in arrival order (unordered):");
    for s in &squares {
        println!("  {}² = {:>4}   from pid {}", s.x, s.square, s.pid);
    }
    Ok(())
}

fn demo_deadlock(exe: &Path, limit: Duration) -> Result<()> {
    println!("\n== Bounded queues deadlock across processes too ==");
    println!(
        "each message is {} bytes: one fills a pipe's buffer",
        deadlock::message_len()
    );
    for protocol in [Protocol::PutPutTake, Protocol::TakeBeforePut] {
        match deadlock::run(exe, protocol, limit)? {
            deadlock::Outcome::Finished { bytes_read } => {
                println!("{protocol:?}: finished, the parent read {bytes_read} bytes")
            }
            deadlock::Outcome::Deadlocked { after } => println!(
                "{protocol:?}: DEADLOCK detected after {after:.2?}: both sides block writing their \
                 follow-up into a full pipe, nobody reads; the child was killed"
            ),
        }
    }
    println!("fix: take before you put — read the other side's hello before writing the follow-up");
    Ok(())
}

fn demo_shared(exe: &Path, processes: u64, increments: u64) -> Result<()> {
    println!(
        "\n== Shared memory: {processes} processes × {increments} increments on one mapped counter =="
    );
    for mode in Increment::ALL {
        let r = shared::counter(exe, processes, increments, mode)?;
        println!(
            "{:>10}: counter = {:>9} (expected {}), lost updates: {:>7}  in {:.2?}",
            mode.name(),
            r.actual,
            r.expected,
            r.lost(),
            r.elapsed
        );
    }
    Ok(())
}

fn demo_bigdata(exe: &Path, rows: usize, workers: usize) -> Result<()> {
    println!(
        "\n== Big data: Z = X·Y, {} columns × {rows} rows, {workers} worker processes ==",
        bigdata::COLUMNS
    );
    let r = bigdata::run(exe, rows, bigdata::COLUMNS, workers)?;
    let line =
        |name: &str, t: Duration| println!("{name:<32} {t:>10.2?}  {:>8.0} MB/s", r.mb_per_s(t));
    line("one process", r.single);
    line("pool, copied through channels", r.copied);
    line("mapping: copy X and Y in", r.shared_setup);
    line("pool, shared through a mapping", r.shared);
    println!(
        "results equal to the one-process product: copied {}, shared {}",
        r.copied_equal, r.shared_equal
    );
    if !(r.copied_equal && r.shared_equal) {
        bail!("a multiprocess result differs from the one-process product");
    }
    Ok(())
}

fn demo_pool(exe: &Path, workers: usize) -> Result<()> {
    println!("\n== A process pool: {workers} worker processes over ipc-channel ==");
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

fn demo_cost(exe: &Path, count: usize) -> Result<()> {
    println!("\n== The cost of a process vs a thread ==");
    let c = cost::measure(exe, count)?;
    println!("{count} threads started and joined:   {:>10.2?}", c.threads);
    println!(
        "{count} processes started and reaped: {:>10.2?}",
        c.processes
    );
    println!("a process costs about {:.0}× a thread", c.ratio());
    Ok(())
}
