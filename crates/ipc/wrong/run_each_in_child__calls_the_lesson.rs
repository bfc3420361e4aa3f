//! Calls the lesson's own process pool (`crate::pool::ProcessPool`), one worker per job, instead of starting the children itself.

use crate::pool::{PoolError, ProcessPool};

/// Exercise 5 (wrong: the lesson's answer).
pub fn run_each_in_child(exe: &Path, jobs: &[Job]) -> io::Result<Vec<Result<u64, ChildDied>>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut pool = ProcessPool::<Job, u64>::new(jobs.len(), exe).map_err(io::Error::other)?;
    let mut results: Vec<Option<Result<u64, ChildDied>>> = vec![None; jobs.len()];
    for item in pool.imap_unordered(jobs.to_vec()) {
        match item {
            Ok((task, answer)) => results[task] = Some(Ok(answer)),
            Err(PoolError::WorkerDied { task, status, .. }) => {
                results[task] = Some(Err(ChildDied { task, status }));
            }
            Err(e) => return Err(io::Error::other(e)),
        }
    }
    results
        .into_iter()
        .map(|r| r.ok_or_else(|| io::Error::other("a job was lost")))
        .collect()
}
