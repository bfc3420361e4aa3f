//! `pools`: a thread pool from scratch, the pool API, and the race of strategies.
//!
//! `pools` alone runs every demo briefly; `pools <demo> --help` shows each demo's options.

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
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result};
    use clap::{Args, Parser, Subcommand};
    use pools::race::{RaceRow, Strategy};
    use pools::tasks::TaskKind;
    use pools::timeline::{self, Panel};
    use pools::{ThreadPool, collatz, demos, granularity, monte_carlo};

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
        /// map, map_async, imap, imap_unordered, submit + as_completed, starmap, map on processes;
        /// when to use which.
        Api,
        /// The seeds' benchmark: worker_task on 1..=50000 by every strategy, checked and timed.
        Race(RaceArgs),
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

    fn run(demo: Option<Demo>) -> Result<()> {
        match demo {
            Some(Demo::Pool) => demos::hand_made_pool(),
            Some(Demo::Api) => api()?,
            Some(Demo::Race(args)) => race(&args)?,
            Some(Demo::Granularity(args)) => granularity(&args)?,
            Some(Demo::Pi(args)) => pi(&args)?,
            Some(Demo::Timeline(args)) => timeline(&args)?,
            None => {
                demos::hand_made_pool();
                api()?;
                race(&RaceArgs {
                    repeats: 1,
                    no_processes: false,
                })?;
                granularity(&GranularityArgs {
                    n: 10_000_000,
                    full: false,
                    workers: 4,
                })?;
                pi(&PiArgs {
                    samples: 4_000_000,
                    workers: 4,
                    seed: 42,
                })?;
                timeline(&TimelineArgs {
                    out: "timeline.svg".into(),
                    workers: 4,
                    tasks: 8,
                    no_processes: false,
                })?;
            }
        }
        Ok(())
    }

    fn api() -> Result<()> {
        let exe = std::env::current_exe().context("finding this binary for the process pool")?;
        Ok(demos::api(Some(&exe))?)
    }

    fn race(args: &RaceArgs) -> Result<()> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        println!("=== The race: worker_task (1000 Collatz steps) on 1..=50000, {cores} cores ===");
        println!(
            "best of {} run(s); times include starting threads, pools and processes",
            args.repeats
        );
        let exe = std::env::current_exe().context("finding this binary for the process pool")?;
        let strategies: Vec<Strategy> = Strategy::lineup()
            .into_iter()
            .filter(|s| !(args.no_processes && matches!(s, Strategy::Processes(_))))
            .collect();
        println!(
            "{:<40} {:>10} {:>8} {:>10}  ok  checksum",
            "strategy", "time", "speedup", "efficiency"
        );
        let mut sequential = None;
        pools::race::race(
            &strategies,
            collatz::inputs(),
            args.repeats as usize,
            Some(&exe),
            |row| {
                if let (Strategy::Sequential, Ok(run)) = (row.strategy, &row.outcome) {
                    sequential = Some(run.time);
                }
                print_row(row, sequential.unwrap_or(Duration::ZERO), cores);
            },
        );
        println!("speedup = sequential time / time; efficiency = speedup / min(workers, cores)");
        println!("the checksum (sum of the results) is the same in the seeds' Python\n");
        Ok(())
    }

    fn print_row(row: &RaceRow, sequential: Duration, cores: usize) {
        let name = row.strategy.to_string();
        match &row.outcome {
            Ok(run) => println!(
                "{name:<40} {:>8.1}ms {:>7.2}x {:>9.0}%  {}   {}",
                run.time.as_secs_f64() * 1e3,
                row.speedup(sequential).unwrap_or(0.0),
                row.efficiency(sequential, cores).unwrap_or(0.0) * 100.0,
                if run.correct { "✓" } else { "✗" },
                run.checksum
            ),
            Err(err) => println!("{name:<40} failed: {err}"),
        }
    }

    fn granularity(args: &GranularityArgs) -> Result<()> {
        let n = if args.full { 100_000_000 } else { args.n };
        let pool = ThreadPool::new(args.workers.into())?;
        println!(
            "=== Granularity: the sum of 0..{n} on a pool of {} workers ===",
            args.workers
        );
        let expected = granularity::expected(n);
        let row = |name: &str, run: &dyn Fn() -> u64| {
            let started = Instant::now();
            let sum = run();
            let ok = if sum == expected { "✓" } else { "✗" };
            println!(
                "{name:<42} {sum:>16} {ok} {:>9.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        };
        row("sequential loop", &|| granularity::sequential(n));
        row(
            &format!(
                "pool, chunks of {} ({} jobs)",
                granularity::SMALL_CHUNK,
                n.div_ceil(100)
            ),
            &|| granularity::pool_chunks(&pool, n, granularity::SMALL_CHUNK),
        );
        row(
            &format!("pool, one chunk per worker ({} jobs)", args.workers),
            &|| granularity::pool_large_chunks(&pool, n),
        );
        row("pool, chunks of 100, a LOCK per addition", &|| {
            granularity::lock_per_addition(&pool, n)
        });
        row("pool, chunks of 100, an ATOMIC per add", &|| {
            granularity::atomic_per_addition(&pool, n)
        });
        println!(
            "a job costs a trip through the queue; a shared lock or atomic costs a cache line"
        );
        println!("that every core fights over. Cut work into few, large, independent pieces.\n");
        Ok(())
    }

    fn pi(args: &PiArgs) -> Result<()> {
        println!(
            "=== Monte Carlo π: {} points, seed {} ===",
            args.samples, args.seed
        );
        let started = Instant::now();
        let one = monte_carlo::sequential(args.samples, args.seed);
        println!(
            "one thread:          π ≈ {:.6} in {:.0} ms",
            one.pi(),
            started.elapsed().as_secs_f64() * 1e3
        );
        let pool = ThreadPool::new(args.workers.into())?;
        let started = Instant::now();
        let first = monte_carlo::on_pool(&pool, args.samples, args.seed);
        let time = started.elapsed();
        let again = monte_carlo::on_pool(&pool, args.samples, args.seed);
        println!(
            "pool of {} workers: π ≈ {:.6} in {:.0} ms; run again: {:.6} ({})",
            args.workers,
            first.pi(),
            time.as_secs_f64() * 1e3,
            again.pi(),
            if first == again {
                "the same: one seeded generator per worker"
            } else {
                "DIFFERENT"
            }
        );
        println!(
            "(a different worker count splits the draws differently: a slightly different estimate)\n"
        );
        Ok(())
    }

    fn timeline(args: &TimelineArgs) -> Result<()> {
        let workers = usize::from(args.workers);
        let tasks = usize::from(args.tasks);
        let cpu = TaskKind::Cpu {
            iterations: 2_000_000,
        };
        let sleep = TaskKind::Sleep { millis: 50 };
        println!("=== Timeline: {tasks} tasks on {workers} workers, threads vs processes ===");
        let mut panels = vec![
            Panel {
                title: format!("CPU-bound, {workers} threads"),
                spans: timeline::on_threads(cpu, workers, tasks)?,
            },
            Panel {
                title: format!("CPU-bound, {workers} work-stealing threads"),
                spans: timeline::on_stealing(cpu, workers, tasks)?,
            },
            Panel {
                title: format!("sleep-bound, {workers} threads"),
                spans: timeline::on_threads(sleep, workers, tasks)?,
            },
        ];
        if !args.no_processes {
            let exe =
                std::env::current_exe().context("finding this binary for the process pool")?;
            let mut pool = pools::process::start(workers, &exe)?;
            panels.insert(
                2,
                Panel {
                    title: format!("CPU-bound, {workers} processes"),
                    spans: timeline::on_processes(&mut pool, cpu, tasks)?,
                },
            );
            panels.push(Panel {
                title: format!("sleep-bound, {workers} processes"),
                spans: timeline::on_processes(&mut pool, sleep, tasks)?,
            });
        }
        for panel in &panels {
            println!(
                "  {:<36} average task time {:.3} s",
                panel.title,
                timeline::mean_task_seconds(&panel.spans)
            );
        }
        timeline::write_svg(&panels, &args.out)
            .with_context(|| format!("writing {}", args.out.display()))?;
        println!(
            "wrote {} (one row per worker, one bar per task)\n",
            args.out.display()
        );
        Ok(())
    }
}
