//! `pools timeline`: when did each task run, and where? (The seeds' "ProcessPoolExecutor vs
//! ThreadPoolExecutor" charts.)
//!
//! Every task records its start and end on the wall clock and who ran it (a pool worker or a
//! process). The SVG draws one row per worker and one bar per task. In the seeds' Python charts
//! the CPU-bound bars on threads are long and staggered — the GIL lets one thread compute at a
//! time — while processes run side by side. In Rust, threads run CPU-bound work side by side too;
//! what limits both is the number of cores (with more workers than cores, each bar stretches
//! because cores are shared). Sleep-bound tasks overlap freely on both: waiting needs no core.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::pool::{ThreadPool, current_worker};
use crate::process::{self, WorkerRequest, WorkerResponse};
use crate::stealing::StealingPool;
use crate::tasks::{self, TaskKind, TaskSpan};

/// One chart: a title and the tasks it shows.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The chart's title.
    pub title: String,
    /// Every task, with who ran it and when.
    pub spans: Vec<TaskSpan>,
}

/// Something went wrong recording or drawing.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// The thread pool.
    #[error(transparent)]
    Pool(#[from] crate::error::PoolError),
    /// The process pool.
    #[error(transparent)]
    Processes(#[from] ipc::pool::PoolError),
    /// A task panicked.
    #[error(transparent)]
    Panicked(#[from] crate::error::JobPanicked),
    /// Drawing the SVG.
    #[error("drawing the chart: {0}")]
    Draw(String),
    /// Writing the file.
    #[error("writing {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs `tasks` tasks of `kind` on a fresh pool of `workers` threads and records them.
pub fn on_threads(
    kind: TaskKind,
    workers: usize,
    tasks: usize,
) -> Result<Vec<TaskSpan>, TimelineError> {
    let pool = ThreadPool::new(workers)?;
    Ok(pool
        .map(timed(kind), 0..tasks)
        .into_iter()
        .collect::<Result<_, _>>()?)
}

/// Runs `tasks` tasks of `kind` on a fresh work-stealing pool of `workers` threads and records
/// them.
pub fn on_stealing(
    kind: TaskKind,
    workers: usize,
    tasks: usize,
) -> Result<Vec<TaskSpan>, TimelineError> {
    let pool = StealingPool::new(workers)?;
    Ok(pool
        .map(timed(kind), 0..tasks)
        .into_iter()
        .collect::<Result<_, _>>()?)
}

/// A job that runs one task of `kind` and records it, with the pool worker that ran it.
fn timed(kind: TaskKind) -> impl Fn(usize) -> TaskSpan + Send + Sync + 'static {
    move |_task| {
        let worker = current_worker().unwrap_or(0) as u64;
        tasks::run_timed(kind, worker)
    }
}

/// Runs `tasks` tasks of `kind` on `pool`'s processes and records them (worker = process id).
pub fn on_processes(
    pool: &mut process::Pool,
    kind: TaskKind,
    tasks: usize,
) -> Result<Vec<TaskSpan>, TimelineError> {
    let requests = vec![WorkerRequest::Timed(kind); tasks];
    Ok(pool
        .map(requests)?
        .into_iter()
        .filter_map(|response| match response {
            WorkerResponse::Timed(span) => Some(span),
            _ => None,
        })
        .collect())
}

/// The mean task duration of a panel, in seconds.
pub fn mean_task_seconds(spans: &[TaskSpan]) -> f64 {
    if spans.is_empty() {
        return 0.0;
    }
    let total: u64 = spans
        .iter()
        .map(|s| s.end_ns.saturating_sub(s.start_ns))
        .sum();
    total as f64 / spans.len() as f64 / 1e9
}

/// The distinct workers of `spans`, in order of first appearance: the chart's rows.
fn rows(spans: &[TaskSpan]) -> Vec<u64> {
    let mut rows: Vec<u64> = Vec::new();
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|s| (s.worker, s.start_ns));
    for span in sorted {
        if !rows.contains(&span.worker) {
            rows.push(span.worker);
        }
    }
    rows
}

/// Draws the panels (in a grid of two columns) into an SVG at `path`, written to a temporary name
/// first and renamed, so a failure never leaves half a file.
pub fn write_svg(panels: &[Panel], path: &Path) -> Result<(), TimelineError> {
    let columns = 2;
    let lines = panels.len().div_ceil(columns).max(1);
    let size = (1200, 320 * lines as u32);
    let temporary = path.with_extension("svg.partial");
    {
        let root = SVGBackend::new(&temporary, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let areas = root.split_evenly((lines, columns));
        for (panel, area) in panels.iter().zip(areas.iter()) {
            draw_panel(panel, area)?;
        }
        root.present().map_err(draw_error)?;
    }
    fs::rename(&temporary, path).map_err(|source| TimelineError::Write {
        path: path.display().to_string(),
        source,
    })
}

fn draw_panel(
    panel: &Panel,
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
) -> Result<(), TimelineError> {
    let origin = panel.spans.iter().map(|s| s.start_ns).min().unwrap_or(0);
    let seconds = |ns: u64| ns.saturating_sub(origin) as f64 / 1e9;
    let end = panel
        .spans
        .iter()
        .map(|s| seconds(s.end_ns))
        .fold(0.0, f64::max)
        .max(1e-3)
        * 1.05;
    let rows = rows(&panel.spans);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..end, 0.0..rows.len().max(1) as f64)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .y_desc("worker")
        // Twice as many label slots as rows puts one at each row's middle (row + 0.5): label
        // those with the worker and leave the row boundaries blank.
        .y_labels(2 * rows.len().max(1) + 1)
        .y_label_formatter(&|y| {
            let middle = (y.fract() - 0.5).abs() < 1e-6;
            let row = y.floor() as usize;
            match rows.get(row) {
                Some(worker) if middle => format!("{worker}"),
                _ => String::new(),
            }
        })
        .draw()
        .map_err(draw_error)?;
    let bars = panel.spans.iter().enumerate().map(|(i, span)| {
        let row = rows.iter().position(|w| *w == span.worker).unwrap_or(0) as f64;
        let color = Palette99::pick(i).mix(0.8);
        Rectangle::new(
            [
                (seconds(span.start_ns), row + 0.15),
                (seconds(span.end_ns), row + 0.85),
            ],
            color.filled(),
        )
    });
    chart.draw_series(bars).map_err(draw_error)?;
    Ok(())
}

fn draw_error(err: impl std::fmt::Display) -> TimelineError {
    TimelineError::Draw(err.to_string())
}

/// What `pools timeline` draws.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SVG goes.
    pub out: PathBuf,
    /// Threads or processes per pool.
    pub workers: usize,
    /// Tasks per chart.
    pub tasks: usize,
}

/// The charts drawn, and where.
#[derive(Debug, Clone)]
pub struct Report {
    /// Tasks per chart.
    pub tasks: usize,
    /// Workers per pool.
    pub workers: usize,
    /// The charts, in the order drawn.
    pub panels: Vec<Panel>,
    /// The SVG written.
    pub out: PathBuf,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { tasks, workers, .. } = self;
        writeln!(
            f,
            "=== Timeline: {tasks} tasks on {workers} workers, threads vs processes ==="
        )?;
        for panel in &self.panels {
            writeln!(
                f,
                "  {:<36} average task time {:.3} s",
                panel.title,
                mean_task_seconds(&panel.spans)
            )?;
        }
        writeln!(
            f,
            "wrote {} (one row per worker, one bar per task)\n",
            self.out.display()
        )
    }
}

/// Runs CPU-bound and sleep-bound tasks on threads, on the work-stealing pool and (when `exe`, a
/// worker binary, is given) on processes, and draws them into `config.out`.
pub fn demo(config: &Config, exe: Option<&Path>) -> Result<Report, TimelineError> {
    let Config { workers, tasks, .. } = *config;
    let cpu = TaskKind::Cpu {
        iterations: 2_000_000,
    };
    let sleep = TaskKind::Sleep { millis: 50 };
    let panel = |title: String, spans| Panel { title, spans };
    let mut panels = vec![
        panel(
            format!("CPU-bound, {workers} threads"),
            on_threads(cpu, workers, tasks)?,
        ),
        panel(
            format!("CPU-bound, {workers} work-stealing threads"),
            on_stealing(cpu, workers, tasks)?,
        ),
        panel(
            format!("sleep-bound, {workers} threads"),
            on_threads(sleep, workers, tasks)?,
        ),
    ];
    if let Some(exe) = exe {
        let mut pool = process::start(workers, exe)?;
        let on_cpu = on_processes(&mut pool, cpu, tasks)?;
        panels.insert(2, panel(format!("CPU-bound, {workers} processes"), on_cpu));
        let on_sleep = on_processes(&mut pool, sleep, tasks)?;
        panels.push(panel(format!("sleep-bound, {workers} processes"), on_sleep));
    }
    write_svg(&panels, &config.out)?;
    Ok(Report {
        tasks,
        workers,
        panels,
        out: config.out.clone(),
    })
}
