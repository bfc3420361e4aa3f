//! Blocking the executor: a task that computes for 100 ms stalls every task on its worker for
//! 100 ms.
//!
//! A tokio worker thread runs one task at a time, and switches only at an `.await` that is not
//! ready. A CPU-bound loop has no `.await`: while it runs, the worker runs nothing else, however
//! urgent. Python's asyncio has the same rule ("never block the event loop"); Python adds the GIL
//! on top, Rust does not, but the worker is just as stuck.
//!
//! The experiment: a runtime with **one** worker, a *ticker* task that wants to run every 5 ms and
//! records how late it was, and beside it a Mandelbrot render (the mandelbrot lesson's library),
//! run three ways ([`Offload`]):
//!
//! - [`Offload::Inline`]: rendered inside a task. The ticker does not tick once until the render
//!   is over; its worst lateness is the whole render.
//! - [`Offload::SpawnBlocking`]: handed to tokio's blocking pool (`spawn_blocking`), threads meant
//!   for work that blocks; the task awaits the result and the worker is free meanwhile.
//! - [`Offload::Rayon`]: sent to rayon's pool, the right place for CPU work that can use every
//!   core; the answer comes back through a `oneshot` channel the task awaits.
//!
//! With more workers the stall is less visible (other workers run other tasks) but still there:
//! every task queued on the blocked worker waits, and with as many blocking tasks as workers the
//! whole runtime stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mandelbrot::{Counts, Params, Strategy};
use serde::Serialize;
use tokio::sync::oneshot;

use crate::error::Error;
use crate::report::human;

/// Where the CPU-bound work runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Offload {
    /// Inside the task, on the runtime's worker.
    Inline,
    /// On tokio's blocking pool.
    SpawnBlocking,
    /// On rayon's pool, answered through a oneshot channel.
    Rayon,
}

impl Offload {
    /// The three, in the order the demo shows them.
    pub const ALL: [Offload; 3] = [Offload::Inline, Offload::SpawnBlocking, Offload::Rayon];

    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Offload::Inline => "inside the task",
            Offload::SpawnBlocking => "spawn_blocking",
            Offload::Rayon => "rayon + oneshot",
        }
    }
}

/// The ticker's count of ticks, shared with the work (tests use it to prove the worker was free).
#[derive(Debug, Clone, Default)]
pub struct Ticks(Arc<AtomicU64>);

impl Ticks {
    /// Ticks so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Blocks this thread until `more` ticks happened, or `limit` passed; true if they did.
    pub fn wait_for(&self, more: u64, limit: Duration) -> bool {
        let target = self.count() + more;
        let start = Instant::now();
        while self.count() < target {
            if start.elapsed() > limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }
}

/// The work beside the ticker, and what the ticker saw meanwhile.
#[derive(Debug, Clone, Serialize)]
pub struct Stall<T> {
    /// Where the work ran.
    pub offload: Offload,
    /// What the work returned.
    #[serde(skip)]
    pub output: T,
    /// How long the work took, as the task saw it.
    #[serde(serialize_with = "crate::report::seconds")]
    pub work_time: Duration,
    /// Ticks that happened while the work ran.
    pub ticks_during_work: u64,
    /// How much later than planned the ticker's latest tick came.
    #[serde(serialize_with = "crate::report::seconds")]
    pub worst_lateness: Duration,
}

/// Runs `work` beside a ticker of `period` on a runtime with one worker, placed as `offload`
/// says. `work` gets the ticker's [`Ticks`] (the demo ignores them).
pub fn beside_ticker<T, W>(offload: Offload, period: Duration, work: W) -> Result<Stall<T>, Error>
where
    T: Send + 'static,
    W: FnOnce(&Ticks) -> T + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .map_err(Error::io("starting the tokio runtime"))?;
    let ticks = Ticks::default();
    let worst = Arc::new(AtomicU64::new(0));
    let ticker = runtime.spawn(tick(period, ticks.clone(), Arc::clone(&worst)));
    // Both tasks are spawned: `block_on` itself runs on this thread, not on the worker.
    let theirs = ticks.clone();
    let job = runtime.spawn(async move {
        // Let the ticker start, so it has a first tick to be late after.
        tokio::time::sleep(period * 2).await;
        let before = theirs.count();
        let start = Instant::now();
        let output = run_work(offload, work, theirs.clone()).await?;
        Ok::<_, Error>((output, start.elapsed(), theirs.count() - before))
    });
    let finished = runtime.block_on(async {
        let finished = job.await;
        // One more period, so a late tick after inline work is seen and measured.
        tokio::time::sleep(period * 2).await;
        ticker.abort();
        finished
    });
    let (output, work_time, ticks_during_work) =
        finished.map_err(|_| Error::Lost("the task of the work".into()))??;
    Ok(Stall {
        offload,
        output,
        work_time,
        ticks_during_work,
        worst_lateness: Duration::from_nanos(worst.load(Ordering::SeqCst)),
    })
}

/// Runs `work` where `offload` says and awaits its result.
async fn run_work<T, W>(offload: Offload, work: W, ticks: Ticks) -> Result<T, Error>
where
    T: Send + 'static,
    W: FnOnce(&Ticks) -> T + Send + 'static,
{
    match offload {
        // The mistake on purpose: CPU work right here, on the worker.
        Offload::Inline => Ok(work(&ticks)),
        Offload::SpawnBlocking => tokio::task::spawn_blocking(move || work(&ticks))
            .await
            .map_err(|_| Error::Lost("the work on the blocking pool".into())),
        Offload::Rayon => {
            let (answer, result) = oneshot::channel();
            rayon::spawn(move || {
                // The task may be gone (cancelled); then nobody wants the result.
                let _ = answer.send(work(&ticks));
            });
            result
                .await
                .map_err(|_| Error::Lost("the work on rayon's pool".into()))
        }
    }
}

/// Ticks every `period`, counting ticks and recording the worst lateness.
async fn tick(period: Duration, ticks: Ticks, worst: Arc<AtomicU64>) {
    let mut next = tokio::time::Instant::now() + period;
    loop {
        tokio::time::sleep_until(next).await;
        let late = tokio::time::Instant::now().saturating_duration_since(next);
        worst.fetch_max(late.as_nanos() as u64, Ordering::SeqCst);
        ticks.0.fetch_add(1, Ordering::SeqCst);
        next = tokio::time::Instant::now() + period;
    }
}

/// The demo's figures: one stall per offload, and whether the pictures agree.
#[derive(Debug, Clone, Serialize)]
pub struct BlockingReport {
    /// Image width.
    pub width: usize,
    /// Image height.
    pub height: usize,
    /// Iteration cap.
    pub max_iter: u32,
    /// The ticker's period.
    #[serde(serialize_with = "crate::report::seconds")]
    pub period: Duration,
    /// One run per offload.
    pub runs: Vec<Stall<()>>,
    /// Whether the three renders gave the same counts.
    pub same_picture: bool,
}

impl BlockingReport {
    /// Whether the three offloads rendered the same picture.
    pub fn all_correct(&self) -> bool {
        self.same_picture
    }
}

/// Renders the seeds' Mandelbrot view at `width × height` three ways beside a ticker of `period`.
/// Inline and on the blocking pool it renders on one thread (`sequential`); on rayon it renders
/// with rayon, since that pool is there to use every core.
pub fn demo(
    width: usize,
    height: usize,
    max_iter: u32,
    period: Duration,
) -> Result<BlockingReport, Error> {
    let params =
        Params::seeds(width, height, max_iter).map_err(|e| Error::BadInput(e.to_string()))?;
    let mut runs = Vec::new();
    let mut pictures: Vec<Counts> = Vec::new();
    for offload in Offload::ALL {
        let strategy = match offload {
            Offload::Rayon => Strategy::Rayon,
            Offload::Inline | Offload::SpawnBlocking => Strategy::Sequential,
        };
        let stall = beside_ticker(offload, period, move |_: &Ticks| {
            mandelbrot::strategies::render(&params, strategy, 1).counts
        })?;
        pictures.push(stall.output.clone());
        runs.push(Stall {
            offload: stall.offload,
            output: (),
            work_time: stall.work_time,
            ticks_during_work: stall.ticks_during_work,
            worst_lateness: stall.worst_lateness,
        });
    }
    Ok(BlockingReport {
        width,
        height,
        max_iter,
        period,
        same_picture: pictures.windows(2).all(|pair| pair[0] == pair[1]),
        runs,
    })
}

impl std::fmt::Display for BlockingReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "A {}x{} Mandelbrot ({} iterations) beside a task ticking every {} ms, one worker thread:",
            self.width,
            self.height,
            self.max_iter,
            self.period.as_millis()
        )?;
        writeln!(
            f,
            "  {:<18} {:>10} {:>14} {:>16}",
            "render runs", "render", "ticks meanwhile", "worst tick delay"
        )?;
        for run in &self.runs {
            writeln!(
                f,
                "  {:<18} {:>10} {:>14} {:>16}",
                run.offload.name(),
                human(run.work_time),
                run.ticks_during_work,
                human(run.worst_lateness)
            )?;
        }
        write!(f, "  same picture all three ways: {}", self.same_picture)
    }
}
