//! `pop` takes the newest item instead of the oldest: a stack, not a FIFO queue.

impl<T> BlockingQueue<T> {
    /// Takes the newest item, waiting for one; `None` when closed and empty.
    pub fn pop(&self) -> Option<T> {
        let mut state = lock(&self.state);
        loop {
            if let Some(item) = state.items.pop_back() {
                drop(state);
                self.not_full.notify_one();
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}
