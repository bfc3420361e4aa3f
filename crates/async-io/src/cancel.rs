//! Timeouts and cancellation: in async Rust, to cancel is to drop.
//!
//! A thread cannot be stopped from outside: it must check a flag (the threads-basics lesson's stop
//! flags). A future can: it only runs when polled, so whoever holds it can simply stop polling and
//! **drop** it. [`tokio::time::timeout`] does exactly that when its time is up, and `select!` does
//! it to every branch that did not win. The future stops at the `.await` where it was waiting,
//! and never runs another line; its local variables are dropped, in order, as usual.
//!
//! That is powerful and sharp. Whatever the future had done up to that `.await` stays done:
//!
//! - [`write_naively`] streams a body straight into its final file. Cancel it half-way and the
//!   file stays, half-written, under its final name: the next run (or user) takes it for complete.
//! - [`crate::download::save`] streams into a temporary file that deletes itself when dropped,
//!   and renames it only when complete. Cancel it anywhere and the drop cleans up: the final name
//!   is either absent or complete. Cancellation safety is just RAII.
//!
//! One more way out runs no destructor at all: the process being killed. A Ctrl-C's default
//! action is to end the process on the spot, so a program with temporary files catches it
//! (`tokio::signal::ctrl_c` in a `select!`), lets the futures drop, and then exits: the
//! `download` demo of the binary does so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use downloader::fetch::Job;
use downloader::{Config, LocalServer};
use http_body_util::BodyExt;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

use crate::download::{self, AsyncDownloader};
use crate::error::Error;
use crate::report::human;

/// The name of the file every writer of the demo writes.
pub const FILE_NAME: &str = "slow-body.bin";

/// What a cancelled writer left in its folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftBehind {
    /// The size of the file under its final name, if there is one.
    pub final_file: Option<u64>,
    /// Temporary files (`.download-*.part`) still in the folder.
    pub temporary_files: usize,
}

/// What the demo saw.
#[derive(Debug, Clone, Serialize)]
pub struct CancelReport {
    /// The size of the slow body.
    pub body_bytes: u64,
    /// How long the whole body takes to arrive.
    #[serde(serialize_with = "crate::report::seconds")]
    pub body_time: Duration,
    /// When the cancellation came.
    #[serde(serialize_with = "crate::report::seconds")]
    pub cancel_after: Duration,
    /// The error `timeout` gave the naive writer.
    pub timeout_error: String,
    /// What the naive writer left, cancelled by `timeout`.
    pub naive: LeftBehind,
    /// What the safe writer left, cancelled by a shutdown signal in `select!`.
    pub safe: LeftBehind,
    /// The same safe download, not cancelled: it completes.
    pub uncancelled: LeftBehind,
}

impl CancelReport {
    /// Whether the safe writer, cancelled, left nothing behind: no final file, no temporary one.
    pub fn all_correct(&self) -> bool {
        self.safe.final_file.is_none() && self.safe.temporary_files == 0
    }
}

impl std::fmt::Display for CancelReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |left: &LeftBehind| {
            format!(
                "final file: {}, temporary files: {}",
                left.final_file
                    .map_or("none".to_string(), |n| format!("{n} bytes")),
                left.temporary_files
            )
        };
        writeln!(
            f,
            "A body of {} bytes that takes {} to arrive, cancelled after {}:",
            self.body_bytes,
            human(self.body_time),
            human(self.cancel_after)
        )?;
        writeln!(
            f,
            "  naive writer, timeout ({}): {}  <- half a file under its final name",
            self.timeout_error,
            show(&self.naive)
        )?;
        writeln!(
            f,
            "  safe writer, select! with a shutdown signal: {}",
            show(&self.safe)
        )?;
        write!(f, "  safe writer, left alone: {}", show(&self.uncancelled))
    }
}

/// Streams the body of `url` straight into `dest`: the version *not* to write.
pub async fn write_naively(
    downloader: &AsyncDownloader,
    url: &str,
    dest: &Path,
) -> Result<u64, Error> {
    let mut body = downloader.get(url).await?.into_body();
    let mut file = tokio::fs::File::create(dest)
        .await
        .map_err(Error::io(format!("creating {}", dest.display())))?;
    let mut written = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Error::Io {
            what: "reading the body".into(),
            source: std::io::Error::other(e),
        })?;
        if let Ok(chunk) = frame.into_data() {
            file.write_all(&chunk)
                .await
                .map_err(Error::io(format!("writing {}", dest.display())))?;
            written += chunk.len() as u64;
        }
    }
    file.flush()
        .await
        .map_err(Error::io(format!("writing {}", dest.display())))?;
    Ok(written)
}

/// Runs the demo against the downloader's local server, in `dir`: a slow body of `size` bytes
/// sent in `chunks` pieces `chunk_delay` apart, cancelled after `cancel_after`, three times.
pub fn demo(
    server: &LocalServer,
    dir: &Path,
    size: usize,
    chunks: usize,
    chunk_delay: Duration,
    cancel_after: Duration,
) -> Result<CancelReport, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::io("starting the tokio runtime"))?;
    let url = server.url(&format!(
        "/slow-body?size={size}&chunks={chunks}&delay_ms={}",
        chunk_delay.as_millis()
    ));
    let folders = ["naive", "safe", "uncancelled"].map(|name| dir.join(name));
    for folder in &folders {
        std::fs::create_dir_all(folder)
            .map_err(Error::io(format!("creating {}", folder.display())))?;
    }
    let file = |folder: &PathBuf| folder.join(FILE_NAME);
    let timeout_error = runtime.block_on(async {
        let downloader = AsyncDownloader::new(Config {
            force: true,
            ..Config::default()
        });

        // 1. The naive writer under a timeout: dropped mid-body.
        let naive = tokio::time::timeout(
            cancel_after,
            write_naively(&downloader, &url, &file(&folders[0])),
        )
        .await;
        let timeout_error = match naive {
            Err(elapsed) => elapsed.to_string(),
            Ok(_) => "none: the body came before the deadline".into(),
        };

        // 2. The safe writer in a `select!` against a shutdown signal sent by another task.
        let (shutdown, mut on_shutdown) = watch::channel(false);
        let signal = tokio::spawn(async move {
            tokio::time::sleep(cancel_after).await;
            let _ = shutdown.send(true);
        });
        let cancelled = job(&url, file(&folders[1]));
        tokio::select! {
            _ = downloader.download(&cancelled) => {}
            _ = on_shutdown.wait_for(|&stop| stop) => {}
        }
        let _ = signal.await;

        // 3. The safe writer left alone.
        let _ = downloader.download(&job(&url, file(&folders[2]))).await;
        timeout_error
    });
    Ok(CancelReport {
        body_bytes: size as u64,
        body_time: chunk_delay * chunks as u32,
        cancel_after,
        timeout_error,
        naive: left_behind(&folders[0]),
        safe: left_behind(&folders[1]),
        uncancelled: left_behind(&folders[2]),
    })
}

fn job(url: &str, dest: PathBuf) -> Job {
    Job {
        index: 0,
        url: url.to_string(),
        dest,
    }
}

/// What is in `folder` after a writer of [`FILE_NAME`] stopped.
pub fn left_behind(folder: &Path) -> LeftBehind {
    let final_file = std::fs::metadata(folder.join(FILE_NAME))
        .ok()
        .map(|m| m.len());
    let temporary_files = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| download::is_temporary(&entry.file_name().to_string_lossy()))
        .count();
    LeftBehind {
        final_file,
        temporary_files,
    }
}
