//! Every strategy on the same picture: times, speed-ups, whether the counts are identical, and
//! why bands of rows balance the work badly. What `mandelbrot compare` prints.
//!
//! Each strategy renders `repeat` times and keeps its fastest run
//! ([`threads_basics::timing::fastest_of`]): the slower runs were slowed by something else on the
//! machine. Sequential is the reference: every other strategy must give exactly its counts.

use std::convert::Infallible;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use thiserror::Error;
use threads_basics::timing::{fastest_of, millis, speedup};

use crate::Params;
use crate::run;
use crate::simd::Kernel;
use crate::strategies::{self, Rendering, Scheduling, Strategy};

/// The worker counts [`Comparison::balance`] looks at.
pub const BALANCE_WORKERS: [usize; 4] = [2, 4, 8, 16];

/// A strategy gave counts different from sequential's: a bug in that strategy.
#[derive(Debug, Error)]
#[error("{0} gave different counts from sequential: a bug")]
pub struct Mismatch(pub Strategy);

/// One strategy's line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The strategy.
    pub strategy: Strategy,
    /// Its fastest run, or why it could not run (worker processes that would not start).
    pub outcome: Result<Timing, String>,
}

/// How a strategy's fastest run compares with sequential's.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The fastest run's time.
    pub elapsed: Duration,
    /// Sequential's time divided by this one.
    pub speedup: f64,
    /// Computed iterations per second (those `smart` skips are not in it).
    pub iterations_per_second: f64,
    /// Whether the counts are exactly sequential's.
    pub identical: bool,
    /// Each worker's busy time (empty for one thread).
    pub per_worker: Vec<Duration>,
}

/// How evenly `workers` workers would share the reference picture's iterations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Balance {
    /// The number of workers.
    pub workers: usize,
    /// The busiest worker's work ÷ the average, with one band of rows per worker.
    pub bands: f64,
    /// The same with rows dealt round-robin.
    pub interleaved: f64,
}

/// The comparison of every strategy on one picture.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// What was rendered.
    pub params: Params,
    /// Threads (and worker processes) for the parallel strategies.
    pub threads: usize,
    /// Runs per strategy; the fastest is kept.
    pub repeat: u32,
    /// The table, in the order of [`Strategy::ALL`].
    pub rows: Vec<Row>,
    /// Sequential's rendering, to which the others were compared (and which is saved).
    pub reference: Rendering,
}

/// Renders `params` with every strategy (`exe` is this program, for the worker processes).
pub fn compare(params: &Params, threads: usize, repeat: u32, exe: &Path) -> Comparison {
    let elapsed = |r: &Rendering| r.elapsed;
    let Ok(reference) = fastest_of(
        repeat,
        || Ok::<_, Infallible>(strategies::render(params, Strategy::Sequential, threads)),
        elapsed,
    );
    let rows = Strategy::ALL
        .into_iter()
        .map(|strategy| {
            let outcome = if strategy == Strategy::Sequential {
                Ok(Timing::against(&reference, &reference))
            } else {
                fastest_of(
                    repeat,
                    || run::render(params, strategy, threads, exe),
                    elapsed,
                )
                .map(|r| Timing::against(&reference, &r))
                .map_err(|e| e.to_string())
            };
            Row { strategy, outcome }
        })
        .collect();
    Comparison {
        params: *params,
        threads,
        repeat,
        rows,
        reference,
    }
}

impl Timing {
    fn against(reference: &Rendering, rendering: &Rendering) -> Timing {
        Timing {
            elapsed: rendering.elapsed,
            speedup: speedup(reference.elapsed, rendering.elapsed),
            iterations_per_second: rendering.computed_iterations() as f64
                / rendering.elapsed.as_secs_f64().max(1e-9),
            identical: rendering.counts == reference.counts,
            per_worker: rendering.per_worker.clone(),
        }
    }
}

impl Comparison {
    /// `Ok` when every strategy that ran gave sequential's counts.
    pub fn verdict(&self) -> Result<(), Mismatch> {
        match self
            .rows
            .iter()
            .find(|row| row.outcome.as_ref().is_ok_and(|t| !t.identical))
        {
            Some(row) => Err(Mismatch(row.strategy)),
            None => Ok(()),
        }
    }

    /// The work balance of the reference picture for [`BALANCE_WORKERS`] workers: why bands of
    /// rows speed up less than the number of workers, and interleaved rows nearly as much.
    pub fn balance(&self) -> Vec<Balance> {
        let imbalance = |workers, scheduling| {
            let work = strategies::work_per_worker(&self.reference.counts, workers, scheduling);
            strategies::imbalance(&work)
        };
        BALANCE_WORKERS
            .into_iter()
            .map(|workers| Balance {
                workers,
                bands: imbalance(workers, Scheduling::Bands),
                interleaved: imbalance(workers, Scheduling::Interleaved),
            })
            .collect()
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (p, view) = (&self.params, self.params.view());
        writeln!(
            f,
            "{}×{} pixels, max_iter {}, view x [{}, {}] y [{:.4}, {:.4}], {} threads, SIMD kernel {}, fastest of {} runs",
            p.width(),
            p.height(),
            p.max_iter(),
            view.x_min(),
            view.x_max(),
            view.y_min(),
            view.y_max(),
            self.threads,
            Kernel::best().name(),
            self.repeat,
        )?;
        writeln!(
            f,
            "{:<20} {:>11} {:>9} {:>12} {:>10}  busy time per worker",
            "strategy", "time", "speed-up", "M iter/s", "identical"
        )?;
        for row in &self.rows {
            write!(f, "{row}")?;
        }
        writeln!(
            f,
            "(M iter/s counts the iterations computed: those `smart` skips are not in it)"
        )?;
        writeln!(
            f,
            "work balance (busiest worker's iterations ÷ the average; best speed-up = workers ÷ this):"
        )?;
        for balance in self.balance() {
            writeln!(f, "{balance}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = match &self.outcome {
            Ok(t) => t,
            Err(why) => return writeln!(f, "{:<20} skipped: {why}", self.strategy.name()),
        };
        let spread: Vec<String> = t
            .per_worker
            .iter()
            .map(|d| format!("{:.1}", millis(*d)))
            .collect();
        writeln!(
            f,
            "{:<20} {:>11} {:>8.1}× {:>12.0} {:>10}  {}",
            self.strategy.name(),
            format!("{:.2} ms", millis(t.elapsed)),
            t.speedup,
            t.iterations_per_second / 1e6,
            if t.identical { "yes" } else { "NO" },
            if spread.is_empty() {
                String::new()
            } else {
                format!("{} ms", spread.join(" / "))
            },
        )
    }
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let workers = self.workers as f64;
        write!(
            f,
            "  {:>2} workers: bands {:.2} (≤ {:.1}×), interleaved rows {:.2} (≤ {:.1}×)",
            self.workers,
            self.bands,
            workers / self.bands,
            self.interleaved,
            workers / self.interleaved
        )
    }
}
