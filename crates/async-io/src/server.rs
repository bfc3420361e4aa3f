//! The slow server: every request is held a given time before it is answered, like a far-away
//! server or a slow database behind it, and the server counts how many it holds at once.
//!
//! It is the other end of the C10k demo, so it must hold 10,000 connections on two cores without
//! effort: one tokio task per connection, a few hundred bytes each, on one thread. It speaks just
//! enough HTTP/1.1 for `curl` and for the hand-written clients below:
//!
//! | request | answer |
//! |---|---|
//! | `GET /hold` | `200`, after the server's hold time |
//! | `GET /hold?ms=N` | `200`, after `N` ms (at most 60 s) |
//! | `GET /stats` | `{"in_flight":…,"peak":…,"served":…}`: requests held now, the most held at once, requests answered |
//! | `GET /reset` | starts a new measurement (peak = in flight now, served = 0), answers the stats |
//!
//! Why written by hand rather than with hyper's server? The C10k demo compares threads with tasks;
//! its clients must send the same bytes both ways ([`get_blocking`], [`get`]), so that only the
//! way of waiting differs, and the server must cost as little per connection as possible. Both
//! fit in a page, and reading them shows that HTTP/1.1 is text on a socket.
//!
//! Three ways to run it:
//! - [`SlowServer::start`]: in this process, on a thread and a runtime of its own (tests, demos);
//! - `async-io serve`: the same server as a program, until Ctrl-C (graceful shutdown);
//! - [`ServerProcess::spawn`]: that program as a child process, for runs whose sockets would not
//!   fit in one process: 10,000 client sockets and 10,000 server sockets make 20,000 open files.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream as StdTcpStream};
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use ipc::child::ChildGuard;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;

use crate::error::Error;
use crate::gauge::Gauge;
use crate::resources;
use crate::shutdown::{self, ShutdownReport};

/// The longest hold a request may ask for.
pub const MAX_HOLD: Duration = Duration::from_secs(60);

/// The longest wait for a request's head: a client that connects and says nothing is let go.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head read; anything longer is refused.
const MAX_HEAD: usize = 4096;

/// Connections waiting to be accepted. Linux caps it at `net.core.somaxconn` (4,096 here); the
/// default of 1,024 would overflow when 10,000 clients connect at once, and every overflowing
/// client waits a whole second before its retry.
const BACKLOG: u32 = 16_384;

/// The server's counters.
#[derive(Debug, Default)]
pub struct Counters {
    held: Gauge,
    served: AtomicUsize,
}

impl Counters {
    /// The counters as numbers.
    pub fn stats(&self) -> Stats {
        Stats {
            in_flight: self.held.now(),
            peak: self.held.peak(),
            served: self.served.load(Ordering::SeqCst),
        }
    }

    /// Starts a new measurement.
    pub fn reset(&self) {
        self.held.reset();
        self.served.store(0, Ordering::SeqCst);
    }
}

/// What the server counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Requests being held now.
    pub in_flight: usize,
    /// The most requests held at once (since the start or the last reset).
    pub peak: usize,
    /// Requests answered (since the start or the last reset).
    pub served: usize,
}

/// Binds `addr` with a backlog large enough for 10,000 clients arriving at once.
pub fn listen(addr: SocketAddr) -> io::Result<tokio::net::TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Serves on `listener` until `shutdown` completes, then drains gracefully within the grace period
/// it yields (see [`shutdown::serve_until`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    hold: Duration,
    counters: Arc<Counters>,
    shutdown: impl std::future::Future<Output = Duration>,
) -> ShutdownReport {
    let handler = move |stream| {
        let counters = Arc::clone(&counters);
        async move {
            // A client that went away is its own business; there is nobody to tell.
            let _ = answer(stream, hold, &counters).await;
        }
    };
    shutdown::serve_until(listener, handler, shutdown).await
}

/// One connection: read the request head, hold, answer, close.
async fn answer(mut stream: TcpStream, hold: Duration, counters: &Counters) -> io::Result<()> {
    let head = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await??;
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (status, body) = match path {
        "/hold" => {
            let hold = requested_hold(query).unwrap_or(hold);
            let _held = counters.held.enter();
            tokio::time::sleep(hold).await;
            (200, format!("held {} ms\n", hold.as_millis()))
        }
        "/stats" => (200, json(&counters.stats())),
        "/reset" => {
            counters.reset();
            (200, json(&counters.stats()))
        }
        _ => (404, "try /hold, /hold?ms=N, /stats or /reset\n".to_string()),
    };
    let reply = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    stream.write_all(reply.as_bytes()).await?;
    counters.served.fetch_add(1, Ordering::SeqCst);
    stream.shutdown().await
}

fn json(stats: &Stats) -> String {
    // Serializing three integers cannot fail.
    serde_json::to_string(stats).unwrap_or_default() + "\n"
}

/// `ms=N` in a query string, capped at [`MAX_HOLD`].
fn requested_hold(query: &str) -> Option<Duration> {
    let ms = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ms="))?
        .parse()
        .ok()?;
    Some(Duration::from_millis(ms).min(MAX_HOLD))
}

/// Reads up to the blank line that ends a request head.
async fn read_head(stream: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::with_capacity(256);
    let mut buffer = [0u8; 512];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buffer[..n]);
        if head.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long",
            ));
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// The request for `path`, as the clients send it: the same bytes from a thread or a task.
pub fn request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

/// An answer: the status code and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// Parses a whole answer (the server closes the connection after it).
fn parse_answer(bytes: &[u8]) -> io::Result<Answer> {
    let text = String::from_utf8_lossy(bytes);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not an HTTP answer");
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(bad)?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    Ok(Answer {
        status,
        body: body.to_string(),
    })
}

/// GETs `path` from the server at `addr`, blocking this thread: the way a thread waits.
/// `limit` bounds the connect and every read, so nothing waits for ever.
pub fn get_blocking(addr: SocketAddr, path: &str, limit: Duration) -> io::Result<Answer> {
    let mut stream = StdTcpStream::connect_timeout(&addr, limit)?;
    stream.set_read_timeout(Some(limit))?;
    stream.write_all(request(path).as_bytes())?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    parse_answer(&bytes)
}

/// GETs `path` from the server at `addr`: the way a task waits. The same steps as
/// [`get_blocking`], with `.await` at each wait; the caller bounds the whole with a timeout.
pub async fn get(addr: SocketAddr, path: &str) -> io::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request(path).as_bytes()).await?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await?;
    parse_answer(&bytes)
}

/// The server's counters, asked over HTTP (works for a server in any process).
pub fn fetch_stats(addr: SocketAddr) -> io::Result<Stats> {
    stats_from(get_blocking(addr, "/stats", Duration::from_secs(10))?)
}

/// Starts a new measurement on the server at `addr`.
pub fn reset_stats(addr: SocketAddr) -> io::Result<Stats> {
    stats_from(get_blocking(addr, "/reset", Duration::from_secs(10))?)
}

fn stats_from(answer: Answer) -> io::Result<Stats> {
    serde_json::from_str(&answer.body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The slow server, running in this process on a thread of its own; dropping it stops it.
#[derive(Debug)]
pub struct SlowServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Option<(oneshot::Sender<Duration>, JoinHandle<ShutdownReport>)>,
}

impl SlowServer {
    /// Starts a server on a free port of `127.0.0.1` that holds each request for `hold`.
    pub fn start(hold: Duration) -> io::Result<SlowServer> {
        SlowServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), hold)
    }

    /// Starts a server on `addr` (port 0: a free one) that holds each request for `hold`.
    ///
    /// One thread with a current-thread runtime: waiting costs no CPU, so one thread holds
    /// thousands of connections.
    pub fn start_on(addr: SocketAddr, hold: Duration) -> io::Result<SlowServer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            listen(addr)?
        };
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let (stop, stopped) = oneshot::channel::<Duration>();
        let theirs = Arc::clone(&counters);
        let thread = thread::Builder::new()
            .name("slow-server".into())
            .spawn(move || {
                // A dropped sender (the server dropped without `shutdown`) means: stop now.
                let shutdown = async move { stopped.await.unwrap_or(Duration::ZERO) };
                runtime.block_on(serve(listener, hold, theirs, shutdown))
            })?;
        Ok(SlowServer {
            addr,
            counters,
            stop: Some((stop, thread)),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its counters now.
    pub fn stats(&self) -> Stats {
        self.counters.stats()
    }

    /// Starts a new measurement (peak = in flight now, served = 0).
    pub fn reset(&self) {
        self.counters.reset()
    }

    /// Stops accepting, waits up to `grace` for the requests held, aborts the rest.
    pub fn shutdown(mut self, grace: Duration) -> io::Result<ShutdownReport> {
        self.stop_within(grace)
            .unwrap_or_else(|| Err(io::Error::other("the server was already stopped")))
    }

    fn stop_within(&mut self, grace: Duration) -> Option<io::Result<ShutdownReport>> {
        let (stop, thread) = self.stop.take()?;
        let _ = stop.send(grace);
        Some(
            thread
                .join()
                .map_err(|_| io::Error::other("the server thread panicked")),
        )
    }
}

impl Drop for SlowServer {
    fn drop(&mut self) {
        let _ = self.stop_within(Duration::ZERO);
    }
}

/// The slow server as a child process: `async-io serve` re-executed, which dies with its parent.
///
/// Three promises keep it from outliving us: the kernel kills it if our thread dies
/// (`PR_SET_PDEATHSIG`, set by [`ChildGuard::spawn`]); it exits by itself when its standard input
/// closes (we hold the other end, and the kernel closes it when we exit, however we exit); and
/// dropping this value closes that pipe, waits a moment, then kills and reaps it.
#[derive(Debug)]
pub struct ServerProcess {
    addr: SocketAddr,
    stdin: Option<ChildStdin>,
    child: ChildGuard,
}

impl ServerProcess {
    /// Starts `exe serve --exit-with-parent --hold-ms …` (the lesson's binary) and reads the
    /// address it prints.
    pub fn spawn(exe: &Path, hold: Duration) -> Result<ServerProcess, Error> {
        let mut command = Command::new(exe);
        command
            .args(["serve", "--exit-with-parent", "--hold-ms"])
            .arg(hold.as_millis().to_string());
        ServerProcess::spawn_command(command)
    }

    /// Starts `command`, a program that runs [`run_as_process`] with `exit_with_parent` (a bench
    /// re-executing itself, say), and reads the address it prints.
    pub fn spawn_command(mut command: Command) -> Result<ServerProcess, Error> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = ChildGuard::spawn(&mut command)
            .map_err(Error::io(format!("starting the server {program}")))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::ServerProcess("no standard output".into()))?;
        let line = first_line_within(stdout, Duration::from_secs(10))?;
        let addr = line
            .split_whitespace()
            .find_map(|word| word.strip_prefix("http://")?.parse().ok())
            .ok_or_else(|| {
                Error::ServerProcess(format!("no address in its first line {line:?}"))
            })?;
        Ok(ServerProcess { addr, stdin, child })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.pid()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing its stdin asks for a graceful exit; if it takes too long, `finish_within` kills.
        self.stdin.take();
        let _ = self.child.finish_within(Duration::from_secs(2));
    }
}

/// How to run the server as a process of its own.
#[derive(Debug, Clone, Copy)]
pub struct ProcessOptions {
    /// Where to listen (port 0: a free one).
    pub addr: SocketAddr,
    /// How long each request is held.
    pub hold: Duration,
    /// How long the requests in flight may take to finish after the stop.
    pub grace: Duration,
    /// Also stop when standard input closes: the parent went away.
    pub exit_with_parent: bool,
}

/// The body of the server as a program (`async-io serve`, and benches that re-execute themselves
/// as the server): raises the open-files limit, starts the server, prints
/// `listening on http://ADDR …` (the line [`ServerProcess::spawn`] waits for), serves until Ctrl-C,
/// `SIGTERM` or, with `exit_with_parent`, the end of standard input, then shuts down gracefully.
pub fn run_as_process(options: &ProcessOptions) -> Result<ShutdownReport, Error> {
    let limits =
        resources::raise_open_files().map_err(Error::io("raising the open-files limit"))?;
    let server = SlowServer::start_on(options.addr, options.hold)
        .map_err(Error::io(format!("listening on {}", options.addr)))?;
    println!(
        "listening on http://{} (each request held {} ms; room for {} connections; Ctrl-C stops)",
        server.addr(),
        options.hold.as_millis(),
        limits.max_connections()
    );
    println!(
        "  try: curl -s http://{0}/hold   curl -s 'http://{0}/hold?ms=100'   curl -s http://{0}/stats",
        server.addr()
    );
    // The parent reads this line through a pipe: send it now, not when a buffer fills.
    let _ = io::stdout().flush();
    let waiting = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(Error::io("starting a runtime to wait for a signal"))?;
    let reason = waiting.block_on(async {
        tokio::select! {
            signal = shutdown::terminal() => match signal {
                Ok(()) => "a signal".to_string(),
                Err(error) => format!("no signal handler: {error}"),
            },
            () = shutdown::stdin_closed(), if options.exit_with_parent => {
                "standard input closed".to_string()
            }
        }
    });
    println!(
        "stopping ({reason}): no new connections; up to {} ms for the ones in flight",
        options.grace.as_millis()
    );
    server
        .shutdown(options.grace)
        .map_err(Error::io("stopping the server"))
}

/// The first line a child prints, or an error if it prints none within `limit`. The rest of its
/// output is read and dropped by the same thread, so the child never blocks on a full pipe nor
/// fails writing to a closed one.
fn first_line_within(stdout: impl Read + Send + 'static, limit: Duration) -> Result<String, Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    thread::Builder::new()
        .name("server-stdout".into())
        .spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let _ = io::copy(&mut reader, &mut io::sink());
        })
        .map_err(Error::io("starting a thread"))?;
    match rx.recv_timeout(limit) {
        Ok(line) if !line.is_empty() => Ok(line.trim().to_string()),
        Ok(_) => Err(Error::ServerProcess(
            "it exited before printing its address".into(),
        )),
        Err(_) => Err(Error::ServerProcess(format!(
            "no address printed within {limit:?}"
        ))),
    }
}
