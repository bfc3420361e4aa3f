//! Reference solutions of this lesson's exercises (compiled in place of `src/exercises.rs` with
//! `--features solutions`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::ThreadsError;

/// **Exercise 1: named threads.** See `src/exercises.rs` for the task.
pub fn run_named<T, F>(names: &[&str], job: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    // 'static threads cannot borrow `job`: share it through an Arc.
    let job = Arc::new(job);
    let handles = names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let job = Arc::clone(&job);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || job(i))
                .map_err(|source| ThreadsError::Spawn {
                    name: name.to_string(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Joining in spawn order gives the results in input order.
    handles
        .into_iter()
        .map(crate::spawning::join_named)
        .collect()
}

/// **Exercise 2: join them all, with one deadline.** See `src/exercises.rs` for the task.
pub fn join_all_within<T>(handles: Vec<JoinHandle<T>>, limit: Duration) -> Vec<Option<T>> {
    let deadline = Instant::now() + limit;
    let mut results: Vec<Option<T>> = handles.iter().map(|_| None).collect();
    let mut pending: Vec<(usize, JoinHandle<T>)> = handles.into_iter().enumerate().collect();
    loop {
        // Join the finished ones (their join returns at once), keep the others.
        let mut still_running = Vec::new();
        for (i, handle) in pending {
            if handle.is_finished() {
                results[i] = handle.join().ok();
            } else {
                still_running.push((i, handle));
            }
        }
        pending = still_running;
        let now = Instant::now();
        if pending.is_empty() || now >= deadline {
            // Dropping the remaining handles detaches their threads.
            return results;
        }
        thread::sleep(Duration::from_millis(1).min(deadline - now));
    }
}

/// **Exercise 3: a stoppable worker.** See `src/exercises.rs` for the task.
#[derive(Debug)]
pub struct Worker {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<u64>,
}

impl Worker {
    /// Starts running `work` repeatedly on a new thread; returns at once.
    pub fn start<F>(mut work: F) -> Worker
    where
        F: FnMut() + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let mut runs = 0;
            while !flag.load(Ordering::Relaxed) {
                work();
                runs += 1;
            }
            runs
        });
        Worker { stop, handle }
    }

    /// Stops the worker, waits for its thread, and returns how many times `work` ran.
    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().expect("the worker's work panicked")
    }
}

/// **Exercise 4: a parallel sum.** See `src/exercises.rs` for the task.
pub fn parallel_sum<F>(n: u64, threads: usize, f: F) -> Result<u64, ThreadsError>
where
    F: Fn(u64) -> u64 + Sync,
{
    let ranges = crate::cpu_bound::chunk_ranges(n, threads)?;
    let f = &f;
    // Scoped threads may borrow `f`; every thread is started before the first join.
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| s.spawn(move || range.fold(0_u64, |acc, i| acc.wrapping_add(f(i)))))
            .collect();
        let mut total = 0_u64;
        for handle in handles {
            let part = handle.join().map_err(|payload| ThreadsError::Panicked {
                name: "parallel_sum".into(),
                message: crate::error::panic_message(&*payload),
            })?;
            total = total.wrapping_add(part);
        }
        Ok(total)
    })
}

/// **Exercise 5: a scoped map.** See `src/exercises.rs` for the task.
pub fn scoped_map<T, U, F>(items: &[T], threads: usize, f: F) -> Result<Vec<U>, ThreadsError>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    if threads == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    let parts = threads.min(items.len());
    let f = &f;
    let mut chunks = Vec::with_capacity(parts);
    let mut rest = items;
    for i in 0..parts {
        // The first `len % parts` chunks get one item more.
        let len = items.len() / parts + usize::from(i < items.len() % parts);
        let (chunk, tail) = rest.split_at(len);
        chunks.push(chunk);
        rest = tail;
    }
    thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            out.extend(handle.join().map_err(|payload| ThreadsError::Panicked {
                name: "scoped_map".into(),
                message: crate::error::panic_message(&*payload),
            })?);
        }
        Ok(out)
    })
}

/// **Exercise 6: a repeating timer that stops on request.** See `src/exercises.rs` for the task.
#[derive(Debug)]
pub struct Ticker {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: JoinHandle<u64>,
}

impl Ticker {
    /// Starts ticking every `interval`; returns at once.
    pub fn start<F>(interval: Duration, mut on_tick: F) -> Ticker
    where
        F: FnMut(u64) + Send + 'static,
    {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let theirs = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let (stopped, wake) = &*theirs;
            let mut ticks = 0;
            loop {
                // Sleep until the interval passes or stop() sets the flag and notifies us.
                let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
                let (guard, _) = wake
                    .wait_timeout_while(guard, interval, |s| !*s)
                    .unwrap_or_else(PoisonError::into_inner);
                if *guard {
                    return ticks;
                }
                drop(guard);
                ticks += 1;
                on_tick(ticks);
            }
        });
        Ticker { stop, handle }
    }

    /// Stops the ticker, waits for its thread, and returns how many ticks happened.
    pub fn stop(self) -> u64 {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        self.handle.join().expect("the ticker's on_tick panicked")
    }
}
