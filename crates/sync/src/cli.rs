//! The command line: one subcommand per demo.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use sync::philosophers::{self, Config, Detector, Outcome, Strategy};
use sync::{bank, join_deadlock, primitives, queues, races};

#[derive(Parser)]
#[command(
    version,
    about = "Lesson: synchronization between threads (races, locks, deadlocks, primitives)"
)]
struct Cli {
    #[command(subcommand)]
    demo: Option<Demo>,
}

#[derive(Subcommand)]
enum Demo {
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

fn positive_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("not a number: {e}"))?;
    if v.is_finite() && v > 0.0 && v <= 3600.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 3600 seconds".into())
    }
}

fn say(line: String) {
    println!("  {line}");
}

/// Parses the arguments and runs the chosen demo (all of them briefly without a subcommand).
pub fn main() -> Result<()> {
    match Cli::parse().demo {
        Some(demo) => run(demo),
        None => run_all(),
    }
}

/// Every demo, briefly.
fn run_all() -> Result<()> {
    let started = Instant::now();
    for demo in [
        Demo::Races {
            increments: 200_000,
            threads: 2,
        },
        Demo::Bank { trials: 100 },
        Demo::Philosophers {
            strategy: StrategyArg::All,
            seconds: 1.5,
            philosophers: 5,
        },
        Demo::Primitives {
            permits: 2,
            workers: 6,
        },
        Demo::Queues {
            items: 12,
            capacity: 3,
            consumers: 3,
        },
        Demo::JoinDeadlock { deadline: 0.5 },
    ] {
        run(demo)?;
        println!();
    }
    println!("every demo ran in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn run(demo: Demo) -> Result<()> {
    match demo {
        Demo::Races {
            increments,
            threads,
        } => demo_races(threads as usize, increments),
        Demo::Bank { trials } => demo_bank(trials),
        Demo::Philosophers {
            strategy,
            seconds,
            philosophers,
        } => demo_philosophers(
            strategy,
            Duration::from_secs_f64(seconds),
            philosophers as usize,
        )?,
        Demo::Primitives { permits, workers } => {
            demo_primitives(permits as usize, workers as usize)
        }
        Demo::Queues {
            items,
            capacity,
            consumers,
        } => demo_queues(items, capacity as usize, consumers as usize),
        Demo::JoinDeadlock { deadline } => demo_join_deadlock(Duration::from_secs_f64(deadline)),
    }
    Ok(())
}

fn demo_races(threads: usize, increments: u64) {
    println!("== races: {threads} threads × {increments} increments");
    println!("(the unsynchronized `global counter` does not compile in Rust: see the README)");
    let show = |name: &str, r: races::CountReport| {
        println!(
            "  {name:<28} expected {:>10}, got {:>10}, lost {:>9}",
            r.expected,
            r.actual,
            r.lost()
        );
    };
    show(
        "load + store (racy)",
        races::lost_update(threads, increments),
    );
    show("fetch_add", races::fetch_add_count(threads, increments));
    show("Mutex", races::mutex_count(threads, increments));
    let trials = 300;
    println!("  check-then-act, two threads withdraw 90 from 100, {trials} trials:");
    for (name, how) in [
        ("check, then act (racy)", races::Withdrawal::CheckThenAct),
        ("compare-and-swap", races::Withdrawal::CompareAndSwap),
        ("Mutex", races::Withdrawal::Locked),
    ] {
        println!(
            "  {name:<28} overdrawn in {:>4} trials",
            races::check_then_act(trials, how)
        );
    }
}

fn demo_bank(trials: u32) {
    println!("== bank: husband and wife each withdraw 90 from 100");
    let window = Duration::from_millis(1);
    for (name, mode) in [
        ("lock each access (racy)", bank::Mode::LockEachAccess),
        ("lock the whole withdrawal", bank::Mode::LockWholeWithdrawal),
    ] {
        let one = bank::husband_and_wife(mode, window);
        println!("  {name}:");
        for (who, ok) in bank::NAMES.iter().zip(one.succeeded) {
            println!(
                "    {who} {}",
                if ok {
                    "withdrew 90"
                } else {
                    "was refused: insufficient funds"
                }
            );
        }
        println!("    final balance: {}", one.final_balance);
        let report = bank::count_overdrafts(mode, window, trials);
        println!(
            "    overdrawn in {} of {} trials",
            report.overdrawn, report.trials
        );
    }
    let account = bank::BankAccount::new(100);
    let other = bank::BankAccount::new(0);
    println!("  BankAccount (lock hidden inside):");
    println!(
        "    withdraw 100 of 100 -> {:?} (the seeds' `>=` wrongly refused this)",
        account.withdraw(100)
    );
    println!(
        "    withdraw 1 more     -> {}",
        account
            .withdraw(1)
            .map_or_else(|e| e.to_string(), |b| b.to_string())
    );
    let _ = account.deposit(50);
    // Opposite transfers at once: lock ordering keeps them from deadlocking.
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..1000 {
                let _ = bank::BankAccount::transfer(&account, &other, 1);
            }
        });
        s.spawn(|| {
            for _ in 0..1000 {
                let _ = bank::BankAccount::transfer(&other, &account, 1);
            }
        });
    });
    println!(
        "    2000 opposite transfers, no deadlock; balances {} + {} = {} (was 50)",
        account.balance(),
        other.balance(),
        account.balance() + other.balance()
    );
}

fn demo_philosophers(strategy: StrategyArg, duration: Duration, n: usize) -> Result<()> {
    let strategies = match strategy {
        StrategyArg::Naive => vec![Strategy::Naive],
        StrategyArg::Ordered => vec![Strategy::Ordered],
        StrategyArg::Arbitrator => vec![Strategy::Arbitrator],
        StrategyArg::All => vec![Strategy::Naive, Strategy::Ordered, Strategy::Arbitrator],
    };
    let config = Config {
        philosophers: n,
        duration,
        ..Config::default()
    };
    for s in strategies {
        println!(
            "== philosophers: {} strategy, {n} philosophers, up to {:.1} s",
            s.name(),
            duration.as_secs_f64()
        );
        let outcome = philosophers::dine(s, &config)?;
        report_dinner(&outcome);
    }
    Ok(())
}

fn report_dinner(outcome: &Outcome) {
    match outcome {
        Outcome::Finished { meals } => {
            println!("  no deadlock. meals per philosopher: {meals:?}");
            println!(
                "  total {}, spread (max - min) {} — fairness is not guaranteed, only progress",
                meals.iter().sum::<u64>(),
                philosophers::spread(meals)
            );
        }
        Outcome::Deadlock {
            detected_by,
            meals,
            waits,
            threads_in_cycle,
        } => {
            match detected_by {
                Detector::ParkingLot => println!(
                    "  DEADLOCK detected by parking_lot's deadlock detector: {threads_in_cycle} threads in a cycle"
                ),
                Detector::Watchdog => {
                    println!("  DEADLOCK detected by the progress watchdog: nobody ate for a while")
                }
            }
            for w in waits {
                let fork =
                    |f: Option<usize>| f.map_or("nothing".to_string(), |f| format!("fork {f}"));
                let by = w
                    .wanted_is_held_by
                    .map_or(String::new(), |p| format!(", held by philosopher {p}"));
                println!(
                    "    philosopher {} holds {} and waits for {}{by}",
                    w.philosopher,
                    fork(w.holds),
                    fork(w.wants)
                );
            }
            if let Some(cycle) = philosophers::cycle(waits) {
                let path: Vec<String> = cycle.iter().map(ToString::to_string).collect();
                println!("  wait cycle: {}", path.join(" → "));
            }
            println!("  meals before the deadlock: {meals:?}");
            println!("  (the deadlocked threads stay blocked forever; they end with the process)");
        }
    }
}

fn demo_primitives(permits: usize, workers: usize) {
    println!("== primitives");
    println!("-- Mutex and its guard (`with lock:`)");
    let names = primitives::mutex_and_guard(&say);
    println!("  final list: {names:?}");
    println!("-- re-entrant lock vs plain Mutex");
    primitives::reentrancy(&say);
    println!("-- RwLock: many readers at once, then one writer");
    let (peak, value) = primitives::rwlock(3, &say);
    println!("  readers inside at once: {peak}; value after the write: {value}");
    println!("-- Condvar: sleep until told");
    println!("  the worker answered {}", primitives::condvar(&say));
    println!("-- Barrier: nobody starts phase 2 before everyone finished phase 1");
    primitives::barrier(3, &say);
    println!("-- atomics");
    primitives::atomics(4, &say);
    println!("-- hand-made Semaphore({permits}), {workers} workers");
    let peak = primitives::semaphore(permits, workers, &say);
    println!("  at most {peak} workers were inside at once");
    println!("-- hand-made Event stops two timer threads");
    let hellos =
        primitives::event_timers(Duration::from_millis(100), Duration::from_millis(350), &say);
    println!("  {hellos} hellos, then both timers stopped at once");
}

fn demo_queues(items: u64, capacity: usize, consumers: usize) {
    println!("== queues: {items} items, capacity {capacity}, {consumers} consumers");
    let taken = queues::producer_consumer(items, capacity, consumers, &say);
    for w in 0..consumers {
        let mine: Vec<u64> = taken
            .iter()
            .filter(|t| t.worker == w)
            .map(|t| t.item)
            .collect();
        println!("  consumer-{w} took {mine:?}");
    }
    println!("-- task_done / join with a WaitGroup");
    let r = queues::task_done_join(items, consumers, &say);
    println!(
        "  at join: {} of {items} processed, {} workers alive",
        r.processed_at_join, r.workers_alive_at_join
    );
}

fn demo_join_deadlock(deadline: Duration) {
    println!("== join deadlock: thread-1 joins thread-2, thread-2 joins thread-1");
    explain(join_deadlock::join_cycle(deadline, &say), deadline);
    println!("-- the same cycle with two channels");
    explain(join_deadlock::channel_cycle(deadline, &say), deadline);
}

fn explain(outcome: join_deadlock::CycleOutcome, deadline: Duration) {
    match outcome {
        join_deadlock::CycleOutcome::Finished => println!("  both finished (no deadlock)"),
        join_deadlock::CycleOutcome::Deadlocked { waits, broken } => {
            println!(
                "  DEADLOCK: neither finished within {:.1} s. The wait cycle:",
                deadline.as_secs_f64()
            );
            for w in &waits {
                println!("    {w}");
            }
            println!("  each waits for the other to act first, so neither ever does");
            if broken {
                println!(
                    "  the main thread broke the cycle from outside; both threads then finished"
                );
            } else {
                println!(
                    "  nothing can wake a join: the two threads stay blocked until the process ends"
                );
            }
        }
    }
}
