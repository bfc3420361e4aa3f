//! Reference solutions of this lesson's exercises.

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
    let n = workers.clamp(1, params.height());
    let mut hands: Vec<Vec<(usize, &mut [u32])>> = (0..n).map(|_| Vec::new()).collect();
    for (i, row) in counts.chunks_mut(params.width()).enumerate() {
        hands[i % n].push((i, row));
    }
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

/// **Exercise 4**: the rows wait in one shared iterator; a worker locks it only to take the next
/// row, and renders with the lock released.
pub fn render_dynamic<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let rows = Mutex::new(counts.chunks_mut(params.width()).enumerate());
    let (rows, render_row) = (&rows, &render_row);
    thread::scope(|s| {
        for _ in 0..workers.clamp(1, params.height()) {
            s.spawn(move || {
                loop {
                    // The guard is a temporary of this statement: the lock is released before
                    // the row renders (`while let … = rows.lock()…` would hold it in the body).
                    let next = rows.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((i, row)) = next else { break };
                    render_row(i, row);
                }
            });
        }
    });
    counts
}

/// Lanes of [`escape_lanes`]: the `f64`s of one AVX-512 register.
pub const LANES: usize = 8;

/// **Exercise 5**: every step on all lanes; a sticky mask decides which lanes still count.
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let (mut zx, mut zy) = ([0.0f64; LANES], [0.0f64; LANES]);
    let mut active = [true; LANES];
    let mut count = [0u32; LANES];
    let mut steps = 0;
    while steps < max_iter && active.contains(&true) {
        for l in 0..LANES {
            let (xx, yy, xy) = (zx[l] * zx[l], zy[l] * zy[l], zx[l] * zy[l]);
            // `&&` keeps the mask sticky; a NaN lane compares false and stays out.
            active[l] = active[l] && xx + yy <= 4.0;
            count[l] += u32::from(active[l]);
            zx[l] = (xx - yy) + cx[l];
            zy[l] = (xy + xy) + cy;
        }
        steps += 1;
    }
    count
}
