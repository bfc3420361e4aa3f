//! C10k: ten thousand requests at once, each held a second by the server, done three ways.
//!
//! The "C10k problem" (Dan Kegel, 1999) asked how one server could serve ten thousand clients at
//! once. Here we turn it around and ask it of a *client*, against [the slow server](crate::server)
//! that holds every request one second. The work is pure waiting, so the ideal is one second
//! however many requests there are, if they can all wait at the same time:
//!
//! - [`Way::ThreadPerRequest`]: the seeds' `threading.Thread` per download. Each request is a
//!   thread blocked in `read`. It works, but each thread is a kernel task with its own stack
//!   (reserved 2 MiB, touched a few pages), created and scheduled by the kernel, and a machine
//!   allows only so many (`ulimit -u`, `kernel.threads-max`, memory).
//! - [`Way::WorkerPool`]: a fixed set of threads taking requests one after the other (the seeds'
//!   `ThreadPoolExecutor`). Cheap and bounded, but only `workers` requests wait at a time:
//!   `ceil(n / workers)` rounds of one second.
//! - [`Way::Tasks`]: one tokio task per request on a runtime with a thread per core. A task is a
//!   future (a state machine of a few hundred bytes) plus a waker; waiting on a socket registers
//!   it with `epoll` and costs nothing until the answer comes.
//!
//! [`run`] measures each way in this process: wall time against the ideal, the peak of resident
//! memory (`VmHWM`, reset before each way), the most requests the server held at once (asked over
//! HTTP, so it works with a server in another process), and the cost of creating one thread
//! against one task ([`spawn_cost`]).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::task::JoinSet;

use crate::error::Error;
use crate::report::{human, mib, over_ideal};
use crate::resources::{self, OpenFiles};
use crate::server::{self, ServerProcess};

/// A way to make many requests at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Way {
    /// One tokio task per request.
    Tasks,
    /// A fixed pool of threads.
    WorkerPool,
    /// One thread per request.
    ThreadPerRequest,
}

impl Way {
    /// Every way, in the order [`run`] measures them: the lightest first, so that memory kept by
    /// the allocator after a heavy way does not count against a light one.
    pub const ALL: [Way; 3] = [Way::Tasks, Way::WorkerPool, Way::ThreadPerRequest];

    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Way::Tasks => "tokio tasks",
            Way::WorkerPool => "worker pool",
            Way::ThreadPerRequest => "thread per request",
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Requests, all started at once.
    pub connections: usize,
    /// How long the server holds each one.
    #[serde(serialize_with = "crate::report::seconds")]
    pub hold: Duration,
    /// Threads of the worker pool.
    pub pool_workers: usize,
    /// The ways to measure, in order.
    pub ways: Vec<Way>,
}

/// The cost of creating one thread and one task (spawned and joined in batches).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SpawnCost {
    /// How many of each were created.
    pub samples: usize,
    /// Per thread.
    #[serde(serialize_with = "crate::report::seconds")]
    pub thread: Duration,
    /// Per task.
    #[serde(serialize_with = "crate::report::seconds")]
    pub task: Duration,
}

/// One way's figures.
#[derive(Debug, Clone, Serialize)]
pub struct WayReport {
    /// The way.
    pub way: Way,
    /// Requests it keeps waiting at once (its threads, or every request).
    pub concurrency: usize,
    /// Requests answered with `200`.
    pub completed: usize,
    /// Requests that failed (or were never started: see `stopped`).
    pub failed: usize,
    /// The first failure, as an example.
    pub first_error: Option<String>,
    /// Why the way stopped early, if the machine refused it something.
    pub stopped: Option<String>,
    /// Wall time of the whole batch.
    #[serde(serialize_with = "crate::report::seconds")]
    pub wall: Duration,
    /// The ideal: `ceil(connections / concurrency)` holds.
    #[serde(serialize_with = "crate::report::seconds")]
    pub ideal: Duration,
    /// Resident memory when it started, in bytes.
    pub rss_before: Option<u64>,
    /// The peak of resident memory during the batch, in bytes.
    pub peak_rss: Option<u64>,
    /// The most requests the server held at once during the batch.
    pub server_peak: usize,
}

impl WayReport {
    /// Percent above the ideal.
    pub fn over_ideal(&self) -> f64 {
        over_ideal(self.wall, self.ideal)
    }
}

/// Everything the demo measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What was asked.
    pub config: Config,
    /// The open-files limits of this process (raised to the hard limit).
    pub open_files: OpenFiles,
    /// Logical cores.
    pub cores: usize,
    /// Creating a thread against creating a task.
    pub spawn_cost: SpawnCost,
    /// One entry per way, in the order measured.
    pub ways: Vec<WayReport>,
    /// The same batch by tasks with no hold at all: what the connections themselves cost
    /// (connect, ask, answer, close), the part of the wall time that is not waiting.
    #[serde(serialize_with = "crate::report::seconds")]
    pub no_hold: Duration,
    /// The machine's 1-minute load average when the run ended.
    pub load_average: Option<f64>,
}

impl Report {
    /// Whether every request of every way was answered.
    pub fn all_correct(&self) -> bool {
        self.ways.iter().all(|w| w.failed == 0)
    }

    /// The way's figures, if it was measured.
    pub fn way(&self, way: Way) -> Option<&WayReport> {
        self.ways.iter().find(|w| w.way == way)
    }
}

/// Measures every way of `config` against the slow server at `addr`, after raising the
/// open-files limit and checking that the connections fit under it.
pub fn run(addr: SocketAddr, config: &Config) -> Result<Report, Error> {
    if config.connections == 0 || config.pool_workers == 0 {
        return Err(Error::BadInput(
            "connections and pool workers must be at least 1".into(),
        ));
    }
    let open_files = resources::check_open_files(config.connections)?;
    let spawn_cost = spawn_cost(1_000).map_err(Error::io("measuring the cost of a spawn"))?;
    let ways = config
        .ways
        .iter()
        .map(|&way| run_way(addr, way, config))
        .collect::<Result<_, _>>()?;
    let start = Instant::now();
    requests(
        addr,
        Way::Tasks,
        config.connections,
        config.connections,
        Duration::ZERO,
    )?;
    let no_hold = start.elapsed();
    Ok(Report {
        config: config.clone(),
        open_files,
        cores: thread::available_parallelism().map_or(1, |n| n.get()),
        spawn_cost,
        ways,
        no_hold,
        load_average: resources::load_average(),
    })
}

/// Measures one way: resets the server's counters and the memory peak, runs the batch, reads
/// both back.
pub fn run_way(addr: SocketAddr, way: Way, config: &Config) -> Result<WayReport, Error> {
    let n = config.connections;
    let concurrency = match way {
        Way::WorkerPool => config.pool_workers.min(n),
        Way::Tasks | Way::ThreadPerRequest => n,
    };
    let counters = || Error::io(format!("asking the server at {addr} for its counters"));
    server::reset_stats(addr).map_err(counters())?;
    // Without clear_refs (not Linux) the peak is the process's peak so far: still an upper bound.
    let _ = resources::reset_peak_rss();
    let rss_before = resources::rss();
    let start = Instant::now();
    let batch = requests(addr, way, n, concurrency, config.hold)?;
    let wall = start.elapsed();
    let peak_rss = resources::peak_rss();
    let stats = server::fetch_stats(addr).map_err(counters())?;
    Ok(WayReport {
        way,
        concurrency,
        completed: batch.completed,
        failed: n - batch.completed,
        first_error: batch.first_error,
        stopped: batch.stopped,
        wall,
        ideal: config.hold * n.div_ceil(concurrency) as u32,
        rss_before,
        peak_rss,
        server_peak: stats.peak,
    })
}

/// How a batch of requests went.
#[derive(Debug, Default)]
pub struct Batch {
    /// Requests answered with `200`.
    pub completed: usize,
    /// The first failure, as an example.
    pub first_error: Option<String>,
    /// Why the batch stopped early, if the machine refused a thread.
    pub stopped: Option<String>,
}

impl Batch {
    fn add(&mut self, outcome: Result<server::Answer, String>) {
        match outcome {
            Ok(answer) if answer.status == 200 => self.completed += 1,
            Ok(answer) => self.fail(format!("status {}", answer.status)),
            Err(error) => self.fail(error),
        }
    }

    fn fail(&mut self, error: String) {
        self.first_error.get_or_insert(error);
    }

    fn merge(&mut self, other: Batch) {
        self.completed += other.completed;
        if let Some(error) = other.first_error {
            self.fail(error);
        }
    }
}

/// Sends `n` requests to the slow server at `addr`, each asking to be held `hold`, the way `way`
/// says; `concurrency` is the worker pool's size (the other ways start every request at once).
pub fn requests(
    addr: SocketAddr,
    way: Way,
    n: usize,
    concurrency: usize,
    hold: Duration,
) -> Result<Batch, Error> {
    let path = format!("/hold?ms={}", hold.as_millis());
    // Generous: a request is late only if something is badly wrong, and then it must still end.
    let limit = hold + Duration::from_secs(30);
    Ok(match way {
        Way::Tasks => tasks(addr, &path, n, limit)?,
        Way::WorkerPool => worker_pool(addr, &path, n, concurrency.max(1), limit),
        Way::ThreadPerRequest => thread_per_request(addr, &path, n, limit),
    })
}

/// One task per request on a multi-threaded runtime (a worker thread per core).
fn tasks(addr: SocketAddr, path: &str, n: usize, limit: Duration) -> Result<Batch, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::io("starting the tokio runtime"))?;
    let path: Arc<str> = path.into();
    Ok(runtime.block_on(async {
        let mut requests = JoinSet::new();
        for _ in 0..n {
            let path = Arc::clone(&path);
            requests.spawn(async move {
                match tokio::time::timeout(limit, server::get(addr, &path)).await {
                    Ok(answer) => answer.map_err(|e| e.to_string()),
                    Err(_) => Err(format!("no answer within {limit:?}")),
                }
            });
        }
        let mut batch = Batch::default();
        while let Some(joined) = requests.join_next().await {
            batch.add(
                joined
                    .map_err(|e| e.to_string())
                    .and_then(|outcome| outcome),
            );
        }
        batch
    }))
}

/// `workers` threads, each taking the next request until there are none left.
fn worker_pool(addr: SocketAddr, path: &str, n: usize, workers: usize, limit: Duration) -> Batch {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut batch = Batch::default();
        while next.fetch_add(1, Ordering::Relaxed) < n {
            batch.add(server::get_blocking(addr, path, limit).map_err(|e| e.to_string()));
        }
        batch
    };
    spawn_all(workers, &work)
}

/// One thread per request, all started at once.
fn thread_per_request(addr: SocketAddr, path: &str, n: usize, limit: Duration) -> Batch {
    let work = || {
        let mut batch = Batch::default();
        batch.add(server::get_blocking(addr, path, limit).map_err(|e| e.to_string()));
        batch
    };
    spawn_all(n, &work)
}

/// Runs `work` on `count` scoped threads and adds up their batches. If the machine refuses a
/// thread, no more are started: the ones running finish, and the batch says why it stopped.
fn spawn_all(count: usize, work: &(impl Fn() -> Batch + Sync)) -> Batch {
    thread::scope(|scope| {
        let mut handles = Vec::with_capacity(count);
        let mut stopped = None;
        for started in 0..count {
            match thread::Builder::new().spawn_scoped(scope, work) {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    stopped = Some(refused(started, count, &error));
                    break;
                }
            }
        }
        let mut batch = Batch {
            stopped,
            ..Batch::default()
        };
        for handle in handles {
            match handle.join() {
                Ok(part) => batch.merge(part),
                Err(_) => batch.fail("a thread panicked".into()),
            }
        }
        batch
    })
}

/// Why the machine refused a thread, in words that point at the limit.
fn refused(started: usize, count: usize, error: &std::io::Error) -> String {
    let limit = resources::max_user_threads()
        .map(|n| format!("; this user may run {n} processes and threads (ulimit -u)"))
        .unwrap_or_default();
    format!(
        "the machine refused thread {} of {count} ({error}){limit}; the {started} started finished their requests",
        started + 1
    )
}

/// The cost of creating one thread and one task: `samples` of each spawned, then all joined.
/// Each does nothing, so what is timed is the creation, the scheduling and the cleanup.
pub fn spawn_cost(samples: usize) -> std::io::Result<SpawnCost> {
    let samples = samples.max(1);
    let start = Instant::now();
    let threads = (0..samples)
        .map(|_| thread::Builder::new().spawn(|| ()))
        .collect::<std::io::Result<Vec<_>>>()?;
    for thread in threads {
        let _ = thread.join();
    }
    let thread = start.elapsed() / samples as u32;

    let runtime = tokio::runtime::Builder::new_multi_thread().build()?;
    // Timed inside a task, on a worker thread, where tasks are spawned in real programs.
    let task = runtime
        .block_on(runtime.spawn(async move {
            let start = Instant::now();
            let tasks: Vec<_> = (0..samples).map(|_| tokio::spawn(async {})).collect();
            for task in tasks {
                let _ = task.await;
            }
            start.elapsed() / samples as u32
        }))
        .map_err(std::io::Error::other)?;
    Ok(SpawnCost {
        samples,
        thread,
        task,
    })
}

/// The demo, its slow server started: what `async-io c10k` runs.
#[derive(Debug)]
pub struct Demo {
    config: Config,
    open_files: OpenFiles,
    server: ServerProcess,
}

impl Demo {
    /// Checks that `config.connections` fit under the open-files limit, then starts the slow
    /// server as a child process of `exe` (this program). The check comes first, so that a
    /// refusal is one clear line and no server is started for nothing.
    pub fn start(exe: &Path, config: Config) -> Result<Demo, Error> {
        let open_files = resources::check_open_files(config.connections)?;
        let server = ServerProcess::spawn(exe, config.hold)?;
        Ok(Demo {
            config,
            open_files,
            server,
        })
    }

    /// Measures every way against the server ([`run`]).
    pub fn run(&self) -> Result<Report, Error> {
        run(self.server.addr(), &self.config)
    }
}

/// What is about to be measured, printed before the (long) run.
impl std::fmt::Display for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limits = &self.open_files;
        write!(
            f,
            "{} requests at once, each held {} ms by the slow server at {} (process {}, its own \
             open-files limit). Open files here: soft limit {}{}, hard {}.",
            self.config.connections,
            self.config.hold.as_millis(),
            self.server.addr(),
            self.server.pid(),
            limits.soft,
            limits
                .raised_from
                .map_or(String::new(), |before| format!(" (raised from {before})")),
            limits.hard
        )
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.config.connections;
        writeln!(
            f,
            "{:<20} {:>9} {:>10} {:>9} {:>9} {:>11} {:>11} {:>7}",
            "way", "in flight", "wall", "ideal", "vs ideal", "peak RSS", "server peak", "failed"
        )?;
        for way in &self.ways {
            let rss = way.peak_rss.map_or("-".into(), mib);
            writeln!(
                f,
                "{:<20} {:>9} {:>10} {:>9} {:>+8.0}% {:>11} {:>11} {:>7}",
                way.way.name(),
                way.concurrency,
                human(way.wall),
                human(way.ideal),
                way.over_ideal(),
                rss,
                way.server_peak,
                way.failed
            )?;
        }
        for way in &self.ways {
            if let Some(why) = &way.stopped {
                writeln!(f, "  {} stopped: {why}", way.way.name())?;
            }
            if let Some(error) = &way.first_error {
                writeln!(f, "  {} first failure: {error}", way.way.name())?;
            }
        }
        writeln!(
            f,
            "The same {n} requests by tasks with no hold: {}. That is the overhead above the ideal: \
             connecting, asking, answering and closing {n} times, on {} cores (load average {}).",
            human(self.no_hold),
            self.cores,
            self.load_average
                .map_or("unknown".into(), |l| format!("{l:.1}"))
        )?;
        let cost = &self.spawn_cost;
        write!(
            f,
            "Creating one (mean of {}): a thread {}, a task {} ({:.0}x cheaper).",
            cost.samples,
            human(cost.thread),
            human(cost.task),
            cost.thread.as_secs_f64() / cost.task.as_secs_f64().max(1e-12)
        )?;
        if let Some(tasks) = self.way(Way::Tasks) {
            let growth = match (tasks.peak_rss, tasks.rss_before) {
                (Some(peak), Some(before)) => {
                    format!(
                        ", {} per request",
                        mib_or_kib(peak.saturating_sub(before) / n as u64)
                    )
                }
                _ => String::new(),
            };
            write!(
                f,
                "\nGoals for tokio at 10,000: within 20 % of the ideal ({:+.0} % here) and a peak RSS under 100 MiB ({}{growth}).",
                tasks.over_ideal(),
                tasks.peak_rss.map_or("not measured".into(), mib)
            )?;
        }
        Ok(())
    }
}

fn mib_or_kib(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        mib(bytes)
    }
}
