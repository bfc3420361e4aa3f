//! Counters the server keeps, so tests can see what clients really did.

use std::collections::HashMap;
use std::io::{self, Read, Take};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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
    pub(crate) fn enter(self: &Arc<Self>, path: &str) -> InFlight {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        *lock(&self.hits).entry(path.to_string()).or_default() += 1;
        InFlight {
            stats: Arc::clone(self),
        }
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
pub(crate) struct InFlight {
    stats: Arc<Stats>,
}

impl InFlight {
    /// Wraps an answer's body so that the request leaves the count when the body's last bytes are
    /// read, before they are written: a client that has its whole answer and asks again must
    /// never find its previous request still counted, or the peak would overstate what it did.
    pub(crate) fn until_read(self, body: Take<Box<dyn Read + Send>>) -> Box<dyn Read + Send> {
        Box::new(CountedBody {
            body,
            in_flight: Some(self),
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A body whose request is in flight until its last byte is read.
struct CountedBody {
    body: Take<Box<dyn Read + Send>>,
    in_flight: Option<InFlight>,
}

impl Read for CountedBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.body.read(buf)?;
        if read == 0 || self.body.limit() == 0 {
            self.in_flight = None;
        }
        Ok(read)
    }
}
