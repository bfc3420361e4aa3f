//! Uses the lesson's own `never_ending::StopFlag` for the stop request instead of building it.

use crate::never_ending::StopFlag;

/// **Exercise 3: a stoppable worker.** (Wrong: the lesson does the work.)
#[derive(Debug)]
pub struct Worker {
    stop: StopFlag,
    handle: JoinHandle<u64>,
}

impl Worker {
    /// Starts running `work` repeatedly on a new thread; returns at once.
    pub fn start<F>(mut work: F) -> Worker
    where
        F: FnMut() + Send + 'static,
    {
        let stop = StopFlag::new();
        let flag = stop.clone();
        let handle = thread::spawn(move || {
            let mut runs = 0;
            while !flag.is_raised() {
                work();
                runs += 1;
            }
            runs
        });
        Worker { stop, handle }
    }

    /// Stops the worker, waits for its thread, and returns how many times `work` ran.
    pub fn stop(self) -> u64 {
        self.stop.raise();
        self.handle.join().expect("the worker's work panicked")
    }
}
