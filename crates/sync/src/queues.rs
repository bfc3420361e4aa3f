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

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crossbeam::sync::WaitGroup;
use crossbeam_channel::bounded;

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
    t.heading("-- task_done / join with a WaitGroup");
    let r = task_done_join(items, consumers, log);
    t.say(format!(
        "at join: {} of {items} processed, {} workers alive",
        r.processed_at_join, r.workers_alive_at_join
    ));
    t
}
