//! `sync`: races, locks, deadlocks and the primitives. `sync` alone runs every demo briefly;
//! `sync <demo> --help` shows a demo's options. Each demo is a `demo` function of its topic's
//! module; this file parses the arguments, calls it and prints its report.

// Under `--cfg loom` (the model-checking build) the library holds only the Semaphore and Event and
// the command line's crates are left out, so the binary is empty; otherwise it is `cli` below.
#[cfg(loom)]
fn main() {}

#[cfg(not(loom))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(loom))]
mod cli {
    use std::process::ExitCode;
    use std::time::Duration;

    use anyhow::Result;
    use clap::{Parser, Subcommand, ValueEnum};
    use sync::philosophers::{Config, Strategy};
    use sync::{bank, join_deadlock, philosophers, primitives, queues, races, tour};

    #[derive(Parser)]
    #[command(
        version,
        about = "Lesson: synchronization between threads (races, locks, deadlocks, primitives)"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Option<Command>,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Lost updates and check-then-act, and their fixes (fetch_add, CAS, Mutex).
        Races {
            /// Increments per thread.
            #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
            increments: u64,
            /// Threads.
            #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
            threads: u64,
        },
        /// Husband and wife withdraw 90 from 100: the overdraw counted, the lock, BankAccount.
        Bank {
            /// Trials of the race.
            #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
            trials: u32,
        },
        /// Dining philosophers: naive (deadlocks, detected), ordered forks, arbitrator.
        Philosophers {
            /// Which strategy to run.
            #[arg(long, value_enum, default_value_t = StrategyArg::All)]
            strategy: StrategyArg,
            /// How long each dinner lasts, in seconds.
            #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
            seconds: f64,
            /// How many philosophers (at least 2).
            #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..=64))]
            philosophers: u64,
        },
        /// Mutex and guards, re-entrant lock, RwLock, Condvar, Barrier, atomics, Semaphore, Event.
        Primitives {
            /// Permits of the semaphore demo (at least 1).
            #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
            permits: u64,
            /// Workers of the semaphore demo.
            #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u64).range(1..=256))]
            workers: u64,
        },
        /// Producer/consumer over a bounded channel, shutdown by closing, task_done/join.
        Queues {
            /// Items to send.
            #[arg(long, default_value_t = 12)]
            items: u64,
            /// Queue capacity (at least 1).
            #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
            capacity: u64,
            /// Consumer threads (at least 1).
            #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=256))]
            consumers: u64,
        },
        /// Two threads that wait for each other (join and channels), detected with a deadline.
        JoinDeadlock {
            /// How long to wait before calling it a deadlock, in seconds.
            #[arg(long, default_value_t = 1.0, value_parser = positive_seconds)]
            deadline: f64,
        },
    }

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    enum StrategyArg {
        Naive,
        Ordered,
        Arbitrator,
        All,
    }

    impl StrategyArg {
        fn strategies(self) -> Vec<Strategy> {
            match self {
                StrategyArg::Naive => vec![Strategy::Naive],
                StrategyArg::Ordered => vec![Strategy::Ordered],
                StrategyArg::Arbitrator => vec![Strategy::Arbitrator],
                StrategyArg::All => Strategy::ALL.to_vec(),
            }
        }
    }

    fn positive_seconds(s: &str) -> Result<f64, String> {
        let v: f64 = s.parse().map_err(|e| format!("not a number: {e}"))?;
        if v.is_finite() && v > 0.0 && v <= 3600.0 {
            Ok(v)
        } else {
            Err("must be more than 0 and at most 3600 seconds".into())
        }
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match run(cli.command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        }
    }

    fn run(command: Option<Command>) -> Result<()> {
        let Some(command) = command else {
            // Every demo, briefly, each printed as soon as it has run.
            let elapsed = tour::run(|report| println!("{report}"))?;
            println!("every demo ran in {:.1} s", elapsed.as_secs_f64());
            return Ok(());
        };
        match command {
            Command::Races {
                increments,
                threads,
            } => print!("{}", races::demo(threads as usize, increments)),
            Command::Bank { trials } => print!("{}", bank::demo(trials)),
            Command::Philosophers {
                strategy,
                seconds,
                philosophers,
            } => {
                let config = Config {
                    philosophers: philosophers as usize,
                    duration: Duration::from_secs_f64(seconds),
                    ..Config::default()
                };
                print!("{}", philosophers::demo(&strategy.strategies(), &config)?);
            }
            Command::Primitives { permits, workers } => {
                print!("{}", primitives::demo(permits as usize, workers as usize));
            }
            Command::Queues {
                items,
                capacity,
                consumers,
            } => print!(
                "{}",
                queues::demo(items, capacity as usize, consumers as usize)
            ),
            Command::JoinDeadlock { deadline } => {
                print!("{}", join_deadlock::demo(Duration::from_secs_f64(deadline)));
            }
        }
        Ok(())
    }
}
