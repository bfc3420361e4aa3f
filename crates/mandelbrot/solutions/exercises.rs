//! Reference solutions of this lesson's exercises.

use std::iter::Enumerate;
use std::slice::ChunksMut;
use std::sync::Mutex;
use std::thread;

use rayon::prelude::*;

use crate::params::Params;

/// **Exercise 1**: the seeds' numba loop, in the lesson's order of operations.
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let (mut zx, mut zy) = (0.0f64, 0.0f64);
    let mut count = 0;
    while count < max_iter {
        let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
        if xx + yy > 4.0 {
            break;
        }
        zx = (xx - yy) + cx;
        zy = (xy + xy) + cy;
        count += 1;
    }
    count
}

/// **Exercise 2**: one rayon task per band; `par_chunks_mut` hands each its own rows.
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    counts
        .par_chunks_mut(band_rows.max(1) * params.width())
        .enumerate()
        .for_each(|(b, band)| render_band(b * band_rows, band));
    counts
}

/// **Exercise 3**: row `i` goes to worker `i % n`; each worker gets its own `&mut` rows, so no
/// two threads can write the same row and no lock is needed.
pub fn render_interleaved<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let hands = deal_rows(
        &mut counts,
        params.width(),
        workers.clamp(1, params.height()),
    );
    let render_row = &render_row;
    thread::scope(|s| {
        for hand in hands {
            s.spawn(move || {
                for (i, row) in hand {
                    render_row(i, row);
                }
            });
        }
    });
    counts
}

/// The rows of `counts` (each `width` long, with its index) dealt to `n` hands like cards.
fn deal_rows(counts: &mut [u32], width: usize, n: usize) -> Vec<Vec<(usize, &mut [u32])>> {
    let mut hands: Vec<Vec<(usize, &mut [u32])>> = (0..n).map(|_| Vec::new()).collect();
    for (i, row) in counts.chunks_mut(width).enumerate() {
        hands[i % n].push((i, row));
    }
    hands
}

/// **Exercise 4**: the rows wait in one shared queue, and every worker comes back for the next.
pub fn render_dynamic<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let rows = Mutex::new(counts.chunks_mut(params.width()).enumerate());
    let (rows, render_row) = (&rows, &render_row);
    thread::scope(|s| {
        for _ in 0..workers.clamp(1, params.height()) {
            s.spawn(move || take_rows(rows, render_row));
        }
    });
    counts
}

/// The rows of an image with their indices, waiting to be taken.
type RowQueue<'a> = Mutex<Enumerate<ChunksMut<'a, u32>>>;

/// One worker of exercise 4: takes the next row and renders it, until none is left. The queue is
/// locked only to take a row, never while one renders.
fn take_rows(rows: &RowQueue<'_>, render_row: &(impl Fn(usize, &mut [u32]) + Sync)) {
    loop {
        // The guard is a temporary of this statement, dropped before the row renders (a guard
        // in a `while let` condition would live through the whole loop body).
        let next = rows.lock().unwrap_or_else(|e| e.into_inner()).next();
        let Some((i, row)) = next else { break };
        render_row(i, row);
    }
}

/// Lanes of [`escape_lanes`]: the `f64`s of one AVX-512 register.
pub const LANES: usize = 8;

/// **Exercise 5**: every step on all lanes; a sticky mask decides which lanes still count.
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let mut lanes = Lanes::default();
    let mut steps = 0;
    while steps < max_iter && lanes.active.contains(&true) {
        lanes.step(&cx, cy);
        steps += 1;
    }
    lanes.count
}

/// Eight points iterated together: what a vector unit holds in its registers.
struct Lanes {
    zx: [f64; LANES],
    zy: [f64; LANES],
    /// True until the lane's first escape, false from then on.
    active: [bool; LANES],
    count: [u32; LANES],
}

impl Default for Lanes {
    fn default() -> Self {
        Lanes {
            zx: [0.0; LANES],
            zy: [0.0; LANES],
            active: [true; LANES],
            count: [0; LANES],
        }
    }
}

impl Lanes {
    /// One step of exercise 1's loop on every lane, escaped or not.
    fn step(&mut self, cx: &[f64; LANES], cy: f64) {
        for (l, &cx) in cx.iter().enumerate() {
            let (zx, zy) = (self.zx[l], self.zy[l]);
            let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
            // `&&` keeps the mask sticky; a NaN lane compares false and stays out.
            self.active[l] = self.active[l] && xx + yy <= 4.0;
            self.count[l] += u32::from(self.active[l]);
            self.zx[l] = (xx - yy) + cx;
            self.zy[l] = (xy + xy) + cy;
        }
    }
}
