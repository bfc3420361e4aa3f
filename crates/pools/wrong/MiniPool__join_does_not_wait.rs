//! Closes the channel in `join` but does not join the workers: it returns while queued jobs are still running.

impl MiniPool {
    /// Closes the channel (wrong: and returns without waiting for the workers).
    pub fn join(mut self) {
        drop(self.sender.take());
        self.workers.clear(); // dropping a JoinHandle detaches its thread
    }
}
