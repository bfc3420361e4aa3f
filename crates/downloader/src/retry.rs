//! Retrying transient failures, with exponential backoff.
//!
//! A failed request is tried again only if trying again could help ([`DownloadError::is_transient`]),
//! and each wait is twice the one before (100 ms, 200 ms, 400 ms, ...) up to a ceiling: a server that
//! is overloaded gets room to recover instead of a stampede of immediate retries.

use std::time::Duration;

use crate::cancel::CancelToken;
use crate::error::DownloadError;
use crate::limits::Deadline;

/// How many times to retry, and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first try (0: try once).
    pub max_retries: u32,
    /// The wait before the first retry; it doubles for each next one.
    pub base_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0-based): `base_delay × 2^retry`, at most `max_delay`.
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// Runs `attempt` until it succeeds, fails permanently, or the retries are used up.
    /// `attempt` gets the try number (0 first).
    ///
    /// The waits between tries end early when `cancel` is cancelled (the result is then
    /// [`DownloadError::Cancelled`]), and no wait runs past `deadline` (the result is then
    /// [`DownloadError::MaxTime`] with the last try's failure).
    pub fn run<T>(
        &self,
        cancel: &CancelToken,
        deadline: Deadline,
        mut attempt: impl FnMut(u32) -> Result<T, DownloadError>,
    ) -> Result<T, DownloadError> {
        let mut tries = 0;
        loop {
            match attempt(tries) {
                Err(error) if error.is_transient() && tries < self.max_retries => {
                    let wait = self.delay(tries);
                    if deadline.would_pass(wait) {
                        return Err(deadline.exceeded(Some(error)));
                    }
                    if !cancel.sleep(wait) {
                        return Err(DownloadError::Cancelled { started: true });
                    }
                    tries += 1;
                }
                result => return result,
            }
        }
    }
}
