//! Counts the retries with `<=`, so it sends `max_retries + 2` requests before giving up.

/// A transient failure gets a retry (wrong: off by one).
fn worth_a_retry(error: &ureq::Error, retry: u32, max_retries: u32) -> bool {
    is_transient(error) && retry <= max_retries
}
