//! Reference solutions of this lesson's exercises.

use std::thread;

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

/// **Exercise 2**: whole rows from `first_row` on.
pub fn render_band(params: &Params, first_row: usize, band: &mut [u32]) {
    for (k, row) in band.chunks_mut(params.width()).enumerate() {
        let y = params.y_of(first_row + k);
        for (j, count) in row.iter_mut().enumerate() {
            *count = escape_count(params.x_of(j), y, params.max_iter());
        }
    }
}

/// **Exercise 3**: one band per scoped thread; `chunks_mut` hands each its own rows.
pub fn render_parallel(params: &Params, threads: usize) -> Vec<u32> {
    let mut counts = vec![0; params.pixels()];
    // Ceiling division: at most `threads` bands, covering every row.
    let rows = params.height().div_ceil(threads.max(1));
    thread::scope(|s| {
        for (b, band) in counts.chunks_mut(rows * params.width()).enumerate() {
            s.spawn(move || render_band(params, b * rows, band));
        }
    });
    counts
}

/// **Exercise 4**: row `i` goes to worker `i % workers`.
pub fn deal_rows(height: usize, workers: usize) -> Vec<Vec<usize>> {
    let mut hands = vec![Vec::new(); workers.max(1)];
    for row in 0..height {
        hands[row % workers.max(1)].push(row);
    }
    hands
}

/// **Exercise 5**: sum each block per channel, divide with rounding.
pub fn downsample(pixels: &[[u8; 3]], width: usize, height: usize, factor: usize) -> Vec<[u8; 3]> {
    let (w, h) = (width / factor, height / factor);
    let n = (factor * factor) as u32;
    let mut out = Vec::with_capacity(w * h);
    for i in 0..h {
        for j in 0..w {
            let mut sum = [0u32; 3];
            for di in 0..factor {
                for dj in 0..factor {
                    let p = pixels[(i * factor + di) * width + j * factor + dj];
                    for c in 0..3 {
                        sum[c] += u32::from(p[c]);
                    }
                }
            }
            out.push(sum.map(|s| ((s + n / 2) / n) as u8));
        }
    }
    out
}
