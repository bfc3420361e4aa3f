//! The synchronization primitives the seeds use, each with a small demo.
//!
//! | Python (`threading`)          | Rust                                                        |
//! |-------------------------------|-------------------------------------------------------------|
//! | `Lock` + `with lock:`         | [`std::sync::Mutex`]: the data lives *inside*; the guard unlocks on drop |
//! | `RLock`                       | [`parking_lot::ReentrantMutex`] (shared access only)        |
//! | —                             | [`std::sync::RwLock`]: many readers or one writer           |
//! | `Condition`                   | [`std::sync::Condvar`], always paired with a `Mutex`        |
//! | `Barrier`                     | [`std::sync::Barrier`]                                       |
//! | `Semaphore`                   | hand-made: [`crate::semaphore::Semaphore`]                  |
//! | `Event`                       | hand-made: [`crate::event::Event`]                          |
//! | plain ints under the GIL      | [`std::sync::atomic`]: `AtomicU64::fetch_add`, `compare_exchange` … |
//!
//! Every demo takes a `log` callback for its narration (the lesson's [`demo`] keeps it in its
//! transcript; the tests ignore it) and returns what it observed, so the tests check the
//! behaviour rather than the text.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex, RwLock, TryLockError};
use std::thread;
use std::time::Duration;

use parking_lot::ReentrantMutex;

use crate::event::Event;
use crate::narration::{Log, Transcript};
use crate::semaphore::Semaphore;

/// `Mutex` and its guard: three threads append to a shared `Vec` that lives inside the mutex.
/// Returns the vector's final contents.
pub fn mutex_and_guard(log: Log) -> Vec<String> {
    let names = Mutex::new(Vec::new());
    thread::scope(|s| {
        for i in 0..3 {
            let names = &names;
            s.spawn(move || {
                // `lock()` is `acquire()`; the guard's drop at the end of the block is `release()`.
                // The Vec can only be reached through the guard: no way to forget the lock.
                let mut guard = names.lock().expect("no thread panics while holding it");
                guard.push(format!("worker-{i}"));
                log(format!(
                    "worker-{i} holds the lock; the list is now {:?}",
                    *guard
                ));
            }); // guard dropped here: unlocked
        }
    });
    names.into_inner().expect("not poisoned")
}

/// What the re-entrancy demo observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reentrancy {
    /// How deep the same thread locked the `ReentrantMutex`.
    pub reentrant_depth: u32,
    /// Whether re-locking a plain `Mutex` from the thread that holds it would block.
    pub plain_mutex_would_block: bool,
}

/// A re-entrant lock may be locked again by the thread that holds it; a plain `Mutex` may not.
///
/// std's `Mutex::lock` from the holding thread deadlocks (or panics: the docs leave it open), so
/// the demo asks with `try_lock`, which answers `WouldBlock` instead of waiting for ourselves.
pub fn reentrancy(log: Log) -> Reentrancy {
    let reentrant = ReentrantMutex::new(0u32);
    fn descend(lock: &ReentrantMutex<u32>, depth: u32, log: Log) -> u32 {
        let _guard = lock.lock(); // the same thread, again: allowed
        log(format!("ReentrantMutex locked at depth {depth}"));
        if depth < 3 {
            descend(lock, depth + 1, log)
        } else {
            depth
        }
    }
    let reentrant_depth = descend(&reentrant, 1, log);

    let plain = Mutex::new(0u32);
    let _held = plain.lock().expect("fresh mutex");
    let plain_mutex_would_block = matches!(plain.try_lock(), Err(TryLockError::WouldBlock));
    log(format!(
        "plain Mutex re-locked by its holder: try_lock says {} (lock() would wait for itself forever)",
        if plain_mutex_would_block {
            "WouldBlock"
        } else {
            "acquired?!"
        }
    ));
    Reentrancy {
        reentrant_depth,
        plain_mutex_would_block,
    }
}

/// `RwLock`: `readers` threads hold the read lock *at the same time* (they meet at a barrier while
/// holding it, which would deadlock if reads excluded each other), then one writer updates.
/// Returns (the most readers seen inside at once, the value after the write).
pub fn rwlock(readers: usize, log: Log) -> (usize, u64) {
    let config = RwLock::new(41u64);
    let inside = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let all_in = Barrier::new(readers);
    thread::scope(|s| {
        for i in 0..readers {
            let (config, inside, peak, all_in) = (&config, &inside, &peak, &all_in);
            s.spawn(move || {
                let value = config.read().expect("not poisoned");
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                all_in.wait(); // every reader holds the read lock here
                log(format!("reader {i} sees {}, {now} readers inside", *value));
                inside.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    *config.write().expect("not poisoned") += 1;
    let value = *config.read().expect("not poisoned");
    log(format!(
        "the writer had the lock alone and set it to {value}"
    ));
    (peak.into_inner(), value)
}

/// `Condvar`: a worker sleeps until the main thread hands it a job. Returns the worker's answer.
pub fn condvar(log: Log) -> u64 {
    let job: Mutex<Option<u64>> = Mutex::new(None);
    let posted = Condvar::new();
    thread::scope(|s| {
        let worker = s.spawn(|| {
            let mut slot = job.lock().expect("not poisoned");
            // The condition is re-checked in a loop: wake-ups may be spurious.
            while slot.is_none() {
                slot = posted.wait(slot).expect("not poisoned");
            }
            let n = slot.take().expect("checked above");
            log(format!("worker woke up with job {n}"));
            n * n
        });
        thread::sleep(Duration::from_millis(20));
        *job.lock().expect("not poisoned") = Some(12);
        log("main posted job 12 and notified".into());
        posted.notify_one();
        worker.join().expect("the worker does not panic")
    })
}

/// `Barrier`: `threads` threads each finish phase 1, wait for all, then do phase 2. Returns the
/// order of events as (thread, phase): every phase-1 event comes before every phase-2 event.
pub fn barrier(threads: usize, log: Log) -> Vec<(usize, u8)> {
    let events = Mutex::new(Vec::new());
    let gate = Barrier::new(threads);
    thread::scope(|s| {
        for i in 0..threads {
            let (events, gate) = (&events, &gate);
            s.spawn(move || {
                thread::sleep(Duration::from_millis(5 * i as u64)); // uneven phase-1 work
                events.lock().expect("not poisoned").push((i, 1));
                log(format!("thread {i} finished phase 1, waits at the barrier"));
                if gate.wait().is_leader() {
                    log("all arrived: the barrier opens".into());
                }
                events.lock().expect("not poisoned").push((i, 2));
            });
        }
    });
    events.into_inner().expect("not poisoned")
}

/// What the atomics demo observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtomicsReport {
    /// The total counted by `fetch_add` from several threads.
    pub total: u64,
    /// The largest value seen, kept with `fetch_max`.
    pub max: u64,
    /// How many threads won the one-time `compare_exchange` (must be exactly 1).
    pub initializers: usize,
}

/// Atomics: lock-free counters, a maximum, a one-time flag claimed with `compare_exchange`.
pub fn atomics(threads: usize, log: Log) -> AtomicsReport {
    let total = AtomicU64::new(0);
    let max = AtomicU64::new(0);
    let initialized = AtomicBool::new(false);
    let initializers = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..threads {
            let (total, max, initialized, initializers) =
                (&total, &max, &initialized, &initializers);
            s.spawn(move || {
                for k in 0..1000u64 {
                    total.fetch_add(1, Ordering::Relaxed);
                    max.fetch_max(i as u64 * 1000 + k, Ordering::Relaxed);
                }
                // Exactly one thread turns false into true; the others see it already done.
                if initialized
                    .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
                {
                    initializers.fetch_add(1, Ordering::Relaxed);
                    log(format!(
                        "thread {i} won the compare_exchange and initialized"
                    ));
                }
            });
        }
    });
    let report = AtomicsReport {
        total: total.into_inner(),
        max: max.into_inner(),
        initializers: initializers.into_inner(),
    };
    log(format!(
        "{threads} threads × 1000 fetch_add = {}, fetch_max = {}, initialized {} time(s)",
        report.total, report.max, report.initializers
    ));
    report
}

/// The seeds' `with sem:` — `workers` threads, at most `permits` inside at once. Returns the most
/// workers seen inside together.
pub fn semaphore(permits: usize, workers: usize, log: Log) -> usize {
    let sem = Semaphore::new(permits);
    let inside = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..workers {
            let (sem, inside, peak) = (&sem, &inside, &peak);
            s.spawn(move || {
                let _permit = sem.acquire(); // given back when `_permit` drops
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                log(format!("worker {i} is in ({now} of at most {permits})"));
                thread::sleep(Duration::from_millis(20));
                inside.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    peak.into_inner()
}

/// The seeds' timer threads: each says hello every `period` until the main thread sets the stop
/// event after `run_for`. `Event::wait_timeout` is both the sleep and the stop check, so a thread
/// stops at once instead of finishing its sleep. Returns how many hellos were said.
pub fn event_timers(period: Duration, run_for: Duration, log: Log) -> u64 {
    let stop = Event::new();
    let hellos = AtomicU64::new(0);
    thread::scope(|s| {
        for i in 0..2 {
            let (stop, hellos) = (&stop, &hellos);
            s.spawn(move || {
                while !stop.is_set() {
                    hellos.fetch_add(1, Ordering::Relaxed);
                    log(format!("timer-{i}: hello"));
                    stop.wait_timeout(period);
                }
                log(format!("timer-{i} leaves"));
            });
        }
        thread::sleep(run_for);
        log("main sets the stop event".into());
        stop.set();
    });
    hellos.into_inner()
}

/// Every primitive in turn, as `sync primitives` shows them, with a semaphore of `permits`
/// permits for `workers` workers.
pub fn demo(permits: usize, workers: usize) -> Transcript {
    let t = Transcript::new();
    let log: Log = &|line| t.say(line);
    t.heading("== primitives");
    t.heading("-- Mutex and its guard (`with lock:`)");
    let names = mutex_and_guard(log);
    t.say(format!("final list: {names:?}"));
    t.heading("-- re-entrant lock vs plain Mutex");
    reentrancy(log);
    t.heading("-- RwLock: many readers at once, then one writer");
    let (peak, value) = rwlock(3, log);
    t.say(format!(
        "readers inside at once: {peak}; value after the write: {value}"
    ));
    t.heading("-- Condvar: sleep until told");
    t.say(format!("the worker answered {}", condvar(log)));
    t.heading("-- Barrier: nobody starts phase 2 before everyone finished phase 1");
    barrier(3, log);
    t.heading("-- atomics");
    atomics(4, log);
    t.heading(format!(
        "-- hand-made Semaphore({permits}), {workers} workers"
    ));
    let peak = semaphore(permits, workers, log);
    t.say(format!("at most {peak} workers were inside at once"));
    t.heading("-- hand-made Event stops two timer threads");
    let hellos = event_timers(Duration::from_millis(100), Duration::from_millis(350), log);
    t.say(format!("{hellos} hellos, then both timers stopped at once"));
    t
}
