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

use std::fmt;
use std::thread;
use std::time::Duration;

use crate::error::ThreadsError;
use crate::log::{Log, thread_name};
use crate::pace::Pace;
use crate::spawning::{join_named, spawn_named};
use crate::timing::{speedup, timed};

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
            spawn_named(format!("request-{id}"), move || {
                fake_request(id, latency, &log)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}

/// How long the same requests took one after another and one thread each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoReport {
    /// How many requests.
    pub requests: usize,
    /// One after another.
    pub sequential: Duration,
    /// One thread per request.
    pub thread_per_task: Duration,
}

/// `requests` simulated requests of the seeds' 2 s (scaled by `pace`), narrated on `log`:
/// sequentially, then one thread each. Both runs must give the same answers.
pub fn demo(pace: Pace, requests: usize, log: &Log) -> Result<IoReport, ThreadsError> {
    let latencies = vec![pace.secs(2.0); requests];
    let seq = timed(|| sequential(&latencies, log));
    let par = timed(|| thread_per_task(&latencies, log)).transpose()?;
    if seq.value != par.value {
        return Err(ThreadsError::Disagree {
            what: "the two runs",
        });
    }
    Ok(IoReport {
        requests,
        sequential: seq.elapsed,
        thread_per_task: par.elapsed,
    })
}

impl fmt::Display for IoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} requests: sequential {:.3} s, thread per task {:.3} s, speedup {:.1}x",
            self.requests,
            self.sequential.as_secs_f64(),
            self.thread_per_task.as_secs_f64(),
            speedup(self.sequential, self.thread_per_task)
        )?;
        writeln!(
            f,
            "Waiting threads overlap their waits, even on one core (and even in Python)."
        )
    }
}
