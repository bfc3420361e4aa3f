//! A whole batch: plan the names, run a strategy, sum up.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use threads_basics::timing::timed;

use crate::error::DownloadError;
use crate::fetch::{Downloader, Job, plan, prepare_output_dir};
use crate::outcome::{JobResult, Outcome};
use crate::progress::Progress;
use crate::strategy::Strategy;

/// What happened to every URL of a batch. `Display` gives the totals, then a line for each
/// failed and each cancelled URL; [`Summary::files`] gives a line for each file.
#[derive(Debug)]
pub struct Summary {
    /// Each job with its result, in input order.
    pub results: Vec<(Job, JobResult)>,
    /// Wall-clock time of the batch.
    pub elapsed: Duration,
    /// The strategy that ran the batch.
    pub strategy: Strategy,
    /// Its worker count.
    pub workers: usize,
}

impl Summary {
    /// Files downloaded (resumed ones included).
    pub fn downloaded(&self) -> usize {
        self.count(|r| matches!(r, Ok(Outcome::Downloaded(_) | Outcome::Resumed { .. })))
    }

    /// Files skipped (already there with the same size).
    pub fn skipped(&self) -> usize {
        self.count(|r| matches!(r, Ok(Outcome::Skipped(_))))
    }

    /// Jobs cancelled, whether in flight or not started yet.
    pub fn cancelled(&self) -> usize {
        self.count(|r| matches!(r, Err(DownloadError::Cancelled { .. })))
    }

    /// Bytes of the files downloaded or skipped.
    pub fn bytes(&self) -> u64 {
        self.results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(Outcome::bytes)
            .sum()
    }

    /// The failed jobs with their errors (cancelled jobs are not failures).
    pub fn failures(&self) -> Vec<(&Job, &DownloadError)> {
        self.results
            .iter()
            .filter_map(|(job, r)| r.as_ref().err().map(|e| (job, e)))
            .filter(|(_, e)| !matches!(e, DownloadError::Cancelled { .. }))
            .collect()
    }

    /// True when every job succeeded.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|(_, r)| r.is_ok())
    }

    /// A line per file downloaded, resumed or skipped.
    pub fn files(&self) -> impl fmt::Display + '_ {
        FileLines(self)
    }

    fn count(&self, wanted: impl Fn(&JobResult) -> bool) -> usize {
        self.results.iter().filter(|(_, r)| wanted(r)).count()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} downloaded, {} skipped, {} failed",
            self.downloaded(),
            self.skipped(),
            self.failures().len()
        )?;
        if self.cancelled() > 0 {
            write!(f, ", {} cancelled", self.cancelled())?;
        }
        writeln!(
            f,
            ", {} bytes in {:.2}s ({}, {} workers)",
            self.bytes(),
            self.elapsed.as_secs_f64(),
            self.strategy,
            self.workers
        )?;
        for (job, error) in self.failures() {
            writeln!(f, "  FAILED    {}: {error}", job.url)?;
        }
        let not_started =
            self.count(|r| matches!(r, Err(DownloadError::Cancelled { started: false })));
        for (job, result) in &self.results {
            if let Err(DownloadError::Cancelled { started: true }) = result {
                writeln!(f, "  CANCELLED {}: stopped while downloading", job.url)?;
            }
        }
        if not_started > 0 {
            writeln!(f, "  CANCELLED {not_started} more before they started")?;
        }
        Ok(())
    }
}

struct FileLines<'a>(&'a Summary);

impl fmt::Display for FileLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (job, result) in &self.0.results {
            let path = job.dest.display();
            match result {
                Ok(Outcome::Downloaded(n)) => writeln!(f, "  downloaded {path} ({n} bytes)")?,
                Ok(Outcome::Resumed { total, from }) => writeln!(
                    f,
                    "  resumed    {path} ({total} bytes, {from} of them kept from before)"
                )?,
                Ok(Outcome::Skipped(n)) => {
                    writeln!(f, "  skipped    {path} ({n} bytes, already there)")?
                }
                Err(_) => {}
            }
        }
        Ok(())
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
    let run = timed(|| strategy.run(downloader, &jobs, workers, progress));
    Ok(Summary {
        results: jobs.into_iter().zip(run.value).collect(),
        elapsed: run.elapsed,
        strategy,
        workers: workers.max(1),
    })
}
