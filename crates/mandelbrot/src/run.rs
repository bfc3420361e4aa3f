//! One picture rendered with any strategy and timed: what `mandelbrot render` reports.
//!
//! [`strategies::render`] runs the strategies that live inside this process; the `processes`
//! strategy needs a pool of worker processes first, started from this program's own binary.
//! [`render`] hides the difference, and [`RenderReport`] says what the rendering cost.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use ipc::pool::PoolError;
use serde::{Serialize, Serializer};
use thiserror::Error;
use threads_basics::timing::millis;

use crate::Params;
use crate::processes::{self, BandPool};
use crate::strategies::{self, Rendering, Strategy};

/// Why a rendering with worker processes failed (the other strategies cannot fail).
#[derive(Debug, Error)]
pub enum RunError {
    /// The worker processes could not be started.
    #[error("starting the worker processes: {0}")]
    Start(PoolError),
    /// A worker failed while rendering.
    #[error("rendering in worker processes: {0}")]
    Render(PoolError),
}

/// Renders `params` with `strategy` on `threads` threads. For `processes`, first starts a pool of
/// `threads` workers running `exe` (this program), and does not time that: a real program starts
/// its pool once.
pub fn render(
    params: &Params,
    strategy: Strategy,
    threads: usize,
    exe: &Path,
) -> Result<Rendering, RunError> {
    if strategy != Strategy::Processes {
        return Ok(strategies::render(params, strategy, threads));
    }
    let mut pool = BandPool::new(threads, exe).map_err(RunError::Start)?;
    processes::render(params, &mut pool).map_err(RunError::Render)
}

/// What one timed rendering cost: printed by `mandelbrot render`, or as JSON with `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct RenderReport {
    /// The strategy.
    #[serde(serialize_with = "strategy_name")]
    pub strategy: Strategy,
    /// Image width in pixels.
    pub width: usize,
    /// Image height in pixels.
    pub height: usize,
    /// The iteration cap.
    pub max_iter: u32,
    /// Threads (or worker processes) for the parallel strategies.
    pub threads: usize,
    /// The rendering's time, in seconds.
    pub seconds: f64,
    /// The sum of every pixel's escape count.
    pub total_iterations: u64,
    /// The iterations actually computed (`smart` skips some).
    pub computed_iterations: u64,
    /// The iterations `smart` knew without computing them.
    pub skipped_iterations: u64,
    /// Computed iterations per second: skipping is not computing fast.
    pub iterations_per_second: f64,
    /// Each worker's busy time (empty for one thread).
    #[serde(skip)]
    pub per_worker: Vec<Duration>,
}

fn strategy_name<S: Serializer>(strategy: &Strategy, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(strategy.name())
}

impl RenderReport {
    /// The report of `rendering`, made with `strategy` on `threads` threads.
    pub fn new(
        strategy: Strategy,
        params: &Params,
        threads: usize,
        rendering: &Rendering,
    ) -> RenderReport {
        let computed = rendering.computed_iterations();
        let seconds = rendering.elapsed.as_secs_f64();
        RenderReport {
            strategy,
            width: params.width(),
            height: params.height(),
            max_iter: params.max_iter(),
            threads,
            seconds,
            total_iterations: rendering.counts.total_iterations(),
            computed_iterations: computed,
            skipped_iterations: rendering.skipped_iterations,
            iterations_per_second: computed as f64 / seconds.max(1e-9),
            per_worker: rendering.per_worker.clone(),
        }
    }
}

impl fmt::Display for RenderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let skipped = match self.skipped_iterations {
            0 => String::new(),
            s => format!(": {} computed, {s} skipped", self.computed_iterations),
        };
        writeln!(
            f,
            "{} {}×{}, max_iter {}: {:.2} ms ({} iterations{skipped}; {:.0} M computed iterations/s)",
            self.strategy,
            self.width,
            self.height,
            self.max_iter,
            self.seconds * 1e3,
            self.total_iterations,
            self.iterations_per_second / 1e6,
        )?;
        if self.per_worker.len() > 1 {
            let times: Vec<String> = self
                .per_worker
                .iter()
                .map(|d| format!("{:.2} ms", millis(*d)))
                .collect();
            writeln!(f, "  busy time per worker: {}", times.join(", "))?;
        }
        Ok(())
    }
}
