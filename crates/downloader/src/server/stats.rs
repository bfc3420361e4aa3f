//! Counters the server keeps, so tests can see what clients really did.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::lock::lock;

/// Requests in flight, the peak of that number, hits per path, and range requests served.
#[derive(Default, Debug)]
pub struct Stats {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
    partial: AtomicUsize,
    hits: Mutex<HashMap<String, usize>>,
}

impl Stats {
    /// Records the start of a request for `path`; the returned guard records its end.
    pub(crate) fn enter(&self, path: &str) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        *lock(&self.hits).entry(path.to_string()).or_default() += 1;
        InFlight { stats: self }
    }

    /// Requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests ever answered at the same time (since the start or the last reset).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Forgets the peak (sets it to the number in flight now).
    pub fn reset_peak(&self) {
        self.peak.store(self.in_flight(), Ordering::SeqCst);
    }

    /// Requests received in all.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    /// Records an answer of `206 Partial Content` (a range request served).
    pub(crate) fn served_range(&self) {
        self.partial.fetch_add(1, Ordering::SeqCst);
    }

    /// Range requests answered with a piece of the file (`206 Partial Content`).
    pub fn ranges_served(&self) -> usize {
        self.partial.load(Ordering::SeqCst)
    }

    /// Requests received for exactly this path (without the query string).
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.hits).get(path).copied().unwrap_or(0)
    }
}

/// Marks one request in flight; dropping it ends the request.
pub(crate) struct InFlight<'a> {
    stats: &'a Stats,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
