//! The seeds' pool demos: the hand-made pool at work, then each method of the
//! `multiprocessing.Pool` / `concurrent.futures` API on it, then the advice on which to use when.
//! Each demo returns a [`Section`]: what happened, line by line, with the time each line was
//! written, for the binary to print.
//!
//! All of them use the seeds' `worker_task`: sleep 0.1 s, return `(x, x * x)`, on `1..=10` with
//! four workers — so ten tasks take three rounds, about 0.3 s, whatever the method.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{JobError, PoolError};
use crate::handle::as_completed;
use crate::pool::{ThreadPool, current_worker};
use crate::process::{self, WorkerRequest, WorkerResponse};
use crate::tasks::{sleepy_task, variable_task};

/// The seeds' data.
pub fn data() -> Vec<u64> {
    (1..=10).collect()
}

/// The advice of the seeds' "When to Use Which Method", for threads in Rust.
pub const WHEN_TO_USE_WHICH: &str = "\
=== When to use which method ===
Use map():
  - when you need ALL results before continuing
  - when you need results in input order
  - for simple parallel processing
Use map_async():
  - when you want to start the work and do something else meanwhile
  - when you need non-blocking execution (ready(), wait(), get_timeout())
Use imap():
  - when the input is LARGE (it is fed to the pool lazily, a window at a time)
  - when you want to process results incrementally, IN ORDER
  - when you might stop early (break out of the loop: queued jobs are skipped)
Use imap_unordered():
  - when you want each result as soon as it is ready
  - when order does not matter (each result comes with its input index)
  - for progress monitoring or streaming results
  - often the fastest way to process everything: nobody waits behind a slow item
Use submit() + as_completed() (multiprocessing's apply_async()):
  - for jobs that are not one function over a list (different closures, different types)
  - when you want a handle per job (wait, wait_timeout, is_ready)
Use execute():
  - fire and forget; a panic is caught and counted, nobody waits for a result
Chunk tiny items (map over ranges, not single numbers): each job costs a trip through the queue.
";

/// What one demo did, in order: a title and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The demo, as the seeds name it.
    pub title: String,
    /// What happened, one line each.
    pub lines: Vec<String>,
}

impl Section {
    fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            lines: Vec::new(),
        }
    }

    fn say(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "=== {} ===", self.title)?;
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        writeln!(f)
    }
}

/// Every API demo, then the advice of the seeds' "When to Use Which Method".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiReport {
    /// One section per method, in teaching order.
    pub sections: Vec<Section>,
}

impl fmt::Display for ApiReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for section in &self.sections {
            write!(f, "{section}")?;
        }
        writeln!(f, "{WHEN_TO_USE_WHICH}")
    }
}

fn elapsed(started: Instant) -> String {
    format!("{:.2} s", started.elapsed().as_secs_f64())
}

/// The hand-made pool: the seeds' `Pool` (jobs from a queue), a panicking job, graceful drop and
/// `shutdown_now`.
pub fn hand_made_pool() -> Result<Section, PoolError> {
    let mut out = Section::new("The hand-made pool");
    let pool = ThreadPool::new(4)?;
    let started = Instant::now();
    // Fire-and-forget jobs have no result: they report through a channel, read after the drop.
    let (said, heard) = mpsc::channel();
    for i in 0..8 {
        let said = said.clone();
        pool.execute(move || {
            thread::sleep(Duration::from_millis(50));
            let worker = current_worker().unwrap_or(0);
            let _ = said.send(format!("  job {i} ran on worker {worker}"));
        });
    }
    drop(said);
    out.say(format!(
        "8 jobs queued in {:?} (execute returns at once)",
        started.elapsed()
    ));
    let answer = pool.submit(|| 6 * 7);
    let failure = pool.submit(|| -> u32 { panic!("this job fails on purpose") });
    out.say(format!("submit(|| 6 * 7).wait() = {:?}", answer.wait()));
    out.say(format!("a panicking job gives   = {:?}", failure.wait()));
    out.say(format!(
        "the pool still has {} of {} workers alive",
        pool.alive_workers(),
        pool.workers()
    ));
    drop(pool);
    out.lines.extend(heard);
    out.say(format!(
        "drop(pool) ran every queued job and joined the workers after {}",
        elapsed(started)
    ));

    let pool = ThreadPool::new(1)?;
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let ran = Arc::clone(&ran);
            pool.submit(move || {
                thread::sleep(Duration::from_millis(20));
                ran.fetch_add(1, Ordering::SeqCst)
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(5));
    let dropped = pool.shutdown_now();
    let cancelled = handles
        .into_iter()
        .map(|h| h.wait())
        .filter(|r| *r == Err(JobError::Cancelled))
        .count();
    out.say(format!(
        "shutdown_now: {} job(s) ran, {dropped} dropped from the queue, {cancelled} handle(s) report Cancelled",
        ran.load(Ordering::SeqCst)
    ));
    Ok(out)
}

/// `pool.map(worker_task, data)`.
pub fn map() -> Result<Section, PoolError> {
    let mut out = Section::new("map()");
    out.say("Processing all items, waiting for all, returning in order...");
    let started = Instant::now();
    let pool = ThreadPool::new(4)?;
    let results: Vec<_> = pool
        .map(sleepy_task, data())
        .into_iter()
        .flatten()
        .collect();
    out.say(format!("Results: {results:?}"));
    out.say(format!("Time taken: {}", elapsed(started)));
    Ok(out)
}

/// `pool.map_async(worker_task, data)`, doing other work meanwhile.
pub fn map_async() -> Result<Section, PoolError> {
    let mut out = Section::new("map_async()");
    out.say("Starting processing, returning immediately, can wait for results later...");
    let started = Instant::now();
    let pool = ThreadPool::new(4)?;
    let pending = pool.map_async(sleepy_task, data());
    out.say("Doing other work while the pool runs...");
    let results = match pending.get_timeout(Duration::from_millis(50)) {
        Ok(results) => {
            out.say("  get_timeout(50 ms): already done (a very fast machine)");
            results
        }
        Err(mut pending) => {
            out.say(format!(
                "  get_timeout(50 ms): not ready yet ({} of {} done)",
                pending.finished(),
                pending.len()
            ));
            thread::sleep(Duration::from_millis(200));
            pending.get()
        }
    };
    let results: Vec<_> = results.into_iter().flatten().collect();
    out.say(format!("Results: {results:?}"));
    out.say(format!("Time taken: {}", elapsed(started)));
    Ok(out)
}

/// `pool.imap(worker_task, data)`: in order, as they come.
pub fn imap() -> Result<Section, PoolError> {
    let mut out = Section::new("imap()");
    out.say("Processing items, yielding results IN ORDER as they complete...");
    let started = Instant::now();
    let pool = ThreadPool::new(4)?;
    for (i, result) in pool.imap(sleepy_task, data()).enumerate() {
        out.say(format!(
            "  Received result {}: {:?} at {}",
            i + 1,
            result.unwrap_or_default(),
            elapsed(started)
        ));
        thread::sleep(Duration::from_millis(50)); // processing the result
    }
    out.say(format!("Time taken: {}", elapsed(started)));
    Ok(out)
}

/// `pool.imap_unordered(variable_worker_task, data)`: fastest first.
pub fn imap_unordered() -> Result<Section, PoolError> {
    let mut out = Section::new("imap_unordered()");
    out.say("Processing items, yielding results IN COMPLETION ORDER (fastest first)...");
    let started = Instant::now();
    let pool = ThreadPool::new(4)?;
    // The seeds draw each sleep inside the task; drawing them here from a seeded generator makes
    // the demo the same on every run.
    let mut rng = StdRng::seed_from_u64(7);
    let jobs: Vec<(u64, u64)> = data()
        .into_iter()
        .map(|x| (x, rng.random_range(50..300)))
        .collect();
    for (i, (index, result)) in pool
        .imap_unordered(|(x, ms)| variable_task(x, ms), jobs)
        .enumerate()
    {
        let (x, square, ms) = result.unwrap_or_default();
        out.say(format!(
            "  Received result {}: input #{index} -> ({x}, {square}, slept {ms} ms)",
            i + 1
        ));
        thread::sleep(Duration::from_millis(50));
    }
    out.say(format!("Time taken: {}", elapsed(started)));
    Ok(out)
}

/// `executor.submit` (multiprocessing's `apply_async`) and `as_completed`.
pub fn submit() -> Result<Section, PoolError> {
    let mut out = Section::new("submit() + as_completed()");
    out.say("submit() is multiprocessing's apply_async(): one job, one handle; wait() is get()");
    let started = Instant::now();
    let pool = ThreadPool::new(4)?;
    let handles: Vec<_> = [300, 100, 200]
        .into_iter()
        .map(|ms| pool.submit(move || variable_task(ms, ms)))
        .collect();
    for (index, result) in as_completed(handles) {
        out.say(format!(
            "  future #{index} done after {}: {result:?}",
            elapsed(started)
        ));
    }
    Ok(out)
}

/// `pool.starmap`: a closure unpacks each tuple.
pub fn starmap() -> Result<Section, PoolError> {
    let mut out = Section::new("starmap()");
    let pool = ThreadPool::new(4)?;
    let pairs = vec![(0u64, 100u64), (100, 200), (200, 300)];
    let sums = pool.starmap(|start, end| (start..end).sum::<u64>(), pairs);
    out.say(format!(
        "  starmap(|start, end| sum(start..end), [(0,100), (100,200), (200,300)]) = {sums:?}"
    ));
    Ok(out)
}

/// The same `map` on worker processes (the ipc lesson's process pool running copies of `exe`).
pub fn map_on_processes(exe: &Path) -> Result<Section, ipc::pool::PoolError> {
    let mut out = Section::new("map() on 4 worker processes");
    let started = Instant::now();
    let mut pool = process::start(4, exe)?;
    out.say(format!("4 processes started in {}", elapsed(started)));
    let requests = data()
        .into_iter()
        .map(WorkerRequest::SleepySquare)
        .collect();
    let results: Vec<(u64, u64)> = pool
        .map(requests)?
        .into_iter()
        .filter_map(|response| match response {
            WorkerResponse::Pair(x, square) => Some((x, square)),
            _ => None,
        })
        .collect();
    out.say(format!(
        "Results: {results:?} from processes {:?}",
        pool.pids()
    ));
    out.say(format!(
        "Time taken: {} (start-up included)",
        elapsed(started)
    ));
    Ok(out)
}

/// Why the API demos could not run.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The thread pool would not start.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The process pool failed.
    #[error(transparent)]
    Processes(#[from] ipc::pool::PoolError),
}

/// Every API demo (the process-pool one when `exe`, a worker binary, is given).
pub fn api(exe: Option<&Path>) -> Result<ApiReport, ApiError> {
    let mut sections = vec![
        map()?,
        map_async()?,
        imap()?,
        imap_unordered()?,
        submit()?,
        starmap()?,
    ];
    if let Some(exe) = exe {
        sections.push(map_on_processes(exe)?);
    }
    Ok(ApiReport { sections })
}
