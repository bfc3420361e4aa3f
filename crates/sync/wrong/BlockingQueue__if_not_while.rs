//! Waits with `if` instead of `while`: a woken thread goes on without checking again, so `pop` can find the queue empty and `push` can overfill it.

impl<T> BlockingQueue<T> {
    /// Appends `item`, waiting for room; `Err(item)` if the queue is closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        let mut state = lock(&self.state);
        if state.items.len() >= self.capacity && !state.closed {
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.closed {
            return Err(item);
        }
        state.items.push_back(item);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the oldest item, waiting for one; `None` when closed and empty.
    pub fn pop(&self) -> Option<T> {
        let mut state = lock(&self.state);
        if state.items.is_empty() && !state.closed {
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let item = state.items.pop_front();
        drop(state);
        self.not_full.notify_one();
        item
    }
}
