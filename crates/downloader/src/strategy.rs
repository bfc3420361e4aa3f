//! The strategies: the same jobs, run one after the other or many at a time.
//!
//! Downloading is I/O-bound: a thread waiting for a server uses no CPU, so even on 2 cores, 32
//! threads can wait for 32 servers at once. Every strategy returns the results in input order.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use crate::error::DownloadError;
use crate::fetch::{Downloader, Job};
use crate::outcome::JobResult;
use crate::progress::Progress;

/// How to run a batch of downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Strategy {
    /// One download after the other (the seeds' plain loop).
    Sequential,
    /// One thread per URL (the seeds' `threading.Thread` per link): no limit at all.
    ThreadPerUrl,
    /// N worker threads taking jobs from one channel (the seeds' `DownloadWorker` + `Queue`).
    WorkerPool,
    /// rayon's `par_iter` on a pool of N threads (the seeds' `ThreadPoolExecutor.map`).
    Rayon,
    /// The pools lesson's hand-made `pools::ThreadPool::map` with N workers.
    Pools,
}

impl Strategy {
    /// Every strategy, in the order the lesson shows them.
    pub const ALL: [Strategy; 5] = [
        Strategy::Sequential,
        Strategy::ThreadPerUrl,
        Strategy::WorkerPool,
        Strategy::Rayon,
        Strategy::Pools,
    ];

    /// The strategy's name (as on the command line).
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::ThreadPerUrl => "thread-per-url",
            Strategy::WorkerPool => "worker-pool",
            Strategy::Rayon => "rayon",
            Strategy::Pools => "pools",
        }
    }

    /// Whether the worker count matters.
    pub fn uses_workers(self) -> bool {
        matches!(
            self,
            Strategy::WorkerPool | Strategy::Rayon | Strategy::Pools
        )
    }

    /// Runs `jobs` with this strategy (`workers` threads where that applies; at least 1).
    pub fn run(
        self,
        downloader: &Downloader,
        jobs: &[Job],
        workers: usize,
        progress: &Arc<dyn Progress>,
    ) -> Vec<JobResult> {
        let workers = workers.max(1);
        match self {
            Strategy::Sequential => sequential(downloader, jobs, progress.as_ref()),
            Strategy::ThreadPerUrl => thread_per_url(downloader, jobs, progress.as_ref()),
            Strategy::WorkerPool => worker_pool(downloader, jobs, workers, progress.as_ref()),
            Strategy::Rayon => with_rayon(downloader, jobs, workers, progress.as_ref()),
            Strategy::Pools => with_pools(downloader, jobs, workers, progress),
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A plain loop.
pub fn sequential(
    downloader: &Downloader,
    jobs: &[Job],
    progress: &dyn Progress,
) -> Vec<JobResult> {
    jobs.iter()
        .map(|job| downloader.download(job, progress))
        .collect()
}

/// A scoped thread per job; `join` gives each result back, in order.
pub fn thread_per_url(
    downloader: &Downloader,
    jobs: &[Job],
    progress: &dyn Progress,
) -> Vec<JobResult> {
    thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| scope.spawn(move || downloader.download(job, progress)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// `workers` threads, each a `DownloadWorker`: take the next job from the queue, download it,
/// send back `(index, result)`, until the queue is empty and closed.
///
/// The queue is a crossbeam channel: many workers can `recv` from one receiver (std's mpsc
/// receiver would need a `Mutex` around it). Dropping the sender closes the queue, which is how the
/// workers learn there is no more work: the seed needed `daemon = True` and `queue.join()` instead.
pub fn worker_pool(
    downloader: &Downloader,
    jobs: &[Job],
    workers: usize,
    progress: &dyn Progress,
) -> Vec<JobResult> {
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<&Job>();
    let (result_tx, result_rx) = mpsc::channel();
    for job in jobs {
        // The receiver is alive right here, so the send cannot fail.
        let _ = job_tx.send(job);
    }
    drop(job_tx);
    thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
            scope.spawn(move || {
                for job in job_rx {
                    let _ = result_tx.send((job.index, downloader.download(job, progress)));
                }
            });
        }
    });
    drop(result_tx);
    in_input_order(jobs, result_rx)
}

/// rayon's parallel iterator on a pool of exactly `workers` threads (not the global pool, which
/// has one thread per core: right for CPU-bound work, far too few for waiting on servers).
pub fn with_rayon(
    downloader: &Downloader,
    jobs: &[Job],
    workers: usize,
    progress: &dyn Progress,
) -> Vec<JobResult> {
    use rayon::prelude::*;
    match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool.install(|| {
            jobs.par_iter()
                .map(|job| downloader.download(job, progress))
                .collect()
        }),
        Err(e) => jobs
            .iter()
            .map(|_| Err(DownloadError::Http(format!("no rayon pool: {e}"))))
            .collect(),
    }
}

/// The pools lesson's `ThreadPool::map`. Its jobs must be `'static` (the pool's threads outlive
/// this call), so they get clones: the downloader and the progress are `Arc`s inside.
pub fn with_pools(
    downloader: &Downloader,
    jobs: &[Job],
    workers: usize,
    progress: &Arc<dyn Progress>,
) -> Vec<JobResult> {
    let pool = match pools::ThreadPool::new(workers) {
        Ok(pool) => pool,
        Err(e) => {
            return jobs
                .iter()
                .map(|_| Err(DownloadError::Http(format!("no pool: {e}"))))
                .collect();
        }
    };
    let (downloader, progress) = (downloader.clone(), Arc::clone(progress));
    let results = pool.map(
        move |job: Job| downloader.download(&job, progress.as_ref()),
        jobs.to_vec(),
    );
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|panicked| {
                Err(DownloadError::Http(format!(
                    "download panicked: {panicked}"
                )))
            })
        })
        .collect()
}

/// Puts `(index, result)` pairs that arrived in completion order back in input order.
fn in_input_order(jobs: &[Job], results: mpsc::Receiver<(usize, JobResult)>) -> Vec<JobResult> {
    let mut slots: Vec<Option<JobResult>> = jobs.iter().map(|_| None).collect();
    let positions: std::collections::HashMap<usize, usize> = jobs
        .iter()
        .enumerate()
        .map(|(pos, j)| (j.index, pos))
        .collect();
    for (index, result) in results {
        if let Some(&pos) = positions.get(&index) {
            slots[pos] = Some(result);
        }
    }
    slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| Err(DownloadError::Http("worker lost the job".into()))))
        .collect()
}
