//! Bounded queues deadlock across processes too (the seeds' two `Queue(maxsize=1)`).
//!
//! A pipe is a bounded queue of bytes: when its kernel buffer (64 KiB on Linux) is full, `write`
//! blocks until the other side reads. In the broken protocol each side puts a "hello" that fills
//! the pipe to the other side, then a "follow-up" — and only *then* reads. Both follow-ups wait
//! for a reader, both readers wait for their own follow-up to be written: a deadlock, exactly the
//! seeds' `q_c2p.put(...)` / `q_p2c.put(...)`.
//!
//! The parent detects it with a deadline (its writes run on a thread; the main thread waits on a
//! channel with a timeout), says so, and kills the child, which also unblocks its own write.
//! The fix: take before you put — each side reads the other's hello before it writes its
//! follow-up, so every write has a reader.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::child::ChildGuard;

/// The hidden subcommand that plays the child of this demo (`child deadlock broken|fixed`).
pub const CHILD_ROLE: &str = "deadlock";

/// The two protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Put, put, then take: deadlocks once a message fills the pipe.
    PutPutTake,
    /// Put, take, put, take: every put has a reader.
    TakeBeforePut,
}

impl Protocol {
    /// The child-role argument naming this protocol.
    pub fn arg(self) -> &'static str {
        match self {
            Protocol::PutPutTake => "broken",
            Protocol::TakeBeforePut => "fixed",
        }
    }

    /// Parses [`Protocol::arg`].
    pub fn from_arg(arg: &str) -> Option<Self> {
        match arg {
            "broken" => Some(Protocol::PutPutTake),
            "fixed" => Some(Protocol::TakeBeforePut),
            _ => None,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Both sides finished; the parent read `bytes_read` bytes from the child.
    Finished {
        /// Bytes the parent received.
        bytes_read: usize,
    },
    /// Nothing moved for `after`: a deadlock. The child was killed.
    Deadlocked {
        /// How long the parent waited.
        after: Duration,
    },
}

/// The size of one message: a full pipe buffer, so that one message fills the "queue".
pub fn message_len() -> usize {
    64 * 1024
}

/// Runs the protocol between this process and `exe child deadlock <protocol>`, giving up after
/// `limit`.
pub fn run(exe: &Path, protocol: Protocol, limit: Duration) -> io::Result<Outcome> {
    let mut child = ChildGuard::spawn(
        Command::new(exe)
            .args(["child", CHILD_ROLE, protocol.arg()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
    )?;
    let to_child = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin"))?;
    let from_child = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout"))?;
    let (done, finished) = mpsc::channel();
    let side = thread::spawn(move || {
        let _ = done.send(play(protocol, from_child, to_child));
    });
    let start = Instant::now();
    let outcome = match finished.recv_timeout(limit) {
        Ok(result) => Outcome::Finished {
            bytes_read: result?,
        },
        Err(_) => {
            // Killing the child closes its pipe ends: our blocked write fails with a broken pipe
            // and the thread ends.
            child.kill_and_reap()?;
            Outcome::Deadlocked {
                after: start.elapsed(),
            }
        }
    };
    let _ = side.join();
    if matches!(outcome, Outcome::Finished { .. }) {
        child.finish_within(Duration::from_secs(5))?;
    }
    Ok(outcome)
}

/// One side of the protocol (the parent's with the child's pipes, the child's with stdin and
/// stdout). Returns the bytes read.
fn play(protocol: Protocol, mut input: impl Read, mut output: impl Write) -> io::Result<usize> {
    let hello = vec![b'h'; message_len()];
    let follow_up = vec![b'f'; message_len()];
    let mut buf = vec![0; message_len()];
    output.write_all(&hello)?;
    output.flush()?;
    thread::sleep(Duration::from_millis(50));
    match protocol {
        Protocol::PutPutTake => {
            output.write_all(&follow_up)?; // blocks: the other side is not reading yet
            output.flush()?;
            input.read_exact(&mut buf)?;
            input.read_exact(&mut buf)?;
        }
        Protocol::TakeBeforePut => {
            input.read_exact(&mut buf)?;
            output.write_all(&follow_up)?;
            output.flush()?;
            input.read_exact(&mut buf)?;
        }
    }
    Ok(2 * message_len())
}

/// The child's side.
pub fn child_main(protocol: Protocol) -> io::Result<()> {
    play(protocol, io::stdin().lock(), io::stdout().lock()).map(drop)
}

/// What `ipc deadlock` shows: the broken protocol, then the fixed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlockReport {
    /// Each protocol and how it ended.
    pub runs: Vec<(Protocol, Outcome)>,
}

/// [`run`]s both protocols, each given `limit` before it is called a deadlock.
pub fn demo(exe: &Path, limit: Duration) -> io::Result<DeadlockReport> {
    let runs = [Protocol::PutPutTake, Protocol::TakeBeforePut]
        .into_iter()
        .map(|protocol| Ok((protocol, run(exe, protocol, limit)?)))
        .collect::<io::Result<_>>()?;
    Ok(DeadlockReport { runs })
}

impl std::fmt::Display for DeadlockReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "== Bounded queues deadlock across processes too ==")?;
        writeln!(
            f,
            "each message is {} bytes: one fills a pipe's buffer",
            message_len()
        )?;
        for (protocol, outcome) in &self.runs {
            match outcome {
                Outcome::Finished { bytes_read } => writeln!(
                    f,
                    "{protocol:?}: finished, the parent read {bytes_read} bytes"
                )?,
                Outcome::Deadlocked { after } => writeln!(
                    f,
                    "{protocol:?}: DEADLOCK detected after {after:.2?}: both sides block writing their \
                     follow-up into a full pipe, nobody reads; the child was killed"
                )?,
            }
        }
        writeln!(
            f,
            "fix: take before you put — read the other side's hello before writing the follow-up"
        )
    }
}
