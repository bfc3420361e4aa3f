//! Waits with `if` instead of `while`: a woken thread enters without checking again, even when another thread took the room first.

impl BoundedSection {
    /// Waits until fewer than `k` threads are inside, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        let mut inside = lock(&self.inside);
        if *inside >= self.k {
            inside = self
                .left
                .wait(inside)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *inside += 1;
        SectionGuard { section: self }
    }
}
