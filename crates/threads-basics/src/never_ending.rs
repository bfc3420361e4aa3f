//! A thread that never ends, and two ways not to wait for it forever.
//!
//! The seeds start a thread that loops `while True: sleep(2)` and call `join()`: the main thread
//! waits forever. Their fix is `join(timeout=5)`, which returns after 5 s *whether or not the
//! thread ended* — the thread keeps running, and Python cannot stop it from outside.
//!
//! Rust's `JoinHandle::join` has no timeout either. This module builds one from what std offers:
//!
//! - [`join_timeout`] polls [`JoinHandle::is_finished`]: works on any handle, wakes up every few
//!   milliseconds to look.
//! - [`TimedHandle::join_timeout`] has the thread send its result on a channel and waits on the
//!   channel with `recv_timeout`: no polling, it wakes the moment the thread finishes.
//!
//! Either way, **after the deadline the thread is still running**: a join with a timeout only stops
//! *waiting*. Nothing in Rust (or Python) kills a thread from outside, because a thread killed
//! mid-work could leave a lock held or a structure half-updated.
//!
//! The real fix is to ask the thread to stop: a [`StopFlag`] (an `Arc<AtomicBool>`) that the loop
//! checks on every round. Python threads can do the same with an `Event`, but the seeds' loop has
//! no such check, so there the only option is to stop waiting.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error::ThreadsError;
use crate::log::{Log, thread_name};
use crate::pace::Pace;
use crate::spawning::{join_named, spawn_named};

/// The seeds' never-ending thread body: forever, sleep `tick` and say "waiting".
pub fn never_ending(tick: Duration, log: &Log) -> ! {
    loop {
        thread::sleep(tick);
        log.say(format!("Thread {}: waiting", thread_name()));
    }
}

/// Starts [`never_ending`] on a thread named `name`.
pub fn spawn_never_ending(
    name: &str,
    tick: Duration,
    log: &Log,
) -> Result<JoinHandle<()>, ThreadsError> {
    let log = log.clone();
    spawn_named(name, move || never_ending(tick, &log))
}

/// How often [`join_timeout`] looks whether the thread has finished.
const POLL_EVERY: Duration = Duration::from_millis(2);

/// Waits at most `limit` for the thread behind `handle`.
///
/// Returns `Ok(join_result)` when the thread finished in time (`join_result` is what `join`
/// returns: the value, or the panic), or `Err(handle)` when the deadline passed: the thread is
/// **still running**, and you get the handle back to wait again later or to drop (which detaches
/// the thread; it runs on until it ends or the process exits).
///
/// This is the simple version: it polls [`JoinHandle::is_finished`] every couple of
/// milliseconds. [`TimedHandle`] does the same without polling.
pub fn join_timeout<T>(
    handle: JoinHandle<T>,
    limit: Duration,
) -> Result<thread::Result<T>, JoinHandle<T>> {
    let deadline = Instant::now() + limit;
    loop {
        if handle.is_finished() {
            // The thread has ended, so this join returns at once.
            return Ok(handle.join());
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(handle);
        }
        thread::sleep(POLL_EVERY.min(deadline - now));
    }
}

/// A thread whose result can be awaited with a deadline, without polling.
///
/// [`TimedHandle::spawn`] wraps the closure so that the thread sends its result (or its panic)
/// on a channel as its very last act; [`TimedHandle::join_timeout`] waits on that channel with
/// `recv_timeout`, which wakes up as soon as the message arrives.
#[derive(Debug)]
pub struct TimedHandle<T> {
    result: Receiver<thread::Result<T>>,
    handle: JoinHandle<()>,
}

/// What [`TimedHandle::join_timeout`] found.
#[derive(Debug)]
pub enum Joined<T> {
    /// The thread returned this value.
    Finished(T),
    /// The thread panicked; this is the payload (see [`crate::error::panic_message`]).
    Panicked(Box<dyn Any + Send + 'static>),
    /// The deadline passed and the thread is still running. Here is the handle back: wait again,
    /// or drop it to detach the thread.
    TimedOut(TimedHandle<T>),
}

impl<T: Send + 'static> TimedHandle<T> {
    /// Starts `f` on a new thread called `name`.
    pub fn spawn<F>(name: &str, f: F) -> Result<Self, ThreadsError>
    where
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let handle = spawn_named(name, move || {
            // catch_unwind so that a panic is reported on the channel too.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            // If nobody waits any more (the handle was dropped), there is nobody to tell.
            let _ = tx.send(result);
        })?;
        Ok(Self { result: rx, handle })
    }

    /// Waits at most `limit` for the thread's result.
    pub fn join_timeout(self, limit: Duration) -> Joined<T> {
        match self.result.recv_timeout(limit) {
            Ok(result) => {
                // The thread sent its result as its last act: this join is immediate.
                let _ = self.handle.join();
                match result {
                    Ok(value) => Joined::Finished(value),
                    Err(payload) => Joined::Panicked(payload),
                }
            }
            Err(RecvTimeoutError::Timeout) => Joined::TimedOut(self),
            Err(RecvTimeoutError::Disconnected) => {
                // The sender is only dropped after sending, so this cannot happen; if it ever
                // did, `join` tells what became of the thread.
                match self.handle.join() {
                    Ok(()) => unreachable!("the thread always sends its result before it ends"),
                    Err(payload) => Joined::Panicked(payload),
                }
            }
        }
    }

    /// Whether the thread has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// The thread's name.
    pub fn name(&self) -> &str {
        self.handle.thread().name().unwrap_or("<unnamed>")
    }
}

/// A request to stop, shared between the thread that asks and the thread that obeys.
///
/// It is only a flag: the worker must *check* it, which is why this is called cooperative
/// cancellation. `Relaxed` ordering is enough because the flag carries no other data with it.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag that is not raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every holder of the flag to stop.
    pub fn raise(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether someone asked to stop.
    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The never-ending loop made stoppable: it checks `stop` before every round and returns how
/// many rounds it did. The thread notices the flag at most one `tick` after it is raised.
pub fn stoppable_loop(tick: Duration, stop: &StopFlag, log: &Log) -> u64 {
    let mut rounds = 0;
    while !stop.is_raised() {
        thread::sleep(tick);
        rounds += 1;
        log.say(format!(
            "Thread {}: waiting (round {rounds})",
            thread_name()
        ));
    }
    log.say(format!("Thread {}: asked to stop, exiting", thread_name()));
    rounds
}

/// A thread running [`stoppable_loop`], with its flag.
#[derive(Debug)]
pub struct StoppableWorker {
    stop: StopFlag,
    handle: JoinHandle<u64>,
}

impl StoppableWorker {
    /// Starts the loop on a thread called `name`.
    pub fn spawn(name: &str, tick: Duration, log: &Log) -> Result<Self, ThreadsError> {
        let stop = StopFlag::new();
        let (flag, log) = (stop.clone(), log.clone());
        let handle = spawn_named(name, move || stoppable_loop(tick, &flag, &log))?;
        Ok(Self { stop, handle })
    }

    /// Whether the thread has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Raises the flag and joins: returns the number of rounds the thread did.
    pub fn stop(self) -> Result<u64, ThreadsError> {
        self.stop.raise();
        join_named(self.handle)
    }
}

/// What the never-ending demo saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeverEndingReport {
    /// Whether the never-ending thread was still running when [`join_timeout`] gave up.
    pub left_running: bool,
    /// Whether [`TimedHandle::join_timeout`] gave up too.
    pub timed_handle_gave_up: bool,
    /// The rounds the stoppable loop did before it saw its flag.
    pub rounds: u64,
}

/// The seeds' thread that never ends, waited for with a deadline (both ways), then the
/// stoppable loop; narrated on `log`. The never-ending thread talks on a log of its own, muted
/// once it has been shown: it runs on until the process exits.
pub fn demo(pace: Pace, log: &Log) -> Result<NeverEndingReport, ThreadsError> {
    let (tick, limit) = (pace.secs(2.0), pace.secs(5.0));
    let chatter = log.another();
    let handle = spawn_never_ending("Thread", tick, &chatter)?;
    chatter
        .say("Main: Thread started. A plain join() would wait forever, so: join with a deadline");
    let left_running = match join_timeout(handle, limit) {
        Ok(_) => {
            chatter.say("Main: the thread ended after all (it should not have)");
            false
        }
        Err(handle) => {
            chatter.say(format!(
                "Main: gave up after {:.3} s; is the thread finished? {} (it keeps running, detached)",
                limit.as_secs_f64(),
                handle.is_finished()
            ));
            !handle.is_finished()
        }
    };
    // Its chatter would run through the demos that follow: it still runs, but nobody hears it.
    chatter.mute();
    log.note("(muting that thread's output from here on; it runs until the process exits)");

    let timed = TimedHandle::spawn("Thread-2", move || {
        loop {
            thread::sleep(Duration::from_secs(3600));
        }
    })?;
    let timed_handle_gave_up = match timed.join_timeout(pace.secs(1.0)) {
        Joined::TimedOut(h) => {
            log.say(format!(
                "Main: the channel-based join_timeout also gave up on {}; finished? {}",
                h.name(),
                h.is_finished()
            ));
            true
        }
        other => {
            log.say(format!("Main: unexpected {other:?}"));
            false
        }
    };

    log.say("Main: now a stoppable loop: it checks a stop flag every round");
    let worker = StoppableWorker::spawn("Stoppable", tick, log)?;
    thread::sleep(limit);
    log.say("Main: raising the stop flag");
    let rounds = worker.stop()?;
    Ok(NeverEndingReport {
        left_running,
        timed_handle_gave_up,
        rounds,
    })
}

impl fmt::Display for NeverEndingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Main: Stoppable joined after {} rounds; nothing is left running",
            self.rounds
        )
    }
}
