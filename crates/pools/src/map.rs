//! `map`, `map_async` and `starmap`: the `multiprocessing.Pool` half of the API.
//!
//! `map` cuts nothing into chunks by itself: each item is one job, and each job sends
//! `(index, result)` back on one channel shared by all the jobs of the call. The caller puts each
//! result in slot `index`, so the output is in input order whatever order the workers finish in.
//! `map_async` is the same thing split in two: the jobs are queued at once and a [`MapAsync`]
//! handle collects the results when asked (`wait`, `get`, `get_timeout`).
//!
//! The handle borrows the pool (`MapAsync<'pool, R>`), so the borrow checker refuses to drop or
//! shut down the pool while results are still being waited for: the jobs cannot be cancelled under
//! it, and every slot is always filled.
//!
//! Chunking is the caller's choice: to map a million tiny items, map over chunks
//! (`pool.map(|range| work(range), chunks)`) — one job per item would spend more time queueing than
//! working (see `pools race` and `pools granularity`).

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::error::JobPanicked;
use crate::pool::{Job, ThreadPool, run_catching};

/// One result of a `map`: the value, or the panic of that item's job.
pub type MapResult<R> = Result<R, JobPanicked>;

impl ThreadPool {
    /// Applies `f` to every item on the pool and returns all the results, in input order
    /// (`pool.map(f, items)`). A panicking item gives `Err(JobPanicked)` in its slot; the others
    /// are unaffected.
    ///
    /// ```
    /// let pool = pools::ThreadPool::new(4).unwrap();
    /// let squares: Vec<u64> = pool.map(|x: u64| x * x, 1..=5).into_iter().map(Result::unwrap).collect();
    /// assert_eq!(squares, [1, 4, 9, 16, 25]);
    /// ```
    pub fn map<T, R, F>(&self, f: F, items: impl IntoIterator<Item = T>) -> Vec<MapResult<R>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        self.map_async(f, items).get()
    }

    /// Queues `f` on every item and returns at once; the [`MapAsync`] handle collects the results
    /// in input order when asked (`pool.map_async(f, items)`).
    pub fn map_async<T, R, F>(&self, f: F, items: impl IntoIterator<Item = T>) -> MapAsync<'_, R>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        queue_map(|job| self.push(job), f, items)
    }

    /// `starmap`: `f` takes two arguments and each item is a pair (`pool.starmap(f, pairs)`).
    /// In Rust this is only `map` with a closure that unpacks the tuple — which is how to do it
    /// for three or more arguments: `pool.map(|(a, b, c)| f(a, b, c), triples)`.
    pub fn starmap<A, B, R, F>(
        &self,
        f: F,
        pairs: impl IntoIterator<Item = (A, B)>,
    ) -> Vec<MapResult<R>>
    where
        A: Send + 'static,
        B: Send + 'static,
        R: Send + 'static,
        F: Fn(A, B) -> R + Send + Sync + 'static,
    {
        self.map(move |(a, b)| f(a, b), pairs)
    }
}

/// Queues one job per item with `execute`, each sending `(index, f(item))` back, and returns the
/// handle that collects them: `map_async` for any pool.
pub(crate) fn queue_map<'pool, T, R, F>(
    execute: impl Fn(Job),
    f: F,
    items: impl IntoIterator<Item = T>,
) -> MapAsync<'pool, R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    // One `f` shared by every job: `Arc` because the jobs run on other threads and the last one
    // to finish frees it.
    let f = Arc::new(f);
    let (tx, rx) = mpsc::channel();
    let mut count = 0;
    for (index, item) in items.into_iter().enumerate() {
        let (f, tx) = (Arc::clone(&f), tx.clone());
        execute(Box::new(move || {
            let _ = tx.send((index, run_catching(|| f(item))));
        }));
        count += 1;
    }
    MapAsync {
        results: rx,
        slots: (0..count).map(|_| None).collect(),
        missing: count,
        pool: PhantomData,
    }
}

/// The results of a `map_async` call, arriving (Python's `AsyncResult`).
pub struct MapAsync<'pool, R> {
    results: Receiver<(usize, MapResult<R>)>,
    slots: Vec<Option<MapResult<R>>>,
    missing: usize,
    /// Ties the handle to the pool: the pool cannot be dropped or shut down while it lives.
    pool: PhantomData<&'pool ()>,
}

impl<R> std::fmt::Debug for MapAsync<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapAsync")
            .field("total", &self.slots.len())
            .field("missing", &self.missing)
            .finish()
    }
}

impl<R> MapAsync<'_, R> {
    /// How many items the call has.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the call had no items.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// How many results have been collected so far (without blocking).
    pub fn finished(&mut self) -> usize {
        while let Ok(message) = self.results.try_recv() {
            self.store(message);
        }
        self.len() - self.missing
    }

    /// Whether every result is in (`async_result.ready()`); never blocks.
    pub fn ready(&mut self) -> bool {
        self.finished() == self.len()
    }

    /// Blocks until every result is in (`async_result.wait()`).
    pub fn wait(&mut self) {
        while self.missing > 0 {
            match self.results.recv() {
                Ok(message) => self.store(message),
                Err(_) => return self.fill_lost(),
            }
        }
    }

    /// Blocks at most `timeout`; returns whether every result is in (`wait(timeout)`).
    pub fn wait_timeout(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.missing > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok(message) => self.store(message),
                Err(RecvTimeoutError::Timeout) => return false,
                Err(RecvTimeoutError::Disconnected) => self.fill_lost(),
            }
        }
        true
    }

    /// Waits for every result and returns them in input order (`async_result.get()`).
    pub fn get(mut self) -> Vec<MapResult<R>> {
        self.wait();
        self.take()
    }

    /// Waits at most `timeout`. `Err(self)` gives the handle back if some results are still
    /// missing, so the caller can wait again (`get(timeout)` raising `TimeoutError`).
    pub fn get_timeout(mut self, timeout: Duration) -> Result<Vec<MapResult<R>>, Self> {
        if self.wait_timeout(timeout) {
            Ok(self.take())
        } else {
            Err(self)
        }
    }

    fn store(&mut self, (index, result): (usize, MapResult<R>)) {
        if self.slots[index].replace(result).is_none() {
            self.missing -= 1;
        }
    }

    /// Every job holds a sender, so a disconnection with results missing means a job was dropped
    /// unrun — impossible while the pool is borrowed, but reported rather than hung on.
    fn fill_lost(&mut self) {
        for slot in self.slots.iter_mut().filter(|slot| slot.is_none()) {
            *slot = Some(Err(JobPanicked {
                message: "the job was lost before it reported".to_owned(),
            }));
        }
        self.missing = 0;
    }

    fn take(&mut self) -> Vec<MapResult<R>> {
        self.slots.drain(..).flatten().collect()
    }
}
