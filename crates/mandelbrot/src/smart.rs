//! The fastest iteration is the one you skip: the `smart` strategy.
//!
//! `simd-rayon` computes every iteration of every pixel as fast as the cores allow. `smart` gives
//! the same counts, bit for bit, while computing far fewer iterations, with three tricks that are
//! *exact* (they never guess), and hands the rest to the same SIMD kernel on every core:
//!
//! 1. **The main cardioid and the period-2 bulb.** A point `c` of the main cardioid has an
//!    attracting fixed point, whose multiplier `λ = 1 − √(1 − 4c)` has `|λ| < 1`; a point of the
//!    bulb around `−1` has an attracting 2-cycle, multiplier `4(c + 1)`. The orbit of 0 falls into
//!    that attractor and stays bounded forever: the count is `max_iter`, with no iteration at all.
//!    Together they are 91% of the set's area, and in the seeds' view the set's interior is 97%
//!    of all the iterations. The test is a few multiplications per pixel ([`in_main_bulbs`]).
//! 2. **Mirror rows.** The set is symmetric about the real axis, and so is the arithmetic: with
//!    `cy` negated, every step computes the same `zx` and the exact negation of `zy` (rounding to
//!    nearest is symmetric), so `xx`, `yy`, the test and the count are the same. A row whose `y`
//!    is exactly minus (or equal to) an earlier row's `y` is a copy of that row.
//! 3. **Cycles.** The kernel runs with [`Cycles::Skip`]: an orbit that comes back, bit for bit,
//!    to a state it was in repeats itself forever, so it never escapes. That catches many points
//!    of the smaller bulbs once their orbit has settled on its attractor.
//!
//! **Why a margin.** The cardioid and bulb tests are exact in real numbers, but the counts are
//! those of the floating-point loop. A point just inside the boundary has `|λ|` close to 1: its
//! orbit crawls toward the attractor, and a point just outside (which a rounded test might let in)
//! escapes only after millions of steps. Skipping only points with `|λ| ≤` [`ATTRACTION`] keeps
//! every skipped orbit firmly attracted: rounding errors of 10⁻¹⁶ per step are damped, never
//! amplified. It costs the 0.3% of the cardioid nearest its edge, which the kernel computes.
//!
//! **Why only some rows mirror.** Row `i` is at `y_min + i·dy`, rounded: in floating point the
//! grid is not exactly symmetric even when the view is, so row `i` and row `height − i` are
//! usually a rounding apart, and their counts may differ. Only rows whose `y` matches exactly are
//! copied: 618 of the 2160 rows of the seeds' view at 3840×2160, 6 of 400 at 400×400.
//!
//! **Tricks that would guess, and are left out.** Mariani–Silver subdivision (a rectangle whose
//! border has one count is filled with it) is exact for the set in real numbers, not for sampled
//! pixels: a thin filament can cross a rectangle between two samples of its border.
//!
//! **Where it does not help.** A deep zoom off the real axis shows neither the cardioid nor the
//! bulb and has no mirror rows: `smart` is then `simd-rayon` plus the cost of looking (a check of
//! each row against the bulbs' bounding box, and the cycle checks; measured in the README).

use std::cell::RefCell;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::params::Params;
use crate::simd::{self, Cycles, Kernel};

/// The largest `|λ|` (the attractor's multiplier) of a point that is skipped: see the module's
/// "Why a margin".
pub const ATTRACTION: f64 = 0.999;

/// How the kernel treats orbits that come back to an earlier state: see the module's "Cycles".
const CYCLES: Cycles = Cycles::Skip;

/// The bounding box of the main cardioid and the period-2 bulb: `x` from the bulb's left end
/// to the cardioid's right, `|y|` up to the cardioid's `3√3/8`, rounded up.
const BOX_X: (f64, f64) = (-1.25, 0.375);
const BOX_Y: f64 = 0.65;

/// What [`render`] did not compute.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Skipped {
    /// Rows copied from their mirror image.
    pub mirrored_rows: Vec<usize>,
    /// Pixels (of the computed rows) inside the main cardioid or the period-2 bulb.
    pub pixels_in_bulbs: u64,
    /// Iterations those pixels would have cost, and those of the orbits caught in cycles.
    pub bulbs_and_cycles: u64,
}

impl Skipped {
    /// Every iteration skipped: those of the bulbs and the cycles, and the counts of the mirrored
    /// rows, read from the finished picture `counts` (`width` columns). Adding them up is
    /// bookkeeping for the report, not rendering: callers do it after they stop the clock, as
    /// they count the total of any strategy.
    pub fn iterations(&self, width: usize, counts: &[u32]) -> u64 {
        let mirrored: u64 = self
            .mirrored_rows
            .iter()
            .flat_map(|&i| &counts[i * width..(i + 1) * width])
            .map(|&c| u64::from(c))
            .sum();
        self.bulbs_and_cycles + mirrored
    }
}

/// Whether `c = cx + cy·i` is inside the main cardioid or the period-2 bulb with a margin: its
/// count is `max_iter`, whatever `max_iter` is.
///
/// ```
/// use mandelbrot::smart::in_main_bulbs;
/// assert!(in_main_bulbs(0.0, 0.0)); // the centre of the cardioid
/// assert!(in_main_bulbs(-1.0, 0.1)); // the period-2 bulb
/// assert!(!in_main_bulbs(0.26, 0.0)); // just past the cusp
/// assert!(!in_main_bulbs(-0.1, 0.9)); // in the set, but in a smaller bulb
/// ```
pub fn in_main_bulbs(cx: f64, cy: f64) -> bool {
    // Both shapes lie in this box: most pixels stop here.
    if !(BOX_X.0..=BOX_X.1).contains(&cx) || cy.abs() > BOX_Y {
        return false;
    }
    in_period2_bulb(cx, cy) || in_main_cardioid(cx, cy)
}

/// `|4(c + 1)| < ATTRACTION`: the 2-cycle's multiplier, a disc around −1.
fn in_period2_bulb(cx: f64, cy: f64) -> bool {
    let radius = ATTRACTION / 4.0;
    (cx + 1.0) * (cx + 1.0) + cy * cy < radius * radius
}

/// `|1 − √(1 − 4c)| < r`, squared twice so no square root is needed.
///
/// With `w = 1 − 4c = u + v·i` and `a = 1 − r²`, the condition is `(a + |w|)² < 2(|w| + u)`,
/// that is `r²·|w| > h` with `h = (a² + |w|² − 2u) / 2`: true when `h < 0`, otherwise equivalent
/// to `r⁴·|w|² > h²`.
fn in_main_cardioid(cx: f64, cy: f64) -> bool {
    let r2 = ATTRACTION * ATTRACTION;
    let (u, v) = (1.0 - 4.0 * cx, -4.0 * cy);
    let a = 1.0 - r2;
    let w2 = u * u + v * v;
    let h = (a * a + w2 - 2.0 * u) / 2.0;
    h < 0.0 || r2 * r2 * w2 > h * h
}

/// For each row, the earlier row it copies, if any: the first row with the same `|y|`.
pub fn mirror_sources(params: &Params) -> Vec<Option<usize>> {
    let mut first_with: HashMap<u64, usize> = HashMap::new();
    (0..params.height())
        .map(|i| {
            // `abs` also maps -0.0 to 0.0: both rows count the same.
            let key = params.y_of(i).abs().to_bits();
            match first_with.get(&key) {
                Some(&source) => Some(source),
                None => {
                    first_with.insert(key, i);
                    None
                }
            }
        })
        .collect()
}

/// Renders `params` into `out` (row-major, as every strategy) on rayon's pool, skipping what
/// can be skipped exactly; returns what was skipped.
pub fn render(params: &Params, out: &mut [u32]) -> Skipped {
    let width = params.width();
    let sources = mirror_sources(params);
    let kernel = Kernel::best();
    let (pixels_in_bulbs, bulbs_and_cycles) = out
        .par_chunks_mut(width)
        .enumerate()
        .filter(|(i, _)| sources[*i].is_none())
        .map(|(i, row)| render_row(kernel, params, i, row))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    copy_mirrors(&sources, width, out);
    Skipped {
        mirrored_rows: (0..sources.len())
            .filter(|&i| sources[i].is_some())
            .collect(),
        pixels_in_bulbs,
        bulbs_and_cycles,
    }
}

/// Copies every mirror row from its source (a computed row: sources are first occurrences).
fn copy_mirrors(sources: &[Option<usize>], width: usize, out: &mut [u32]) {
    // In parallel, the copies whose source lies before the first copy (all of them, when the
    // view is symmetric about the axis)...
    let first = sources
        .iter()
        .position(Option::is_some)
        .unwrap_or(sources.len());
    let (head, tail) = out.split_at_mut(first * width);
    tail.par_chunks_mut(width)
        .zip(&sources[first..])
        .for_each(|(row, source)| {
            if let Some(s) = *source
                && s < first
            {
                row.copy_from_slice(&head[s * width..(s + 1) * width]);
            }
        });
    // ...then the few left (rows repeated further down, in a deep zoom).
    for (i, source) in sources.iter().enumerate().skip(first) {
        if let Some(s) = *source
            && s >= first
        {
            let (before, from_i) = out.split_at_mut(i * width);
            from_i[..width].copy_from_slice(&before[s * width..(s + 1) * width]);
        }
    }
}

/// The pixels of one row left for the kernel, gathered. Each thread keeps its own from row to
/// row, like the kernel's survivors: vectors allocated afresh for every row grow by copying and
/// fault their pages in again, row after row.
#[derive(Default)]
struct Gathered {
    columns: Vec<usize>,
    xs: Vec<f64>,
    counts: Vec<u32>,
}

thread_local! {
    static GATHERED: RefCell<Gathered> = RefCell::default();
}

/// Renders row `i` into `out`: pixels inside the main cardioid or bulb get `max_iter`, the
/// others go to the kernel together, gathered into one run. Returns (pixels skipped,
/// iterations skipped).
fn render_row(kernel: Kernel, params: &Params, i: usize, out: &mut [u32]) -> (u64, u64) {
    let cy = params.y_of(i);
    let max_iter = params.max_iter();
    // Only the columns of the bulbs' bounding box need the test; the columns are in increasing
    // `x`, so two binary searches find them.
    let tested = if cy.abs() > BOX_Y {
        0..0
    } else {
        let first = |past: &dyn Fn(f64) -> bool| first_column(params, out.len(), past);
        first(&|x| x >= BOX_X.0)..first(&|x| x > BOX_X.1)
    };
    if tested.is_empty() {
        let in_cycles = simd::render_span(kernel, params, i, 0, CYCLES, out);
        return (0, in_cycles);
    }
    // The pixels left to compute, gathered into one run: the cardioid cuts a row into pieces,
    // and the kernel keeps its lanes full only on long runs. The columns left and right of the
    // box come first, whole (copied in and out in one go); then those of the box outside the
    // shapes, each with its column.
    let (width, start, end) = (out.len(), tested.start, tested.end);
    let outside = start + (width - end);
    GATHERED.with_borrow_mut(|left| {
        left.xs.clear();
        left.xs
            .extend((0..start).chain(end..width).map(|j| params.x_of(j)));
        left.columns.clear();
        for j in tested {
            let x = params.x_of(j);
            if in_period2_bulb(x, cy) || in_main_cardioid(x, cy) {
                out[j] = max_iter;
            } else {
                left.columns.push(j);
                left.xs.push(x);
            }
        }
        left.counts.resize(left.xs.len(), 0);
        let in_cycles =
            simd::render_points(kernel, &left.xs, cy, max_iter, CYCLES, &mut left.counts);
        let (counts, in_box) = left.counts.split_at(outside);
        out[..start].copy_from_slice(&counts[..start]);
        out[end..].copy_from_slice(&counts[start..]);
        for (&j, &count) in left.columns.iter().zip(in_box) {
            out[j] = count;
        }
        let pixels = (width - left.xs.len()) as u64;
        (pixels, in_cycles + pixels * u64::from(max_iter))
    })
}

/// The first of `width` columns whose `x` is `past` a bound (`past` is false, then true, along
/// the row): a binary search.
fn first_column(params: &Params, width: usize, past: &dyn Fn(f64) -> bool) -> usize {
    let (mut low, mut high) = (0, width);
    while low < high {
        let middle = (low + high) / 2;
        if past(params.x_of(middle)) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::View;

    #[test]
    fn bulb_tests_agree_with_the_multiplier() {
        for k in 0..20_000 {
            let cx = -1.3 + 1.7 * (k as f64 * 0.618_033_988_75).fract();
            let cy = -0.7 + 1.4 * (k as f64 * 0.414_213_562_37).fract();
            let c = num_complex::Complex64::new(cx, cy);
            let lambda = (1.0 - (1.0 - 4.0 * c).sqrt()).norm();
            let bulb = (4.0 * (c + 1.0)).norm();
            let margin = 1e-9; // the two sides round differently right at the boundary
            if lambda < ATTRACTION - margin || bulb < ATTRACTION - margin {
                assert!(in_main_bulbs(cx, cy), "{c} should be skipped");
            }
            if lambda > ATTRACTION + margin && bulb > ATTRACTION + margin {
                assert!(!in_main_bulbs(cx, cy), "{c} should be computed");
            }
        }
    }

    #[test]
    fn mirrors_only_exact_negatives() {
        let params = Params::new(View::new(-2.0, 1.0, -1.0, 1.0).unwrap(), 4, 8, 10).unwrap();
        // y = -1, -0.75, ..., 0.75: exact in binary, so every row but -1 and 0 has its mirror.
        let sources = mirror_sources(&params);
        assert_eq!(
            sources,
            [None, None, None, None, None, Some(3), Some(2), Some(1)]
        );
    }
}
