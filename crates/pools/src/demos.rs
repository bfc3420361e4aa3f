//! The seeds' pool demos, printing as they go: the hand-made pool at work, then each method of the
//! `multiprocessing.Pool` / `concurrent.futures` API on it, then the advice on which to use when.
//!
//! All of them use the seeds' `worker_task`: sleep 0.1 s, return `(x, x * x)`, on `1..=10` with
//! four workers — so ten tasks take three rounds, about 0.3 s, whatever the method.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::JobError;
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
Use submit() + as_completed():
  - for jobs that are not one function over a list (different closures, different types)
  - when you want a handle per job (wait, wait_timeout, is_ready)
Use execute():
  - fire and forget; a panic is caught and counted, nobody waits for a result
Chunk tiny items (map over ranges, not single numbers): each job costs a trip through the queue.
";

fn elapsed(started: Instant) -> String {
    format!("{:.2} s", started.elapsed().as_secs_f64())
}

/// The hand-made pool: the seeds' `Pool` (jobs from a queue), a panicking job, graceful drop and
/// `shutdown_now`.
pub fn hand_made_pool() {
    println!("=== The hand-made pool ===");
    let pool = ThreadPool::new(4).expect("four threads start");
    let started = Instant::now();
    for i in 0..8 {
        pool.execute(move || {
            thread::sleep(Duration::from_millis(50));
            println!("  job {i} ran on worker {}", current_worker().unwrap_or(0));
        });
    }
    println!(
        "8 jobs queued in {:?} (execute returns at once)",
        started.elapsed()
    );
    let answer = pool.submit(|| 6 * 7);
    let failure = pool.submit(|| -> u32 { panic!("this job fails on purpose") });
    println!("submit(|| 6 * 7).wait() = {:?}", answer.wait());
    println!("a panicking job gives   = {:?}", failure.wait());
    println!(
        "the pool still has {} of {} workers alive",
        pool.alive_workers(),
        pool.workers()
    );
    drop(pool);
    println!(
        "drop(pool) ran every queued job and joined the workers after {}",
        elapsed(started)
    );

    let pool = ThreadPool::new(1).expect("one thread starts");
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
    println!(
        "shutdown_now: {} job(s) ran, {dropped} dropped from the queue, {cancelled} handle(s) report Cancelled\n",
        ran.load(Ordering::SeqCst)
    );
}

/// `pool.map(worker_task, data)`.
pub fn map() {
    println!("=== map() ===");
    println!("Processing all items, waiting for all, returning in order...");
    let started = Instant::now();
    let pool = ThreadPool::new(4).expect("four threads start");
    let results: Vec<_> = pool
        .map(sleepy_task, data())
        .into_iter()
        .flatten()
        .collect();
    println!("Results: {results:?}");
    println!("Time taken: {}\n", elapsed(started));
}

/// `pool.map_async(worker_task, data)`, doing other work meanwhile.
pub fn map_async() {
    println!("=== map_async() ===");
    println!("Starting processing, returning immediately, can wait for results later...");
    let started = Instant::now();
    let pool = ThreadPool::new(4).expect("four threads start");
    let pending = pool.map_async(sleepy_task, data());
    println!("Doing other work while the pool runs...");
    let pending = match pending.get_timeout(Duration::from_millis(50)) {
        Ok(_) => unreachable!("ten 0.1 s tasks on four workers take longer than 50 ms"),
        Err(mut pending) => {
            println!(
                "  get_timeout(50 ms): not ready yet ({} of {} done)",
                pending.finished(),
                pending.len()
            );
            pending
        }
    };
    thread::sleep(Duration::from_millis(200));
    let results: Vec<_> = pending.get().into_iter().flatten().collect();
    println!("Results: {results:?}");
    println!("Time taken: {}\n", elapsed(started));
}

/// `pool.imap(worker_task, data)`: in order, as they come.
pub fn imap() {
    println!("=== imap() ===");
    println!("Processing items, yielding results IN ORDER as they complete...");
    let started = Instant::now();
    let pool = ThreadPool::new(4).expect("four threads start");
    for (i, result) in pool.imap(sleepy_task, data()).enumerate() {
        println!(
            "  Received result {}: {:?} at {}",
            i + 1,
            result.unwrap_or_default(),
            elapsed(started)
        );
        thread::sleep(Duration::from_millis(50)); // processing the result
    }
    println!("Time taken: {}\n", elapsed(started));
}

/// `pool.imap_unordered(variable_worker_task, data)`: fastest first.
pub fn imap_unordered() {
    println!("=== imap_unordered() ===");
    println!("Processing items, yielding results IN COMPLETION ORDER (fastest first)...");
    let started = Instant::now();
    let pool = ThreadPool::new(4).expect("four threads start");
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
        println!(
            "  Received result {}: input #{index} -> ({x}, {square}, slept {ms} ms)",
            i + 1
        );
        thread::sleep(Duration::from_millis(50));
    }
    println!("Time taken: {}\n", elapsed(started));
}

/// `executor.submit` and `as_completed`, and `starmap`.
pub fn submit_and_starmap() {
    println!("=== submit() + as_completed() ===");
    let started = Instant::now();
    let pool = ThreadPool::new(4).expect("four threads start");
    let handles: Vec<_> = [300, 100, 200]
        .into_iter()
        .map(|ms| pool.submit(move || variable_task(ms, ms)))
        .collect();
    for (index, result) in as_completed(handles) {
        println!(
            "  future #{index} done after {}: {result:?}",
            elapsed(started)
        );
    }
    println!("=== starmap() ===");
    let pairs = vec![(0u64, 100u64), (100, 200), (200, 300)];
    let sums = pool.starmap(|start, end| (start..end).sum::<u64>(), pairs);
    println!(
        "  starmap(|start, end| sum(start..end), [(0,100), (100,200), (200,300)]) = {sums:?}\n"
    );
}

/// The same `map` on worker processes (the ipc lesson's process pool running copies of `exe`).
pub fn map_on_processes(exe: &Path) -> Result<(), ipc::pool::PoolError> {
    println!("=== map() on 4 worker processes ===");
    let started = Instant::now();
    let mut pool = process::start(4, exe)?;
    println!("4 processes started in {}", elapsed(started));
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
    println!("Results: {results:?} from processes {:?}", pool.pids());
    println!("Time taken: {} (start-up included)\n", elapsed(started));
    Ok(())
}

/// Every API demo (the process-pool one when `exe`, a worker binary, is given), then the advice.
pub fn api(exe: Option<&Path>) -> Result<(), ipc::pool::PoolError> {
    map();
    map_async();
    imap();
    imap_unordered();
    submit_and_starmap();
    if let Some(exe) = exe {
        map_on_processes(exe)?;
    }
    print!("{WHEN_TO_USE_WHICH}");
    println!();
    Ok(())
}
