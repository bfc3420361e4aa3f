//! What became of one job: the vocabulary shared by the downloads, the strategies, the progress
//! bars and the summary (kept apart from all of them, so that none needs to import another).

use crate::error::DownloadError;

/// What happened to a job that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded this many bytes.
    Downloaded(u64),
    /// Resumed a partial file (`--continue`): the file now has `total` bytes, of which the first
    /// `from` were already there.
    Resumed {
        /// The size of the complete file.
        total: u64,
        /// The bytes kept from the partial file.
        from: u64,
    },
    /// A file of this size was already there.
    Skipped(u64),
}

impl Outcome {
    /// The size of the file.
    pub fn bytes(&self) -> u64 {
        match self {
            Outcome::Downloaded(n) | Outcome::Skipped(n) | Outcome::Resumed { total: n, .. } => *n,
        }
    }
}

/// The result of one job.
pub type JobResult = Result<Outcome, DownloadError>;
