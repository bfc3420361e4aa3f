//! Downloading one URL to one file, safely: the heart of every strategy.
//!
//! - One [`ureq::Agent`] for everything: it keeps a pool of open connections, so the second
//!   request to a host skips the TCP (and TLS) handshake. The agent is cheap to clone (an `Arc`
//!   inside) and safe to share between threads.
//! - The body is streamed to disk in 64 KiB chunks, never held whole in memory, into a temporary
//!   file in the output directory; it is renamed into place only once complete. A failure deletes
//!   the temporary file, so a file with the final name is always a complete one. With
//!   [`Config::resume`], a partial file is kept instead, to be resumed ([`crate::resume`]).
//! - Transient failures are retried with backoff ([`crate::retry`]); sizes are capped
//!   ([`Config::max_bytes`]) whether the server announces them honestly or not; time is capped
//!   by the deadline and the stall rule ([`crate::limits`]).
//! - Between two chunks, and before each job, the download looks at the batch's
//!   [`CancelToken`]; a download blocked on a silent server is woken by the token's hook, which
//!   closes the agent's connections ([`crate::cancel`]).
//! - Redirects are followed here, not by ureq, so that one to `file:///etc/passwd` is refused
//!   by name instead of being read as a path on the same server.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tempfile::NamedTempFile;
use ureq::http::{Response, StatusCode};

use crate::cancel::CancelToken;
use crate::error::{DownloadError, unwrap_ureq};
use crate::limits::{Deadline, StallRule};
use crate::name::{NameAllocator, sanitize_file_name};
use crate::outcome::{JobResult, Outcome};
use crate::progress::Progress;
use crate::resume::{self, Partial, ResumePoint};
use crate::retry::RetryPolicy;
use crate::url::{self, validate_url};

/// The size of the chunks we stream.
const CHUNK: usize = 64 * 1024;

/// Temporary files are `.download-XXXXXX.part` in the output directory.
const TEMP_PREFIX: &str = ".download-";
const TEMP_SUFFIX: &str = ".part";

/// How a [`Downloader`] behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The longest wait for a TCP connection.
    pub connect_timeout: Duration,
    /// The longest wait for any single read (headers or a piece of the body).
    pub read_timeout: Duration,
    /// The longest one URL may take, retries included (`None`: no limit).
    pub max_time: Option<Duration>,
    /// The least a download must receive in each window before it is aborted as stalled.
    pub stall: StallRule,
    /// Keep the partial file of a failed download and resume it with a range request.
    pub resume: bool,
    /// The largest body accepted, in bytes.
    pub max_bytes: u64,
    /// The most redirects followed for one URL.
    pub max_redirects: u32,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// Download even if a file of the same size is already there.
    pub force: bool,
    /// Idle connections kept per host: set it to the number of workers, or connections are
    /// closed and reopened all the time (ureq keeps 3 by default).
    pub max_idle_per_host: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_time: None,
            stall: StallRule::default(),
            resume: false,
            max_bytes: 512 * 1024 * 1024,
            max_redirects: 5,
            retry: RetryPolicy::default(),
            force: false,
            max_idle_per_host: 32,
        }
    }
}

/// One URL to fetch, and where its file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Position in the input list.
    pub index: usize,
    /// The URL.
    pub url: String,
    /// The final path of its file (inside the output directory).
    pub dest: PathBuf,
}

/// Creates `dir` if needed and proves it is writable (by creating and deleting a temporary file).
pub fn prepare_output_dir(dir: &Path) -> Result<(), DownloadError> {
    let fail = |reason| DownloadError::OutputDir {
        path: dir.to_path_buf(),
        reason,
    };
    fs::create_dir_all(dir).map_err(fail)?;
    tempfile::Builder::new()
        .prefix(".probe")
        .tempfile_in(dir)
        .map_err(fail)?;
    Ok(())
}

/// Gives every URL a distinct, safe file name inside `out_dir`.
pub fn plan(urls: &[String], out_dir: &Path) -> Vec<Job> {
    let mut names = NameAllocator::new();
    urls.iter()
        .enumerate()
        .map(|(index, url)| {
            let name = names.allocate(&sanitize_file_name(url));
            Job {
                index,
                url: url.clone(),
                dest: out_dir.join(name),
            }
        })
        .collect()
}

/// Deletes the temporary files (`.download-*.part`) in `dir`; returns how many there were.
///
/// A download deletes its own temporary file when it fails or is cancelled. This is for a
/// process that must exit *now* (a second Ctrl-C) while downloads are still on their way out.
/// It deletes every such file in `dir`, so never call it while another process downloads there.
pub fn remove_temporary_files(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Downloads files with one shared agent. Clone it freely: clones share the agent and the
/// cancellation token.
#[derive(Clone)]
pub struct Downloader {
    agent: ureq::Agent,
    config: Arc<Config>,
    cancel: CancelToken,
}

impl Downloader {
    /// A downloader with its own agent, configured by `config`.
    pub fn new(config: Config) -> Downloader {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.stall.per_read_timeout(config.read_timeout)))
            // We follow redirects ourselves (`get`), to see where each one points.
            .max_redirects(0)
            .max_idle_connections_per_host(config.max_idle_per_host.max(1))
            .max_idle_connections(config.max_idle_per_host.max(1) * 4)
            .build()
            .into();
        let cancel = CancelToken::new();
        let closing = agent.clone();
        // A worker blocked in a read cannot look at the flag; closing its connection wakes it.
        cancel.on_cancel(move || closing.shutdown());
        Downloader {
            agent,
            config: Arc::new(config),
            cancel,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The shared agent (for requests of your own).
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// The token that cancels every download of this downloader and its clones. Cancelling is
    /// final: the agent's connections are closed and it refuses new ones.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// Downloads one job, retrying transient failures; reports progress to `progress`.
    pub fn download(&self, job: &Job, progress: &dyn Progress) -> JobResult {
        // The check every worker makes before each job: after a cancel, the rest of the queue
        // drains in no time, each job marked as never started.
        if self.cancel.is_cancelled() {
            return Err(DownloadError::Cancelled { started: false });
        }
        let name = job
            .dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        progress.started(job.index, &name);
        let deadline = Deadline::after(self.config.max_time);
        let result = self.config.retry.run(&self.cancel, deadline, |_| {
            self.attempt(job, progress, deadline)
        });
        progress.finished(job.index, &result);
        result
    }

    /// Fetches `url` and parses its body as JSON (retrying transient failures).
    pub fn get_json(&self, url: &str) -> Result<serde_json::Value, DownloadError> {
        let deadline = Deadline::after(self.config.max_time);
        self.config.retry.run(&self.cancel, deadline, |_| {
            let mut response = self.get(url, None, deadline)?;
            let text = response
                .body_mut()
                .with_config()
                .limit(self.config.max_bytes)
                .read_to_string()
                .map_err(|e| self.failure(e, deadline))?;
            serde_json::from_str(&text).map_err(|e| DownloadError::BadBody(e.to_string()))
        })
    }

    /// Sends the GET (for the rest of the file from `from`, if given) and follows redirects,
    /// refusing those that leave http and https.
    fn get(
        &self,
        url: &str,
        from: Option<&ResumePoint>,
        deadline: Deadline,
    ) -> Result<Response<ureq::Body>, DownloadError> {
        validate_url(url)?;
        let mut current = url.to_string();
        for _ in 0..=self.config.max_redirects {
            let response = self.request(&current, from, deadline)?;
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    DownloadError::Http(format!("a redirect without a Location from {current}"))
                })?;
            current = url::resolve_redirect(&current, location)?;
        }
        Err(DownloadError::TooManyRedirects)
    }

    /// One request, with what is left of the deadline as its global timeout.
    fn request(
        &self,
        url: &str,
        from: Option<&ResumePoint>,
        deadline: Deadline,
    ) -> Result<Response<ureq::Body>, DownloadError> {
        if deadline.remaining().is_some_and(|left| left.is_zero()) {
            return Err(deadline.exceeded(None));
        }
        let mut request = self.agent.get(url);
        if let Some(from) = from {
            request = request.header("Range", from.range());
            if let Some(etag) = &from.etag {
                request = request.header("If-Range", etag);
            }
        }
        request
            .config()
            .timeout_global(deadline.remaining())
            .build()
            .call()
            .map_err(|e| match self.failure(e, deadline) {
                // ureq does not know which URL it was given; we do.
                DownloadError::InvalidUrl { reason, .. } => DownloadError::InvalidUrl {
                    url: url.to_string(),
                    reason,
                },
                other => other,
            })
    }

    /// What an error of ureq means here. A broken connection after a cancel is the cancel, and
    /// the timeouts we set for the deadline and the stall rule are reported as those.
    fn failure(&self, error: ureq::Error, deadline: Deadline) -> DownloadError {
        if self.cancel.is_cancelled() {
            return DownloadError::Cancelled { started: true };
        }
        let stall = self.config.stall;
        match error {
            ureq::Error::Timeout(ureq::Timeout::Global) => deadline.exceeded(None),
            ureq::Error::Timeout(ureq::Timeout::PerRead)
                if stall.governs(self.config.read_timeout) =>
            {
                // The read waited a whole window: nothing arrived in it.
                stall.stalled(0)
            }
            other => DownloadError::from_ureq(other),
        }
    }

    /// One try: request (the rest of a partial file, if there is one to resume), stream into a
    /// temporary or partial file, rename when complete.
    fn attempt(&self, job: &Job, progress: &dyn Progress, deadline: Deadline) -> JobResult {
        let partial = self.config.resume.then(|| Partial::of(&job.dest));
        let from = partial.as_ref().and_then(Partial::resume_point);
        let response = match self.get(&job.url, from.as_ref(), deadline) {
            // 416 Range Not Satisfiable: the partial file is longer than the file. Start over.
            Err(DownloadError::Status(416)) if from.is_some() => {
                self.discard(partial.as_ref(), job)?;
                self.get(&job.url, None, deadline)?
            }
            other => other?,
        };
        let (Some(partial), Some(from)) = (&partial, &from) else {
            return self.fresh(job, response, partial.as_ref(), progress, deadline);
        };
        match resume::check_resumed(response.status(), response.headers(), from) {
            Ok(total) => {
                let file = partial.append().map_err(file_error(job))?;
                let sink = Sink::Partial(partial, file);
                let how = Body {
                    from: from.offset,
                    total: Some(total),
                };
                self.receive(job, response, sink, how, progress, deadline)?;
                Ok(Outcome::Resumed {
                    total,
                    from: from.offset,
                })
            }
            // The whole file came instead of the rest: take it, from its start.
            Err(_) if response.status() == StatusCode::OK => {
                self.fresh(job, response, Some(partial), progress, deadline)
            }
            // A piece we cannot trust: start over with a plain request.
            Err(_) => {
                self.discard(Some(partial), job)?;
                let response = self.get(&job.url, None, deadline)?;
                self.fresh(job, response, Some(partial), progress, deadline)
            }
        }
    }

    /// Downloads a whole file from `response`: skipped if already there, else into the partial
    /// file when resuming is on and the server accepts ranges, else into a temporary file.
    fn fresh(
        &self,
        job: &Job,
        response: Response<ureq::Body>,
        partial: Option<&Partial>,
        progress: &dyn Progress,
        deadline: Deadline,
    ) -> JobResult {
        let announced = response.body().content_length();
        if !self.config.force
            && let (Some(len), Ok(meta)) = (announced, fs::metadata(&job.dest))
            && meta.is_file()
            && meta.len() == len
        {
            self.discard(partial, job)?;
            return Ok(Outcome::Skipped(len));
        }
        let sink = match partial {
            Some(partial) if resume::accepts_ranges(response.headers()) => {
                let etag = resume::strong_etag(response.headers());
                let file = partial.start(etag.as_deref()).map_err(file_error(job))?;
                Sink::Partial(partial, file)
            }
            _ => {
                self.discard(partial, job)?;
                let dir = job.dest.parent().unwrap_or(Path::new("."));
                let temp = tempfile::Builder::new()
                    .prefix(TEMP_PREFIX)
                    .suffix(TEMP_SUFFIX)
                    .tempfile_in(dir)
                    .map_err(file_error(job))?;
                Sink::Temp(temp)
            }
        };
        let how = Body {
            from: 0,
            total: announced,
        };
        let received = self.receive(job, response, sink, how, progress, deadline)?;
        Ok(Outcome::Downloaded(received))
    }

    /// Streams the body into `sink` under every limit, then moves the file into place.
    ///
    /// Between two chunks it checks the cancellation token, the size limit and the stall rule;
    /// ureq enforces the deadline and the per-read timeout while a read waits. On any error the
    /// sink is dropped: a temporary file deletes itself, a partial file stays to be resumed.
    fn receive(
        &self,
        job: &Job,
        mut response: Response<ureq::Body>,
        mut sink: Sink<'_>,
        body: Body,
        progress: &dyn Progress,
        deadline: Deadline,
    ) -> Result<u64, DownloadError> {
        let limit = self.config.max_bytes;
        if body.total.is_some_and(|total| total > limit) {
            return Err(DownloadError::TooLarge { limit });
        }
        progress.length(job.index, body.total);
        progress.advanced(job.index, body.from);
        // One byte more than the limit: reading it proves the body is too large.
        let mut reader = response
            .body_mut()
            .as_reader()
            .take(limit.saturating_sub(body.from) + 1);
        let mut meter = self.config.stall.meter();
        let mut buffer = vec![0; CHUNK];
        let mut size = body.from;
        loop {
            if self.cancel.is_cancelled() {
                return Err(DownloadError::Cancelled { started: true });
            }
            let n = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_failure(e, deadline, size, body.total)),
            };
            size += n as u64;
            if size > limit {
                return Err(DownloadError::TooLarge { limit });
            }
            sink.file()
                .write_all(&buffer[..n])
                .map_err(file_error(job))?;
            progress.advanced(job.index, n as u64);
            meter.record(n as u64, Instant::now())?;
        }
        if let Some(expected) = body.total
            && size != expected
        {
            return Err(DownloadError::Truncated {
                expected,
                received: size,
            });
        }
        sink.finish(&job.dest).map_err(file_error(job))?;
        Ok(size - body.from)
    }

    /// [`Downloader::failure`] for an error of the body reader, after `size` bytes of a file of
    /// `total`: a connection that closes before the end is a truncated body.
    fn read_failure(
        &self,
        error: io::Error,
        deadline: Deadline,
        size: u64,
        total: Option<u64>,
    ) -> DownloadError {
        let error = match unwrap_ureq(error) {
            Ok(error) => self.failure(error, deadline),
            Err(_) if self.cancel.is_cancelled() => DownloadError::Cancelled { started: true },
            Err(error) => DownloadError::from_read(error),
        };
        match (error, total) {
            (DownloadError::Connection(_), Some(expected)) => DownloadError::Truncated {
                expected,
                received: size,
            },
            (error, _) => error,
        }
    }

    /// Deletes the partial file, if there is one (it cannot be resumed).
    fn discard(&self, partial: Option<&Partial>, job: &Job) -> Result<(), DownloadError> {
        partial
            .map_or(Ok(()), Partial::discard)
            .map_err(file_error(job))
    }
}

/// The part of the file a body holds: it starts at byte `from` of a file of `total` bytes (when
/// the server said).
struct Body {
    from: u64,
    total: Option<u64>,
}

/// Where a body is written until it is complete.
enum Sink<'a> {
    /// A temporary file: it deletes itself when dropped, unless it was persisted.
    Temp(NamedTempFile),
    /// The partial file kept for resuming: it survives a failure.
    Partial(&'a Partial, File),
}

impl Sink<'_> {
    fn file(&mut self) -> &mut File {
        match self {
            Sink::Temp(temp) => temp.as_file_mut(),
            Sink::Partial(_, file) => file,
        }
    }

    /// The body is complete: the file takes its final name.
    fn finish(self, dest: &Path) -> io::Result<()> {
        match self {
            Sink::Temp(mut temp) => {
                temp.as_file_mut().flush()?;
                temp.persist(dest).map(drop).map_err(|e| e.error)
            }
            Sink::Partial(partial, file) => partial.complete(file, dest),
        }
    }
}

/// Maps an I/O error on the job's file to [`DownloadError::File`].
fn file_error(job: &Job) -> impl Fn(io::Error) -> DownloadError + '_ {
    move |source| DownloadError::File {
        path: job.dest.clone(),
        source,
    }
}
