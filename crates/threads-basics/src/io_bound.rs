//! Waiting work: one task after another versus one thread per task.
//!
//! The seeds download five web pages sequentially and then with one thread each, and run
//! `worker(42)`, `worker(84)` (each sleeps 2 s) one after the other and then on two threads. The
//! work is mostly *waiting* (for the network, the disk, a timer), so while one thread waits the
//! others can wait too: n tasks of t seconds take about n·t one after another and about t in
//! parallel, even on one core, and even in Python (a thread that sleeps or reads a socket releases
//! the GIL).
//!
//! This lesson simulates the I/O by sleeping, so it runs offline; the `downloader` lesson does it
//! for real.

use std::thread;
use std::time::{Duration, Instant};

use crate::error::ThreadsError;
use crate::log::{Log, thread_name};
use crate::spawning::join_named;

/// One simulated request: waits `latency` (as a network call would) and returns a made-up
/// "status code" for it.
pub fn fake_request(id: usize, latency: Duration, log: &Log) -> u16 {
    thread::sleep(latency);
    log.say(format!(
        "Request {id} done after {:.3} s on thread {}",
        latency.as_secs_f64(),
        thread_name()
    ));
    200
}

/// The results of a run, with how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed<T> {
    /// What the run produced.
    pub value: T,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// Runs `f` and measures it.
pub fn timed<T>(f: impl FnOnce() -> T) -> Timed<T> {
    let start = Instant::now();
    let value = f();
    Timed {
        value,
        elapsed: start.elapsed(),
    }
}

/// How many times faster `fast` was than `slow`.
pub fn speedup(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

/// Every request, one after another, on the calling thread.
pub fn sequential(latencies: &[Duration], log: &Log) -> Vec<u16> {
    latencies
        .iter()
        .enumerate()
        .map(|(id, &latency)| fake_request(id, latency, log))
        .collect()
}

/// One thread per request; the results come back in request order (we join in spawn order).
pub fn thread_per_task(latencies: &[Duration], log: &Log) -> Result<Vec<u16>, ThreadsError> {
    let handles = latencies
        .iter()
        .enumerate()
        .map(|(id, &latency)| {
            let log = log.clone();
            let name = format!("request-{id}");
            thread::Builder::new()
                .name(name.clone())
                .spawn(move || fake_request(id, latency, &log))
                .map_err(|source| ThreadsError::Spawn { name, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}
