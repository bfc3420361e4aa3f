//! Bands of rows rendered by worker processes: the seeds' `multiprocessing.Pool.starmap`.
//!
//! The `ipc` lesson's [`ProcessPool`] starts worker processes (copies of this very binary, which
//! check [`ipc::pool::is_worker`] first thing in `main` and then serve [`handle_band`]), sends each a
//! [`BandTask`] over ipc-channel and collects the [`BandResult`]s in order.
//!
//! What it costs, compared with threads: each worker is a whole process (started once, then
//! reused), and every band's counts are serialized, copied through a socket and deserialized,
//! where threads write straight into the shared grid. For an image of a few hundred kilobytes
//! the copy is cheap next to the rendering; the start-up is not, which is why the pool is built
//! once and passed in. In Python this is the only way past the GIL; in Rust threads already run
//! in parallel, and processes buy isolation (a crashing worker does not take the parent down).

use std::time::{Duration, Instant};

use ipc::pool::{PoolError, ProcessPool};
use serde::{Deserialize, Serialize};

use crate::escape;
use crate::params::{Params, View};
use crate::strategies::{Counts, Rendering, band_rows};

/// One band to render: the whole image's parameters and the rows wanted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BandTask {
    /// `[x_min, x_max, y_min, y_max]` of the whole image.
    pub bounds: [f64; 4],
    /// Image width.
    pub width: usize,
    /// Image height.
    pub height: usize,
    /// Iteration cap.
    pub max_iter: u32,
    /// First row of the band.
    pub first_row: usize,
    /// Number of rows in the band.
    pub rows: usize,
}

/// A rendered band.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BandResult {
    /// `rows × width` counts.
    pub counts: Vec<u32>,
    /// How long the worker spent rendering, in nanoseconds.
    pub busy_nanos: u64,
}

/// A pool of workers rendering bands.
pub type BandPool = ProcessPool<BandTask, BandResult>;

impl BandTask {
    /// The parameters of the whole image. They were validated by the parent before being sent.
    fn params(&self) -> Params {
        let [x0, x1, y0, y1] = self.bounds;
        View::new(x0, x1, y0, y1)
            .and_then(|view| Params::new(view, self.width, self.height, self.max_iter))
            .expect("the parent sends only validated parameters")
    }
}

/// The worker's side: renders one band with the scalar loop (as the `threads` strategy does).
pub fn handle_band(task: BandTask) -> BandResult {
    let start = Instant::now();
    let params = task.params();
    let mut counts = vec![0; task.rows * params.width()];
    escape::render_rows(&params, task.first_row, &mut counts);
    BandResult {
        counts,
        busy_nanos: start.elapsed().as_nanos() as u64,
    }
}

/// Serves bands until the pool closes: call it at the top of `main` when
/// [`ipc::pool::is_worker`] says this process is a worker.
pub fn serve() -> Result<(), PoolError> {
    ipc::pool::run_worker(handle_band)
}

/// The tasks for `params` split into `parts` bands (the last may be shorter; none is empty).
pub fn band_tasks(params: &Params, parts: usize) -> Vec<BandTask> {
    let rows = band_rows(params.height(), parts);
    let view = params.view();
    (0..params.height())
        .step_by(rows)
        .map(|first_row| BandTask {
            bounds: [view.x_min(), view.x_max(), view.y_min(), view.y_max()],
            width: params.width(),
            height: params.height(),
            max_iter: params.max_iter(),
            first_row,
            rows: rows.min(params.height() - first_row),
        })
        .collect()
}

/// Renders `params` on the pool's workers, one band each. The time excludes starting the pool
/// (which the caller did once) but includes sending the tasks and copying the counts back.
pub fn render(params: &Params, pool: &mut BandPool) -> Result<Rendering, PoolError> {
    let start = Instant::now();
    let results = pool.map(band_tasks(params, pool.workers()))?;
    let mut counts = Counts::zeros(params);
    let mut per_worker = Vec::with_capacity(results.len());
    let mut offset = 0;
    for band in results {
        counts.data[offset..offset + band.counts.len()].copy_from_slice(&band.counts);
        offset += band.counts.len();
        per_worker.push(Duration::from_nanos(band.busy_nanos));
    }
    Ok(Rendering {
        counts,
        elapsed: start.elapsed(),
        per_worker,
        skipped_iterations: 0,
    })
}
