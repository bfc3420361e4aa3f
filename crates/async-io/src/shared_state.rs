//! Shared state across `.await`: which lock, which channel, and a bug the compiler refuses.
//!
//! ## A `std::sync::Mutex` guard across `.await` does not compile (in a spawned task)
//!
//! `tokio::spawn` needs a `Send` future, because the runtime may resume it on another worker
//! thread after any `.await`. A future holds everything that lives across its `.await`s, and a
//! `std::sync::MutexGuard` is not `Send` (it must be unlocked by the thread that locked it). So:
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//!
//! async fn bump(counter: Arc<Mutex<u64>>) {
//!     let mut guard = counter.lock().unwrap();
//!     tokio::time::sleep(Duration::from_millis(1)).await; // the guard is alive across this line
//!     *guard += 1;
//! }
//!
//! let runtime = tokio::runtime::Runtime::new().unwrap();
//! runtime.block_on(async {
//!     // error: future cannot be sent between threads safely
//!     tokio::spawn(bump(Arc::new(Mutex::new(0)))).await.unwrap();
//! });
//! ```
//!
//! The refusal protects from a real bug: a task holding a lock while it waits blocks every other
//! task that wants the lock, and if one of them runs on the same worker, they deadlock. The fix
//! is to end the guard before the `.await`, in a block of its own:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//!
//! async fn bump(counter: Arc<Mutex<u64>>) {
//!     {
//!         let mut guard = counter.lock().unwrap();
//!         *guard += 1;
//!     } // unlocked here, before any waiting
//!     tokio::time::sleep(Duration::from_millis(1)).await;
//! }
//!
//! let runtime = tokio::runtime::Runtime::new().unwrap();
//! let counter = Arc::new(Mutex::new(0));
//! runtime.block_on(async {
//!     tokio::spawn(bump(Arc::clone(&counter))).await.unwrap();
//! });
//! assert_eq!(*counter.lock().unwrap(), 1);
//! ```
//!
//! ## Which tool
//!
//! | need | tool | why |
//! |---|---|---|
//! | a short update, no `.await` inside | `std::sync::Mutex` | cheapest; tokio's docs recommend it too |
//! | hold the lock *while waiting* (a connection, a file being written in pieces) | `tokio::sync::Mutex` | its `lock().await` waits without blocking the worker, and its guard is `Send` |
//! | at most N at a time | `tokio::sync::Semaphore` | permits, awaited; the permit is a guard |
//! | hand work from task to task | `tokio::sync::mpsc` (bounded) | a full channel makes the sender wait: backpressure |
//! | tell every task the same thing (shut down!) | `tokio::sync::broadcast` or `watch` | every receiver gets its own copy |
//!
//! [`demo`] runs one small example of each and checks its result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinSet;

use crate::error::Error;
use crate::gauge::Gauge;

/// What the demo measured; each `expected` is what a correct program must give.
#[derive(Debug, Clone, Serialize)]
pub struct SharedReport {
    /// `std::sync::Mutex`: the sum of every task's increments of a shared map.
    pub std_mutex_total: u64,
    /// What that sum must be.
    pub std_mutex_expected: u64,
    /// `tokio::sync::Mutex`: whether any task's lines were interleaved with another's in the log
    /// they wrote while holding the lock across `.await`s.
    pub tokio_mutex_interleaved: bool,
    /// Lines in that log.
    pub tokio_mutex_lines: usize,
    /// `Semaphore`: tasks started.
    pub semaphore_tasks: usize,
    /// Its permits.
    pub semaphore_permits: usize,
    /// The most tasks that ever held a permit at once.
    pub semaphore_peak: usize,
    /// `mpsc` pipeline: the sum of squares that came out of it.
    pub pipeline_sum: u64,
    /// What that sum must be.
    pub pipeline_expected: u64,
    /// `broadcast`: subscribers that got the shutdown message.
    pub broadcast_received: usize,
    /// Subscribers.
    pub broadcast_subscribers: usize,
}

impl SharedReport {
    /// Whether every example gave the right result.
    pub fn all_correct(&self) -> bool {
        self.std_mutex_total == self.std_mutex_expected
            && !self.tokio_mutex_interleaved
            && self.semaphore_peak <= self.semaphore_permits
            && self.pipeline_sum == self.pipeline_expected
            && self.broadcast_received == self.broadcast_subscribers
    }
}

impl std::fmt::Display for SharedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = |ok: bool| if ok { "✓" } else { "✗" };
        writeln!(
            f,
            "  {} std::sync::Mutex, no .await inside: total {} (expected {})",
            mark(self.std_mutex_total == self.std_mutex_expected),
            self.std_mutex_total,
            self.std_mutex_expected
        )?;
        writeln!(
            f,
            "  {} tokio::sync::Mutex held across .await: {} log lines, interleaved: {}",
            mark(!self.tokio_mutex_interleaved),
            self.tokio_mutex_lines,
            self.tokio_mutex_interleaved
        )?;
        writeln!(
            f,
            "  {} Semaphore({}): {} tasks, at most {} at once",
            mark(self.semaphore_peak <= self.semaphore_permits),
            self.semaphore_permits,
            self.semaphore_tasks,
            self.semaphore_peak
        )?;
        writeln!(
            f,
            "  {} mpsc pipeline (numbers -> squares -> sum, bounded channels): {} (expected {})",
            mark(self.pipeline_sum == self.pipeline_expected),
            self.pipeline_sum,
            self.pipeline_expected
        )?;
        write!(
            f,
            "  {} broadcast shutdown: {} of {} subscribers stopped",
            mark(self.broadcast_received == self.broadcast_subscribers),
            self.broadcast_received,
            self.broadcast_subscribers
        )
    }
}

/// Runs the five examples on a multi-threaded runtime.
pub fn demo() -> Result<SharedReport, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .map_err(Error::io("starting the tokio runtime"))?;
    runtime.block_on(async {
        let (tasks, increments) = (16, 1_000);
        let std_mutex_total = std_mutex_counts(tasks, increments).await?;
        let log = tokio_mutex_log(4, 3).await?;
        let (semaphore_tasks, semaphore_permits) = (20, 4);
        let semaphore_peak = bounded_by_semaphore(semaphore_tasks, semaphore_permits).await?;
        let n = 1_000;
        let subscribers = 3;
        Ok(SharedReport {
            std_mutex_total,
            std_mutex_expected: tasks * increments,
            tokio_mutex_interleaved: interleaved(&log),
            tokio_mutex_lines: log.len(),
            semaphore_tasks,
            semaphore_permits,
            semaphore_peak,
            pipeline_sum: pipeline(n).await?,
            pipeline_expected: n * (n + 1) * (2 * n + 1) / 6,
            broadcast_received: broadcast_shutdown(subscribers).await?,
            broadcast_subscribers: subscribers,
        })
    })
}

/// `tasks` tasks each add 1 to a shared map's entry `increments` times, under a std mutex locked
/// for one update at a time (no `.await` while locked). Returns the total.
pub async fn std_mutex_counts(tasks: u64, increments: u64) -> Result<u64, Error> {
    let counts = Arc::new(Mutex::new(HashMap::<u64, u64>::new()));
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let counts = Arc::clone(&counts);
        set.spawn(async move {
            for _ in 0..increments {
                // The guard lives for this one statement: never across the `.await` below.
                *lock(&counts).entry(task % 4).or_default() += 1;
                tokio::task::yield_now().await;
            }
        });
    }
    join_all(set).await?;
    let total = lock(&counts).values().sum();
    Ok(total)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic cannot leave a `+= 1` half-done: the map is consistent even if poisoned.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `tasks` tasks each write `lines` lines to a shared log, holding a `tokio::sync::Mutex` for all
/// their lines and waiting between them (as if each line went out over a slow connection).
pub async fn tokio_mutex_log(tasks: usize, lines: usize) -> Result<Vec<String>, Error> {
    let log = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let log = Arc::clone(&log);
        set.spawn(async move {
            let mut log = log.lock().await;
            for line in 0..lines {
                log.push(format!("task {task} line {line}"));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        });
    }
    join_all(set).await?;
    let log = log.lock().await.clone();
    Ok(log)
}

/// Whether some task's lines in `log` are not consecutive.
pub fn interleaved(log: &[String]) -> bool {
    let task_of = |line: &String| line.split_whitespace().nth(1).map(str::to_string);
    let mut finished = Vec::new();
    for pair in log.windows(2) {
        let (a, b) = (task_of(&pair[0]), task_of(&pair[1]));
        if a != b {
            if finished.contains(&b) {
                return true;
            }
            finished.push(a);
        }
    }
    false
}

/// Starts `tasks` tasks of 10 ms each, at most `permits` at a time; returns the most that ran at
/// once (counted by a [`Gauge`]).
pub async fn bounded_by_semaphore(tasks: usize, permits: usize) -> Result<usize, Error> {
    let semaphore = Arc::new(Semaphore::new(permits));
    let gauge = Arc::new(Gauge::default());
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let (semaphore, gauge) = (Arc::clone(&semaphore), Arc::clone(&gauge));
        set.spawn(async move {
            // Never closed, so `acquire` cannot fail; if it did, the task would just not run.
            let Ok(_permit) = semaphore.acquire().await else {
                return;
            };
            let _running = gauge.enter();
            tokio::time::sleep(Duration::from_millis(10)).await;
        });
    }
    join_all(set).await?;
    Ok(gauge.peak())
}

/// Numbers `1..=n` go through a pipeline of tasks joined by bounded channels: one task sends them,
/// one squares them, the caller sums them.
pub async fn pipeline(n: u64) -> Result<u64, Error> {
    let (numbers_tx, mut numbers_rx) = mpsc::channel::<u64>(16);
    let (squares_tx, mut squares_rx) = mpsc::channel::<u64>(16);
    let producer = tokio::spawn(async move {
        for i in 1..=n {
            // A full channel makes this wait: the producer cannot run ahead of the consumers.
            if numbers_tx.send(i).await.is_err() {
                break;
            }
        }
    });
    let squarer = tokio::spawn(async move {
        while let Some(i) = numbers_rx.recv().await {
            if squares_tx.send(i * i).await.is_err() {
                break;
            }
        }
    });
    let mut sum = 0;
    // The channel ends when the squarer drops its sender, after the producer dropped its own.
    while let Some(square) = squares_rx.recv().await {
        sum += square;
    }
    producer
        .await
        .map_err(|_| Error::Lost("the producer".into()))?;
    squarer
        .await
        .map_err(|_| Error::Lost("the squarer".into()))?;
    Ok(sum)
}

/// `subscribers` tasks work in a loop until a broadcast tells them to stop; returns how many
/// stopped because of it.
pub async fn broadcast_shutdown(subscribers: usize) -> Result<usize, Error> {
    let (shutdown, _) = broadcast::channel::<()>(1);
    let mut set = JoinSet::new();
    for _ in 0..subscribers {
        let mut stop = shutdown.subscribe();
        set.spawn(async move {
            loop {
                tokio::select! {
                    received = stop.recv() => return received.is_ok(),
                    () = tokio::time::sleep(Duration::from_millis(5)) => {} // a unit of work
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    // An error would mean no receiver is left; then nobody is counted below either.
    let _ = shutdown.send(());
    let mut stopped = 0;
    while let Some(joined) = set.join_next().await {
        if joined.map_err(|_| Error::Lost("a subscriber".into()))? {
            stopped += 1;
        }
    }
    Ok(stopped)
}

/// Waits for every task of `set`; an error if one panicked.
async fn join_all(mut set: JoinSet<()>) -> Result<(), Error> {
    while let Some(joined) = set.join_next().await {
        joined.map_err(|_| Error::Lost("a task".into()))?;
    }
    Ok(())
}
