//! `stop` raises the flag and returns the count at once, without joining: a call of `work` may still be running, and is not counted.

use std::sync::atomic::AtomicU64;

/// **Exercise 3: a stoppable worker.** (Wrong: stop does not wait for the thread.)
#[derive(Debug)]
pub struct Worker {
    stop: Arc<AtomicBool>,
    runs: Arc<AtomicU64>,
}

impl Worker {
    /// Starts running `work` repeatedly on a new thread; returns at once.
    pub fn start<F>(mut work: F) -> Worker
    where
        F: FnMut() + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let runs = Arc::new(AtomicU64::new(0));
        let (flag, count) = (Arc::clone(&stop), Arc::clone(&runs));
        thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                work();
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        Worker { stop, runs }
    }

    /// Stops the worker, waits for its thread, and returns how many times `work` ran.
    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.runs.load(Ordering::Relaxed)
    }
}
