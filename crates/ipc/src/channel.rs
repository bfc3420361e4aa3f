//! ipc-channel: typed messages between processes (serde), and the seeds' queue of squares.
//!
//! A pipe carries bytes; [`ipc_channel`] carries values. The parent opens an
//! [`IpcOneShotServer`], passes its name to the child (an argument here, an environment variable
//! in the pool), and the child connects. Channel ends are values too: the child's first message
//! carries the sender of its own inbox, so the conversation goes both ways, and the parent can
//! hand *one* queue's sender to four children, who all put their squares into it — results
//! arrive in completion order, as with the seeds' `multiprocessing.Queue`.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use serde::{Deserialize, Serialize};

use crate::child::ChildGuard;

/// The hidden subcommand that plays the child of this demo (`child talk <server>`).
pub const CHILD_ROLE: &str = "talk";

/// From parent to child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToChild {
    /// Add two numbers.
    Add(i64, i64),
    /// Answer the text in capitals.
    Shout(String),
    /// Put `x * x` into `queue`, after a pause (the seeds' "simulate computation").
    SquareInto {
        /// The number.
        x: u64,
        /// How long to "compute".
        pause_ms: u64,
        /// The shared queue: every child gets a clone of the same sender.
        queue: IpcSender<Squared>,
    },
    /// Leave.
    Bye,
}

/// From child to parent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FromChild {
    /// The first message: who the child is and where to send it messages.
    Hello {
        /// Its process id.
        pid: u32,
        /// Its inbox.
        inbox: IpcSender<ToChild>,
    },
    /// The answer to `Add`.
    Sum(i64),
    /// The answer to `Shout`.
    Shouted(String),
}

/// One entry of the queue of squares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Squared {
    /// The input.
    pub x: u64,
    /// Its square.
    pub square: u64,
    /// The process that computed it.
    pub pid: u32,
}

/// A child connected over ipc-channel.
#[derive(Debug)]
pub struct Talker {
    /// Where to send it messages.
    pub inbox: IpcSender<ToChild>,
    /// Where its answers arrive.
    pub answers: IpcReceiver<FromChild>,
    /// Its process id, from its hello.
    pub pid: u32,
    child: ChildGuard,
}

impl Talker {
    /// Starts `exe child talk <server>` and waits (at most `limit`) for its hello.
    pub fn start(exe: &Path, limit: Duration) -> io::Result<Self> {
        let (server, name) = IpcOneShotServer::<FromChild>::new()?;
        let mut child = ChildGuard::spawn(
            Command::new(exe)
                .args(["child", CHILD_ROLE, &name])
                .stdin(Stdio::null()),
        )?;
        // `accept` has no timeout; run it on a thread and give up (killing the child) if the
        // child never connects. Connecting ourselves then unblocks the thread.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(server.accept());
        });
        let accepted = rx.recv_timeout(limit);
        let (answers, hello) = match accepted {
            Ok(Ok(pair)) => pair,
            Ok(Err(e)) => return Err(io::Error::other(format!("bootstrap: {e}"))),
            Err(_) => {
                let status = child.kill_and_reap()?;
                if let Ok(me) = IpcSender::<FromChild>::connect(name) {
                    let _ = me.send(FromChild::Sum(0));
                }
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the child never connected ({status})"),
                ));
            }
        };
        let FromChild::Hello { pid, inbox } = hello else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "first message was not a hello",
            ));
        };
        Ok(Self {
            inbox,
            answers,
            pid,
            child,
        })
    }

    /// Sends `msg` and waits up to `limit` for one answer.
    pub fn ask(&self, msg: ToChild, limit: Duration) -> io::Result<FromChild> {
        self.inbox.send(msg).map_err(io::Error::other)?;
        recv_within(&self.answers, limit)
    }

    /// Says bye and waits for the child to exit.
    pub fn finish(mut self) -> io::Result<std::process::ExitStatus> {
        self.inbox.send(ToChild::Bye).map_err(io::Error::other)?;
        self.child.finish_within(Duration::from_secs(5))
    }
}

/// What the typed conversation produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// The child's pid.
    pub pid: u32,
    /// The answer to `Add(32, 10)`.
    pub sum: i64,
    /// The answer to `Shout("hello from the parent")`.
    pub shouted: String,
}

/// Typed messages both ways with one child.
pub fn conversation(exe: &Path) -> io::Result<Conversation> {
    let limit = Duration::from_secs(10);
    let talker = Talker::start(exe, limit)?;
    let FromChild::Sum(sum) = talker.ask(ToChild::Add(32, 10), limit)? else {
        return Err(unexpected());
    };
    let FromChild::Shouted(shouted) =
        talker.ask(ToChild::Shout("hello from the parent".into()), limit)?
    else {
        return Err(unexpected());
    };
    let pid = talker.pid;
    talker.finish()?;
    Ok(Conversation { pid, sum, shouted })
}

/// Receives one message within `limit`.
///
/// `try_recv_timeout` polls, and a signal (say `SIGCHLD` when some other child ends) interrupts
/// the poll: that is not an error, just wait for the rest of the time.
pub fn recv_within<T>(rx: &IpcReceiver<T>, limit: Duration) -> io::Result<T>
where
    T: Serialize + for<'de> Deserialize<'de>,
{
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.try_recv_timeout(left) {
            Ok(message) => return Ok(message),
            Err(TryRecvError::IpcError(IpcError::Io(e)))
                if e.kind() == io::ErrorKind::Interrupted => {}
            Err(TryRecvError::Empty) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("no message within {limit:?}"),
                ));
            }
            Err(e) => return Err(io::Error::other(e.to_string())),
        }
    }
}

fn unexpected() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "the child answered the wrong question",
    )
}

/// The seeds' queue of squares: `xs.len()` children each put `x * x` into one shared queue
/// after a pause (the first child pauses longest); returns the entries in arrival order.
pub fn queue_of_squares(exe: &Path, xs: &[u64]) -> io::Result<Vec<Squared>> {
    let limit = Duration::from_secs(10);
    let talkers = xs
        .iter()
        .map(|_| Talker::start(exe, limit))
        .collect::<io::Result<Vec<_>>>()?;
    let (queue, results) = ipc::channel::<Squared>()?;
    for (i, (talker, &x)) in talkers.iter().zip(xs).enumerate() {
        // Earlier children pause longer, so the arrival order is not the input order.
        let pause_ms = 40 * (xs.len() - i) as u64;
        let job = ToChild::SquareInto {
            x,
            pause_ms,
            queue: queue.clone(),
        };
        talker.inbox.send(job).map_err(io::Error::other)?;
    }
    drop(queue);
    let squares = (0..xs.len())
        .map(|_| recv_within(&results, limit))
        .collect::<io::Result<Vec<_>>>()?;
    for talker in talkers {
        talker.finish()?;
    }
    Ok(squares)
}

/// The child's side: connect to `server`, say hello, answer until `Bye` or the parent leaves.
pub fn child_main(server: String) -> Result<(), ipc_channel::IpcError> {
    let to_parent = IpcSender::<FromChild>::connect(server)?;
    let (inbox, messages) = ipc::channel::<ToChild>()?;
    to_parent.send(FromChild::Hello {
        pid: std::process::id(),
        inbox,
    })?;
    loop {
        match messages.recv() {
            Ok(ToChild::Add(a, b)) => to_parent.send(FromChild::Sum(a + b))?,
            Ok(ToChild::Shout(text)) => to_parent.send(FromChild::Shouted(text.to_uppercase()))?,
            Ok(ToChild::SquareInto { x, pause_ms, queue }) => {
                std::thread::sleep(Duration::from_millis(pause_ms));
                queue.send(Squared {
                    x,
                    square: x * x,
                    pid: std::process::id(),
                })?;
            }
            Ok(ToChild::Bye) | Err(ipc_channel::IpcError::Disconnected) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// What `ipc channel` shows: the typed conversation, then the queue of squares.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelReport {
    /// The conversation with one child.
    pub talk: Conversation,
    /// The squares of `1..=children`, in the order they arrived.
    pub squares: Vec<Squared>,
}

/// [`conversation`], then [`queue_of_squares`] of `1..=children` from as many children.
pub fn demo(exe: &Path, children: u64) -> io::Result<ChannelReport> {
    let xs: Vec<u64> = (1..=children).collect();
    Ok(ChannelReport {
        talk: conversation(exe)?,
        squares: queue_of_squares(exe, &xs)?,
    })
}

impl std::fmt::Display for ChannelReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let talk = &self.talk;
        writeln!(f, "== ipc-channel: typed messages between processes ==")?;
        writeln!(
            f,
            "child {} answered Add(32, 10) with Sum({})",
            talk.pid, talk.sum
        )?;
        writeln!(
            f,
            "child {} answered Shout(..) with {:?}",
            talk.pid, talk.shouted
        )?;
        writeln!(
            f,
            "queue of squares from {} processes, in arrival order (unordered):",
            self.squares.len()
        )?;
        for s in &self.squares {
            writeln!(f, "  {}² = {:>4}   from pid {}", s.x, s.square, s.pid)?;
        }
        Ok(())
    }
}
