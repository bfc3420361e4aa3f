//! What one job costs when it does nothing: the pools' own overhead, measured by the benches
//! (`pools/overhead`) against rayon's and against a fresh thread per job.
//!
//! Each function runs `jobs` empty jobs and returns when all have run. The hand-made pools are
//! waited for the way `rayon::scope` waits for its jobs: each job counts itself down on one
//! shared counter and only the last one sends a message, so what is measured is the pool, not
//! a message per job. An empty job on the [`ThreadPool`] pays for boxing the closure, a lock and
//! a condvar signal on the one queue, and waking a sleeping worker; on the [`StealingPool`] the
//! box and a lock-free push, and a wake-up only when a worker sleeps. rayon pays least: its
//! `scope` runs on a worker, so the jobs go straight to that worker's own deque. A thread per
//! job pays for creating and destroying a whole thread — tens of microseconds, which is why
//! pools exist.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;

use crate::pool::{Job, ThreadPool};
use crate::stealing::StealingPool;

/// `jobs` empty jobs on the hand-made pool; returns how many ran.
pub fn on_thread_pool(pool: &ThreadPool, jobs: u64) -> u64 {
    empty_jobs(|job| pool.push(job), jobs)
}

/// `jobs` empty jobs on the work-stealing pool; returns how many ran.
pub fn on_stealing_pool(pool: &StealingPool, jobs: u64) -> u64 {
    empty_jobs(|job| pool.push(job), jobs)
}

/// `jobs` empty jobs, boxed and given to `execute` (what each pool's `execute` does with a
/// closure); returns how many ran, once all have.
fn empty_jobs(execute: impl Fn(Job), jobs: u64) -> u64 {
    let (done, finished) = mpsc::channel();
    let countdown = Arc::new((AtomicU64::new(jobs), done));
    for _ in 0..jobs {
        let countdown = Arc::clone(&countdown);
        execute(Box::new(move || {
            let (left, done) = &*countdown;
            if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                let _ = done.send(());
            }
        }));
    }
    let left = &countdown.0;
    if left.load(Ordering::Acquire) > 0 {
        // `recv` fails only if every job was dropped unrun: then the count below says so.
        let _ = finished.recv();
    }
    jobs - left.load(Ordering::Acquire)
}

/// `jobs` empty jobs spawned into a `rayon::scope`, which returns when all have run.
pub fn on_rayon(jobs: u64) -> u64 {
    rayon::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|_| black_box(()));
        }
    });
    jobs
}

/// `jobs` empty jobs, each on a thread of its own, spawned then joined.
pub fn thread_per_job(jobs: u64) -> u64 {
    let handles: Vec<_> = (0..jobs).map(|_| thread::spawn(|| black_box(()))).collect();
    handles.into_iter().filter_map(|h| h.join().ok()).count() as u64
}
