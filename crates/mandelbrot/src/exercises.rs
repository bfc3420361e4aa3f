//! Exercises of this lesson: from one point to every core and every lane, in rising difficulty.
//!
//! Replace each `todo!()` with your answer; `cargo xtask grade` scores them. The lesson's own code
//! (`mandelbrot::escape`, `mandelbrot::strategies`, `mandelbrot::simd`) solves similar problems:
//! read it, but write your own.
//!
//! Exercises 2 to 4 are *schedules*: each decides which thread renders which rows, and leaves the
//! rendering to the function it is given (`render_band` or `render_row`), the way the lesson pairs
//! a strategy with a kernel. The graded tests hand them kernels that watch who calls them, and
//! when: they see whether rows really are rendered at the same time, and by whom.

use crate::params::Params;

/// **Exercise 1: the escape count of one point.**
///
/// Iterate `z ← z² + c` from `z = 0`, with `c = cx + cy·i`, and return how many steps you took
/// while `zx² + zy² ≤ 4`, stopping at `max_iter` steps (the seeds' numba loop). Use exactly these
/// operations, in this order, so your counts equal the lesson's bit for bit:
/// `xx = zx·zx; yy = zy·zy; xy = zx·zy;` stop if `xx + yy > 4`; `zx = (xx − yy) + cx;`
/// `zy = (xy + xy) + cy`. (No `mul_add`: a fused multiply-add rounds once instead of twice, and
/// changes counts near the border of the set.)
///
/// ```text
/// assert_eq!(escape_count(0.0, 0.0, 100), 100); // in the set: never escapes
/// assert_eq!(escape_count(-2.0, 0.0, 100), 100); // 0, -2, 2, 2, …: |z|² = 4 is still inside
/// assert_eq!(escape_count(2.0, 2.0, 100), 1);   // one step, then |z| > 2
/// assert_eq!(escape_count(1.0, 0.0, 100), 3);   // z = 0, 1, 2, 5
/// ```
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let _ = (cx, cy, max_iter);
    todo!()
}

/// **Exercise 2: bands of rows on rayon's pool.**
///
/// Return the counts of the whole image (row-major, `width × height`), cut into bands of
/// `band_rows` consecutive rows (the last band may be shorter) that rayon renders in parallel on
/// the pool it is running in: use `par_chunks_mut`, and start no threads of your own. Call
/// `render_band(first_row, band)` exactly once per band, where `band` is the band's slice of the
/// image (whole rows, starting at row `first_row`). `band_rows` is at least 1.
///
/// Why bands and not single rows: every band is one task for rayon, and a task costs some
/// bookkeeping; larger bands cost less of it, smaller ones leave idle threads more to steal.
///
/// ```text
/// let params = Params::seeds(64, 48, 250)?;
/// let counts = render_rayon(&params, 4, |first, band| escape::render_rows(&params, first, band));
/// assert_eq!(counts.len(), 64 * 48); // 12 bands of 4 rows, spread over rayon's threads
/// ```
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = (params, band_rows, render_band);
    todo!()
}

/// **Exercise 3: rows dealt like cards, to threads of your own.**
///
/// Bands balance badly: the middle of the set costs `max_iter` steps per pixel, the outside a
/// handful, so the threads whose bands cross the middle do most of the work. Deal the rows
/// instead: start `n = min(workers, height)` threads of your own (`std::thread::scope`), all
/// running at once, and have worker `w` render rows `w, w + n, w + 2n, …`, in increasing order,
/// each with `render_row(row, out)`, where `out` is that row of the image. Return the counts of the
/// whole image (row-major). Every worker then gets a sample of every part of the picture. The
/// tests measure the balance, the iterations of the busiest worker divided by the mean: at most
/// 1.1 is expected, where bands of rows reach about 2 (4 workers on the seeds' view). `workers`
/// is at least 1.
///
/// ```text
/// let params = Params::seeds(64, 48, 250)?;
/// let counts = render_interleaved(&params, 4, |row, out| escape::render_row(&params, row, out));
/// // worker 0 rendered rows 0, 4, 8, …; worker 3 rows 3, 7, 11, …
/// ```
pub fn render_interleaved<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = (params, workers, render_row);
    todo!()
}

/// **Exercise 4: a dynamic schedule: the next row to whoever is free.**
///
/// A fixed deal still loses when one row is much slower than the others: its worker falls behind
/// with all the rows dealt to it. Start `n = min(workers, height)` threads of your own, all
/// running at once; each takes the next row nobody has taken yet, renders it with
/// `render_row(row, out)`, and comes back for another, until none is left. Each row is rendered
/// exactly once, and a slow row holds up only the worker rendering it: the others go on with the
/// rest. Never hold a lock while a row renders. Return the counts of the whole image (row-major).
/// `workers` is at least 1.
///
/// ```text
/// let counts = render_dynamic(&params, 4, |row, out| escape::render_row(&params, row, out));
/// ```
pub fn render_dynamic<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = (params, workers, render_row);
    todo!()
}

/// Lanes of [`escape_lanes`]: the `f64`s of one AVX-512 register.
pub const LANES: usize = 8;

/// **Exercise 5: eight points in lockstep, the way SIMD lanes run.**
///
/// Return the escape counts of the points `cx[l] + cy·i`, equal to exercise 1's bit for bit, but
/// computed the way a vector unit does: one loop whose every step performs exercise 1's operations
/// on all eight lanes, with an escape mask: `active[l]` is true until lane `l` first has
/// `xx + yy > 4`, and stays false from then on; each step adds one to the count of every lane still
/// active. A lane that escaped keeps computing (a vector cannot skip lanes; its `z` grows to
/// infinity and then NaN, and must never count again). The loop ends when no lane is active, or
/// after `max_iter` steps. Write the step over arrays with no early exit per lane, so that the
/// compiler can turn it into vector instructions.
///
/// ```text
/// let counts = escape_lanes([0.0, 2.0, 1.0, -2.0, 0.25, -1.0, 0.5, 10.0], 0.0, 100);
/// assert_eq!(counts, [100, 2, 3, 100, 100, 100, 5, 1]);
/// ```
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let _ = (cx, cy, max_iter);
    todo!()
}
