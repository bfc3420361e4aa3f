//! Starting threads, naming them, waiting for them, and getting values back.
//!
//! The seeds start two workers, `Worker-1` (sleeps 2 s) and `Worker-2` (sleeps 5 s), then join
//! them in order. In Rust, `thread::spawn(f)` starts an unnamed thread; [`thread::Builder`] sets a
//! name (and a stack size) first, and reports a failure to start as an `io::Error` instead of
//! panicking. `join()` waits for the thread and hands back what its closure returned, or the
//! panic that ended it, so there is no need for the global variables the Python examples use to
//! get results out.

use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::error::{ThreadsError, panic_message};
use crate::log::{Log, thread_name};

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

/// Starts [`simple_worker`] on a thread called `name`.
///
/// `Builder::spawn` returns `io::Result`: the OS may refuse a new thread, and a library should
/// report that rather than panic (which is what plain `thread::spawn` does).
pub fn spawn_worker(name: &str, wait: Duration, log: &Log) -> Result<JoinHandle<()>, ThreadsError> {
    let log = log.clone();
    thread::Builder::new()
        .name(name.to_string())
        .spawn(move || simple_worker(wait, &log))
        .map_err(|source| ThreadsError::Spawn {
            name: name.to_string(),
            source,
        })
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
