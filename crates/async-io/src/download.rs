//! The downloader lesson's job, done with tasks: an async strategy beside its threaded pool.
//!
//! The downloader lesson's README ends on a limit: "10 000 URLs would open 10 000 threads and
//! 10 000 connections to one server. The pool bounds both." Its worker pool keeps N threads, each
//! blocked on one download at a time. Here the same jobs (the same safe names, from
//! [`downloader::fetch::plan`]) are run as tokio tasks, at most `limit` in flight, with the
//! standard tools: a [`Semaphore`] hands out the permits, a [`JoinSet`] owns the tasks.
//!
//! Each download is written the way the downloader writes it: streamed into a temporary file in
//! the output folder (`.download-XXXX.part`), renamed into place only when complete, deleted if
//! anything fails. In async code that rule earns its keep twice: a future can be **dropped** at
//! any `.await` (a timeout, a `select!`, an aborted task), and then the temporary file is dropped
//! with it and deletes itself ([`crate::cancel`] shows the difference).
//!
//! The HTTP client is hyper's (`hyper-util`'s pooled client over plain TCP): the crate reqwest is
//! built on, without the URL and TLS machinery a local server does not need. It has no timeouts of
//! its own, which is a lesson too: in async Rust a timeout is a future like any other, wrapped
//! around the request and around every read of the body.
//!
//! Files go through `tokio::fs`, which is a thread pool in disguise: Linux has no readiness
//! notification for regular files, so tokio runs each file operation on its blocking pool. The
//! runtime here caps that pool ([`BLOCKING_THREADS`]) so the task version really runs on a handful
//! of threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use downloader::fetch::{plan, prepare_output_dir};
use downloader::progress::{Progress, Silent};
use downloader::url::validate_url;
use downloader::{
    Config, DownloadError, Downloader, Job, JobResult, LocalServer, Outcome, Strategy,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::error::Error;
use crate::report::human;
use crate::resources;
use crate::shutdown;

/// How the temporary file of a download in progress is named: `.download-XXXXXX.part`, as the
/// downloader lesson names its own.
pub const TEMP_PREFIX: &str = ".download-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".part";

/// The most threads tokio may start for file operations in [`download_all`].
pub const BLOCKING_THREADS: usize = 8;

/// Downloads over a shared, pooled HTTP client. Clone it freely: clones share the pool.
#[derive(Clone, Debug)]
pub struct AsyncDownloader {
    client: Client<HttpConnector, Empty<Bytes>>,
    config: Arc<Config>,
}

impl AsyncDownloader {
    /// A downloader with the downloader lesson's settings: `connect_timeout`, `read_timeout`
    /// (every wait for a piece of the body), `max_bytes` and `force` are used; redirects and
    /// retries are not (the local gallery needs neither).
    ///
    /// Must be called inside a tokio runtime (the client spawns a task per connection).
    pub fn new(config: Config) -> AsyncDownloader {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(config.connect_timeout));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(config.max_idle_per_host.max(1))
            .build(connector);
        AsyncDownloader {
            client,
            config: Arc::new(config),
        }
    }

    /// Downloads one job into its file; a failure leaves no file behind (not even a partial one).
    pub async fn download(&self, job: &Job) -> Result<Outcome, DownloadError> {
        let response = self.get(&job.url).await?;
        let announced = announced_length(&response);
        if let Some(len) = announced {
            if len > self.config.max_bytes {
                return Err(DownloadError::TooLarge {
                    limit: self.config.max_bytes,
                });
            }
            if !self.config.force && std::fs::metadata(&job.dest).is_ok_and(|m| m.len() == len) {
                return Ok(Outcome::Skipped(len));
            }
        }
        let received = save(response.into_body(), &job.dest, &self.config).await?;
        if let Some(expected) = announced
            && received != expected
        {
            return Err(DownloadError::Truncated { expected, received });
        }
        Ok(Outcome::Downloaded(received))
    }

    /// Sends a GET and waits for the head of the answer; an error for anything but `2xx`.
    pub async fn get(&self, url: &str) -> Result<hyper::Response<Incoming>, DownloadError> {
        validate_url(url)?;
        let uri: hyper::Uri = url.parse().map_err(|e| DownloadError::InvalidUrl {
            url: url.to_string(),
            reason: format!("{e}"),
        })?;
        if uri.scheme_str() != Some("http") {
            return Err(DownloadError::UnsupportedScheme {
                url: url.to_string(),
                scheme: "https (this client speaks plain HTTP, for the local server)".into(),
            });
        }
        let limit = self.config.read_timeout;
        let response = tokio::time::timeout(limit, self.client.get(uri))
            .await
            .map_err(|_| DownloadError::Timeout(format!("no answer within {limit:?}")))?
            .map_err(|e| {
                if e.is_connect() {
                    DownloadError::Connection(e.to_string())
                } else {
                    DownloadError::Http(e.to_string())
                }
            })?;
        if !response.status().is_success() {
            return Err(DownloadError::Status(response.status().as_u16()));
        }
        Ok(response)
    }
}

/// The `Content-Length` of an answer, if it announced one.
fn announced_length<B>(response: &hyper::Response<B>) -> Option<u64> {
    response
        .headers()
        .get(hyper::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Streams `body` into a temporary file beside `dest`, then renames it into place. Returns the
/// bytes written.
///
/// Every way out but success drops `temp`, which deletes the temporary file: an error, a body
/// over `max_bytes`, and also a cancellation, when the future is dropped while it waits at one of
/// the `.await`s below.
pub async fn save(mut body: Incoming, dest: &Path, config: &Config) -> Result<u64, DownloadError> {
    let file_error = |source| DownloadError::File {
        path: dest.to_path_buf(),
        source,
    };
    let dir = dest.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(file_error)?;
    let mut file = tokio::fs::File::from_std(temp.as_file().try_clone().map_err(file_error)?);
    let mut received = 0u64;
    loop {
        let frame = tokio::time::timeout(config.read_timeout, body.frame())
            .await
            .map_err(|_| {
                DownloadError::Timeout(format!("no data for {:?}", config.read_timeout))
            })?;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|e| DownloadError::Connection(e.to_string()))?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers: nothing to write
        };
        received += chunk.len() as u64;
        if received > config.max_bytes {
            return Err(DownloadError::TooLarge {
                limit: config.max_bytes,
            });
        }
        file.write_all(&chunk).await.map_err(file_error)?;
    }
    // tokio's File hands each write to a blocking thread; `flush` waits for the last one.
    file.flush().await.map_err(file_error)?;
    drop(file);
    temp.persist(dest).map_err(|e| file_error(e.error))?;
    Ok(received)
}

/// Downloads every job with at most `limit` in flight; results in input order.
pub async fn download_jobs(
    downloader: &AsyncDownloader,
    jobs: &[Job],
    limit: usize,
) -> Vec<JobResult> {
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut tasks = JoinSet::new();
    for (position, job) in jobs.iter().enumerate() {
        // Waiting for a permit *before* spawning keeps at most `limit` tasks alive, not 10,000
        // tasks of which `limit` work. The semaphore is never closed, so acquiring cannot fail.
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let (downloader, job) = (downloader.clone(), job.clone());
        tasks.spawn(async move {
            let result = downloader.download(&job).await;
            drop(permit);
            (position, result)
        });
    }
    let mut results: Vec<Option<JobResult>> = jobs.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((position, result)) = joined {
            results[position] = Some(result);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(DownloadError::Http("the task was lost".into()))))
        .collect()
}

/// A stop signal for a batch: `true` sent on the other end (a Ctrl-C handler's) stops it.
pub type Stop = watch::Receiver<bool>;

/// A [`Stop`] that never fires.
pub fn never_stop() -> Stop {
    watch::channel(false).1
}

/// Completes when `stop` says so; never, if its sender is gone without saying it.
async fn stopped(mut stop: Stop) {
    if stop.wait_for(|&stop| stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Downloads `urls` into `out_dir` with tasks, at most `limit` in flight, on a runtime of
/// [`BLOCKING_THREADS`] file threads.
///
/// When `stop` fires, the batch is dropped where it stands: every task is aborted at its current
/// `.await` and its temporary file deletes itself ([`save`]); the result is
/// [`Error::Interrupted`], and only complete files are left.
pub fn download_all(
    urls: &[String],
    out_dir: &Path,
    limit: usize,
    config: Config,
    stop: &Stop,
) -> Result<TaskSummary, Error> {
    prepare_output_dir(out_dir)?;
    let jobs = plan(urls, out_dir);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
        .map_err(Error::io("starting the tokio runtime"))?;
    let start = Instant::now();
    let results = runtime.block_on(async {
        let downloader = AsyncDownloader::new(config);
        tokio::select! {
            results = download_jobs(&downloader, &jobs, limit) => Ok(results),
            () = stopped(stop.clone()) => Err(Error::Interrupted),
        }
    })?;
    let elapsed = start.elapsed();
    Ok(TaskSummary {
        results: jobs.into_iter().zip(results).collect(),
        elapsed,
    })
}

/// What a batch of tasks did with each job (the downloader's `Summary` names the thread strategy
/// that ran its batch; tasks are not one of them).
#[derive(Debug)]
pub struct TaskSummary {
    /// Each job with its result, in input order.
    pub results: Vec<(Job, JobResult)>,
    /// Wall-clock time of the batch.
    pub elapsed: Duration,
}

impl TaskSummary {
    /// Files downloaded or skipped (already there).
    pub fn files(&self) -> usize {
        self.results.iter().filter(|(_, r)| r.is_ok()).count()
    }

    /// Bytes of those files.
    pub fn bytes(&self) -> u64 {
        let ok = self.results.iter().filter_map(|(_, r)| r.as_ref().ok());
        ok.map(Outcome::bytes).sum()
    }

    /// The failed jobs with their errors.
    pub fn failures(&self) -> Vec<(&Job, &DownloadError)> {
        let failed = self.results.iter();
        failed
            .filter_map(|(job, r)| r.as_ref().err().map(|e| (job, e)))
            .collect()
    }
}

/// One strategy's run in the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Wall time of the batch.
    #[serde(serialize_with = "crate::report::seconds")]
    pub elapsed: Duration,
    /// Files downloaded.
    pub files: usize,
    /// Failures.
    pub failed: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Peak resident memory of the process during the batch, in bytes: the local server, with a
    /// thread per connection, included.
    pub peak_rss: Option<u64>,
    /// The most requests the server answered at once.
    pub server_peak: usize,
}

/// The two strategies at one number of URLs.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// URLs in the batch.
    pub urls: usize,
    /// In-flight limit of both: the pool's threads, the tasks' permits.
    pub limit: usize,
    /// The ideal: `ceil(urls / limit)` latencies.
    #[serde(serialize_with = "crate::report::seconds")]
    pub ideal: Duration,
    /// The downloader's threaded worker pool.
    pub worker_pool: Measured,
    /// Tokio tasks.
    pub tasks: Measured,
    /// Whether both wrote the same files, byte for byte.
    pub identical: bool,
}

/// The comparison table.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The latency of every request.
    #[serde(serialize_with = "crate::report::seconds")]
    pub latency: Duration,
    /// One row per batch size.
    pub rows: Vec<Row>,
}

/// What the download demo is about to compare, printed before the (long) run.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The local server's address.
    pub base_url: String,
    /// The latency of every request.
    pub latency: Duration,
    /// The most downloads in flight, for both: the pool's threads, the tasks' permits.
    pub limit: usize,
}

impl std::fmt::Display for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gallery images from {} ({} ms each), at most {} in flight: the downloader's worker \
             pool ({} threads) against tokio tasks ({} worker threads + at most {} for files).",
            self.base_url,
            self.latency.as_millis(),
            self.limit,
            self.limit,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            BLOCKING_THREADS
        )
    }
}

impl Comparison {
    /// Whether every download succeeded and both ways wrote the same files.
    pub fn all_correct(&self) -> bool {
        self.rows
            .iter()
            .all(|row| row.identical && row.worker_pool.failed == 0 && row.tasks.failed == 0)
    }
}

/// A stop signal fired by the first Ctrl-C (or `SIGTERM`): the batches stop and clean up after
/// themselves. A second one quits the process at once, after deleting the temporary files under
/// `out`.
///
/// Without this, Ctrl-C's default action would end the process on the spot, no destructor would
/// run, and every download in flight would leave its `.part` file behind.
pub fn stop_on_ctrl_c(out: PathBuf) -> Stop {
    let (stop, stopped) = watch::channel(false);
    let watcher = std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if shutdown::terminal().await.is_err() {
                    return;
                }
                eprintln!("interrupted: stopping the downloads (Ctrl-C again quits at once)");
                let _ = stop.send(true);
                if shutdown::terminal().await.is_ok() {
                    let _ = remove_partial_files(&out);
                    std::process::exit(130);
                }
            });
        });
    if watcher.is_err() {
        eprintln!("warning: no Ctrl-C handler; an interrupted run may leave .part files");
    }
    stopped
}

/// Downloads `count` gallery images ([`gallery`]) from the downloader's local server for each
/// count, with the threaded worker pool and with tasks, both at most `limit` in flight, into
/// `out_dir/<count>/worker-pool` and `out_dir/<count>/tasks`, and compares the files.
///
/// `stop` is checked before every batch and interrupts the task batches at once; a threaded batch
/// in progress runs to its end (each download is bounded by its timeouts), the way a thread must
/// be asked rather than told.
pub fn compare(
    server: &LocalServer,
    out_dir: &Path,
    counts: &[usize],
    latency: Duration,
    limit: usize,
    stop: &Stop,
) -> Result<Comparison, Error> {
    let config = Config {
        force: true,
        max_idle_per_host: limit,
        ..Config::default()
    };
    let mut rows = Vec::new();
    for &count in counts {
        let urls = gallery(server, count, latency);
        warm_up(server, out_dir, count, limit, &config, stop)?;
        let dirs = [
            out_dir.join(count.to_string()).join("worker-pool"),
            out_dir.join(count.to_string()).join("tasks"),
        ];
        let threaded = Downloader::new(config.clone());
        let silent: Arc<dyn Progress> = Arc::new(Silent);
        let worker_pool = measure(server, stop, || {
            downloader::report::download_all(
                &threaded,
                &urls,
                &dirs[0],
                Strategy::WorkerPool,
                limit,
                &silent,
            )
            .map(|s| Counts {
                elapsed: s.elapsed,
                files: s.downloaded() + s.skipped(),
                failed: s.failures().len(),
                bytes: s.bytes(),
            })
            .map_err(Error::from)
        })?;
        let tasks = measure(server, stop, || {
            let s = download_all(&urls, &dirs[1], limit, config.clone(), stop)?;
            Ok(Counts {
                elapsed: s.elapsed,
                files: s.files(),
                failed: s.failures().len(),
                bytes: s.bytes(),
            })
        })?;
        rows.push(Row {
            urls: count,
            limit,
            ideal: latency * count.div_ceil(limit.max(1)) as u32,
            worker_pool,
            tasks,
            identical: same_files(&dirs[0], &dirs[1])
                .map_err(Error::io("comparing the downloaded files"))?,
        });
    }
    Ok(Comparison { latency, rows })
}

/// Images the local server keeps once generated (its cache holds the first 256).
pub const CACHED_IMAGES: usize = 256;

/// `count` gallery URLs of the first [`CACHED_IMAGES`] images, over and over.
///
/// Beyond its first 256 images the server generates each PNG on every request; on a 2-core
/// machine shared by the server and the client, a batch of 10,000 would then measure PNG encoding
/// rather than waiting. Repeated URLs still make distinct files (`image-007-1.png`, …): the
/// downloader's name allocator sees to it.
pub fn gallery(server: &LocalServer, count: usize, latency: Duration) -> Vec<String> {
    let images = server.gallery_urls(count.min(CACHED_IMAGES), latency);
    images.iter().cycle().take(count).cloned().collect()
}

/// Downloads the batch once, unmeasured, into a folder deleted afterwards: the server generates
/// and caches its images on first request, and whichever strategy ran first would pay for that.
fn warm_up(
    server: &LocalServer,
    out_dir: &Path,
    count: usize,
    limit: usize,
    config: &Config,
    stop: &Stop,
) -> Result<(), Error> {
    prepare_output_dir(out_dir)?;
    let scratch = tempfile::Builder::new()
        .prefix(".warm-up-")
        .tempdir_in(out_dir)
        .map_err(Error::io(format!(
            "creating a folder in {}",
            out_dir.display()
        )))?;
    let urls = gallery(server, count, Duration::ZERO);
    download_all(&urls, scratch.path(), limit, config.clone(), stop)?;
    Ok(())
}

/// What either strategy's summary says, in numbers.
struct Counts {
    elapsed: Duration,
    files: usize,
    failed: usize,
    bytes: u64,
}

/// Runs one batch with fresh counters: the server's peak and this process's memory peak.
fn measure(
    server: &LocalServer,
    stop: &Stop,
    batch: impl FnOnce() -> Result<Counts, Error>,
) -> Result<Measured, Error> {
    if *stop.borrow() {
        return Err(Error::Interrupted);
    }
    server.stats().reset_peak();
    let _ = resources::reset_peak_rss();
    let counts = batch()?;
    Ok(Measured {
        elapsed: counts.elapsed,
        files: counts.files,
        failed: counts.failed,
        bytes: counts.bytes,
        peak_rss: resources::peak_rss(),
        server_peak: server.stats().peak(),
    })
}

/// Deletes every temporary download file (`.download-*.part`) under `dir`, in every subfolder;
/// returns how many there were. For a process that must quit *now* (a second Ctrl-C) while
/// threads may still be writing: never while another process downloads there.
pub fn remove_partial_files(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            removed += remove_partial_files(&path)?;
        } else if is_temporary(&name) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether `name` is the name of a download's temporary file.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// True when both folders hold the same file names with the same bytes.
pub fn same_files(a: &Path, b: &Path) -> std::io::Result<bool> {
    Ok(read_folder(a)? == read_folder(b)?)
}

fn read_folder(dir: &Path) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = std::fs::read_dir(dir)?
        .map(|entry| {
            let path = entry?.path();
            let bytes = std::fs::read(&path)?;
            Ok((PathBuf::from(path.file_name().unwrap_or_default()), bytes))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    files.sort();
    Ok(files)
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Memory is in the JSON only: the server runs in this process, with a thread per
        // connection, and its memory would drown the clients' (the C10k demo measures that).
        write!(
            f,
            "{:>6} {:>6} {:>9} | {:>10} {:>7} {:>6} | {:>10} {:>7} {:>6} | {:>9}",
            "URLs",
            "limit",
            "ideal",
            "pool time",
            "at once",
            "failed",
            "tasks time",
            "at once",
            "failed",
            "identical"
        )?;
        for row in &self.rows {
            write!(
                f,
                "\n{:>6} {:>6} {:>9} | {:>10} {:>7} {:>6} | {:>10} {:>7} {:>6} | {:>9}",
                row.urls,
                row.limit,
                human(row.ideal),
                human(row.worker_pool.elapsed),
                row.worker_pool.server_peak,
                row.worker_pool.failed,
                human(row.tasks.elapsed),
                row.tasks.server_peak,
                row.tasks.failed,
                if row.identical { "yes" } else { "NO" }
            )?;
        }
        Ok(())
    }
}
