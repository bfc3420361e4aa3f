//! The errors of the pool: building it, and what a job can come back with.

use std::any::Any;

/// Building a pool failed.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// A pool with no worker would accept jobs and never run them: refused up front.
    #[error("a pool needs at least one worker (got 0)")]
    NoWorkers,
    /// The operating system refused to start a worker thread.
    #[error("could not start worker thread: {0}")]
    Spawn(#[from] std::io::Error),
}

/// A job panicked. The worker caught the panic and carried on; this is what is left of it — the
/// seeds' `(False, err)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("job panicked: {message}")]
pub struct JobPanicked {
    /// The panic's message (`panic!("...")`'s text), or a note when the payload was not a string.
    pub message: String,
}

impl JobPanicked {
    /// Extracts the message from a panic payload as `catch_unwind` returns it.
    pub fn from_payload(payload: &(dyn Any + Send)) -> Self {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_owned()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "<a panic payload that is not a string>".to_owned()
        };
        Self { message }
    }
}

/// What waiting on a submitted job ([`crate::JobHandle`]) can end in, besides its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The job ran and panicked.
    #[error(transparent)]
    Panicked(#[from] JobPanicked),
    /// The job never ran: the pool was shut down with `shutdown_now` while it was queued.
    #[error("the job was cancelled before it ran (the pool was shut down)")]
    Cancelled,
}
