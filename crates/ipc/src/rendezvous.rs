//! A rendezvous of processes on loopback TCP: how the tests see children run at the same time.
//!
//! Timing children proves nothing on a busy machine, so the graded tests hand them
//! [`Job::Meet`](crate::jobs::Job::Meet) jobs instead ([`Rendezvous::job`] makes one). A child
//! running one connects to a [`Rendezvous`] that the test opened on 127.0.0.1, says its pid, and
//! waits. The rendezvous answers nobody until `size` different processes are waiting at once, and
//! from then on answers everyone at once. Children started one after another never get there: the
//! first one waits alone, and the test's deadline says so. It is a [`std::sync::Barrier`] for
//! processes.
//!
//! A child gives up after [`MEET_TIMEOUT`] (longer than any test's deadline), so a child that
//! was left waiting ends by itself.

use std::collections::BTreeSet;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a child waits at a rendezvous before it gives up.
pub const MEET_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the rendezvous waits for a new connection to say its pid.
const HELLO_TIMEOUT: Duration = Duration::from_secs(2);

/// The meeting point: opens when `size` different processes wait at it together.
#[derive(Debug)]
pub struct Rendezvous {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    server: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct State {
    /// Every process that came, in pid order.
    pids: BTreeSet<u32>,
    /// The connections still waiting for the word to go.
    waiting: Vec<TcpStream>,
    open: bool,
}

impl Rendezvous {
    /// Listens on a free loopback port for `size` processes (at least 1).
    pub fn open(size: usize) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = listener.local_addr()?.port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let server = thread::Builder::new().name("rendezvous".into()).spawn({
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            move || serve(&listener, size.max(1), &state, &stop)
        })?;
        Ok(Self {
            port,
            state,
            stop,
            server: Some(server),
        })
    }

    /// The port the children connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether `size` processes have met.
    pub fn is_open(&self) -> bool {
        lock(&self.state).open
    }

    /// The processes that came so far.
    pub fn pids(&self) -> BTreeSet<u32> {
        lock(&self.state).pids.clone()
    }
}

impl Drop for Rendezvous {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept` only returns for a connection: make one so the server sees the stop flag.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

fn serve(listener: &TcpListener, size: usize, state: &Mutex<State>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // A connection that fails or does not say a pid is not a child of ours: ignore it.
        let Some((pid, stream)) = stream.ok().and_then(hello) else {
            continue;
        };
        let mut state = lock(state);
        state.pids.insert(pid);
        state.waiting.push(stream);
        state.open |= state.pids.len() >= size;
        if state.open {
            for mut waiting in state.waiting.drain(..) {
                // A child that gave up is gone; the others still get their answer.
                let _ = waiting.write_all(b"go\n");
            }
        }
    }
}

/// Reads the pid a child sends first.
fn hello(stream: TcpStream) -> Option<(u32, TcpStream)> {
    stream.set_read_timeout(Some(HELLO_TIMEOUT)).ok()?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    Some((line.trim().parse().ok()?, stream))
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The state stays consistent even if a holder panicked: every update is one statement.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The child's side of [`Job::Meet`](crate::jobs::Job::Meet): waits at the rendezvous on `port`
/// until it opens, or fails after [`MEET_TIMEOUT`].
pub fn meet(port: u16) -> io::Result<()> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    writeln!(stream, "{}", std::process::id())?;
    stream.set_read_timeout(Some(MEET_TIMEOUT))?;
    let mut line = String::new();
    if let Err(e) = BufReader::new(stream).read_line(&mut line) {
        // A read timeout shows up as `WouldBlock` on Linux.
        let gave_up = matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        );
        return Err(if gave_up {
            io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "nobody else came to the rendezvous within {MEET_TIMEOUT:?}: the other \
                     processes were not running at the same time"
                ),
            )
        } else {
            e
        });
    }
    if line.trim() == "go" {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the rendezvous said {line:?}"),
        ))
    }
}
