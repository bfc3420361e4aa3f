//! Starting threads, naming them, waiting for them, and getting values back.
//!
//! The seeds start two workers, `Worker-1` (sleeps 2 s) and `Worker-2` (sleeps 5 s), then join
//! them in order. In Rust, `thread::spawn(f)` starts an unnamed thread; [`thread::Builder`] sets a
//! name (and a stack size) first, and reports a failure to start as an `io::Error` instead of
//! panicking. `join()` waits for the thread and hands back what its closure returned, or the
//! panic that ended it, so there is no need for the global variables the Python examples use to
//! get results out.

use std::fmt;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::error::{ThreadsError, panic_message};
use crate::log::{Log, thread_name};
use crate::pace::Pace;

/// The seeds' worker: says it started, sleeps for `wait`, says it finished.
pub fn simple_worker(wait: Duration, log: &Log) {
    log.say(format!(
        "Thread {} started. Sleeping for {:.3} seconds",
        thread_name(),
        wait.as_secs_f64()
    ));
    thread::sleep(wait);
    log.say(format!("Thread {} finished. Exiting.", thread_name()));
}

/// Starts `f` on a new thread called `name`.
///
/// `Builder::spawn` returns `io::Result`: the OS may refuse a new thread, and a library should
/// report that rather than panic (which is what plain `thread::spawn` does). Every thread of this
/// lesson starts here, so every one has a name and a refusal always says which thread it was.
pub fn spawn_named<T, F>(name: impl Into<String>, f: F) -> Result<JoinHandle<T>, ThreadsError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let name = name.into();
    thread::Builder::new()
        .name(name.clone())
        .spawn(f)
        .map_err(|source| ThreadsError::Spawn { name, source })
}

/// Starts [`simple_worker`] on a thread called `name`.
pub fn spawn_worker(name: &str, wait: Duration, log: &Log) -> Result<JoinHandle<()>, ThreadsError> {
    let log = log.clone();
    spawn_named(name, move || simple_worker(wait, &log))
}

/// Joins a handle and turns a panic of the thread into an error that names it.
pub fn join_named<T>(handle: JoinHandle<T>) -> Result<T, ThreadsError> {
    let name = handle.thread().name().unwrap_or("<unnamed>").to_string();
    handle.join().map_err(|payload| ThreadsError::Panicked {
        name,
        message: panic_message(&*payload),
    })
}

/// The seeds' first example: start every worker, then join them in the order given.
///
/// `join` waits for *that* thread only: joining `Worker-1` first returns after 2 s even though
/// `Worker-2` is still sleeping, and the main thread then waits the rest for `Worker-2`.
pub fn run_workers(workers: &[(&str, Duration)], log: &Log) -> Result<(), ThreadsError> {
    log.say("Main: Starting threads");
    let handles = workers
        .iter()
        .map(|&(name, wait)| spawn_worker(name, wait, log))
        .collect::<Result<Vec<_>, _>>()?;
    log.say("Main: Waiting for threads to finish...");
    for handle in handles {
        let name = handle.thread().name().unwrap_or("<unnamed>").to_string();
        join_named(handle)?;
        log.say(format!("Main: {name} joined"));
    }
    Ok(())
}

/// What one thread computed, with the name of the thread that computed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedResult {
    /// The thread's name, read inside the thread with `thread::current().name()`.
    pub thread: String,
    /// What the thread returned.
    pub value: u64,
}

/// Values through `join`: thread `square-i` computes `inputs[i]²` and *returns* it; the results
/// come back in input order because we join the handles in the order we spawned them, whatever
/// order the threads finished in.
pub fn squares_through_join(inputs: &[u64]) -> Result<Vec<NamedResult>, ThreadsError> {
    let handles = inputs
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let name = format!("square-{i}");
            thread::Builder::new()
                .name(name.clone())
                // Small threads need little stack; the default is 2 MiB of address space.
                .stack_size(64 * 1024)
                .spawn(move || NamedResult {
                    thread: thread_name(),
                    value: x * x,
                })
                .map_err(|source| ThreadsError::Spawn { name, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}

/// What the spawning demo returned through `join`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpawnReport {
    /// What each `square-i` thread returned, in input order.
    pub results: Vec<NamedResult>,
}

/// The seeds' two workers (2 s and 5 s, scaled by `pace`), narrated on `log`, then values
/// returned through `join`.
pub fn demo(pace: Pace, log: &Log) -> Result<SpawnReport, ThreadsError> {
    run_workers(
        &[("Worker-1", pace.secs(2.0)), ("Worker-2", pace.secs(5.0))],
        log,
    )?;
    Ok(SpawnReport {
        results: squares_through_join(&[3, 1, 4, 1, 5])?,
    })
}

impl fmt::Display for SpawnReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Worker-1 is joined first; Main then waits the rest of Worker-2's sleep."
        )?;
        writeln!(
            f,
            "Values returned through join (input order, whatever order the threads finished in):"
        )?;
        for r in &self.results {
            writeln!(f, "  {:>9} returned {}", r.thread, r.value)?;
        }
        Ok(())
    }
}
