//! The local HTTP server the lesson downloads from: offline, deterministic, and able to misbehave.
//!
//! [`LocalServer::start`] binds `127.0.0.1:0` (the OS picks a free port) and serves, from threads
//! of this process:
//!
//! | path | what it answers |
//! |---|---|
//! | `/gallery?count=N` | a JSON list of `N` image URLs (the seeds' imgur gallery); `&format=text`: one per line; `&image_latency_ms=D`: the images' latency |
//! | `/images/image-007.png` | a real PNG, generated ([`crate::gallery`]) |
//! | `/weather?q=Zurich&units=metric` | `{"name": "Zurich", "main": {"temp": 18.0}}` for the seeds' 17 cities, 404 otherwise |
//! | `/bytes/N` | `N` deterministic bytes |
//! | `/files/<anything>` | a small body; the path can be as hostile as you like |
//! | `/status/CODE` | an empty answer with that status (404, 500, 429, ...) |
//! | `/redirect/N?to=/bytes/10` | `N` redirects in a row, then `to` |
//! | `/flaky/KEY?fail=K&size=N` | the first `K` requests of `KEY` (default 1) are cut in the middle of the body, then it is served whole; with `&code=503`, they get that status, then a short text |
//! | `/slow-body?size=N&chunks=C&delay_ms=D` | the body in `C` pieces, `D` ms apart |
//! | `/stall?size=N&sent=K` | announces `N` bytes, sends `K` (default half), then nothing until the client hangs up |
//! | `/trickle?size=N&interval_ms=D` | `N` bytes (default 100), one every `D` ms (default 2000) |
//! | `/truncated?size=N` | announces `N` bytes, sends half, hangs up |
//! | `/oversized?announced=A&actual=M` | announces `A` bytes, sends `M` |
//! | `/unannounced?size=N` | `N` bytes with no `Content-Length` (ends by closing) |
//!
//! Every path takes `latency_ms=D` (wait `D` ms before answering, like a far-away server) and the
//! bodies of `/images` and `/bytes` take `rate=B` (at most `B` bytes per second: a slow link).
//! `/images`, `/bytes` and `/flaky` serve byte ranges (`Range: bytes=N-`, with `Accept-Ranges`,
//! an `ETag` and `If-Range`), unless asked `ranges=none`; `etag=X` changes their `ETag`, as if
//! the file had changed.
//!
//! Requests are served **concurrently**: every connection gets a thread of its own, so requests on
//! different connections wait out their latency at the same time. That is what lets a client with
//! 32 workers finish 64 requests of 50 ms in 100 ms; a server that answered one at a time would
//! make every client look sequential. [`Stats`] counts the requests in flight and remembers the
//! peak, which is how the tests prove that a client really had N requests in flight.
//!
//! Why not tiny_http, the crate made for this? We tried: its connection pool starts 4 threads and,
//! when a burst of keep-alive connections arrives at once, queues the extra connections for threads
//! that are all busy with connections that stay open — a client opening 12 connections at once saw
//! only 4 served and the others time out. The protocol part a test server needs is small
//! (`server/http.rs`), and writing it by hand is also what lets seven endpoints misbehave on purpose.

mod http;
mod routes;
mod stats;

pub use routes::pattern;
pub use stats::Stats;

use std::io::{self, BufReader, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::lock::lock;
use http::{param, query_params};
use routes::{Reply, Routes};

/// How long a connection may stay idle between requests before the server closes it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The endpoints, as `downloader serve` lists them.
const ENDPOINTS: &str =
    "  endpoints: /gallery?count=N /images/image-000.png /weather?q=Rome /bytes/N /status/CODE
             /redirect/N?to=URL /flaky/KEY?fail=K /slow-body /truncated /oversized /unannounced
             /stall?size=N /trickle?interval_ms=D
  every path takes ?latency_ms=D; /images and /bytes take &rate=BYTES_PER_S, and serve ranges
";

/// The longest `/stall` keeps a connection open without sending anything.
const MAX_SILENCE: Duration = Duration::from_secs(600);

/// The connections open now: a clone of each socket (to hang up on shutdown) and its thread.
type Connections = Mutex<Vec<(TcpStream, JoinHandle<()>)>>;

/// A running local server; dropping it (or [`LocalServer::shutdown`]) stops it cleanly.
pub struct LocalServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Connections>,
    stats: Arc<Stats>,
}

impl LocalServer {
    /// Binds `127.0.0.1:0` (a free port the OS picks) and starts serving.
    pub fn start() -> io::Result<LocalServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Connections::default());
        let routes = Arc::new(Routes::new(addr));
        let acceptor = {
            let (stop, connections, stats) = (
                Arc::clone(&stop),
                Arc::clone(&connections),
                Arc::clone(&stats),
            );
            thread::Builder::new()
                .name("server-accept".into())
                .spawn(move || accept(&listener, &stop, &connections, &routes, &stats))?
        };
        Ok(LocalServer {
            addr,
            stop,
            acceptor: Some(acceptor),
            connections,
            stats,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url())
    }

    /// The URLs of the first `count` gallery images, each answered after `latency`.
    pub fn gallery_urls(&self, count: usize, latency: Duration) -> Vec<String> {
        (0..count)
            .map(|i| {
                let name = crate::gallery::file_name(i);
                self.url(&format!(
                    "/images/{name}?latency_ms={}",
                    latency.as_millis()
                ))
            })
            .collect()
    }

    /// What `downloader serve` prints: the URL, an example, the endpoints.
    pub fn usage(&self) -> String {
        let url = self.base_url();
        format!(
            "Serving on {url}\n  try: curl -s '{url}/gallery?count=16&format=text&image_latency_ms=50' > list.txt && downloader fetch --list list.txt --out gallery\n{ENDPOINTS}"
        )
    }

    /// The request counters (in flight, peak, hits per path).
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Stops the server and waits for its threads (same as dropping it).
    pub fn shutdown(self) {}
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept` blocks; a connection of our own wakes it so it sees `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let open = std::mem::take(&mut *lock(&self.connections));
        for (stream, _) in &open {
            // Wakes a thread blocked reading the next request; it then ends.
            let _ = stream.shutdown(Shutdown::Both);
        }
        for (_, handle) in open {
            let _ = handle.join();
        }
    }
}

/// The accept loop: one thread per connection.
fn accept(
    listener: &TcpListener,
    stop: &AtomicBool,
    connections: &Arc<Connections>,
    routes: &Arc<Routes>,
    stats: &Arc<Stats>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let (routes, stats) = (Arc::clone(routes), Arc::clone(stats));
        let spawned = thread::Builder::new()
            .name("server-conn".into())
            .spawn(move || {
                // An error here means the client went away, which is its right.
                let _ = serve_connection(stream, &routes, &stats);
            });
        if let Ok(handle) = spawned {
            let mut open = lock(connections);
            // Forget the connections that ended, so the list stays short.
            open.retain(|(_, handle)| !handle.is_finished());
            open.push((clone, handle));
        }
    }
}

/// Answers the requests of one connection, one after the other, until it closes.
fn serve_connection(stream: TcpStream, routes: &Routes, stats: &Arc<Stats>) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = io::BufWriter::new(stream.try_clone()?);
    while let Some(head) = http::read_head(&mut reader)? {
        let (path, query) = head.target.split_once('?').unwrap_or((&head.target, ""));
        let params = query_params(query);
        let in_flight = stats.enter(path);
        if let Some(ms) = param::<u64>(&params, "latency_ms") {
            // The latency of a far-away server: this connection waits, the others go on.
            thread::sleep(Duration::from_millis(ms.min(10_000)));
        }
        match routes.route(path, &params, &head) {
            Reply::Proper(mut answer) => {
                if answer.status == 206 {
                    stats.served_range();
                }
                let body = std::mem::replace(&mut answer.body, Box::new(io::empty()));
                answer.body = in_flight.until_read(body.take(answer.length));
                http::write_answer(&mut out, answer, head.close)?
            }
            Reply::Broken(broken) => {
                let holds_on = broken.holds_on();
                routes::write_broken(&mut out, broken)?;
                if holds_on {
                    wait_for_hang_up(&stream);
                }
                // Hanging up is the point: the client must notice what is missing (or extra).
                return stream.shutdown(Shutdown::Both);
            }
        }
        if head.close {
            break;
        }
    }
    Ok(())
}

/// Keeps a connection open, silent, until the client hangs up (or the server shuts down, or
/// [`MAX_SILENCE`] passes): a server that stopped sending in the middle of a body.
fn wait_for_hang_up(stream: &TcpStream) {
    let start = std::time::Instant::now();
    let mut buffer = [0; 512];
    if stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .is_err()
    {
        return;
    }
    while start.elapsed() < MAX_SILENCE {
        match (&*stream).read(&mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}
