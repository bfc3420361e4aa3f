//! Grading tests of the async-io lesson: each checks one exercise of `src/exercises.rs`.
//!
//! Exercises 1 to 5 talk to a [`Probe`]: a small server on `127.0.0.1` whose answers each test
//! writes, and which watches the client. An answer can wait for other requests to arrive (only a
//! client with all of them in flight at once gets it), for other answers to be done, or for the
//! client to hang up (only a client that really stopped its request lets it go). The probe counts
//! a request out of flight before its answer leaves, so the peak it reports is never more than the
//! client really had. Exercise 6 is watched from inside: its tests hand the stage work that counts
//! itself with the lesson's [`Gauge`].
//!
//! Nothing here measures time. Every wait for something the client must do has a patience: long
//! enough for a correct answer on a loaded machine, short enough that a wrong one fails in
//! seconds instead of blocking.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use async_io::exercises::*;
use async_io::gauge::Gauge;
use async_io::server::Answer;
use testkit::{Watch, deadline};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// Every test's deadline: an answer that blocks fails here instead of at the grader's limit.
const LIMIT: Duration = Duration::from_secs(8);

/// How long anything waits for the code under test to do its part: long enough for tasks and
/// threads to start on a loaded machine, short enough that a wrong answer costs seconds.
const PATIENCE: Duration = Duration::from_secs(2);

/// The runtime most tests run the exercises on: two worker threads, as on the course's machine.
fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A runtime with a single thread for everything: a task that blocks it stops every other task.
fn one_thread() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

// --- The probe server ---

/// A loopback HTTP server on one port per mirror, whose answers a test writes: one thread and one
/// request per connection (`Connection: close`), and a [`Log`] of what it saw.
struct Probe {
    addrs: Vec<SocketAddr>,
    log: Arc<Log>,
    stop: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
}

/// A request as the probe saw it: the port ("mirror") it came to and its target.
struct Request {
    mirror: usize,
    target: String,
}

/// What the probe does with a request.
enum Reply {
    /// Answers `200` with this body.
    Answer(String),
    /// Closes the connection without an answer: the client's `get` fails.
    Close,
    /// Answers nothing until the client hangs up (counted in `hung_up`). If it has not within
    /// [`PATIENCE`], gives up (see [`Watch::give_up`]) and answers after all.
    HoldUntilHangUp,
}

/// What a probe saw.
#[derive(Default)]
struct Seen {
    /// Each request's mirror and target, in order of arrival.
    arrivals: Vec<(usize, String)>,
    in_flight: usize,
    peak: usize,
    /// Requests answered or closed (counted once the connection is shut).
    done: usize,
    /// Held requests whose client hung up.
    hung_up: usize,
    /// What the test's own code noted (a digest that ran, say).
    notes: Vec<String>,
}

/// The probe's record, which answers and the test wait on.
type Log = Watch<Seen>;

type Handler = dyn Fn(&Request, &Log) -> Reply + Send + Sync;

impl Probe {
    /// Serves `mirrors` ports, each request answered as `handler(request, log)` says.
    fn start(
        mirrors: usize,
        handler: impl Fn(&Request, &Log) -> Reply + Send + Sync + 'static,
    ) -> Probe {
        let (log, stop) = (
            Arc::new(Log::new(Seen::default(), PATIENCE)),
            Arc::new(AtomicBool::new(false)),
        );
        let handler: Arc<Handler> = Arc::new(handler);
        let mut probe = Probe {
            addrs: Vec::new(),
            log,
            stop,
            acceptors: Vec::new(),
        };
        for mirror in 0..mirrors {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
            probe
                .addrs
                .push(listener.local_addr().expect("the probe's address"));
            let (log, stop, handler) = (
                Arc::clone(&probe.log),
                Arc::clone(&probe.stop),
                Arc::clone(&handler),
            );
            probe.acceptors.push(thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let (log, handler) = (Arc::clone(&log), Arc::clone(&handler));
                    // Every wait in `serve` is bounded, so these threads end by themselves. An
                    // error means the client hung up, which is its right.
                    thread::spawn(move || {
                        let _ = serve(stream, mirror, &*handler, &log);
                    });
                }
            }));
        }
        probe
    }

    /// The address of the first (or only) mirror.
    fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for (addr, acceptor) in self.addrs.iter().zip(self.acceptors.drain(..)) {
            // `incoming` blocks: a connection of our own wakes it to see `stop`.
            let _ = TcpStream::connect(addr);
            let _ = acceptor.join();
        }
    }
}

/// Reads one request's head, logs it, and replies as the handler says.
fn serve(stream: TcpStream, mirror: usize, handler: &Handler, log: &Log) -> io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(()); // connected, then hung up before asking anything
    }
    let mut header = String::new();
    // The head ends with an empty line ("\r\n"), or the client hung up.
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let request = Request {
        mirror,
        target: request_line.split(' ').nth(1).unwrap_or("/").to_string(),
    };
    log.update(|s| {
        s.arrivals.push((mirror, request.target.clone()));
        s.in_flight += 1;
        s.peak = s.peak.max(s.in_flight);
    });
    let body = match handler(&request, log) {
        Reply::Answer(body) => Some(body),
        Reply::Close => None,
        Reply::HoldUntilHangUp => hold(&stream, log),
    };
    // Counted out before the answer leaves: the client cannot have its answer (and send its next
    // request) while this one still counts as in flight, so the peak never overstates.
    log.update(|s| s.in_flight -= 1);
    let written = body.map_or(Ok(()), |body| {
        write!(
            &stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    });
    // Shut before it counts as done: whoever waits for `done` knows the client can see the end.
    let _ = stream.shutdown(Shutdown::Write);
    log.update(|s| s.done += 1);
    written
}

/// Holds a request until its client hangs up (`None`: nothing to answer) or [`PATIENCE`] passes
/// (the log gives up; the answer says so).
fn hold(stream: &TcpStream, log: &Log) -> Option<String> {
    let mut byte = [0u8; 1];
    let hung_up = !log.gave_up()
        && stream.set_read_timeout(Some(PATIENCE)).is_ok()
        && match (&*stream).read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(error) => error.kind() == io::ErrorKind::ConnectionReset,
        };
    if hung_up {
        log.update(|s| s.hung_up += 1);
        None
    } else {
        log.give_up();
        Some("held until the server gave up".into())
    }
}

fn paths(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}/{i}")).collect()
}

/// The number at the end of a target like `/item/3`.
fn index_of(target: &str) -> usize {
    target
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Checks that each answer is the probe's echo of its path, in the order of `paths`.
fn assert_echoes(paths: &[String], answers: Vec<io::Result<Answer>>) {
    assert_eq!(answers.len(), paths.len(), "one answer per path");
    for (index, (path, answer)) in paths.iter().zip(answers).enumerate() {
        match answer {
            Ok(answer) => assert_eq!(
                answer.body, *path,
                "answers[{index}] must be the answer to {path}"
            ),
            Err(error) => panic!("answers[{index}], the answer to {path}, is an error: {error}"),
        }
    }
}

// --- Exercise 1: get_all ---

#[test]
fn get_all_sends_every_request_at_once() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let n = 8;
        let probe = Probe::start(1, move |request, log| {
            log.wait_until(|s| s.arrivals.len() >= n);
            Reply::Answer(request.target.clone())
        });
        let paths = paths("/item", n);
        let answers = runtime().block_on(get_all(probe.addr(), &paths));
        assert!(
            !probe.log.gave_up(),
            "the server answered no request until all {n} had arrived, and they never had: the \
             requests waited for each other"
        );
        assert_eq!(probe.log.lock().peak, n, "requests in flight at once");
        assert_echoes(&paths, answers);
    });
}

#[test]
fn get_all_keeps_the_order_of_paths() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (n, broken) = (6, 2);
        // The answers end in reverse order: /item/k only once every later path is done. The
        // request for /item/2 is closed without an answer.
        let probe = Probe::start(1, move |request, log| {
            let k = index_of(&request.target);
            log.wait_until(|s| s.done >= n - 1 - k);
            if k == broken {
                Reply::Close
            } else {
                Reply::Answer(request.target.clone())
            }
        });
        let paths = paths("/item", n);
        let mut answers = runtime().block_on(get_all(probe.addr(), &paths));
        assert!(
            !probe.log.gave_up(),
            "the answers come back last to first, so all {n} requests must be in flight at once"
        );
        assert_eq!(answers.len(), n, "one answer per path");
        let error = answers.remove(broken);
        assert!(
            error.is_err(),
            "answers[{broken}]: /item/{broken} was closed without an answer, so its place holds \
             an error; found {error:?}"
        );
        let mut others = paths.clone();
        others.remove(broken);
        assert_echoes(&others, answers);
    });
}

// --- Exercise 2: get_within ---

#[test]
fn get_within_returns_what_comes_in_time() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(1, |request, _| match request.target.as_str() {
            "/broken" => Reply::Close,
            target => Reply::Answer(target.to_string()),
        });
        let runtime = runtime();
        let answer = runtime
            .block_on(get_within(probe.addr(), "/quick", PATIENCE))
            .expect("/quick is answered at once, well within the limit");
        assert_eq!(answer.body, "/quick");
        let error = runtime
            .block_on(get_within(probe.addr(), "/broken", PATIENCE))
            .expect_err("/broken is closed without an answer");
        assert_ne!(
            error.kind(),
            io::ErrorKind::TimedOut,
            "/broken failed at once, long before the limit: return the request's own error"
        );
    });
}

#[test]
fn get_within_stops_the_request_at_the_limit() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(1, |_, _| Reply::HoldUntilHangUp);
        let runtime = runtime();
        let result = runtime.block_on(get_within(
            probe.addr(),
            "/held",
            Duration::from_millis(100),
        ));
        // Checked while the runtime is still alive: a request left running in a task of its own
        // would be dropped with the runtime, too late.
        let hung_up = probe.log.eventually(|s| s.hung_up == 1);
        assert!(
            hung_up,
            "the server held the request until the client hung up, and it never did: the \
             request went on after the limit (a look at the clock once the answer is in is too \
             late, and a task of its own keeps running when nobody waits for it)"
        );
        let error = result.expect_err("no answer came in time");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
        drop(runtime);
    });
}

// --- Exercise 3: get_all_bounded ---

#[test]
fn get_all_bounded_keeps_exactly_limit_in_flight() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let total = 9;
        for limit in [2, 3] {
            // Every answer waits until `limit` requests are in flight (or all have come), then a
            // little more, as a far-away server does: time enough for an unbounded client's other
            // requests to arrive too.
            let probe = Probe::start(1, move |request, log| {
                log.wait_until(|s| s.in_flight >= limit || s.arrivals.len() >= total);
                thread::sleep(Duration::from_millis(50));
                Reply::Answer(request.target.clone())
            });
            let paths = paths("/item", total);
            let answers = runtime().block_on(get_all_bounded(probe.addr(), &paths, limit));
            assert!(
                !probe.log.gave_up(),
                "limit = {limit}, but {limit} requests were never in flight together"
            );
            assert_eq!(
                probe.log.lock().peak,
                limit,
                "the most requests in flight at once, with limit = {limit}"
            );
            assert_echoes(&paths, answers);
        }
    });
}

#[test]
fn get_all_bounded_lets_no_slow_request_hold_up_the_rest() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let others = 8;
        // `/slow` is answered only once every other path has been.
        let probe = Probe::start(1, move |request, log| {
            if request.target == "/slow" {
                log.wait_until(|s| s.done >= others);
            }
            Reply::Answer(request.target.clone())
        });
        let paths: Vec<String> = std::iter::once("/slow".to_string())
            .chain(paths("/fast", others))
            .collect();
        let answers = runtime().block_on(get_all_bounded(probe.addr(), &paths, 3));
        assert!(
            !probe.log.gave_up(),
            "while /slow was in flight, the other places did not go on with the remaining paths: \
             they waited for it"
        );
        assert_echoes(&paths, answers);
    });
}

#[test]
fn get_all_bounded_keeps_failures_in_their_place() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(1, |request, _| {
            if request.target.starts_with("/broken") {
                Reply::Close
            } else {
                Reply::Answer(request.target.clone())
            }
        });
        let paths: Vec<String> = ["/a", "/broken/1", "/b", "/broken/2", "/c"]
            .map(String::from)
            .into();
        let answers = runtime().block_on(get_all_bounded(probe.addr(), &paths, 2));
        assert_eq!(answers.len(), paths.len(), "one answer per path");
        for (path, answer) in paths.iter().zip(&answers) {
            match answer {
                Ok(answer) => assert_eq!(answer.body, *path, "the answer to {path}"),
                Err(error) => assert!(
                    path.starts_with("/broken"),
                    "{path} was answered, yet its place holds an error: {error}"
                ),
            }
            if path.starts_with("/broken") {
                assert!(
                    answer.is_err(),
                    "{path} was closed without an answer: {answer:?}"
                );
            }
        }
    });
}

// --- Exercise 4: first_answer ---

#[test]
fn first_answer_asks_every_mirror_at_once_and_stops_the_others() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (mirrors, winner) = (3, 1);
        // The winner answers once every mirror has been asked; the others hold their requests
        // until the client hangs up.
        let probe = Probe::start(mirrors, move |request, log| {
            if request.mirror == winner {
                log.wait_until(|s| s.arrivals.len() >= mirrors);
                Reply::Answer(format!("mirror {winner}"))
            } else {
                Reply::HoldUntilHangUp
            }
        });
        let runtime = runtime();
        let result = runtime.block_on(first_answer(&probe.addrs, "/file"));
        // Checked while the runtime is still alive: requests left running in tasks of their own
        // would be dropped with the runtime, too late.
        let losers_hung_up = probe.log.eventually(|s| s.hung_up == mirrors - 1);
        assert_eq!(
            probe.log.lock().peak,
            mirrors,
            "mirrors asked at once (mirror {winner} answers only when all {mirrors} have been \
             asked)"
        );
        let (index, answer) = result.expect("mirror 1 answered");
        assert_eq!(
            (index, answer.body.as_str()),
            (winner, "mirror 1"),
            "the first answer came from mirror {winner}: the others held theirs until the client \
             hung up"
        );
        assert!(
            losers_hung_up,
            "the requests to the other mirrors went on after the first answer: stop them when \
             you have it"
        );
        drop(runtime);
    });
}

#[test]
fn first_answer_skips_mirrors_that_fail() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(3, |request, log| {
            if request.mirror == 1 {
                // Only once both other mirrors have failed, and a moment later, so that their
                // failures surely reach the client first.
                log.wait_until(|s| s.done >= 2);
                thread::sleep(Duration::from_millis(50));
                Reply::Answer("mirror 1".into())
            } else {
                Reply::Close
            }
        });
        let result = runtime().block_on(first_answer(&probe.addrs, "/file"));
        let (index, answer) = result
            .expect("mirrors 0 and 2 failed first, then mirror 1 answered: a failure does not win");
        assert_eq!((index, answer.body.as_str()), (1, "mirror 1"));
    });
}

#[test]
fn first_answer_fails_only_when_every_mirror_fails() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(2, |_, _| Reply::Close);
        // A port nobody listens on any more: connecting is refused.
        let refused = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port");
        let mirrors = [probe.addrs[0], refused, probe.addrs[1]];
        let runtime = runtime();
        let result = runtime.block_on(first_answer(&mirrors, "/file"));
        assert!(
            result.is_err(),
            "every mirror failed, so the result is an error: {result:?}"
        );
        let none = runtime.block_on(first_answer(&[], "/file"));
        assert_eq!(
            none.map_err(|e| e.kind()).err(),
            Some(io::ErrorKind::InvalidInput),
            "no mirror at all"
        );
    });
}

// --- Exercise 5: digest_all ---

/// The tests' digest: FNV-1a, a hash simple enough to write down.
fn fnv(body: &str) -> u64 {
    body.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Ticks every millisecond on the runtime it is spawned on.
async fn tick(ticks: Arc<AtomicU64>) {
    loop {
        tokio::time::sleep(Duration::from_millis(1)).await;
        ticks.fetch_add(1, Ordering::SeqCst);
    }
}

/// Blocks this thread until `ticks` grew by `more`; false if it did not within [`PATIENCE`].
fn ticks_go_on(ticks: &AtomicU64, more: u64) -> bool {
    let (target, start) = (ticks.load(Ordering::SeqCst) + more, Instant::now());
    while ticks.load(Ordering::SeqCst) < target {
        if start.elapsed() > PATIENCE {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}

#[test]
fn digest_all_keeps_the_runtime_free_while_it_digests() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let probe = Probe::start(1, |request, _| Reply::Answer(request.target.repeat(3)));
        let paths = paths("/doc", 4);
        let ticks = Arc::new(AtomicU64::new(0));
        let starved = Arc::new(AtomicBool::new(false));
        // Each digest computes only while the test's ticker goes on ticking on the runtime's
        // only thread. After one that waited in vain, the others do not wait again.
        let digest = {
            let (ticks, starved) = (Arc::clone(&ticks), Arc::clone(&starved));
            move |body: &str| {
                if !starved.load(Ordering::SeqCst) && !ticks_go_on(&ticks, 3) {
                    starved.store(true, Ordering::SeqCst);
                }
                fnv(body)
            }
        };
        let digests = one_thread().block_on(async {
            let ticker = tokio::spawn(tick(ticks));
            let digests = digest_all(probe.addr(), &paths, digest).await;
            ticker.abort();
            digests
        });
        assert!(
            !starved.load(Ordering::SeqCst),
            "a digest ran on the runtime's only thread: the test's ticker task could not tick \
             while it computed"
        );
        assert_eq!(digests.len(), paths.len(), "one digest per path");
        for (path, digest) in paths.iter().zip(digests) {
            let digest = digest.unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(digest, fnv(&path.repeat(3)), "the digest of {path}'s body");
        }
    });
}

#[test]
fn digest_all_digests_each_body_while_other_requests_wait() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // /first is answered once both requests have arrived; /last only once the body of
        // /first has been digested.
        let probe = Probe::start(1, |request, log| {
            if request.target == "/first" {
                log.wait_until(|s| s.arrivals.len() >= 2);
            } else {
                log.wait_until(|s| s.notes.iter().any(|body| body == "/first"));
            }
            Reply::Answer(request.target.clone())
        });
        let log = Arc::clone(&probe.log);
        let digest = move |body: &str| {
            log.update(|s| s.notes.push(body.to_string()));
            fnv(body)
        };
        let paths = ["/first", "/last"].map(String::from);
        let digests = one_thread().block_on(digest_all(probe.addr(), &paths, digest));
        assert!(
            !probe.log.gave_up(),
            "/first is answered only when both requests are in flight, /last only after the body \
             of /first has been digested: a body must be digested as soon as it arrives, while \
             the other requests wait for theirs"
        );
        let digests: Vec<u64> = digests
            .into_iter()
            .map(|d| d.unwrap_or_else(|e| panic!("a request failed: {e}")))
            .collect();
        assert_eq!(digests, paths.map(|p| fnv(&p)));
    });
}

// --- Exercise 6: stage ---

/// A closed input channel holding `items`.
fn input_of(items: Range<u64>) -> mpsc::Receiver<u64> {
    let (sender, input) = mpsc::channel(items.clone().count().max(1));
    for item in items {
        sender.try_send(item).expect("room for every item");
    }
    input
}

/// Every result of `output` until it ends, sorted; an error if it stops without ending.
async fn all_of(output: &mut mpsc::Receiver<u64>) -> Result<Vec<u64>, String> {
    let mut results = Vec::new();
    loop {
        match timeout(PATIENCE, output.recv()).await {
            Ok(Some(result)) => results.push(result),
            Ok(None) => break,
            Err(_) => {
                return Err(format!(
                    "after {} results the channel neither gave another nor ended",
                    results.len()
                ));
            }
        }
    }
    results.sort_unstable();
    Ok(results)
}

#[test]
fn stage_works_on_workers_items_at_once_and_never_more() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (workers, total) = (3, 12);
        let gauge = Arc::new(Gauge::default());
        let started = watch::Sender::new(0);
        let gave_up = Arc::new(AtomicBool::new(false));
        // The first `workers` items wait for each other; the later ones find them started. Each
        // then works a little, time for any other item that could start to start.
        let work = {
            let (gauge, started, gave_up) =
                (Arc::clone(&gauge), started.clone(), Arc::clone(&gave_up));
            move |item: u64| {
                let (gauge, started, gave_up) =
                    (Arc::clone(&gauge), started.clone(), Arc::clone(&gave_up));
                async move {
                    let _working = gauge.enter();
                    started.send_modify(|n| *n += 1);
                    let mut count = started.subscribe();
                    if !gave_up.load(Ordering::SeqCst)
                        && timeout(PATIENCE, count.wait_for(|&n| n >= workers))
                            .await
                            .is_err()
                    {
                        gave_up.store(true, Ordering::SeqCst);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    item * item
                }
            }
        };
        let results = runtime().block_on(async {
            let mut output = stage(input_of(0..total), workers, 2, work);
            all_of(&mut output).await
        });
        assert!(
            !gave_up.load(Ordering::SeqCst),
            "{workers} workers never worked on {workers} items at once"
        );
        assert_eq!(
            gauge.peak(),
            workers,
            "the most items worked on at once, by {workers} workers"
        );
        assert_eq!(results, Ok((0..total).map(|i| i * i).collect()));
    });
}

#[test]
fn stage_passes_each_result_on_as_it_comes() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        runtime().block_on(async {
            let (items, input) = mpsc::channel(4);
            let mut output = stage(input, 2, 2, |item: u64| async move { item + 100 });
            for item in 0..5 {
                items.send(item).await.expect("the stage takes items");
                let result = timeout(PATIENCE, output.recv()).await;
                assert_eq!(
                    result,
                    Ok(Some(item + 100)),
                    "item {item} went in and its result did not come out: pass each result on \
                     as soon as it is ready, not once the input has ended"
                );
            }
            drop(items);
            let end = timeout(PATIENCE, output.recv()).await;
            assert_eq!(
                end,
                Ok(None),
                "the input was closed and every result received, yet the results channel did not \
                 end: a sender outlived the workers, or the workers never noticed the end"
            );
        });
    });
}

#[test]
fn stage_waits_for_a_reader_that_falls_behind() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let (workers, capacity, total) = (2, 3, 30);
        let (started, received, ahead) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        // Each item notes how far the stage has run ahead of the reader when it starts.
        let work = {
            let (started, received, ahead) = (
                Arc::clone(&started),
                Arc::clone(&received),
                Arc::clone(&ahead),
            );
            move |item: u64| {
                let (started, received, ahead) = (
                    Arc::clone(&started),
                    Arc::clone(&received),
                    Arc::clone(&ahead),
                );
                async move {
                    let now = started.fetch_add(1, Ordering::SeqCst) + 1;
                    ahead.fetch_max(
                        now.saturating_sub(received.load(Ordering::SeqCst)),
                        Ordering::SeqCst,
                    );
                    item
                }
            }
        };
        // One thread: the reader counts a result before any worker can run again.
        let results = one_thread().block_on(async {
            let mut output = stage(input_of(0..total), workers, capacity, work);
            // A reader that falls behind: nothing read at first, then one result at a time.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let mut results = Vec::new();
            while let Ok(Some(result)) = timeout(PATIENCE, output.recv()).await {
                received.fetch_add(1, Ordering::SeqCst);
                results.push(result);
                tokio::task::yield_now().await;
            }
            results.sort_unstable();
            results
        });
        let ahead = ahead.load(Ordering::SeqCst);
        assert!(
            ahead <= workers + capacity,
            "with {workers} workers and room for {capacity} results, {ahead} items were started \
             beyond the results received: a full channel must make the workers wait"
        );
        assert_eq!(results, (0..total).collect::<Vec<_>>(), "every result once");
    });
}
