//! A whole batch: plan the names, run a strategy, sum up.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::DownloadError;
use crate::fetch::{Downloader, Job, Outcome, plan, prepare_output_dir};
use crate::progress::Progress;
use crate::strategy::{JobResult, Strategy};

/// What happened to every URL of a batch.
#[derive(Debug)]
pub struct Summary {
    /// Each job with its result, in input order.
    pub results: Vec<(Job, JobResult)>,
    /// Wall-clock time of the batch.
    pub elapsed: Duration,
}

impl Summary {
    /// Files downloaded.
    pub fn downloaded(&self) -> usize {
        self.results
            .iter()
            .filter(|(_, r)| matches!(r, Ok(Outcome::Downloaded(_))))
            .count()
    }

    /// Files skipped (already there with the same size).
    pub fn skipped(&self) -> usize {
        self.results
            .iter()
            .filter(|(_, r)| matches!(r, Ok(Outcome::Skipped(_))))
            .count()
    }

    /// Bytes of the files downloaded or skipped.
    pub fn bytes(&self) -> u64 {
        self.results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(Outcome::bytes)
            .sum()
    }

    /// The failed jobs with their errors.
    pub fn failures(&self) -> Vec<(&Job, &DownloadError)> {
        self.results
            .iter()
            .filter_map(|(job, r)| r.as_ref().err().map(|e| (job, e)))
            .collect()
    }

    /// True when nothing failed.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|(_, r)| r.is_ok())
    }
}

/// Downloads `urls` into `out_dir` with `strategy`. The only error is an output directory that
/// cannot be written; failures of single URLs are in the summary.
pub fn download_all(
    downloader: &Downloader,
    urls: &[String],
    out_dir: &Path,
    strategy: Strategy,
    workers: usize,
    progress: &Arc<dyn Progress>,
) -> Result<Summary, DownloadError> {
    prepare_output_dir(out_dir)?;
    let jobs = plan(urls, out_dir);
    let start = Instant::now();
    let results = strategy.run(downloader, &jobs, workers, progress);
    let elapsed = start.elapsed();
    Ok(Summary {
        results: jobs.into_iter().zip(results).collect(),
        elapsed,
    })
}
