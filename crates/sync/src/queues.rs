//! Queues: threads that pass data instead of sharing it (Python's `queue.Queue`).
//!
//! - [`producer_consumer`]: a *bounded* crossbeam channel between one producer and several
//!   consumers. Bounded means back-pressure: when the queue is full, `send` waits, so a fast producer
//!   cannot fill memory.
//! - Shutdown: the seeds put a `None` sentinel in the queue, one per consumer, and each consumer
//!   checks for it. Here the producer simply drops its `Sender`: once the queue is empty *and* every
//!   sender is gone, `recv` returns `Err` and `for item in rx` ends, in every consumer. No sentinel
//!   to forget, none to count, and the item type stays `T` instead of `Option<T>`.
//! - [`task_done_join`]: the seeds' `q.task_done()` / `q.join()` — wait until every queued item is
//!   *processed*, while the workers stay alive for more. crossbeam's `WaitGroup` does it: each item
//!   travels with a clone of the group, the worker drops it when done (`task_done`), and
//!   `wait()` returns when all clones are gone (`join`).
//! - [`drain`]: the seeds' `while not q.empty(): item = q.get()` with several consumers is a
//!   check-then-act race: two consumers see one item left, both call `get`, and one waits for an
//!   item that never comes. The fix is to ask once, with the blocking receive of a closed channel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Duration;

use crossbeam::sync::WaitGroup;
use crossbeam_channel::{bounded, unbounded};

use crate::narration::{Log, Transcript};

/// One item taken by one consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    /// The consumer that took it.
    pub worker: usize,
    /// The item.
    pub item: u64,
}

/// One producer sends `0..items` through a channel of `capacity`; `consumers` threads take them
/// until the channel is closed. Returns who took what, in the order taken.
pub fn producer_consumer(items: u64, capacity: usize, consumers: usize, log: Log) -> Vec<Taken> {
    let (tx, rx) = bounded::<u64>(capacity);
    let taken = Mutex::new(Vec::new());
    thread::scope(|s| {
        for worker in 0..consumers {
            let (rx, taken) = (rx.clone(), &taken);
            s.spawn(move || {
                // Ends when the channel is empty and closed: the shutdown signal, no sentinel.
                for item in rx {
                    log(format!("consumer-{worker} took item {item}"));
                    taken
                        .lock()
                        .expect("not poisoned")
                        .push(Taken { worker, item });
                    thread::sleep(Duration::from_millis(1)); // some work
                }
                log(format!("consumer-{worker}: channel closed, leaving"));
            });
        }
        drop(rx);
        for item in 0..items {
            // Waits while the queue is full: back-pressure.
            tx.send(item).expect("consumers outlive the producer");
        }
        log(format!("producer: sent {items} items, closing the channel"));
        drop(tx); // closing = dropping the last Sender
    });
    taken.into_inner().expect("not poisoned")
}

/// What [`task_done_join`] observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinReport {
    /// Items processed when `join` (the `WaitGroup` wait) returned: all of them.
    pub processed_at_join: usize,
    /// Workers still running at that moment: all of them, waiting for more work.
    pub workers_alive_at_join: usize,
}

/// `workers` long-lived workers; the main thread queues `items` tasks and waits until all are
/// done, then shuts the workers down by closing the queue.
pub fn task_done_join(items: u64, workers: usize, log: Log) -> JoinReport {
    let (tx, rx) = bounded::<(u64, WaitGroup)>(workers);
    let processed = AtomicUsize::new(0);
    let alive = AtomicUsize::new(0);
    thread::scope(|s| {
        for w in 0..workers {
            let (rx, processed, alive) = (rx.clone(), &processed, &alive);
            alive.fetch_add(1, Ordering::SeqCst);
            s.spawn(move || {
                for (item, task) in rx {
                    log(format!("worker-{w} processes item {item}"));
                    thread::sleep(Duration::from_millis(2));
                    processed.fetch_add(1, Ordering::SeqCst);
                    drop(task); // q.task_done()
                }
                alive.fetch_sub(1, Ordering::SeqCst);
            });
        }
        let all_done = WaitGroup::new();
        for item in 0..items {
            tx.send((item, all_done.clone()))
                .expect("workers are alive");
        }
        all_done.wait(); // q.join(): every clone dropped = every task done
        let report = JoinReport {
            processed_at_join: processed.load(Ordering::SeqCst),
            workers_alive_at_join: alive.load(Ordering::SeqCst),
        };
        log(format!(
            "join returned: {} items processed, {} workers still waiting for work; closing the queue",
            report.processed_at_join, report.workers_alive_at_join
        ));
        drop(tx);
        report
    })
}

/// How the consumers of [`drain`] empty the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    /// `while !rx.is_empty() { rx.recv() }`: check, then act. Racy.
    EmptyThenGet,
    /// The producer closes the channel; `for item in rx` receives until it is empty *and* closed:
    /// one blocking call both checks and takes.
    Closed,
}

/// What [`drain`] counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    /// Items taken, over all trials: every item queued, whichever way.
    pub taken: u64,
    /// Gets that found the queue empty after `is_empty()` said it was not. In the seed, each is a
    /// `q.get()` that blocks forever.
    pub stranded: u32,
}

/// Over `trials` trials, `consumers` threads drain a queue of `items` items at the same instant;
/// counts the items taken and the gets stranded on an empty queue.
///
/// The racy consumers keep the channel open, as the seed's `Queue` is, and take with `try_recv`
/// where the seed's `get()` blocks: an empty result is counted instead of hanging the demo.
pub fn drain(trials: u32, items: u64, consumers: usize, how: Drain) -> DrainReport {
    let mut report = DrainReport {
        taken: 0,
        stranded: 0,
    };
    for _ in 0..trials {
        let (tx, rx) = unbounded::<u64>();
        for item in 0..items {
            tx.send(item).expect("the receiver is alive");
        }
        if how == Drain::Closed {
            drop(tx); // closed: receivers end once it is empty
        }
        let taken = AtomicUsize::new(0);
        let stranded = AtomicUsize::new(0);
        let start = Barrier::new(consumers);
        thread::scope(|s| {
            for _ in 0..consumers {
                let (rx, taken, stranded, start) = (rx.clone(), &taken, &stranded, &start);
                s.spawn(move || {
                    start.wait();
                    match how {
                        Drain::EmptyThenGet => {
                            while !rx.is_empty() {
                                // The window between check and get (the seed prints here).
                                thread::yield_now();
                                if rx.try_recv().is_err() {
                                    stranded.fetch_add(1, Ordering::Relaxed);
                                    return;
                                }
                                taken.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Drain::Closed => {
                            for _item in rx {
                                taken.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                });
            }
        });
        report.taken += taken.into_inner() as u64;
        report.stranded += stranded.into_inner() as u32;
    }
    report
}

/// The trials of each way of draining in [`demo`].
pub const DRAIN_TRIALS: u32 = 100;

/// What `sync queues` shows: [`producer_consumer`] and who took what, then [`task_done_join`].
pub fn demo(items: u64, capacity: usize, consumers: usize) -> Transcript {
    let t = Transcript::new();
    let log: Log = &|line| t.say(line);
    t.heading(format!(
        "== queues: {items} items, capacity {capacity}, {consumers} consumers"
    ));
    let taken = producer_consumer(items, capacity, consumers, log);
    for w in 0..consumers {
        let mine: Vec<u64> = taken
            .iter()
            .filter(|t| t.worker == w)
            .map(|t| t.item)
            .collect();
        t.say(format!("consumer-{w} took {mine:?}"));
    }
    t.heading(format!(
        "-- {consumers} consumers drain {items} items, {DRAIN_TRIALS} trials"
    ));
    for (name, how) in [
        ("while !is_empty() { get } (racy)", Drain::EmptyThenGet),
        ("for item in closed channel", Drain::Closed),
    ] {
        let r = drain(DRAIN_TRIALS, items, consumers, how);
        t.say(format!(
            "{name:<34} took {:>5} of {:>5}, stranded on an empty queue {:>4} times",
            r.taken,
            items * u64::from(DRAIN_TRIALS),
            r.stranded
        ));
    }
    t.heading("-- task_done / join with a WaitGroup");
    let r = task_done_join(items, consumers, log);
    t.say(format!(
        "at join: {} of {items} processed, {} workers alive",
        r.processed_at_join, r.workers_alive_at_join
    ));
    t
}
