//! Waits for room by locking, looking and unlocking in a loop: correct, but the waiting thread burns a core instead of sleeping.

impl BoundedSection {
    /// Waits until fewer than `k` threads are inside, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        loop {
            let mut inside = lock(&self.inside);
            if *inside < self.k {
                *inside += 1;
                return SectionGuard { section: self };
            }
            drop(inside);
            thread::yield_now();
        }
    }
}
