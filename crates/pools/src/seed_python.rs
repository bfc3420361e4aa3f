//! The seed's own Python, timed in the same run as the Rust rows (`pools race --python`).
//!
//! `python/seed_collatz.py`, run as a script, times the 18 rows of seed 000's table on the same
//! inputs and prints one JSON object a line; a joblib row it cannot run (joblib not installed)
//! comes back as skipped, with the reason, and is printed so, never estimated. Python itself may
//! be missing: then every row is skipped and the error says why. The interpreter is `python3`, or
//! the one the `PYTHON` environment variable names.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use ipc::child::ChildGuard;
use serde::Deserialize;

/// How long the whole Python table may take (it takes about a minute on two cores).
pub const LIMIT: Duration = Duration::from_secs(600);

/// One row of the seed's table, as Python ran it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeedRow {
    /// Its number in the seed's table, from 1.
    pub row: usize,
    /// Its name in the seed's table.
    pub name: String,
    /// Wall-clock seconds, pools and processes started inside the timing (absent when skipped).
    pub seconds: Option<f64>,
    /// The sum of the results (absent when skipped).
    pub checksum: Option<u64>,
    /// Why the row did not run.
    pub skipped: Option<String>,
}

/// Why the Python rows are missing.
#[derive(Debug, thiserror::Error)]
pub enum SeedPythonError {
    /// No interpreter by that name.
    #[error("{} not found: the seed's Python rows are skipped", .0.to_string_lossy())]
    NoPython(OsString),
    /// Starting it or reading it failed.
    #[error("running {script}: {source}")]
    Io {
        /// The script.
        script: String,
        /// Why.
        source: io::Error,
    },
    /// The script failed or ran out of time.
    #[error("{script} ended with {status}")]
    Failed {
        /// The script.
        script: String,
        /// How it ended.
        status: ExitStatus,
    },
    /// A line it printed is not a row.
    #[error("{script} printed {line:?}: {source}")]
    BadLine {
        /// The script.
        script: String,
        /// The line.
        line: String,
        /// Why it is not a row.
        source: serde_json::Error,
    },
}

/// The script, found beside the workspace this lesson was built in.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../python/seed_collatz.py")
}

/// The interpreter: `$PYTHON`, else `python3`.
pub fn interpreter() -> OsString {
    std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into())
}

/// Runs [`script`] with `python` and reads its rows (within [`LIMIT`]; the child is killed past it,
/// or if this process fails first).
pub fn run(python: &OsString) -> Result<Vec<SeedRow>, SeedPythonError> {
    let script = script();
    let name = script.display().to_string();
    let io_error = |source| SeedPythonError::Io {
        script: name.clone(),
        source,
    };
    let mut command = Command::new(python);
    command
        .arg(&script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut child = match ChildGuard::spawn(&mut command) {
        Ok(child) => child,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(SeedPythonError::NoPython(python.clone()));
        }
        Err(err) => return Err(io_error(err)),
    };
    // Read on another thread, so that the deadline below holds even if the script stops printing.
    let Some(mut stdout) = child.stdout.take() else {
        unreachable!("stdout is piped")
    };
    let reader = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let status = child.finish_within(LIMIT).map_err(io_error)?;
    let text = match reader.join() {
        Ok(read) => read.map_err(io_error)?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    if !status.success() {
        return Err(SeedPythonError::Failed {
            script: name,
            status,
        });
    }
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).map_err(|source| SeedPythonError::BadLine {
                script: name.clone(),
                line: line.to_owned(),
                source,
            })
        })
        .collect()
}
