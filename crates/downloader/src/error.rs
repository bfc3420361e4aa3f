//! Why a download failed, and whether trying again could help.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong with one URL. One failure never stops the other URLs: it ends up
/// in the [`crate::report::Summary`] with its reason.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The text is not a URL we can fetch.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A scheme other than http and https (`file://`, `ftp://`).
    #[error("unsupported scheme {scheme:?} in {url:?} (only http and https)")]
    UnsupportedScheme {
        /// The URL as given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The server answered with an error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The body is larger than the limit (announced or counted while streaming).
    #[error("body larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The connection ended before the announced length.
    #[error("truncated body: {received} of {expected} bytes")]
    Truncated {
        /// Bytes announced by `Content-Length`.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
    /// Connecting or reading took longer than its timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The connection could not be made or broke.
    #[error("connection failed: {0}")]
    Connection(String),
    /// More redirects than allowed.
    #[error("too many redirects")]
    TooManyRedirects,
    /// The body is not what we expected (e.g. JSON without the field).
    #[error("unexpected body: {0}")]
    BadBody(String),
    /// The output directory cannot be created or written.
    #[error("output directory {path:?} is not writable: {source}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Writing the file failed.
    #[error("writing {path:?}: {source}")]
    File {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Any other HTTP-level error.
    #[error("HTTP error: {0}")]
    Http(String),
}

impl DownloadError {
    /// Transient failures may succeed if tried again: connection errors, timeouts, cut
    /// connections, 5xx and 429 (too many requests). A 404 or a 403 will not change; retrying
    /// would only load the server.
    pub fn is_transient(&self) -> bool {
        match self {
            DownloadError::Status(code) => *code >= 500 || *code == 429,
            DownloadError::Connection(_)
            | DownloadError::Timeout(_)
            | DownloadError::Truncated { .. } => true,
            _ => false,
        }
    }

    /// The error of one ureq call.
    pub fn from_ureq(error: ureq::Error) -> DownloadError {
        match error {
            ureq::Error::StatusCode(code) => DownloadError::Status(code),
            ureq::Error::Timeout(t) => DownloadError::Timeout(t.to_string()),
            ureq::Error::Io(e) => DownloadError::from_read(e),
            ureq::Error::TooManyRedirects => DownloadError::TooManyRedirects,
            ureq::Error::BodyExceedsLimit(limit) => DownloadError::TooLarge { limit },
            e @ (ureq::Error::ConnectionFailed | ureq::Error::HostNotFound) => {
                DownloadError::Connection(e.to_string())
            }
            ureq::Error::BadUri(reason) => DownloadError::InvalidUrl {
                url: String::new(),
                reason,
            },
            other => DownloadError::Http(other.to_string()),
        }
    }

    /// The error of reading a body: ureq wraps its own errors in `io::Error`.
    pub fn from_read(error: io::Error) -> DownloadError {
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<ureq::Error>())
        {
            // Just checked that the inner error is a ureq::Error.
            let inner = error
                .into_inner()
                .and_then(|e| e.downcast::<ureq::Error>().ok());
            if let Some(inner) = inner {
                return DownloadError::from_ureq(*inner);
            }
            return DownloadError::Http("unreadable body error".into());
        }
        match error.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                DownloadError::Timeout(error.to_string())
            }
            _ => DownloadError::Connection(error.to_string()),
        }
    }
}
