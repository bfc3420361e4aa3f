//! The join deadlock (seed 003): thread 1 joins thread 2 while thread 2 joins thread 1.
//!
//! Each waits for the other to finish, and neither can finish while it waits: a cycle of two
//! waits. Rust's `JoinHandle::join` takes the handle by value, so the cycle needs the handles to be
//! handed to each thread after both exist (here over channels), which is exactly the seeds' `global
//! t1, t2`.
//!
//! Nothing breaks such a cycle from outside, and a thread cannot be killed, so the demo *detects*
//! it: the main thread waits for the pair with a deadline ([`std::sync::mpsc::Receiver::recv_timeout`]),
//! and when the deadline passes with neither done, it reports the cycle and moves on, leaving the
//! two threads blocked (they end with the process).
//!
//! [`channel_cycle`] builds the same cycle from two channels (each thread waits to receive before it
//! sends); there the main thread keeps a spare sender and can break the cycle by sending the message
//! one of them waits for.

use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::narration::{Log, Transcript};

/// How a cycle experiment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleOutcome {
    /// Both threads finished.
    Finished,
    /// The deadline passed with the threads still waiting for each other.
    Deadlocked {
        /// Who waits for whom, one line per thread.
        waits: Vec<String>,
        /// Whether the cycle was broken afterwards and both threads then finished.
        broken: bool,
    },
}

/// Thread 1 joins thread 2 and thread 2 joins thread 1; `deadline` is how long the main thread
/// waits before calling it a deadlock. The two threads are leaked (blocked forever) on deadlock.
pub fn join_cycle(deadline: Duration, log: Log) -> CycleOutcome {
    let (done_tx, done_rx) = mpsc::channel::<&'static str>();
    let spawn = |me: &'static str, wait_msg: &'static str| {
        let (handle_tx, handle_rx) = mpsc::channel::<JoinHandle<()>>();
        let done = done_tx.clone();
        let handle = thread::Builder::new()
            .name(me.into())
            .spawn(move || {
                let Ok(theirs) = handle_rx.recv() else { return };
                let _ = done.send(wait_msg);
                let _ = theirs.join(); // waits for the other, which waits for us
                let _ = done.send(me);
            })
            .expect("spawning");
        (handle, handle_tx)
    };
    let (h1, give1) = spawn("thread-1", "thread-1 waits for thread-2 (join)");
    let (h2, give2) = spawn("thread-2", "thread-2 waits for thread-1 (join)");
    // Each thread gets the other's handle: the `global t1, t2` of the seed.
    give1.send(h2).expect("thread-1 is waiting for it");
    give2.send(h1).expect("thread-2 is waiting for it");
    drop(done_tx);
    wait_for_pair(&done_rx, deadline, log)
}

/// Collects the threads' messages until both finished or the deadline passed.
fn wait_for_pair(
    done: &mpsc::Receiver<&'static str>,
    deadline: Duration,
    log: Log,
) -> CycleOutcome {
    let until = std::time::Instant::now() + deadline;
    let (mut waits, mut finished) = (Vec::new(), 0);
    while finished < 2 {
        match done.recv_timeout(until.saturating_duration_since(std::time::Instant::now())) {
            Ok(msg) if msg.contains("waits") => {
                log(msg.to_string());
                waits.push(msg.to_string());
            }
            Ok(msg) => {
                log(format!("{msg} completes"));
                finished += 1;
            }
            Err(_) => {
                waits.sort();
                return CycleOutcome::Deadlocked {
                    waits,
                    broken: false,
                };
            }
        }
    }
    CycleOutcome::Finished
}

/// The same cycle with two channels: each thread waits to receive from the other before sending.
/// After `deadline` the main thread reports the deadlock, then breaks it by sending thread 1 the
/// message it waits for, and both threads finish (nothing is leaked).
pub fn channel_cycle(deadline: Duration, log: Log) -> CycleOutcome {
    let (to_1, inbox_1) = mpsc::channel::<&'static str>();
    let (to_2, inbox_2) = mpsc::channel::<&'static str>();
    let (done_tx, done_rx) = mpsc::channel::<&'static str>();
    let spare_to_1 = to_1.clone(); // the main thread's way in
    let worker = |me: &'static str,
                  wait_msg: &'static str,
                  inbox: mpsc::Receiver<&'static str>,
                  to_other: mpsc::Sender<&'static str>,
                  done: mpsc::Sender<&'static str>| {
        thread::spawn(move || {
            let _ = done.send(wait_msg);
            if inbox.recv().is_ok() {
                let _ = to_other.send("hello"); // only now does the other get its message
            }
            let _ = done.send(me);
        })
    };
    let t1 = worker(
        "thread-1",
        "thread-1 waits for a message from thread-2",
        inbox_1,
        to_2,
        done_tx.clone(),
    );
    let t2 = worker(
        "thread-2",
        "thread-2 waits for a message from thread-1",
        inbox_2,
        to_1,
        done_tx,
    );
    match wait_for_pair(&done_rx, deadline, log) {
        CycleOutcome::Finished => CycleOutcome::Finished,
        CycleOutcome::Deadlocked { waits, .. } => {
            log("deadline passed: breaking the cycle by sending thread-1 its message".into());
            let _ = spare_to_1.send("from main");
            let broken = t1.join().is_ok() && t2.join().is_ok();
            CycleOutcome::Deadlocked { waits, broken }
        }
    }
}

/// What `sync join-deadlock` shows: both cycles, each detected after `deadline`, and what
/// became of their threads.
pub fn demo(deadline: Duration) -> Transcript {
    let t = Transcript::new();
    let log: Log = &|line| t.say(line);
    t.heading("== join deadlock: thread-1 joins thread-2, thread-2 joins thread-1");
    explain(&t, join_cycle(deadline, log), deadline);
    t.heading("-- the same cycle with two channels");
    explain(&t, channel_cycle(deadline, log), deadline);
    t
}

/// What a cycle experiment's outcome means, said in `t`.
fn explain(t: &Transcript, outcome: CycleOutcome, deadline: Duration) {
    let CycleOutcome::Deadlocked { waits, broken } = outcome else {
        t.say("both finished (no deadlock)");
        return;
    };
    t.say(format!(
        "DEADLOCK: neither finished within {:.1} s. The wait cycle:",
        deadline.as_secs_f64()
    ));
    for w in &waits {
        t.say(format!("  {w}"));
    }
    t.say("each waits for the other to act first, so neither ever does");
    t.say(if broken {
        "the main thread broke the cycle from outside; both threads then finished"
    } else {
        "nothing can wake a join: the two threads stay blocked until the process ends"
    });
}
