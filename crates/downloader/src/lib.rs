//! # Downloader: I/O-bound concurrency against a real HTTP server
//!
//! A download spends nearly all its time waiting: for the connection, for the server to answer,
//! for the next piece of the body. While one thread waits, others can wait too, so a handful of
//! threads finish a list of URLs many times faster than one, even on a single core. This lesson
//! ports the seeds' downloaders (five URLs, images, the imgur gallery with `DownloadWorker`
//! threads and a `Queue`, the weather of 17 cities) and makes them a real tool:
//!
//! - [`server`]: a small local HTTP server (`std::net`) with a PNG gallery, a weather API and failure
//!   endpoints, so everything works offline and the tests can count what clients do;
//! - [`name`]: safe file names from hostile URLs;
//! - [`fetch`]: one download, streamed to a temporary file, renamed when complete;
//! - [`limits`]: deadlines: the time allowed for one URL, and the stall rule;
//! - [`cancel`]: cooperative cancellation, the flag every worker looks at;
//! - [`signals`]: Ctrl-C and SIGTERM cancel a batch (twice: quit at once);
//! - [`resume`]: resuming a partial file with a range request (`--continue`);
//! - [`url`]: the URLs we fetch (http and https, given or listed), and where a redirect leads;
//! - [`retry`]: retries of transient failures with exponential backoff;
//! - [`strategy`]: sequential, a thread per URL, a worker pool, rayon, the pools lesson's pool;
//! - [`report`]: a batch and its summary; [`progress`]: terminal bars; [`outcome`]: what
//!   became of one job;
//! - [`weather`]: JSON from 17 cities, collected through a `Mutex` or through `join`;
//! - [`demo`]: the race of strategies and the weather, as the CLI shows them.

pub mod cancel;
pub mod demo;
pub mod error;
pub mod fetch;
pub mod gallery;
pub mod limits;
mod lock;
pub mod name;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod resume;
pub mod retry;
pub mod server;
pub mod signals;
pub mod strategy;
pub mod url;
pub mod weather;

pub use cancel::CancelToken;
pub use error::DownloadError;
pub use fetch::{Config, Downloader, Job};
pub use outcome::{JobResult, Outcome};
pub use server::LocalServer;
pub use strategy::Strategy;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
