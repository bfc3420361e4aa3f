//! Exercises of this lesson: from one point to a parallel render, in rising difficulty.
//!
//! Replace each `todo!()` with your answer; `cargo xtask grade` scores them. The lesson's own code
//! (`mandelbrot::escape`, `mandelbrot::strategies`, `mandelbrot::zoom`) solves similar problems:
//! read it, but write your own.

use crate::params::Params;

/// **Exercise 1: the escape count of one point.**
///
/// Iterate `z ← z² + c` from `z = 0`, with `c = cx + cy·i`, and return how many steps you took
/// while `zx² + zy² ≤ 4`, stopping at `max_iter` steps (the seeds' numba loop). Use exactly these
/// operations, in this order, so your counts equal the lesson's bit for bit:
/// `xx = zx·zx; yy = zy·zy; xy = zx·zy;` stop if `xx + yy > 4`; `zx = (xx − yy) + cx;`
/// `zy = (xy + xy) + cy`.
///
/// ```text
/// assert_eq!(escape_count(0.0, 0.0, 100), 100); // in the set: never escapes
/// assert_eq!(escape_count(2.0, 2.0, 100), 1);   // one step, then |z| > 2
/// assert_eq!(escape_count(1.0, 0.0, 100), 3);   // z = 0, 1, 2, 5
/// ```
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let _ = (cx, cy, max_iter);
    todo!()
}

/// **Exercise 2: render a band of rows into a slice.**
///
/// `band` holds whole rows of the image, starting at row `first_row`: `band.len()` is a multiple of
/// `params.width()`, and `band[k * width + j]` is row `first_row + k`, column `j`. Fill it with the
/// escape count of each pixel, whose point is `(params.x_of(j), params.y_of(row))`. (Use your
/// exercise 1, or `crate::escape::escape_count`.)
///
/// ```text
/// let params = Params::seeds(4, 6, 50)?;
/// let mut band = vec![0; 2 * 4]; // rows 3 and 4
/// render_band(&params, 3, &mut band);
/// assert_eq!(band[0], mandelbrot::escape::escape_count(params.x_of(0), params.y_of(3), 50));
/// ```
pub fn render_band(params: &Params, first_row: usize, band: &mut [u32]) {
    let _ = (params, first_row, band);
    todo!()
}

/// **Exercise 3: a parallel render, equal to the sequential one bit for bit.**
///
/// Return the counts of the whole image (row-major, `width × height`), computed by `threads`
/// threads at once, each filling its own band of rows (`std::thread::scope` and `chunks_mut` make
/// this safe without locks). Any number of threads must work, including one, and more threads than
/// rows; the result must equal a sequential render exactly.
///
/// ```text
/// let params = Params::seeds(31, 7, 100)?;
/// let counts = render_parallel(&params, 3);
/// assert_eq!(counts.len(), 31 * 7);
/// ```
pub fn render_parallel(params: &Params, threads: usize) -> Vec<u32> {
    let _ = (params, threads);
    todo!()
}

/// **Exercise 4: interleaved row scheduling across `workers` workers.**
///
/// Bands balance badly (the middle of the set is expensive), so deal the rows like cards: return
/// one list of row indices per worker, worker `w` getting rows `w, w + workers, w + 2·workers, …`
/// in increasing order. There are always `workers` lists (some empty when there are fewer rows than
/// workers); `workers` is at least 1.
///
/// ```text
/// assert_eq!(deal_rows(5, 2), vec![vec![0, 2, 4], vec![1, 3]]);
/// assert_eq!(deal_rows(1, 3), vec![vec![0], vec![], vec![]]);
/// ```
pub fn deal_rows(height: usize, workers: usize) -> Vec<Vec<usize>> {
    let _ = (height, workers);
    todo!()
}

/// **Exercise 5: supersampling down by averaging.**
///
/// `pixels` is an RGB image of `width × height`, row-major. Return the image `factor` times
/// smaller on each side (`width / factor` × `height / factor`), each output pixel the average of
/// its `factor × factor` block, per channel, rounded to nearest (halves up): `(sum + n/2) / n` with
/// `n = factor²`. Columns and rows left over at the right and bottom are dropped.
///
/// ```text
/// let img = [[0, 0, 0], [10, 20, 30], [1, 1, 1], [2, 2, 2]]; // 2×2
/// assert_eq!(downsample(&img, 2, 2, 2), vec![[3, 6, 8]]);  // (13+2)/4, (23+2)/4, (33+2)/4
/// ```
pub fn downsample(pixels: &[[u8; 3]], width: usize, height: usize, factor: usize) -> Vec<[u8; 3]> {
    let _ = (pixels, width, height, factor);
    todo!()
}
