//! Admits one thread at a time whatever `k` is: a plain lock, safe but never lets `k` threads in together.

impl BoundedSection {
    /// Waits until the section is empty, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        let mut inside = lock(&self.inside);
        while *inside >= 1 {
            inside = self
                .left
                .wait(inside)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *inside += 1;
        SectionGuard { section: self }
    }
}
