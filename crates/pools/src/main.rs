//! `pools`: a thread pool from scratch, the pool API, and the race of strategies.
//!
//! `pools` alone runs every demo briefly; `pools <demo> --help` shows each demo's options. Each
//! demo is a `demo` function of its topic's module; this file parses the arguments, calls it and
//! prints its report.

#[cfg(loom)]
fn main() {} // the loom build checks the job queue only (see tests/loom.rs); there is no CLI then

#[cfg(not(loom))]
fn main() -> std::process::ExitCode {
    // A process-pool worker is a copy of this binary: it must serve requests, not parse arguments.
    if let Some(served) = pools::process::run_worker() {
        return match served {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("pools worker: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    cli::main()
}

#[cfg(not(loom))]
mod cli {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use anyhow::{Context, Result};
    use clap::{Args, Parser, Subcommand};
    use pools::{big_integers, demos, granularity, monte_carlo, race, timeline};

    /// A thread pool from scratch, the multiprocessing.Pool API on it, rayon, and the race of
    /// strategies. With no command, runs every demo briefly.
    #[derive(Parser)]
    #[command(name = "pools", version)]
    struct Cli {
        #[command(subcommand)]
        demo: Option<Demo>,
    }

    #[derive(Subcommand)]
    enum Demo {
        /// The hand-made pool: execute, a panicking job, graceful drop, shutdown_now.
        Pool,
        /// map, map_async, imap, imap_unordered, submit (apply_async) + as_completed, starmap,
        /// map on processes; when to use which.
        Api,
        /// The seeds' benchmark: worker_task on 1..=50000 by every strategy, checked and timed.
        Race(RaceArgs),
        /// The seeds' `Pool(5).map(worker, range(100000))` with `n ** 1000`, against serial.
        Bigint(BigintArgs),
        /// Sum of 0..n in chunks of 100, in large chunks, and with a lock per addition.
        Granularity(GranularityArgs),
        /// Monte Carlo π on the pool with a seeded generator per worker.
        Pi(PiArgs),
        /// An SVG of every task as a bar per worker over time: threads vs processes.
        Timeline(TimelineArgs),
    }

    #[derive(Args)]
    struct RaceArgs {
        /// Runs per strategy; the best time is kept.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
        repeats: u32,
        /// Leave out the process pools.
        #[arg(long)]
        no_processes: bool,
        /// Also time the seed's own Python rows (python3, or $PYTHON; joblib's if installed).
        #[arg(long)]
        python: bool,
    }

    #[derive(Args)]
    struct BigintArgs {
        /// Raise 0..count to the 1000th power (the seed: 100000, see --full).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        count: u64,
        /// count = 100,000, as in the seed (about 200 MB of results).
        #[arg(long, conflicts_with = "count")]
        full: bool,
        /// Pool workers (the seed: 5).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
    }

    #[derive(Args)]
    struct GranularityArgs {
        /// Sum 0..n (the seeds use 1e8: see --full).
        #[arg(short, long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        n: u64,
        /// n = 100,000,000, as in the seeds (the lock-per-addition row then takes seconds).
        #[arg(long, conflicts_with = "n")]
        full: bool,
        /// Pool workers.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
    }

    #[derive(Args)]
    struct PiArgs {
        /// Points to throw.
        #[arg(long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
        samples: u64,
        /// Pool workers (one generator each).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: u16,
        /// The seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    }

    #[derive(Args)]
    struct TimelineArgs {
        /// Where to write the SVG (its folder must exist).
        #[arg(long, default_value = "timeline.svg", value_parser = in_existing_folder)]
        out: PathBuf,
        /// Threads or processes per pool.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
        workers: u16,
        /// Tasks per chart.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=200))]
        tasks: u16,
        /// Leave out the process pools.
        #[arg(long)]
        no_processes: bool,
    }

    /// Checks an output path up front, so a typo is a usage error (exit code 2), not a failure
    /// after the work is done.
    fn in_existing_folder(path: &str) -> Result<PathBuf, String> {
        let path = PathBuf::from(path);
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if path.file_name().is_none() {
            return Err(format!("{} is not a file name", path.display()));
        }
        if !folder.is_dir() {
            return Err(format!("the folder {} does not exist", folder.display()));
        }
        Ok(path)
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse(); // clap's usage errors exit with code 2
        quiet_pool_panics();
        match run(cli.demo) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        }
    }

    /// The demos make jobs panic on purpose; the pool catches those panics and reports them as
    /// values, so the default hook's message (and backtrace) on stderr would only be noise.
    fn quiet_pool_panics() {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_worker = std::thread::current()
                .name()
                .is_some_and(|name| name.starts_with("pool-worker"));
            if on_worker {
                let message = pools::JobPanicked::from_payload(info.payload()).message;
                eprintln!("  (a job panicked on a pool worker: {message}; the pool caught it)");
            } else {
                default(info);
            }
        }));
    }

    /// What `pools` alone runs.
    const TOUR: [&[&str]; 7] = [
        &["pool"],
        &["api"],
        &["race", "--repeats", "1"],
        &["bigint", "--count", "2000"],
        &["granularity"],
        &["pi", "--samples", "4000000"],
        &["timeline"],
    ];

    fn run(demo: Option<Demo>) -> Result<()> {
        let Some(demo) = demo else {
            // Every demo, briefly, in teaching order, with the arguments a student would type.
            for args in TOUR {
                run(Cli::parse_from(std::iter::once("pools").chain(args.iter().copied())).demo)?;
            }
            return Ok(());
        };
        match demo {
            Demo::Pool => print!("{}", demos::hand_made_pool()?),
            Demo::Api => print!("{}", demos::api(Some(&worker_binary()?))?),
            Demo::Race(args) => {
                let config = race::Config {
                    repeats: args.repeats,
                    processes: !args.no_processes,
                    python: args.python,
                };
                let report = race::demo(&config, Some(&worker_binary()?));
                print!("{report}");
                anyhow::ensure!(
                    report.all_correct(),
                    "a strategy failed or computed wrong results"
                );
            }
            Demo::Bigint(args) => {
                let count = if args.full { 100_000 } else { args.count };
                let report = big_integers::demo(count, args.workers.into())?;
                print!("{report}");
                anyhow::ensure!(report.same, "the pool computed different powers");
            }
            Demo::Granularity(args) => {
                let n = if args.full { 100_000_000 } else { args.n };
                let report = granularity::demo(n, args.workers.into())?;
                print!("{report}");
                anyhow::ensure!(report.all_correct(), "a sum is wrong");
            }
            Demo::Pi(args) => {
                print!(
                    "{}",
                    monte_carlo::demo(args.samples, args.workers.into(), args.seed)?
                );
            }
            Demo::Timeline(args) => {
                let config = timeline::Config {
                    out: args.out,
                    workers: args.workers.into(),
                    tasks: args.tasks.into(),
                };
                let exe = (!args.no_processes).then(worker_binary).transpose()?;
                print!("{}", timeline::demo(&config, exe.as_deref())?);
            }
        }
        Ok(())
    }

    /// This binary: the process pools run copies of it.
    fn worker_binary() -> Result<PathBuf> {
        std::env::current_exe().context("finding this binary for the process pool")
    }
}
