//! Retries at once, in a tight loop: a struggling server gets a stampede instead of room to recover.

/// No wait at all (wrong: there is no backoff).
fn backoff(base_delay: Duration, retry: u32) -> Duration {
    let _ = (base_delay, retry);
    Duration::ZERO
}
