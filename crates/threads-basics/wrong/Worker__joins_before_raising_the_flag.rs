//! `stop` joins the thread before it raises the flag: the thread never learns it should stop, and `stop` waits forever.

impl Worker {
    /// Stops the worker, waits for its thread, and returns how many times `work` ran.
    pub fn stop(self) -> u64 {
        let runs = self.handle.join().expect("the worker's work panicked");
        self.stop.store(true, Ordering::Relaxed);
        runs
    }
}
