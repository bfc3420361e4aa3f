//! `submit` and `as_completed`: the `concurrent.futures` half of the API.
//!
//! `pool.submit(f)` queues one job and returns a [`JobHandle`] at once — Python's `Future`. The
//! handle is a one-shot channel: the job sends its result (or its panic) into it, and `wait` takes
//! it out. If the pool is shut down with `shutdown_now` before the job runs, the job (and with it
//! the sending end) is dropped, so the handle sees a disconnected channel and reports
//! [`JobError::Cancelled`] rather than waiting forever.
//!
//! [`as_completed`] takes many handles and yields each result as soon as its job finishes — the
//! seeds' `for future in as_completed(futures)`. It waits on all the handles' channels at once with
//! `crossbeam_channel::Select`.

use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Select, TryRecvError};

use crate::error::{JobError, JobPanicked};
use crate::pool::{ThreadPool, run_catching};

/// A job submitted with [`ThreadPool::submit`]: wait on it for its result.
#[derive(Debug)]
pub struct JobHandle<R> {
    result: Receiver<Result<R, JobPanicked>>,
}

impl ThreadPool {
    /// Queues `job` and returns a handle to its result at once (`executor.submit(fn)`).
    ///
    /// ```
    /// let pool = pools::ThreadPool::new(2).unwrap();
    /// let answer = pool.submit(|| 6 * 7);
    /// assert_eq!(answer.wait(), Ok(42));
    /// ```
    pub fn submit<R, F>(&self, job: F) -> JobHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        // Capacity 1: the job sends exactly once and never blocks doing it.
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.execute(move || {
            // The caller may have dropped its handle: nobody wants the result then.
            let _ = tx.send(run_catching(job));
        });
        JobHandle { result: rx }
    }
}

impl<R> JobHandle<R> {
    /// Blocks until the job has finished and returns its value, its panic, or `Cancelled`.
    pub fn wait(self) -> Result<R, JobError> {
        match self.result.recv() {
            Ok(outcome) => outcome.map_err(JobError::from),
            Err(_) => Err(JobError::Cancelled),
        }
    }

    /// Waits at most `timeout`. `Err(self)` gives the handle back when the job is not finished
    /// yet, so the caller can do something else and wait again (`future.result(timeout=...)`).
    pub fn wait_timeout(self, timeout: Duration) -> Result<Result<R, JobError>, Self> {
        match self.result.recv_timeout(timeout) {
            Ok(outcome) => Ok(outcome.map_err(JobError::from)),
            Err(RecvTimeoutError::Disconnected) => Ok(Err(JobError::Cancelled)),
            Err(RecvTimeoutError::Timeout) => Err(self),
        }
    }

    /// Whether a result is waiting (`future.done()`); never blocks.
    pub fn is_ready(&self) -> bool {
        !self.result.is_empty()
    }

    /// Takes the result if it is there, without blocking.
    pub fn try_wait(self) -> Result<Result<R, JobError>, Self> {
        match self.result.try_recv() {
            Ok(outcome) => Ok(outcome.map_err(JobError::from)),
            Err(TryRecvError::Disconnected) => Ok(Err(JobError::Cancelled)),
            Err(TryRecvError::Empty) => Err(self),
        }
    }
}

/// Yields `(index, result)` for every handle, in the order the jobs *finish* (the index is the
/// handle's position in `handles`).
///
/// ```
/// use std::time::Duration;
/// let pool = pools::ThreadPool::new(2).unwrap();
/// let slow = pool.submit(|| { std::thread::sleep(Duration::from_millis(200)); "slow" });
/// let fast = pool.submit(|| "fast");
/// let order: Vec<_> = pools::as_completed(vec![slow, fast]).map(|(i, _)| i).collect();
/// assert_eq!(order, [1, 0]);
/// ```
pub fn as_completed<R>(handles: impl IntoIterator<Item = JobHandle<R>>) -> AsCompleted<R> {
    AsCompleted {
        pending: handles.into_iter().enumerate().collect(),
    }
}

/// The iterator returned by [`as_completed`].
#[derive(Debug)]
pub struct AsCompleted<R> {
    pending: Vec<(usize, JobHandle<R>)>,
}

impl<R> Iterator for AsCompleted<R> {
    type Item = (usize, Result<R, JobError>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pending.is_empty() {
            return None;
        }
        // Wait on every pending channel at once; `select` returns the first one that is ready
        // (a result, or a disconnection that means the job was cancelled).
        let mut select = Select::new();
        for (_, handle) in &self.pending {
            select.recv(&handle.result);
        }
        let operation = select.select();
        let position = operation.index();
        let outcome = operation.recv(&self.pending[position].1.result);
        let (index, _) = self.pending.swap_remove(position);
        let result = match outcome {
            Ok(outcome) => outcome.map_err(JobError::from),
            Err(_) => Err(JobError::Cancelled),
        };
        Some((index, result))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pending.len(), Some(self.pending.len()))
    }
}
