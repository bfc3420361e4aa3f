//! What one job costs when it does nothing: the pool's own overhead, measured by the benches
//! (`pools/overhead`) against rayon's and against a fresh thread per job.
//!
//! Each function runs `jobs` empty jobs and returns when all have run. An empty job on the
//! hand-made pool pays: boxing the closure, a lock and a condvar signal on the queue, a wake-up of
//! a sleeping worker, and a message back to say it ran. rayon pays less (per-thread deques, no
//! single lock). A thread per job pays for creating and destroying a whole thread — tens of
//! microseconds, which is why pools exist.

use std::hint::black_box;
use std::sync::mpsc;
use std::thread;

use crate::pool::ThreadPool;

/// `jobs` empty jobs on the hand-made pool; returns how many ran.
pub fn on_thread_pool(pool: &ThreadPool, jobs: u64) -> usize {
    let (done, finished) = mpsc::channel();
    for _ in 0..jobs {
        let done = done.clone();
        pool.execute(move || {
            let _ = done.send(());
        });
    }
    drop(done); // the iterator below ends when the last job has dropped its sender
    finished.iter().count()
}

/// `jobs` empty jobs spawned into a `rayon::scope`, which returns when all have run.
pub fn on_rayon(jobs: u64) -> usize {
    rayon::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|_| black_box(()));
        }
    });
    usize::try_from(jobs).unwrap_or(usize::MAX)
}

/// `jobs` empty jobs, each on a thread of its own, spawned then joined.
pub fn thread_per_job(jobs: u64) -> usize {
    let handles: Vec<_> = (0..jobs).map(|_| thread::spawn(|| black_box(()))).collect();
    handles.into_iter().filter_map(|h| h.join().ok()).count()
}
