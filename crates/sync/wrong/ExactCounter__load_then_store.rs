//! Reads the count, then stores the count plus one: two steps, so threads that read the same value lose increments.

impl ExactCounter {
    /// Adds one. Takes `&self`: many threads call it at once.
    pub fn increment(&self) {
        let now = self.count.load(Ordering::Relaxed);
        self.count.store(now + 1, Ordering::Relaxed);
    }
}
