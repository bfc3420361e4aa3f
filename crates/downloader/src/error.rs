//! Why a download failed, and whether trying again could help.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

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
    #[error("the server answered {0} {reason}", reason = status_reason(*.0))]
    Status(u16),
    /// A redirect to something other than http or https (`file:///etc/passwd`).
    #[error("refused to follow a redirect to {target:?} (only http and https are followed)")]
    RedirectRefused {
        /// Where the redirect pointed.
        target: String,
    },
    /// The body is larger than the limit (announced or counted while streaming).
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The connection ended before the announced length.
    #[error("the connection closed after {received} of {expected} bytes")]
    Truncated {
        /// Bytes announced by `Content-Length`.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
    /// Connecting or a single read took longer than its timeout.
    #[error("no answer in time ({0})")]
    Timeout(String),
    /// Fewer bytes than the stall rule asks for arrived in one window ([`crate::limits`]).
    #[error(
        "stalled: {} in the last {} s (at least {min_bytes} bytes are required)",
        if *received == 0 { "nothing received".to_string() } else { format!("only {received} bytes") },
        window.as_secs_f64()
    )]
    Stalled {
        /// Bytes received in the window.
        received: u64,
        /// The fewest bytes the rule asks for.
        min_bytes: u64,
        /// The window.
        window: Duration,
    },
    /// The time allowed for one URL, retries included, ran out ([`crate::limits::Deadline`]).
    #[error(
        "gave up after {} s, the time allowed for one URL{}",
        limit.as_secs_f64(),
        last.as_ref().map(|e| format!(" (the last try: {e})")).unwrap_or_default()
    )]
    MaxTime {
        /// The time allowed.
        limit: Duration,
        /// Why the last try failed, when the deadline came between tries.
        last: Option<Box<DownloadError>>,
    },
    /// The batch was cancelled ([`crate::cancel::CancelToken`]).
    #[error("{}", if *started { "cancelled while downloading" } else { "cancelled before it started" })]
    Cancelled {
        /// Whether the download had begun.
        started: bool,
    },
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
    ///
    /// The I/O error is part of the message and not a `source`, so that the reason is printed
    /// once however the error is shown (`error: {err:#}` prints a source chain).
    #[error("output directory {path:?} is not writable: {reason}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// Why it is not.
        reason: io::Error,
    },
    /// The file listing the URLs could not be read.
    #[error("reading {}", path.display())]
    UrlList {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// Nothing to download: no URL given, and none in the list.
    #[error("no URLs to download")]
    NoUrls,
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
    /// Whether the error is the user's input rather than the network's doing: a URL that is not
    /// one we fetch, an unreadable or empty list, an output directory we cannot write. The
    /// binary exits with code 2 for these, 1 for the others.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DownloadError::InvalidUrl { .. }
                | DownloadError::UnsupportedScheme { .. }
                | DownloadError::UrlList { .. }
                | DownloadError::NoUrls
                | DownloadError::OutputDir { .. }
        )
    }

    /// Transient failures may succeed if tried again: connection errors, timeouts, cut
    /// connections, 5xx and 429 (too many requests). A 404 or a 403 will not change; retrying
    /// would only load the server.
    pub fn is_transient(&self) -> bool {
        match self {
            DownloadError::Status(code) => *code >= 500 || *code == 429,
            DownloadError::Connection(_)
            | DownloadError::Timeout(_)
            | DownloadError::Stalled { .. }
            | DownloadError::Truncated { .. } => true,
            _ => false,
        }
    }

    /// The error of one ureq call.
    pub fn from_ureq(error: ureq::Error) -> DownloadError {
        match error {
            ureq::Error::StatusCode(code) => DownloadError::Status(code),
            ureq::Error::Timeout(timeout) => DownloadError::Timeout(match timeout {
                ureq::Timeout::PerRead => {
                    "the server sent nothing for the whole read timeout".into()
                }
                ureq::Timeout::Connect => "no connection within the connect timeout".into(),
                other => format!("the {other} timeout passed"),
            }),
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
        match unwrap_ureq(error) {
            Ok(inner) => DownloadError::from_ureq(inner),
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                DownloadError::Timeout(error.to_string())
            }
            Err(error) => DownloadError::Connection(error.to_string()),
        }
    }
}

/// The `ureq::Error` inside an `io::Error` from a body reader, or the `io::Error` as it was.
pub fn unwrap_ureq(error: io::Error) -> Result<ureq::Error, io::Error> {
    if !error
        .get_ref()
        .is_some_and(|inner| inner.is::<ureq::Error>())
    {
        return Err(error);
    }
    match error.into_inner().map(|e| e.downcast::<ureq::Error>()) {
        Some(Ok(inner)) => Ok(*inner),
        // Unreachable after the check above, but an io::Error is a fine answer either way.
        _ => Err(io::Error::other("unreadable body error")),
    }
}
/// `404` → `Not Found`: the words of a status, for people.
fn status_reason(code: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("")
}
