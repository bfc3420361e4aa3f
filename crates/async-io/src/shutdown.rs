//! Graceful shutdown: stop accepting, finish what is in flight, but not for ever.
//!
//! A server told to stop (Ctrl-C, `SIGTERM` from a supervisor, a deploy) has three choices: die at
//! once and cut every client off mid-answer; wait for every connection to end, which may be never;
//! or the graceful middle: **stop accepting** (close the listener, so new clients are refused at
//! once and can go elsewhere), **let the requests in flight finish**, and **abort whatever is
//! still running when a deadline passes**. [`serve_until`] is that loop:
//!
//! - every connection is a task in a [`JoinSet`], which owns them all and can abort them all;
//! - `select!` waits for whichever comes first: the shutdown signal or the next connection;
//! - after the signal, `timeout(grace, …)` waits for the set to drain; what is left is aborted.
//!
//! The signal is any future that yields the grace period ("stop, you have 5 s"): built on
//! [`terminal`] (Ctrl-C or `SIGTERM`), on [`stdin_closed`] (the parent of a child process went
//! away), or on a channel in tests and demos. [`demo`] runs the whole story.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// How a shutdown went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShutdownReport {
    /// Connections accepted in all.
    pub accepted: usize,
    /// Connections still open when the signal came.
    pub in_flight: usize,
    /// Of those, how many finished within the grace period.
    pub finished: usize,
    /// Of those, how many were aborted when the grace period ran out.
    pub aborted: usize,
    /// How long the drain took (at most the grace period, plus the aborts).
    #[serde(serialize_with = "crate::report::seconds")]
    pub drained_in: Duration,
}

impl std::fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "accepted {}, in flight at the signal {}, finished {}, aborted {} (drained in {})",
            self.accepted,
            self.in_flight,
            self.finished,
            self.aborted,
            crate::report::human(self.drained_in)
        )
    }
}

/// Accepts connections on `listener` and runs `handler` on each, as a task, until `shutdown`
/// completes; then stops accepting, waits for the open connections up to the grace period that
/// `shutdown` yielded (a signal can carry its deadline: "stop, you have 5 s"), and aborts the rest.
///
/// An accept error (too many open files, say) does not end the server: it waits 10 ms, so that a
/// full process does not spin, and accepts again.
pub async fn serve_until<H, F>(
    listener: TcpListener,
    mut handler: H,
    shutdown: impl Future<Output = Duration>,
) -> ShutdownReport
where
    H: FnMut(TcpStream) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let mut connections = JoinSet::new();
    let mut accepted = 0;
    let mut shutdown = pin!(shutdown);
    let grace = loop {
        tokio::select! {
            // `biased`: check the signal first, so a flood of clients cannot delay the shutdown.
            biased;
            grace = &mut shutdown => break grace,
            result = listener.accept() => match result {
                Ok((stream, _)) => {
                    accepted += 1;
                    connections.spawn(handler(stream));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Collect the finished connections, so the set holds only the open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    };
    // Closing the listener is "stop accepting": from here on, connecting is refused at once.
    drop(listener);
    let in_flight = connections.len();
    let start = Instant::now();
    let drain = async { while connections.join_next().await.is_some() {} };
    // Whether or not the drain finished in time, what is left is aborted right below.
    let _ = tokio::time::timeout(grace, drain).await;
    let aborted = connections.len();
    connections.shutdown().await;
    ShutdownReport {
        accepted,
        in_flight,
        finished: in_flight - aborted,
        aborted,
        drained_in: start.elapsed(),
    }
}

/// Completes at the first Ctrl-C (`SIGINT`) or `SIGTERM`.
pub async fn terminal() -> io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

/// Completes when standard input reaches its end: for a child process whose parent holds the
/// other end of a pipe, that is the moment the parent exits, however it exits.
///
/// The reading is done by a plain thread, not by tokio's stdin (a blocking read on tokio's
/// blocking pool, which a runtime waits for when it shuts down: a read from a terminal would keep
/// it waiting). If that thread cannot start, the future completes at once: better to stop than
/// to risk outliving the parent.
pub async fn stdin_closed() {
    let (closed, when_closed) = oneshot::channel::<()>();
    let _ = std::thread::Builder::new()
        .name("stdin-watch".into())
        .spawn(move || {
            let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
            let _ = closed.send(());
        });
    let _ = when_closed.await;
}

/// What the demo asks of the server.
#[derive(Debug, Clone, Serialize)]
pub struct DemoConfig {
    /// How long each client asks the server to work, in order.
    #[serde(serialize_with = "serialize_millis")]
    pub work: Vec<Duration>,
    /// When the signal comes, after the clients connected.
    #[serde(serialize_with = "crate::report::seconds")]
    pub signal_after: Duration,
    /// The grace period.
    #[serde(serialize_with = "crate::report::seconds")]
    pub grace: Duration,
}

impl Default for DemoConfig {
    /// Four quick jobs that finish within the grace period and two slow ones that do not.
    fn default() -> Self {
        let ms = Duration::from_millis;
        DemoConfig {
            work: vec![ms(150), ms(200), ms(250), ms(300), ms(5_000), ms(5_000)],
            signal_after: ms(100),
            grace: ms(500),
        }
    }
}

fn serialize_millis<S: serde::Serializer>(work: &[Duration], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(work.iter().map(Duration::as_millis))
}

/// What the demo saw.
#[derive(Debug, Clone, Serialize)]
pub struct ShutdownDemo {
    /// What was asked.
    pub config: DemoConfig,
    /// The server's side.
    pub server: ShutdownReport,
    /// For each client, in order, whether it got its answer.
    pub answered: Vec<bool>,
    /// Whether a client that came after the signal was refused.
    pub late_client_refused: bool,
}

impl ShutdownDemo {
    /// Whether a client that came after the signal was refused (the in-flight ones may be cut
    /// off at the deadline: that is the grace period's point).
    pub fn all_correct(&self) -> bool {
        self.late_client_refused
    }
}

impl std::fmt::Display for ShutdownDemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} clients ask for work of {:?} ms; the signal comes at {} ms, grace {} ms.",
            self.config.work.len(),
            self.config
                .work
                .iter()
                .map(Duration::as_millis)
                .collect::<Vec<_>>(),
            self.config.signal_after.as_millis(),
            self.config.grace.as_millis()
        )?;
        writeln!(f, "  server: {}", self.server)?;
        let answered = self.answered.iter().filter(|&&a| a).count();
        writeln!(
            f,
            "  clients: {answered} answered, {} cut off at the deadline; a client after the signal was refused: {}",
            self.answered.len() - answered,
            self.late_client_refused
        )
    }
}

/// Runs a small server on `127.0.0.1` whose clients each ask for some work (a wait), sends the
/// shutdown signal while they are in flight, and reports who was answered, who was cut off, and
/// whether a client arriving after the signal was refused.
pub fn demo(config: &DemoConfig) -> io::Result<ShutdownDemo> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (trigger, signal) = oneshot::channel::<()>();
        let grace = config.grace;
        let server = tokio::spawn(serve_until(listener, do_the_work, async move {
            // A dropped trigger is a signal too: the demo never leaves a server behind.
            let _ = signal.await;
            grace
        }));
        let mut clients = JoinSet::new();
        for (index, work) in config.work.iter().enumerate() {
            let work = *work;
            clients.spawn(async move { (index, ask_for_work(addr, work).await) });
        }
        tokio::time::sleep(config.signal_after).await;
        let _ = trigger.send(());
        let server = server.await.map_err(io::Error::other)?;
        let mut answered = vec![false; config.work.len()];
        while let Some(Ok((index, result))) = clients.join_next().await {
            answered[index] = result.is_ok_and(|answer| answer == "done");
        }
        Ok(ShutdownDemo {
            config: config.clone(),
            server,
            answered,
            late_client_refused: TcpStream::connect(addr).await.is_err(),
        })
    })
}

/// The demo's protocol, server side: read how many milliseconds to work, work, answer `done`.
async fn do_the_work(stream: TcpStream) {
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    if stream.read_line(&mut line).await.is_err() {
        return;
    }
    let millis = line.trim().parse().unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(millis)).await;
    let _ = stream.get_mut().write_all(b"done\n").await;
}

/// The demo's protocol, client side: the answer, or `""` if the server hung up first.
async fn ask_for_work(addr: SocketAddr, work: Duration) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(format!("{}\n", work.as_millis()).as_bytes())
        .await?;
    let mut answer = String::new();
    // A deadline on the client too: nothing in the lesson may wait for ever.
    tokio::time::timeout(
        work + Duration::from_secs(10),
        stream.read_to_string(&mut answer),
    )
    .await??;
    Ok(answer.trim().to_string())
}
