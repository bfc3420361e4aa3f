//! Looks at statuses only: a refused connection, a lookup failure or a timeout, which may well succeed a moment later, count as permanent.

/// Exercise 1 (wrong: connection trouble is not retried).
pub fn is_transient(error: &ureq::Error) -> bool {
    matches!(error, ureq::Error::StatusCode(code) if *code >= 500 || *code == 429)
}
