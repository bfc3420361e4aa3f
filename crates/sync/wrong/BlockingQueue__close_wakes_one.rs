//! `close` calls `notify_one`: one waiter learns the queue is closed, every other one sleeps forever.

impl<T> BlockingQueue<T> {
    /// Closes the queue and wakes every waiter.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.not_full.notify_one();
        self.not_empty.notify_one();
    }
}
