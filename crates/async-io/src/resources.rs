//! What a connection costs the operating system: a file descriptor, memory, maybe a thread.
//!
//! - **Open files.** Every socket is a file descriptor, and a process may hold only
//!   `RLIMIT_NOFILE` of them. The *soft* limit (often 1,024) is what is enforced; a process may
//!   raise it up to the *hard* limit by itself, which is what [`raise_open_files`] does at the start
//!   of the C10k demo. Above the hard limit only an administrator can help, and [`check_open_files`]
//!   says so in plain words.
//! - **Memory.** `/proc/self/status` has `VmRSS` (resident memory now) and `VmHWM` (its high-water
//!   mark: the peak). Writing `5` to `/proc/self/clear_refs` resets the peak, so one process can
//!   measure the peak of several runs one after the other ([`reset_peak_rss`]).
//! - **Threads.** `Threads:` in the same file counts this process's threads.
//!
//! Linux-only facts are read as `Option`s: elsewhere the figures are simply missing.

use std::io;

use serde::Serialize;

use crate::error::Error;

/// Files a process needs beyond its connections: stdio, the runtime's epoll and eventfd, pipes.
pub const SPARE_FILES: u64 = 64;

/// The open-files limits of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OpenFiles {
    /// The soft limit, enforced.
    pub soft: u64,
    /// The hard limit: the ceiling for the soft one.
    pub hard: u64,
    /// The soft limit before [`raise_open_files`] raised it (`None`: it was already the hard one).
    pub raised_from: Option<u64>,
}

impl OpenFiles {
    /// The most connections (one socket each) that fit under the soft limit.
    pub fn max_connections(&self) -> u64 {
        self.soft.saturating_sub(SPARE_FILES)
    }
}

/// Raises the soft open-files limit to the hard limit (what any process may do by itself).
pub fn raise_open_files() -> io::Result<OpenFiles> {
    let (before, hard) = rlimit::Resource::NOFILE.get()?;
    let soft = rlimit::increase_nofile_limit(u64::MAX)?;
    Ok(OpenFiles {
        soft,
        hard,
        raised_from: (soft > before).then_some(before),
    })
}

/// Raises the limit, then checks that `connections` sockets (each a file) fit under it.
pub fn check_open_files(connections: usize) -> Result<OpenFiles, Error> {
    let limits = raise_open_files().map_err(Error::io("reading the open-files limit"))?;
    let needed = connections as u64 + SPARE_FILES;
    if limits.soft < needed {
        return Err(Error::TooFewFiles {
            connections,
            needed,
            soft: limits.soft,
            hard: limits.hard,
            max_connections: limits.max_connections(),
        });
    }
    Ok(limits)
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status_kib(field: &str) -> Option<u64> {
    status_field(field)
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
}

fn status_field(field: &str) -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

/// Resident memory now, in bytes (`VmRSS`).
pub fn rss() -> Option<u64> {
    status_kib("VmRSS")
}

/// The peak of resident memory, in bytes (`VmHWM`), since the start or [`reset_peak_rss`].
pub fn peak_rss() -> Option<u64> {
    status_kib("VmHWM")
}

/// Resets the peak of resident memory to the current value (Linux 4.0 and later).
pub fn reset_peak_rss() -> io::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
}

/// This process's threads now (`Threads`).
pub fn threads() -> Option<usize> {
    status_field("Threads")?.parse().ok()
}

/// The most processes and threads this user may have at once (`RLIMIT_NPROC`, soft), if any.
pub fn max_user_threads() -> Option<u64> {
    rlimit::Resource::NPROC
        .get()
        .ok()
        .map(|(soft, _)| soft)
        .filter(|&soft| soft != rlimit::INFINITY)
}

/// The 1-minute load average (`/proc/loadavg`): runnable threads, averaged. Above the core count
/// the machine is shared, and every timing here waits for a turn on a core.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
