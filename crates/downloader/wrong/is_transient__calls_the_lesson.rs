//! Hands the status rule to the lesson's own `DownloadError::is_transient` instead of writing it.

/// Exercise 1 (wrong: the lesson's answer, not the student's).
pub fn is_transient(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::StatusCode(code) => crate::DownloadError::Status(*code).is_transient(),
        ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Io(_)
        | ureq::Error::Timeout(_) => true,
        _ => false,
    }
}
