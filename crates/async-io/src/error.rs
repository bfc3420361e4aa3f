//! What can go wrong in the lesson's library.

use std::io;

/// An error of the lesson's library. Single requests that fail are counted in the reports, not
/// returned as errors: these are the failures that stop a whole demo.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The process may not open enough files (sockets are files) for the connections asked for.
    #[error(
        "{connections} connections need about {needed} open files, but this process may open only \
         {soft} (hard limit {hard}); raise the hard limit (`ulimit -Hn`, limits.conf) or ask for \
         at most {max_connections} connections"
    )]
    TooFewFiles {
        /// Connections asked for.
        connections: usize,
        /// Open files they need.
        needed: u64,
        /// The soft limit after raising it as far as allowed.
        soft: u64,
        /// The hard limit.
        hard: u64,
        /// The most connections that fit.
        max_connections: u64,
    },
    /// A parameter out of its range.
    #[error("{0}")]
    BadInput(String),
    /// The operating system refused something the demo needs (a runtime, a socket, a process).
    #[error("{what}: {source}")]
    Io {
        /// What we were doing.
        what: String,
        /// Why it failed.
        source: io::Error,
    },
    /// The lesson's server, run as a child process, misbehaved.
    #[error("the server process: {0}")]
    ServerProcess(String),
    /// The user asked to stop (Ctrl-C) and the work stopped, leaving only complete files.
    #[error("interrupted")]
    Interrupted,
    /// A task or a thread panicked, or was cancelled, before it gave its result.
    #[error("{0} was lost (it panicked or was cancelled)")]
    Lost(String),
    /// A download batch could not start (the output folder, say).
    #[error(transparent)]
    Download(#[from] downloader::DownloadError),
}

impl Error {
    /// Whether the error comes from what the user asked for (exit code 2) rather than from the
    /// run (exit code 1): a parameter out of range, more connections than open files, an output
    /// folder that cannot be one.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::BadInput(_)
                | Error::TooFewFiles { .. }
                | Error::Download(downloader::DownloadError::OutputDir { .. })
        )
    }

    /// Wraps an I/O error with what we were doing.
    pub fn io(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_user_asked_for_is_bad_input_and_the_rest_is_not() {
        assert!(Error::BadInput("width 0".into()).is_bad_input());
        let not_a_folder = downloader::DownloadError::OutputDir {
            path: "x".into(),
            reason: io::Error::other("a file"),
        };
        assert!(Error::from(not_a_folder).is_bad_input());
        assert!(!Error::Interrupted.is_bad_input());
        assert!(!Error::ServerProcess("died".into()).is_bad_input());
    }
}
