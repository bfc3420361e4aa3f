//! The dining philosophers: N philosophers around a table, one fork between each pair; a
//! philosopher needs both neighbouring forks to eat.
//!
//! - [`Strategy::Naive`]: take the left fork, then the right one. If all philosophers take their
//!   left fork at the same moment, each waits for a right fork its neighbour holds: a cycle of
//!   waits, a **deadlock**. The demo does not hang: parking_lot's deadlock detector (feature
//!   `deadlock_detection`, polled by [`dine`]) reports the cycle, and a progress watchdog (no meal
//!   for a while) catches it too should the detector miss it. The deadlocked threads can never be
//!   woken (a thread blocked on a lock cannot be cancelled), so [`dine`] leaves them blocked and
//!   returns; a process that ends takes them with it.
//! - [`Strategy::Ordered`]: every philosopher takes the lower-numbered fork first. The last
//!   philosopher then reaches for fork 0 before fork N-1, so the waits can never close a circle.
//! - [`Strategy::Arbitrator`]: a [`Semaphore`] admits at most N-1 philosophers to the table; with
//!   one seat empty, someone can always take both forks.
//!
//! Each strategy reports the meals per philosopher and their spread: no deadlock does not mean
//! fair.
//!
//! The code reads in that order: the table and a philosopher's loop, the dinner that seats them,
//! then the machinery that notices a deadlock, and last the demo's report.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::event::Event;
use crate::semaphore::Semaphore;

/// How a philosopher picks up forks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Left fork, then right fork: deadlocks.
    Naive,
    /// Lower-numbered fork first: no cycle of waits, no deadlock.
    Ordered,
    /// A semaphore seats at most N-1 philosophers: no deadlock.
    Arbitrator,
}

impl Strategy {
    /// Every strategy, in the order the demo runs them.
    pub const ALL: [Strategy; 3] = [Strategy::Naive, Strategy::Ordered, Strategy::Arbitrator];

    /// The strategy's name, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Naive => "naive",
            Strategy::Ordered => "ordered",
            Strategy::Arbitrator => "arbitrator",
        }
    }
}

/// How long the dinner lasts and how long each step takes.
#[derive(Debug, Clone)]
pub struct Config {
    /// How many philosophers (and forks); at least 2.
    pub philosophers: usize,
    /// How long the dinner runs (if nothing deadlocks).
    pub duration: Duration,
    /// How long a meal lasts; the pause between the first and the second fork is the same, and
    /// thinking lasts up to twice that.
    pub eat: Duration,
    /// No meal at all for this long means the table is stuck (the watchdog's fallback).
    pub stall: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            philosophers: 5,
            duration: Duration::from_secs(2),
            eat: Duration::from_millis(5),
            stall: Duration::from_secs(2),
        }
    }
}

/// Why a dinner could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhilosophersError {
    /// Fewer than two philosophers: one philosopher has one fork and can never eat.
    #[error(
        "need at least 2 philosophers, got {0} (with one fork per philosopher, one alone can never eat)"
    )]
    TooFew(usize),
}

// -------------------------------------------------------------- the table and the philosophers

const NONE: usize = usize::MAX;

/// What every philosopher thread shares.
struct Table {
    forks: Vec<Mutex<()>>,
    arbitrator: Semaphore,
    stop: Event,
    meals: Vec<AtomicU64>,
    /// For the report: the fork each philosopher holds / waits for (`NONE` if none).
    holding: Vec<AtomicUsize>,
    waiting: Vec<AtomicUsize>,
}

/// One philosopher's life: eat and think until the dinner stops.
fn philosopher(i: usize, strategy: Strategy, table: &Table, start: &Barrier, eat: Duration) {
    let n = table.forks.len();
    let (left, right) = (i, (i + 1) % n);
    let (first, second) = match strategy {
        Strategy::Naive | Strategy::Arbitrator => (left, right),
        Strategy::Ordered => (left.min(right), left.max(right)),
    };
    // A tiny per-philosopher random generator (xorshift) for thinking times: deterministic, and
    // different for each philosopher so they drift out of lockstep.
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64 ^ (i as u64 + 1);
    start.wait();
    while !table.stop.is_set() {
        // The arbitrator's permit is held for the whole meal and given back when it drops.
        let _seat = (strategy == Strategy::Arbitrator).then(|| table.arbitrator.acquire());
        table.waiting[i].store(first, Ordering::SeqCst);
        let _first = table.forks[first].lock();
        table.holding[i].store(first, Ordering::SeqCst);
        table.waiting[i].store(second, Ordering::SeqCst);
        thread::sleep(eat); // reaching for the second fork: the window the naive deadlock needs
        let _second = table.forks[second].lock();
        table.waiting[i].store(NONE, Ordering::SeqCst);
        thread::sleep(eat);
        table.meals[i].fetch_add(1, Ordering::Relaxed);
        table.holding[i].store(NONE, Ordering::SeqCst);
        drop((_second, _first, _seat));
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        thread::sleep(eat * (seed % 3) as u32); // thinking
    }
}

/// Runs a dinner with `strategy`; returns when the time is up or a deadlock is detected.
pub fn dine(strategy: Strategy, config: &Config) -> Result<Outcome, PhilosophersError> {
    let n = config.philosophers;
    if n < 2 {
        return Err(PhilosophersError::TooFew(n));
    }
    let table = Arc::new(Table {
        forks: (0..n).map(|_| Mutex::new(())).collect(),
        arbitrator: Semaphore::new(n - 1),
        stop: Event::new(),
        meals: (0..n).map(|_| AtomicU64::new(0)).collect(),
        holding: (0..n).map(|_| AtomicUsize::new(NONE)).collect(),
        waiting: (0..n).map(|_| AtomicUsize::new(NONE)).collect(),
    });
    let start = Arc::new(Barrier::new(n));
    // Plain (not scoped) threads: a deadlocked philosopher can never be joined, and a scope would
    // wait for it forever.
    let handles: Vec<JoinHandle<()>> = (0..n)
        .map(|i| {
            let (table, start, eat) = (Arc::clone(&table), Arc::clone(&start), config.eat);
            thread::Builder::new()
                .name(format!("philosopher-{i}"))
                .spawn(move || philosopher(i, strategy, &table, &start, eat))
                .expect("spawning a philosopher")
        })
        .collect();
    let ours: Vec<ThreadId> = handles.iter().map(|h| h.thread().id()).collect();

    let outcome = watch(&table, &ours, config);
    table.stop.set();
    if matches!(outcome, Outcome::Finished { .. }) {
        for h in handles {
            // A philosopher's loop has nothing that panics; if one did, its meals are still counted.
            let _ = h.join();
        }
    }
    Ok(outcome)
}

// ----------------------------------------------- noticing a deadlock instead of waiting for it

/// Who noticed the deadlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detector {
    /// parking_lot's deadlock detector found a cycle in the wait-for graph of its locks.
    ParkingLot,
    /// No philosopher ate for [`Config::stall`]: the progress watchdog gave up.
    Watchdog,
}

/// One philosopher's place in a deadlock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// The philosopher.
    pub philosopher: usize,
    /// The fork held, if any.
    pub holds: Option<usize>,
    /// The fork waited for, if any.
    pub wants: Option<usize>,
    /// Who holds the wanted fork.
    pub wanted_is_held_by: Option<usize>,
}

/// How a dinner ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The dinner ran its time; meals per philosopher.
    Finished {
        /// Meals eaten, by philosopher.
        meals: Vec<u64>,
    },
    /// The philosophers deadlocked.
    Deadlock {
        /// Who noticed.
        detected_by: Detector,
        /// Meals eaten before the deadlock, by philosopher.
        meals: Vec<u64>,
        /// Each philosopher's held and wanted fork at the time.
        waits: Vec<Wait>,
        /// How many threads parking_lot reported in the cycle (0 if the watchdog found it).
        threads_in_cycle: usize,
    },
}

impl Outcome {
    /// Meals eaten, by philosopher.
    pub fn meals(&self) -> &[u64] {
        match self {
            Outcome::Finished { meals } | Outcome::Deadlock { meals, .. } => meals,
        }
    }
}

/// Polls for a deadlock until the dinner's time is up.
fn watch(table: &Table, ours: &[ThreadId], config: &Config) -> Outcome {
    let started = Instant::now();
    let (mut last_total, mut last_progress) = (0, Instant::now());
    let poll = Duration::from_millis(100);
    while started.elapsed() < config.duration {
        thread::sleep(poll.min(config.duration.saturating_sub(started.elapsed())));
        let in_cycle = parking_lot_cycle(ours);
        if in_cycle > 0 {
            return deadlock(table, Detector::ParkingLot, in_cycle);
        }
        let total: u64 = meals(table).iter().sum();
        if total != last_total {
            (last_total, last_progress) = (total, Instant::now());
        } else if last_progress.elapsed() >= config.stall {
            return deadlock(table, Detector::Watchdog, 0);
        }
    }
    Outcome::Finished {
        meals: meals(table),
    }
}

/// How many of our threads parking_lot's detector reports as deadlocked (0: none).
fn parking_lot_cycle(ours: &[ThreadId]) -> usize {
    parking_lot::deadlock::check_deadlock()
        .iter()
        .map(|cycle| {
            cycle
                .iter()
                .filter(|t| ours.contains(&t.thread_id()))
                .count()
        })
        .sum()
}

/// The meals so far, by philosopher.
fn meals(table: &Table) -> Vec<u64> {
    table
        .meals
        .iter()
        .map(|m| m.load(Ordering::Relaxed))
        .collect()
}

/// The deadlock as it stands: who holds and who wants which fork.
fn deadlock(table: &Table, detected_by: Detector, threads_in_cycle: usize) -> Outcome {
    let load = |v: &AtomicUsize| Some(v.load(Ordering::SeqCst)).filter(|&f| f != NONE);
    let holder = |fork: usize| table.holding.iter().position(|h| load(h) == Some(fork));
    let waits = (0..table.forks.len())
        .map(|p| {
            let wants = load(&table.waiting[p]);
            Wait {
                philosopher: p,
                holds: load(&table.holding[p]),
                wants,
                wanted_is_held_by: wants.and_then(holder),
            }
        })
        .collect();
    Outcome::Deadlock {
        detected_by,
        meals: meals(table),
        waits,
        threads_in_cycle,
    }
}

/// The cycle of waits in a deadlock, as "0 → 1 → … → 0" (philosophers), if the waits form one.
pub fn cycle(waits: &[Wait]) -> Option<Vec<usize>> {
    let start = waits.first()?.philosopher;
    let mut path = vec![start];
    let mut at = start;
    loop {
        let next = waits
            .iter()
            .find(|w| w.philosopher == at)?
            .wanted_is_held_by?;
        path.push(next);
        if next == start {
            return Some(path);
        }
        if path.len() > waits.len() + 1 {
            return None;
        }
        at = next;
    }
}
/// The spread of a meal count: max - min (0 is perfectly fair).
pub fn spread(meals: &[u64]) -> u64 {
    let max = meals.iter().max().copied().unwrap_or(0);
    let min = meals.iter().min().copied().unwrap_or(0);
    max - min
}

// ------------------------------------------------------------------------------------ the demo

/// One dinner of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dinner {
    /// How the forks were taken.
    pub strategy: Strategy,
    /// The table it ran with.
    pub philosophers: usize,
    /// How long it could last.
    pub duration: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

/// What `sync philosophers` shows: one dinner per strategy asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhilosophersReport {
    /// The dinners, in the order they ran.
    pub dinners: Vec<Dinner>,
}

/// One dinner per strategy of `strategies`, one after another, each with `config`.
pub fn demo(
    strategies: &[Strategy],
    config: &Config,
) -> Result<PhilosophersReport, PhilosophersError> {
    let dinners = strategies
        .iter()
        .map(|&strategy| {
            Ok(Dinner {
                strategy,
                philosophers: config.philosophers,
                duration: config.duration,
                outcome: dine(strategy, config)?,
            })
        })
        .collect::<Result<_, PhilosophersError>>()?;
    Ok(PhilosophersReport { dinners })
}

impl fmt::Display for PhilosophersReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.dinners.iter().try_for_each(|d| write!(f, "{d}"))
    }
}

impl fmt::Display for Dinner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== philosophers: {} strategy, {} philosophers, up to {:.1} s",
            self.strategy.name(),
            self.philosophers,
            self.duration.as_secs_f64()
        )?;
        match &self.outcome {
            Outcome::Finished { meals } => {
                writeln!(f, "  no deadlock. meals per philosopher: {meals:?}")?;
                writeln!(
                    f,
                    "  total {}, spread (max - min) {} — fairness is not guaranteed, only progress",
                    meals.iter().sum::<u64>(),
                    spread(meals)
                )
            }
            Outcome::Deadlock {
                detected_by,
                meals,
                waits,
                threads_in_cycle,
            } => {
                match detected_by {
                    Detector::ParkingLot => writeln!(
                        f,
                        "  DEADLOCK detected by parking_lot's deadlock detector: {threads_in_cycle} threads in a cycle"
                    )?,
                    Detector::Watchdog => writeln!(
                        f,
                        "  DEADLOCK detected by the progress watchdog: nobody ate for a while"
                    )?,
                }
                let fork =
                    |f: Option<usize>| f.map_or("nothing".to_string(), |f| format!("fork {f}"));
                for w in waits {
                    let by = w
                        .wanted_is_held_by
                        .map_or(String::new(), |p| format!(", held by philosopher {p}"));
                    writeln!(
                        f,
                        "    philosopher {} holds {} and waits for {}{by}",
                        w.philosopher,
                        fork(w.holds),
                        fork(w.wants)
                    )?;
                }
                if let Some(cycle) = cycle(waits) {
                    let path: Vec<String> = cycle.iter().map(ToString::to_string).collect();
                    writeln!(f, "  wait cycle: {}", path.join(" → "))?;
                }
                writeln!(f, "  meals before the deadlock: {meals:?}")?;
                writeln!(
                    f,
                    "  (the deadlocked threads stay blocked forever; they end with the process)"
                )
            }
        }
    }
}
