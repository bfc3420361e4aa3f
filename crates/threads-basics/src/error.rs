//! The errors of this lesson's library.

use std::io;

/// What can go wrong when the lesson starts, joins or sizes threads.
#[derive(Debug, thiserror::Error)]
pub enum ThreadsError {
    /// The operating system refused to start a thread (out of memory, thread limit reached...).
    #[error("could not spawn thread {name:?}: {source}")]
    Spawn {
        /// The name we asked for.
        name: String,
        /// Why the OS said no.
        #[source]
        source: io::Error,
    },
    /// A thread panicked; `join` handed its panic back to us.
    #[error("thread {name:?} panicked: {message}")]
    Panicked {
        /// The thread's name.
        name: String,
        /// The panic message, when it was a string.
        message: String,
    },
    /// Two runs of the same work gave different results: a bug.
    #[error("{what} disagree")]
    Disagree {
        /// Which runs.
        what: &'static str,
    },
    /// Work cannot be split over zero threads.
    #[error("the number of threads must be at least 1")]
    ZeroThreads,
    /// Starting or talking to a child process failed (the daemon-thread demo runs one).
    #[error("child process: {0}")]
    Child(#[source] io::Error),
    /// A child process ran longer than it should and was killed.
    #[error("child process did not finish within {0:?}; it was killed")]
    ChildTimedOut(std::time::Duration),
}

/// Turns the payload of a panic (what `join` returns in `Err`) into a readable message.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic payload that is not a string)".to_string()
    }
}
