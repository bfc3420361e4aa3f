//! Waits by locking, looking and unlocking in a loop: correct, but every waiting thread burns a core instead of sleeping.

impl<T> BlockingQueue<T> {
    /// Appends `item`, waiting for room; `Err(item)` if the queue is closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        loop {
            let mut state = lock(&self.state);
            if state.closed {
                return Err(item);
            }
            if state.items.len() < self.capacity {
                state.items.push_back(item);
                return Ok(());
            }
            drop(state);
            thread::yield_now();
        }
    }

    /// Takes the oldest item, waiting for one; `None` when closed and empty.
    pub fn pop(&self) -> Option<T> {
        loop {
            let mut state = lock(&self.state);
            if let Some(item) = state.items.pop_front() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            drop(state);
            thread::yield_now();
        }
    }
}
