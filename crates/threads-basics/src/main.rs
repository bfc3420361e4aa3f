//! `threads-basics`: the demos of the first lesson. Run with no subcommand for the whole lesson,
//! or one subcommand per topic (`--help` lists them). Each demo is a `demo` function of its
//! topic's module; this file parses the arguments, calls it and prints its report.

use std::fmt::Display;
use std::io::{BufReader, IsTerminal};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use threads_basics::squares::{self, Squares};
use threads_basics::{
    Log, Pace, ThreadsError, cores, cpu_bound, daemon, io_bound, never_ending, scoped, spawning,
    timers,
};

/// Plain threads in Rust: spawn, join, deadlines, stop flags, CPU- vs I/O-bound work, scoped
/// threads, timers. With no subcommand, every demo runs briefly.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    pace: PaceArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// How long the demos sleep.
#[derive(Args, Debug, Clone, Copy)]
struct PaceArgs {
    /// Use the seeds' own durations (seconds-long sleeps) instead of 1/20 of them.
    #[arg(long, global = true, conflicts_with = "pace")]
    seed_durations: bool,
    /// Scale the seeds' durations by this factor (0 < FACTOR <= 10; default 0.05).
    #[arg(long, global = true, value_parser = parse_pace, allow_negative_numbers = true)]
    pace: Option<f64>,
}

impl PaceArgs {
    fn pace(self) -> Pace {
        match (self.seed_durations, self.pace) {
            (true, _) => Pace::seeds(),
            (false, Some(factor)) => Pace::with_factor(factor),
            (false, None) => Pace::brief(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Every demo, briefly (the default).
    All,
    /// Named workers sleeping for different times, Builder, values returned through join.
    Spawn,
    /// A thread that never ends: join with a deadline, then a stop flag.
    NeverEnding,
    /// I/O-bound work (simulated by sleeping): sequential vs one thread per task.
    Io {
        /// How many simulated requests.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
        tasks: u16,
    },
    /// CPU-bound work: the sum of sqrt over 5,000,000 numbers on 1 vs N threads; wait vs computing.
    Cpu(CpuArgs),
    /// Scoped threads borrowing local data vs move + Arc.
    Scoped {
        /// How many threads (chunks).
        #[arg(long, default_value_t = 4, value_parser = parse_threads, allow_negative_numbers = true)]
        threads: usize,
    },
    /// Unjoined ("daemon") threads when main returns, shown in a child process.
    Daemon,
    /// Square numbers while another thread waits for a line on stdin (ends on EOF).
    Squares {
        /// Stop waiting for input after this many seconds (default: wait until a line or EOF).
        #[arg(long, value_parser = parse_seconds, allow_negative_numbers = true)]
        give_up_after: Option<Duration>,
    },
    /// A cancellable one-shot timer and stoppable repeating timers.
    Timers,
    /// Logical and physical cores.
    Cores,
    /// The child process of the `daemon` demo (started by it; not for direct use).
    #[command(name = "daemon-child", hide = true)]
    DaemonChild {
        #[arg(long)]
        tick_ms: u64,
        #[arg(long)]
        lifetime_ms: u64,
    },
}

#[derive(Args, Debug, Clone, Copy)]
struct CpuArgs {
    /// Threads to split the sum over (default: the logical core count).
    #[arg(long, value_parser = parse_threads, allow_negative_numbers = true)]
    threads: Option<usize>,
    /// How many numbers to sum the square roots of.
    #[arg(long, default_value_t = cpu_bound::SEED_NUMBERS,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
    numbers: u64,
    /// Runs of each variant; the fastest counts (the first run pays for warming up).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
}

impl Default for CpuArgs {
    fn default() -> Self {
        Self {
            threads: None,
            numbers: cpu_bound::SEED_NUMBERS,
            repeat: 3,
        }
    }
}

/// A thread count: 1 to 1024.
fn parse_threads(text: &str) -> Result<usize, String> {
    let n: i64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of threads"))?;
    match n {
        ..=0 => Err(format!("the number of threads must be at least 1, got {n}")),
        1..=1024 => Ok(n as usize),
        _ => Err(format!(
            "{n} threads is too many for this demo (at most 1024)"
        )),
    }
}

/// A duration in seconds: a number from 0 to 3600.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!(
            "a duration cannot be negative or infinite, got {text}"
        ));
    }
    if secs > 3600.0 {
        return Err(format!("{secs} s is more than an hour; pick at most 3600"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A pace factor: above 0, at most 10.
fn parse_pace(text: &str) -> Result<f64, String> {
    let factor: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if !factor.is_finite() || factor <= 0.0 || factor > 10.0 {
        return Err(format!(
            "the pace must be above 0 and at most 10, got {text}"
        ));
    }
    Ok(factor)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::All), cli.pace.pace()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, pace: Pace) -> Result<()> {
    let log = Log::printing();
    match command {
        Command::All => all(pace),
        Command::Spawn => show("Spawning and joining named threads", || {
            spawning::demo(pace, &log)
        }),
        Command::NeverEnding => show("A thread that never ends", || {
            never_ending::demo(pace, &log)
        }),
        Command::Io { tasks } => show("I/O-bound work: sequential vs one thread per task", || {
            io_bound::demo(pace, usize::from(tasks), &log)
        }),
        Command::Cpu(args) => show("CPU-bound work: sum of sqrt, 1 thread vs N", || {
            cpu_bound::demo(pace, args.threads, args.numbers, args.repeat)
        }),
        Command::Scoped { threads } => {
            show("Scoped threads vs move + Arc", || scoped::demo(threads))
        }
        Command::Daemon => {
            let exe =
                std::env::current_exe().context("finding this program to start it as a child")?;
            show("Unjoined (\"daemon\") threads when main returns", || {
                daemon::demo(&exe, pace)
            })
        }
        Command::Squares { give_up_after } => show("Squares while you type", || {
            squares_from_stdin(give_up_after)
        }),
        Command::Timers => show("Timers", || timers::demo(pace, &log)),
        Command::Cores => show("Cores", || Ok::<_, ThreadsError>(cores::cores())),
        Command::DaemonChild {
            tick_ms,
            lifetime_ms,
        } => {
            daemon::child_main(
                Duration::from_millis(tick_ms),
                Duration::from_millis(lifetime_ms),
            );
            Ok(())
        }
    }
}

/// No subcommand: every demo, briefly.
fn all(pace: Pace) -> Result<()> {
    println!(
        "threads-basics: every demo, with the seeds' sleeps scaled by {} (--seed-durations for the real ones)",
        pace.factor()
    );
    for command in [
        Command::Cores,
        Command::Spawn,
        Command::NeverEnding,
        Command::Io { tasks: 5 },
        Command::Cpu(CpuArgs::default()),
        Command::Scoped { threads: 4 },
        Command::Daemon,
        // With a terminal on stdin, give the reader a few seconds; piped or closed input ends by itself.
        Command::Squares {
            give_up_after: Some(Duration::from_secs(5)),
        },
        Command::Timers,
    ] {
        run(command, pace)?;
    }
    println!("\nThat was the whole lesson. Each demo has its own subcommand: --help lists them.");
    Ok(())
}

/// Prints a demo's title, runs it (its threads narrate as they go) and prints its report.
fn show<R: Display>(title: &str, demo: impl FnOnce() -> Result<R, ThreadsError>) -> Result<()> {
    println!("\n=== {title} ===");
    print!("{}", demo()?);
    Ok(())
}

/// The squares demo on this process's standard input, with a word for whoever is at the keyboard.
fn squares_from_stdin(give_up_after: Option<Duration>) -> Result<Squares, ThreadsError> {
    if std::io::stdin().is_terminal() {
        println!("Enter something (Enter to finish):");
    } else {
        println!("(stdin is not a terminal: reading one line from it, or EOF)");
    }
    squares::squares_while_reading(BufReader::new(std::io::stdin()), give_up_after)
}
