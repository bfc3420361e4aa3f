//! What happens to threads nobody joined when `main` returns.
//!
//! In Python, the interpreter *waits* at exit for every non-daemon thread; only threads started
//! with `daemon=True` are killed when the main thread ends (the seeds' pools mark their workers
//! daemonic so that the program can quit).
//!
//! In Rust every spawned thread behaves like a Python daemon thread: when `main` returns, the
//! process exits and all other threads stop wherever they are, without running any more code
//! (no destructors, no "finished" message). Dropping a `JoinHandle` *detaches* the thread; it does
//! not wait for it. To get Python's default (wait for the workers), join them before returning,
//! or start them in a `thread::scope`, which joins them for you.
//!
//! Showing this needs a process that ends, and it must not be ours: [`run_child`] starts this
//! lesson's binary again with the hidden subcommand `daemon-child`, which runs [`child_main`], and
//! reads what the child printed before its `main` returned.

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::ThreadsError;
use crate::pace::Pace;

/// The hidden subcommand that runs [`child_main`].
pub const CHILD_SUBCOMMAND: &str = "daemon-child";

/// How many ticks the detached thread would do if nothing stopped it.
pub const DAEMON_TICKS: u32 = 1000;

/// The child's program. A `worker` thread is joined; a `daemon` thread is detached and would tick
/// [`DAEMON_TICKS`] times; `main` returns after `lifetime`, taking the daemon thread with it.
pub fn child_main(tick: Duration, lifetime: Duration) {
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            thread::sleep(tick);
            say("worker: finished (main joins me)");
        })
        .expect("the child could not start its worker thread");
    // The handle is dropped at once: the thread is detached, nobody will wait for it.
    let _detached = thread::Builder::new()
        .name("daemon".into())
        .spawn(move || {
            for i in 1..=DAEMON_TICKS {
                thread::sleep(tick);
                say(&format!("daemon: tick {i}"));
            }
            say("daemon: finished");
        })
        .expect("the child could not start its daemon thread");
    worker.join().expect("the worker thread panicked");
    say("main: worker joined");
    thread::sleep(lifetime);
    say("main: returning from main");
}

/// One line on stdout, flushed at once, so that nothing is lost when the process ends.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // If the parent stopped reading there is nobody to tell.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// What the child printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildReport {
    /// Every line, in order.
    pub lines: Vec<String>,
    /// How many ticks the detached thread managed before the process ended.
    pub daemon_ticks: usize,
    /// Whether the detached thread got to say "finished" (it should not).
    pub daemon_finished: bool,
    /// Whether the joined worker said "finished" (it must).
    pub worker_finished: bool,
    /// Whether `main` reached its last line.
    pub main_returned: bool,
}

/// Runs `exe daemon-child` and reports what it printed.
///
/// The child is killed if it runs longer than `limit`: a child never outlives this call.
pub fn run_child(
    exe: &Path,
    tick: Duration,
    lifetime: Duration,
    limit: Duration,
) -> Result<ChildReport, ThreadsError> {
    let mut child = Command::new(exe)
        .arg(CHILD_SUBCOMMAND)
        .arg("--tick-ms")
        .arg(tick.as_millis().to_string())
        .arg("--lifetime-ms")
        .arg(lifetime.as_millis().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(ThreadsError::Child)?;
    let stdout = child.stdout.take().expect("stdout was piped");
    // Read on a thread so that a child that floods its pipe cannot block us.
    let reader = thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let start = Instant::now();
    loop {
        if child.try_wait().map_err(ThreadsError::Child)?.is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ThreadsError::ChildTimedOut(limit));
        }
        thread::sleep(Duration::from_millis(5));
    }
    let lines = reader.join().unwrap_or_default();
    Ok(ChildReport {
        daemon_ticks: lines
            .iter()
            .filter(|l| l.starts_with("daemon: tick"))
            .count(),
        daemon_finished: lines.iter().any(|l| l == "daemon: finished"),
        worker_finished: lines.iter().any(|l| l.starts_with("worker: finished")),
        main_returned: lines.iter().any(|l| l == "main: returning from main"),
        lines,
    })
}

/// Runs the child (`exe` is this lesson's binary) with the seeds' half-second tick, scaled by
/// `pace` (at least 10 ms), and a `main` that returns five ticks after its worker is joined.
pub fn demo(exe: &Path, pace: Pace) -> Result<ChildReport, ThreadsError> {
    let tick = pace.secs(0.5).max(Duration::from_millis(10));
    let lifetime = tick * 5;
    run_child(exe, tick, lifetime, lifetime * 4 + Duration::from_secs(10))
}

impl fmt::Display for ChildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "  child | {line}")?;
        }
        writeln!(
            f,
            "The joined worker finished: {}. The detached thread ticked {} of {DAEMON_TICKS} times and finished: {}.",
            self.worker_finished, self.daemon_ticks, self.daemon_finished
        )?;
        writeln!(
            f,
            "When main returns, the process exits and every other thread stops mid-way: all Rust\n\
             threads act like Python's daemon=True. Join (or use thread::scope) to wait for them."
        )
    }
}
