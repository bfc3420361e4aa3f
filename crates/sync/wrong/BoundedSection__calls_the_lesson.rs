//! Wraps the lesson's own `semaphore::Semaphore` instead of building the section from `Mutex` + `Condvar`.

use crate::semaphore::{Permit, Semaphore};

/// Exercise 4: the lesson's semaphore.
#[derive(Debug)]
pub struct BoundedSection {
    permits: Semaphore,
}

/// Proof of being inside a [`BoundedSection`]; leaves the section when dropped.
#[derive(Debug)]
pub struct SectionGuard<'a> {
    _permit: Permit<'a>,
}

impl BoundedSection {
    /// A section admitting at most `k` threads (`k >= 1`).
    pub fn new(k: usize) -> Self {
        BoundedSection {
            permits: Semaphore::new(k),
        }
    }

    /// Waits until fewer than `k` threads are inside, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        SectionGuard {
            _permit: self.permits.acquire(),
        }
    }
}

impl Drop for SectionGuard<'_> {
    fn drop(&mut self) {
        // The permit goes back to the semaphore when `_permit` is dropped.
    }
}
