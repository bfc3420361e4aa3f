//! How long the demos sleep.
//!
//! The seeds sleep for seconds (a worker sleeps 2 s and another 5 s, a timer fires after 5 s...).
//! That is fine in a notebook and too slow for a tour of the whole course, so every demo takes its
//! durations from a [`Pace`]: the seeds' durations times a factor. [`Pace::brief`] (the default)
//! runs them at one twentieth; [`Pace::seeds`] uses the seeds' own durations.

use std::time::Duration;

/// A scale factor for the seeds' durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    factor: f64,
}

impl Pace {
    /// The default: 1/20 of the seeds' durations, so the whole lesson runs in seconds.
    pub const BRIEF_FACTOR: f64 = 0.05;

    /// The scaled-down pace of the default run.
    pub fn brief() -> Self {
        Self {
            factor: Self::BRIEF_FACTOR,
        }
    }

    /// The seeds' own durations.
    pub fn seeds() -> Self {
        Self { factor: 1.0 }
    }

    /// Any factor; it must be finite and above zero (the CLI validates it before it gets here).
    ///
    /// # Panics
    /// If `factor` is not a finite number above zero.
    pub fn with_factor(factor: f64) -> Self {
        assert!(
            factor.is_finite() && factor > 0.0,
            "a pace factor must be finite and above zero, got {factor}"
        );
        Self { factor }
    }

    /// The factor applied to the seeds' durations.
    pub fn factor(self) -> f64 {
        self.factor
    }

    /// A duration of the seeds (in seconds), scaled.
    pub fn secs(self, seed_seconds: f64) -> Duration {
        Duration::from_secs_f64(seed_seconds * self.factor)
    }
}

impl Default for Pace {
    fn default() -> Self {
        Self::brief()
    }
}
