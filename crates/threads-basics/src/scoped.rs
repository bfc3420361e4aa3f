//! Scoped threads borrow; `'static` threads own.
//!
//! `thread::spawn` requires a `'static` closure: the new thread may outlive the function that
//! started it, so it must not borrow that function's locals. The usual way around it is to
//! *share ownership*: put the data in an `Arc` and `move` a clone into each thread.
//!
//! `thread::scope` (Rust 1.63) lifts the restriction: every thread spawned in the scope is joined
//! before `scope` returns, so the compiler knows the threads cannot outlive the data and lets them
//! borrow it, even mutably, one disjoint piece per thread (`chunks_mut`). Python has no such
//! guarantee to offer: its threads share everything, and nothing checks who writes what.

use std::fmt;
use std::sync::Arc;
use std::thread;

use crate::error::ThreadsError;
use crate::spawning::{join_named, spawn_named};

/// The length of each of `parts` chunks covering `len` items (the last may be shorter).
fn chunk_len(len: usize, parts: usize) -> Result<usize, ThreadsError> {
    if parts == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    Ok(len.div_ceil(parts).max(1))
}

/// Sums each chunk of a *borrowed* slice on its own scoped thread; partial sums in chunk order.
pub fn scoped_chunk_sums(data: &[u64], parts: usize) -> Result<Vec<u64>, ThreadsError> {
    let size = chunk_len(data.len(), parts)?;
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|chunk| s.spawn(move || chunk.iter().sum::<u64>()))
            .collect();
        // A scoped thread's panic is returned by its join too.
        handles
            .into_iter()
            .map(|h| {
                h.join().map_err(|payload| ThreadsError::Panicked {
                    name: "scoped".into(),
                    message: crate::error::panic_message(&*payload),
                })
            })
            .collect()
    })
}

/// The same with `'static` threads: each thread gets a clone of the `Arc` (a pointer and a
/// reference count, not a copy of the data) and the range of indices it should sum.
pub fn arc_chunk_sums(data: Arc<Vec<u64>>, parts: usize) -> Result<Vec<u64>, ThreadsError> {
    let size = chunk_len(data.len(), parts)?;
    let handles = (0..data.len())
        .step_by(size)
        .map(|start| {
            let data = Arc::clone(&data);
            spawn_named(format!("arc-{start}"), move || {
                data[start..(start + size).min(data.len())]
                    .iter()
                    .sum::<u64>()
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles.into_iter().map(join_named).collect()
}

/// Doubles every item in place, one scoped thread per chunk. Each thread gets its own `&mut`
/// chunk, so there is no lock and no data race: the borrow checker proved the pieces disjoint.
pub fn scoped_double_in_place(data: &mut [u64], parts: usize) -> Result<(), ThreadsError> {
    let size = chunk_len(data.len(), parts)?;
    thread::scope(|s| {
        for chunk in data.chunks_mut(size) {
            s.spawn(move || chunk.iter_mut().for_each(|x| *x *= 2));
        }
        // Leaving the scope joins every thread; if one panicked, `scope` panics here.
    });
    Ok(())
}

/// What the scoped-threads demo computed, three ways, over `1..=20`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedReport {
    /// Chunk sums by scoped threads borrowing the data.
    pub scoped_sums: Vec<u64>,
    /// The same by `'static` threads sharing an `Arc`.
    pub arc_sums: Vec<u64>,
    /// The `Arc`'s strong count once every thread has ended (1: every clone was dropped).
    pub arc_count_after: usize,
    /// The data doubled in place by scoped threads.
    pub doubled: Vec<u64>,
}

/// Sums `1..=20` in `threads` chunks with scoped threads and with `move` + `Arc`, then doubles it
/// in place with scoped threads.
pub fn demo(threads: usize) -> Result<ScopedReport, ThreadsError> {
    let mut data: Vec<u64> = (1..=20).collect();
    let scoped_sums = scoped_chunk_sums(&data, threads)?;
    let shared = Arc::new(data.clone());
    let arc_sums = arc_chunk_sums(Arc::clone(&shared), threads)?;
    scoped_double_in_place(&mut data, threads)?;
    Ok(ScopedReport {
        scoped_sums,
        arc_sums,
        arc_count_after: Arc::strong_count(&shared),
        doubled: data,
    })
}

impl fmt::Display for ScopedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "thread::scope, borrowing a local Vec: chunk sums {:?}",
            self.scoped_sums
        )?;
        writeln!(
            f,
            "'static threads, each with an Arc clone: chunk sums {:?} (Arc count back to {})",
            self.arc_sums, self.arc_count_after
        )?;
        writeln!(
            f,
            "scoped threads doubling disjoint &mut chunks in place: {:?}",
            self.doubled
        )?;
        writeln!(
            f,
            "No Arc, no Mutex, no 'static: the scope joins every thread before the borrow ends."
        )
    }
}
