//! `imap` and `imap_unordered`: results as an iterator, while the work is still going on.
//!
//! Both feed the pool lazily: at most a *window* of jobs (four per worker) is queued or unread at
//! any time, and the next input is taken from the caller's iterator only when a result is handed
//! out. So the input can be larger than memory, and a caller who stops early (`break`, `take`,
//! `find`) leaves nothing much behind: dropping the iterator also raises a flag that tells the jobs
//! still queued to skip their work.
//!
//! - [`Imap`] yields in **input order**: a result that finishes early waits in a small buffer
//!   until every earlier one has been yielded.
//! - [`ImapUnordered`] yields in **completion order**, each with its input index: the fastest
//!   first, no waiting behind a slow item.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use crate::map::MapResult;
use crate::pool::{ThreadPool, run_catching};

/// The shared part of both iterators: the lazy feeder.
struct Feeder<'pool, T, R> {
    pool: &'pool ThreadPool,
    f: Arc<dyn Fn(T) -> R + Send + Sync>,
    inputs: Box<dyn Iterator<Item = T> + 'pool>,
    next_index: usize,
    /// Jobs queued whose result has not been handed to the caller yet.
    outstanding: usize,
    window: usize,
    tx: Sender<(usize, MapResult<R>)>,
    rx: Receiver<(usize, MapResult<R>)>,
    cancelled: Arc<AtomicBool>,
}

impl<'pool, T: Send + 'static, R: Send + 'static> Feeder<'pool, T, R> {
    fn new<F>(pool: &'pool ThreadPool, f: F, inputs: impl IntoIterator<Item = T> + 'pool) -> Self
    where
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let (tx, rx) = mpsc::channel();
        Self {
            pool,
            f: Arc::new(f),
            inputs: Box::new(inputs.into_iter()),
            next_index: 0,
            outstanding: 0,
            window: 4 * pool.workers(),
            tx,
            rx,
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Queues inputs until the window is full or the inputs run out.
    fn top_up(&mut self) {
        while self.outstanding < self.window {
            let Some(item) = self.inputs.next() else {
                return;
            };
            let index = self.next_index;
            self.next_index += 1;
            self.outstanding += 1;
            let (f, tx, cancelled) = (
                Arc::clone(&self.f),
                self.tx.clone(),
                Arc::clone(&self.cancelled),
            );
            self.pool.execute(move || {
                // The caller stopped listening: skip the work, nobody will read it.
                if cancelled.load(Ordering::Relaxed) {
                    return;
                }
                let _ = tx.send((index, run_catching(|| f(item))));
            });
        }
    }

    /// The next result to arrive, in completion order; `None` when nothing is outstanding.
    fn receive(&mut self) -> Option<(usize, MapResult<R>)> {
        if self.outstanding == 0 {
            return None;
        }
        // We hold a sender ourselves, so `recv` cannot report a disconnection; the jobs are never
        // cancelled while we wait (the flag is raised only in `drop`).
        self.rx.recv().ok()
    }
}

impl<T, R> Drop for Feeder<'_, T, R> {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Results in input order as they become available ([`ThreadPool::imap`]).
pub struct Imap<'pool, T, R> {
    feeder: Feeder<'pool, T, R>,
    /// Results that finished before an earlier one, keyed by input index.
    early: HashMap<usize, MapResult<R>>,
    next_to_yield: usize,
}

/// Results in completion order with their input index ([`ThreadPool::imap_unordered`]).
pub struct ImapUnordered<'pool, T, R> {
    feeder: Feeder<'pool, T, R>,
}

impl ThreadPool {
    /// Applies `f` to each input on the pool and yields the results **in input order**, each as
    /// soon as it and all before it are done (`pool.imap(f, items)`). Stop whenever you like.
    ///
    /// ```
    /// let pool = pools::ThreadPool::new(4).unwrap();
    /// let first_big = pool.imap(|x: u64| x * x, 1..).map(Result::unwrap).find(|&sq| sq > 50);
    /// assert_eq!(first_big, Some(64));
    /// ```
    pub fn imap<'pool, T, R, F>(
        &'pool self,
        f: F,
        items: impl IntoIterator<Item = T> + 'pool,
    ) -> Imap<'pool, T, R>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let mut feeder = Feeder::new(self, f, items);
        feeder.top_up();
        Imap {
            feeder,
            early: HashMap::new(),
            next_to_yield: 0,
        }
    }

    /// Applies `f` to each input on the pool and yields `(input index, result)` **in completion
    /// order**, fastest first (`pool.imap_unordered(f, items)`).
    pub fn imap_unordered<'pool, T, R, F>(
        &'pool self,
        f: F,
        items: impl IntoIterator<Item = T> + 'pool,
    ) -> ImapUnordered<'pool, T, R>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let mut feeder = Feeder::new(self, f, items);
        feeder.top_up();
        ImapUnordered { feeder }
    }
}

impl<T: Send + 'static, R: Send + 'static> Iterator for Imap<'_, T, R> {
    type Item = MapResult<R>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(result) = self.early.remove(&self.next_to_yield) {
                self.next_to_yield += 1;
                self.feeder.outstanding -= 1;
                self.feeder.top_up();
                return Some(result);
            }
            let (index, result) = self.feeder.receive()?;
            self.early.insert(index, result);
        }
    }
}

impl<T: Send + 'static, R: Send + 'static> Iterator for ImapUnordered<'_, T, R> {
    type Item = (usize, MapResult<R>);

    fn next(&mut self) -> Option<Self::Item> {
        let received = self.feeder.receive()?;
        self.feeder.outstanding -= 1;
        self.feeder.top_up();
        Some(received)
    }
}

impl<T, R> std::fmt::Debug for Imap<'_, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imap")
            .field("next_to_yield", &self.next_to_yield)
            .field("outstanding", &self.feeder.outstanding)
            .finish()
    }
}

impl<T, R> std::fmt::Debug for ImapUnordered<'_, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapUnordered")
            .field("outstanding", &self.feeder.outstanding)
            .finish()
    }
}
