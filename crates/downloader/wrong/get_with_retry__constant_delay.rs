//! Waits `base_delay` before every retry instead of doubling the wait each time.

/// The same wait every time (wrong: the backoff is not exponential).
fn backoff(base_delay: Duration, retry: u32) -> Duration {
    let _ = retry;
    base_delay
}
