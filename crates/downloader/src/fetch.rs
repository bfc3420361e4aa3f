//! Downloading one URL to one file, safely: the heart of every strategy.
//!
//! - One [`ureq::Agent`] for everything: it keeps a pool of open connections, so the second
//!   request to a host skips the TCP (and TLS) handshake. The agent is cheap to clone (an `Arc`
//!   inside) and safe to share between threads.
//! - The body is streamed to disk in 64 KiB chunks, never held whole in memory, into a temporary
//!   file in the output directory; it is renamed into place only once complete. A failure deletes
//!   the temporary file, so a file with the final name is always a complete one.
//! - Transient failures are retried with backoff ([`crate::retry`]); sizes are capped
//!   ([`Config::max_bytes`]) whether the server announces them honestly or not.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::error::DownloadError;
use crate::name::{NameAllocator, sanitize_file_name};
use crate::progress::Progress;
use crate::retry::RetryPolicy;

/// The size of the chunks we stream.
const CHUNK: usize = 64 * 1024;

/// How a [`Downloader`] behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The longest wait for a TCP connection.
    pub connect_timeout: Duration,
    /// The longest wait for any single read (headers or a piece of the body).
    pub read_timeout: Duration,
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

/// What happened to a job that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded this many bytes.
    Downloaded(u64),
    /// A file of this size was already there.
    Skipped(u64),
}

impl Outcome {
    /// The size of the file.
    pub fn bytes(&self) -> u64 {
        match self {
            Outcome::Downloaded(n) | Outcome::Skipped(n) => *n,
        }
    }
}

/// Checks that `url` is an absolute http(s) URL with a host.
pub fn validate_url(url: &str) -> Result<(), DownloadError> {
    let invalid = |reason: &str| DownloadError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    // The scheme first: `file:///x` is not even a valid http URI, but "unsupported scheme" is the
    // message that helps.
    if let Some((scheme, _)) = url.split_once("://")
        && !scheme.eq_ignore_ascii_case("http")
        && !scheme.eq_ignore_ascii_case("https")
    {
        return Err(DownloadError::UnsupportedScheme {
            url: url.to_string(),
            scheme: scheme.to_string(),
        });
    }
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| invalid(&e.to_string()))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| invalid("no scheme (write http:// or https://)"))?;
    if scheme != "http" && scheme != "https" {
        return Err(DownloadError::UnsupportedScheme {
            url: url.to_string(),
            scheme: scheme.to_string(),
        });
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(())
}

/// Creates `dir` if needed and proves it is writable (by creating and deleting a temporary file).
pub fn prepare_output_dir(dir: &Path) -> Result<(), DownloadError> {
    let fail = |source| DownloadError::OutputDir {
        path: dir.to_path_buf(),
        source,
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

/// Downloads files with one shared agent. Clone it freely: clones share the agent.
#[derive(Clone)]
pub struct Downloader {
    agent: ureq::Agent,
    config: Arc<Config>,
}

impl Downloader {
    /// A downloader with its own agent, configured by `config`.
    pub fn new(config: Config) -> Downloader {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_per_read(Some(config.read_timeout))
            .max_redirects(config.max_redirects)
            .max_idle_connections_per_host(config.max_idle_per_host.max(1))
            .max_idle_connections(config.max_idle_per_host.max(1) * 4)
            .build()
            .into();
        Downloader {
            agent,
            config: Arc::new(config),
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

    /// Downloads one job, retrying transient failures; reports progress to `progress`.
    pub fn download(&self, job: &Job, progress: &dyn Progress) -> Result<Outcome, DownloadError> {
        let name = job
            .dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        progress.started(job.index, &name);
        let result = self.config.retry.run(|_| self.attempt(job, progress));
        progress.finished(job.index, &result);
        result
    }

    /// Fetches `url` and parses its body as JSON (retrying transient failures).
    pub fn get_json(&self, url: &str) -> Result<serde_json::Value, DownloadError> {
        self.config.retry.run(|_| {
            let mut response = self.get(url)?;
            let text = response
                .body_mut()
                .with_config()
                .limit(self.config.max_bytes)
                .read_to_string()
                .map_err(DownloadError::from_ureq)?;
            serde_json::from_str(&text).map_err(|e| DownloadError::BadBody(e.to_string()))
        })
    }

    /// Sends the GET; a 3xx left after the redirect limit counts as too many redirects.
    fn get(&self, url: &str) -> Result<ureq::http::Response<ureq::Body>, DownloadError> {
        validate_url(url)?;
        let response =
            self.agent
                .get(url)
                .call()
                .map_err(|e| match DownloadError::from_ureq(e) {
                    // ureq does not know which URL it was given; we do.
                    DownloadError::InvalidUrl { reason, .. } => DownloadError::InvalidUrl {
                        url: url.to_string(),
                        reason,
                    },
                    other => other,
                })?;
        if response.status().is_redirection() {
            return Err(DownloadError::TooManyRedirects);
        }
        Ok(response)
    }

    /// One try: request, check the announced size, stream into a temporary file, rename.
    fn attempt(&self, job: &Job, progress: &dyn Progress) -> Result<Outcome, DownloadError> {
        let mut response = self.get(&job.url)?;
        let announced = response.body().content_length();
        let limit = self.config.max_bytes;
        if announced.is_some_and(|len| len > limit) {
            return Err(DownloadError::TooLarge { limit });
        }
        progress.length(job.index, announced);
        if !self.config.force
            && let (Some(len), Ok(meta)) = (announced, fs::metadata(&job.dest))
            && meta.is_file()
            && meta.len() == len
        {
            return Ok(Outcome::Skipped(len));
        }
        let dir = job.dest.parent().unwrap_or(Path::new("."));
        let file_error = |source| DownloadError::File {
            path: job.dest.clone(),
            source,
        };
        // Dropped without `persist` (any error below), the temporary file deletes itself.
        let mut temp = tempfile::Builder::new()
            .prefix(".download-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(file_error)?;
        // One byte more than the limit: reading it proves the body is too large.
        let mut body = response.body_mut().as_reader().take(limit + 1);
        let received = copy_in_chunks(
            &mut body,
            temp.as_file_mut(),
            |n| progress.advanced(job.index, n),
            limit,
        )
        .map_err(|e| match e {
            CopyError::Read(e) => DownloadError::from_read(e),
            CopyError::Write(e) => file_error(e),
            CopyError::TooLarge => DownloadError::TooLarge { limit },
        })?;
        if let Some(expected) = announced
            && received != expected
        {
            return Err(DownloadError::Truncated { expected, received });
        }
        temp.as_file_mut().flush().map_err(file_error)?;
        temp.persist(&job.dest).map_err(|e| file_error(e.error))?;
        Ok(Outcome::Downloaded(received))
    }
}

/// Why streaming a body stopped.
enum CopyError {
    Read(io::Error),
    Write(io::Error),
    TooLarge,
}

/// Copies `reader` to `writer` in chunks, calling `on_chunk` with each chunk's size.
fn copy_in_chunks(
    reader: &mut impl Read,
    writer: &mut impl Write,
    mut on_chunk: impl FnMut(u64),
    limit: u64,
) -> Result<u64, CopyError> {
    let mut buffer = vec![0; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        total += n as u64;
        if total > limit {
            return Err(CopyError::TooLarge);
        }
        writer.write_all(&buffer[..n]).map_err(CopyError::Write)?;
        on_chunk(n as u64);
    }
}
