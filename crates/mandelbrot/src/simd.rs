//! Several pixels per instruction: the escape loop on groups of lanes.
//!
//! A core of the development machine (Zen 4) can start one 8-lane multiply and one 8-lane add per
//! cycle, but each takes 3 cycles to finish. One escape step is a chain of dependent operations
//! (a multiply, then a subtraction, then an addition: 9 cycles) so a loop that follows one pixel,
//! or even one vector of pixels, leaves the core idle most of the time: it is *latency-bound*.
//! The cure is to keep several independent vectors in flight: while vector 0 waits for its
//! multiply, vectors 1, 2 and 3 issue theirs. (The README's roofline section does the arithmetic.)
//!
//! So a kernel here renders a *group* of neighbouring pixels of one row at once, as plain arrays
//! with one element per lane (`zx: [f64; G]`), and loops over the lanes with no branch: the
//! compiler turns each such loop into vector instructions. Three things make it fast:
//!
//! - **Enough lanes.** `G` is several vectors wide (32 lanes = 4 vectors of 8 with AVX-512).
//! - **Testing escape rarely.** While no lane escapes, a group runs [`BLOCK`] steps with no test at
//!   all (the test and the counting cost as much as a step), then looks at every lane once. If a
//!   lane may have escaped during the block, the group goes back to the state saved before it and
//!   redoes it testing at every step, which finds the exact step. Rolling back loses a block's work
//!   but only happens near the border of the set; in the interior, where the time goes, it never
//!   does. Why a lane that escaped cannot hide by the end of a block: see [`MAY_HAVE_ESCAPED`].
//! - **Sharing the work between adders and multipliers.** A step is 3 multiplies and 4 additions:
//!   the adders are the bottleneck. Doubling `xy` by `xy * 2` instead of `xy + xy` (the same number,
//!   exactly: doubling is exact in binary floating point) moves work to the multipliers; half of
//!   the lanes do it, so each unit does 3.5 operations per step.
//!
//! The lanes of a group compute exactly the operations of [`crate::escape::escape_count`], in the
//! same order and without FMA (Rust never fuses a multiply and an add behind your back, vectorized
//! or not), so the counts are bit-identical to the scalar loop's.
//!
//! Three kernels, one source: the same generic code compiled three times, and chosen at run time
//! with [`Kernel::best`] (no nightly, no `-C target-cpu=native`):
//! - [`Kernel::Portable`]: for the baseline target (SSE2 on x86-64, 2 lanes per vector; NEON on
//!   aarch64);
//! - [`Kernel::Avx2`]: inside a `#[target_feature(enable = "avx2")]` function, 4 lanes per vector;
//! - [`Kernel::Avx512`]: inside `#[target_feature(enable = "avx512f")]`, 8 lanes per vector.

use crate::params::Params;

/// Steps a group runs without testing escape, once no lane of it is escaping.
///
/// Longer blocks test less often but lose more work when they roll back; 8 to 24 measured the
/// same on the development machine. It must stay small enough for [`MAY_HAVE_ESCAPED`]'s argument.
pub const BLOCK: u32 = 16;

/// Steps run with a test at every step before the group looks again whether lanes still escape:
/// at the start (outside the set most pixels escape within a few steps) and after a rollback.
pub const CHECKED_BLOCK: u32 = 4;

/// A lane whose `|z|²` ends an untested block above this value may have escaped during it; below
/// it, it surely did not.
///
/// Why: escaping means `xx + yy > 4`, that is `|z| > 2` up to rounding. From then on `|z|` cannot
/// shrink much: `|z² + c| ≥ |z|² − |c|`, so with `|c| ≤ 2` and `|z| = 2 − a` the next `|z|` is at
/// least `2 − 4a`. Rounding starts `a` near 10⁻¹⁵, and [`BLOCK`] = 16 steps multiply it by at most
/// 4¹⁶ ≈ 4·10⁹: `|z|²` stays above `4 − 10⁻⁴`, far above 3.99. (With `|c| > 2` the point escapes at
/// its first step and `|z|` only grows from there: `|z|² − |c| ≥ |z|(|z| − 1) ≥ |z|`.) A lane that
/// overflowed to infinity or NaN fails the `≤` test and is flagged too. Flagging a lane that did
/// not escape is harmless: the block is redone with tests, which costs time, not correctness.
pub const MAY_HAVE_ESCAPED: f64 = 3.99;

/// Lanes of the portable kernel (8 vectors of 2 with SSE2).
const PORTABLE_LANES: usize = 16;
/// Lanes of the AVX2 kernel: 4 vectors of 4. AVX2 has only 16 registers; 3 vectors measured
/// 15% slower, 6 spill to memory.
const AVX2_LANES: usize = 16;
/// Lanes of the AVX-512 kernel: 4 vectors of 8 (6 measured the same in the interior of the set
/// but waste more lanes at its border; 3 are too few to hide the latency).
const AVX512_LANES: usize = 32;

/// A point far outside the set, to fill the lanes past the end of a row: it escapes at its first
/// test, so it never holds its group back.
const FAR_OUT: f64 = 4.0;

/// An implementation of the escape loop: the same code compiled for an instruction set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The baseline target's vectors (SSE2 on x86-64).
    Portable,
    /// AVX2 (x86-64 only, when the CPU has it).
    Avx2,
    /// AVX-512F (x86-64 only, when the CPU has it).
    Avx512,
}

impl Kernel {
    /// The fastest kernel this CPU runs, detected at run time (and cached by `std`).
    pub fn best() -> Kernel {
        *Kernel::available()
            .last()
            .expect("the portable kernel is always available")
    }

    /// Every kernel this CPU runs, slowest first.
    pub fn available() -> Vec<Kernel> {
        [Kernel::Portable, Kernel::Avx2, Kernel::Avx512]
            .into_iter()
            .filter(|k| k.is_available())
            .collect()
    }

    /// Whether this CPU runs this kernel (`std` caches the CPU's answer, so this is cheap).
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// Pixels per group: the lanes stepped together.
    pub fn group_width(self) -> usize {
        match self {
            Kernel::Portable => PORTABLE_LANES,
            Kernel::Avx2 => AVX2_LANES,
            Kernel::Avx512 => AVX512_LANES,
        }
    }

    /// A short name for tables and benches.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512 => "avx512",
        }
    }
}

/// Fills `out` with row `row` of the image using the fastest kernel.
pub fn render_row(params: &Params, row: usize, out: &mut [u32]) {
    render_row_with(Kernel::best(), params, row, out);
}

/// Fills `out` (whole rows, `first_row` onward) using the fastest kernel.
pub fn render_rows(params: &Params, first_row: usize, out: &mut [u32]) {
    let kernel = Kernel::best();
    for (k, row) in out.chunks_mut(params.width()).enumerate() {
        render_row_with(kernel, params, first_row + k, row);
    }
}

/// Fills `out` with row `row` using `kernel` (`out.len()` columns, normally `params.width()`).
///
/// # Panics
/// If this CPU does not run `kernel` ([`Kernel::is_available`]).
pub fn render_row_with(kernel: Kernel, params: &Params, row: usize, out: &mut [u32]) {
    let xs: Vec<f64> = (0..out.len()).map(|j| params.x_of(j)).collect();
    render_points(kernel, &xs, params.y_of(row), params.max_iter(), out);
}

/// Escape counts of the points `xs[k] + cy·i` into `out[k]`: any points of one row, in any order
/// (the `smart` strategy passes only the pixels it could not skip).
///
/// # Panics
/// If `xs` and `out` differ in length, or this CPU does not run `kernel`.
pub fn render_points(kernel: Kernel, xs: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
    assert_eq!(xs.len(), out.len(), "one count per point");
    assert!(
        kernel.is_available(),
        "{kernel:?} is not supported by this CPU"
    );
    match kernel {
        Kernel::Portable => points::<PORTABLE_LANES>(xs, cy, max_iter, out),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_available` (asserted above) detected AVX2 on this CPU.
        Kernel::Avx2 => unsafe { x86::points_avx2(xs, cy, max_iter, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_available` (asserted above) detected AVX-512F on this CPU.
        Kernel::Avx512 => unsafe { x86::points_avx512(xs, cy, max_iter, out) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => unreachable!("only the portable kernel exists off x86-64"),
    }
}

/// The x86-64 kernels: the generic code below, compiled with wider vectors enabled.
///
/// `#[inline(always)]` on [`points`] and [`group`] puts their whole body inside these functions,
/// where the compiler may use the enabled instructions. Calling one is `unsafe`: on a CPU without
/// the feature it would execute an illegal instruction.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{AVX2_LANES, AVX512_LANES, points};

    /// [`points`] with AVX2: 4 lanes per vector.
    #[target_feature(enable = "avx2")]
    pub fn points_avx2(xs: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
        points::<AVX2_LANES>(xs, cy, max_iter, out);
    }

    /// [`points`] with AVX-512F: 8 lanes per vector.
    #[target_feature(enable = "avx512f")]
    pub fn points_avx512(xs: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
        points::<AVX512_LANES>(xs, cy, max_iter, out);
    }
}

/// Cuts the points into groups of `G` lanes; the last group is filled up with [`FAR_OUT`].
#[inline(always)]
fn points<const G: usize>(xs: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
    let mut cx = [FAR_OUT; G];
    let mut counts = [0u32; G];
    for (xs, out) in xs.chunks(G).zip(out.chunks_mut(G)) {
        for (l, x) in cx.iter_mut().enumerate() {
            *x = xs.get(l).copied().unwrap_or(FAR_OUT);
        }
        group(&cx, cy, max_iter, &mut counts);
        out.copy_from_slice(&counts[..out.len()]);
    }
}

/// Escape counts of the `G` points `cx[l] + cy·i` into `out`: one group of lanes, stepped together.
#[inline(always)]
fn group<const G: usize>(cx: &[f64; G], cy: f64, max_iter: u32, out: &mut [u32; G]) {
    let mut lanes = Lanes::new(cx, cy);
    // All ones while a lane counts, zero once it escaped: `count - active` adds one, branch-free.
    let mut active = [u64::MAX; G];
    // Steps each lane survived: its escape count once it escaped, `max_iter` if it never does.
    let mut count = [0u64; G];
    let mut done = 0;
    let mut testing = true;
    while done < max_iter {
        if testing {
            let steps = CHECKED_BLOCK.min(max_iter - done);
            let before = active;
            lanes.run_tested(steps, &mut active, &mut count);
            done += steps;
            if active.iter().all(|&a| a == 0) {
                break;
            }
            // Keep testing while lanes escape: the group is at the border of the set.
            testing = active != before;
        } else {
            let steps = BLOCK.min(max_iter - done);
            let saved = (lanes.zx, lanes.zy);
            lanes.run(steps);
            if lanes.may_have_escaped(&active) {
                // Roll back and redo these steps with a test at each: exact counts.
                (lanes.zx, lanes.zy) = saved;
                testing = true;
            } else {
                for (c, a) in count.iter_mut().zip(active) {
                    *c += u64::from(steps) & a;
                }
                done += steps;
            }
        }
    }
    for (o, c) in out.iter_mut().zip(count) {
        // At most `max_iter`, which is a `u32`.
        *o = c as u32;
    }
}

/// The points of a group and where each has got to, one array element per lane: what the
/// compiler keeps in vector registers.
struct Lanes<const G: usize> {
    cx: [f64; G],
    cy: f64,
    zx: [f64; G],
    zy: [f64; G],
    /// 2.0, hidden from the optimizer: see [`Lanes::step`].
    two: f64,
}

impl<const G: usize> Lanes<G> {
    #[inline(always)]
    fn new(cx: &[f64; G], cy: f64) -> Self {
        Lanes {
            cx: *cx,
            cy,
            zx: [0.0; G],
            zy: [0.0; G],
            // The optimizer would turn `xy * 2.0` back into `xy + xy`; a 2 it cannot see keeps
            // the multiply (the same result either way: this is about which unit does the work).
            two: std::hint::black_box(2.0),
        }
    }

    /// One step of lane `l`, `z ← z² + c`, exactly as [`crate::escape::escape_count`] computes it;
    /// returns `(zx², zy²)` of the old `z` for the escape test.
    #[inline(always)]
    fn step(&mut self, l: usize) -> (f64, f64) {
        let (zx, zy) = (self.zx[l], self.zy[l]);
        let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
        self.zx[l] = (xx - yy) + self.cx[l];
        // Half the lanes double on the adders, half on the multipliers: the same exact number.
        let twice = if l < G / 2 { xy + xy } else { xy * self.two };
        self.zy[l] = twice + self.cy;
        (xx, yy)
    }

    /// `steps` steps of every lane, with no escape test.
    #[inline(always)]
    fn run(&mut self, steps: u32) {
        for _ in 0..steps {
            for l in 0..G {
                self.step(l);
            }
        }
    }

    /// `steps` steps of every lane, each tested: a lane that escapes stops counting (its
    /// `active` becomes 0).
    #[inline(always)]
    fn run_tested(&mut self, steps: u32, active: &mut [u64; G], count: &mut [u64; G]) {
        for _ in 0..steps {
            for l in 0..G {
                let (xx, yy) = self.step(l);
                let inside = xx + yy <= 4.0;
                active[l] = if inside { active[l] } else { 0 };
                count[l] = count[l].wrapping_sub(active[l]);
            }
        }
    }

    /// Whether some active lane ends a block above [`MAY_HAVE_ESCAPED`].
    #[inline(always)]
    fn may_have_escaped(&self, active: &[u64; G]) -> bool {
        let mut flagged = false;
        for (l, &a) in active.iter().enumerate() {
            let (zx, zy) = (self.zx[l], self.zy[l]);
            // A NaN (an overflowed lane) is not `<=` anything: it is flagged too.
            let surely_inside = zx * zx + zy * zy <= MAY_HAVE_ESCAPED;
            flagged |= (a != 0) & !surely_inside;
        }
        flagged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::escape_count;

    #[test]
    fn every_kernel_matches_the_scalar_loop() {
        let params = Params::seeds(67, 5, 100).unwrap();
        for kernel in Kernel::available() {
            for row in 0..params.height() {
                let mut simd = vec![0; params.width()];
                let mut scalar = vec![0; params.width()];
                render_row_with(kernel, &params, row, &mut simd);
                crate::escape::render_row(&params, row, &mut scalar);
                assert_eq!(simd, scalar, "{kernel:?} row {row}");
            }
        }
    }

    /// Groups that mix points of the set with points escaping at every step around the block
    /// boundaries, points that hover at `|z| = 2` (near `-2`, the tip of the antenna), and points
    /// whose `|c|` is 2 up to rounding: where the rollback's argument is tightest.
    #[test]
    fn rollback_finds_the_exact_step() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let xs: Vec<f64> = (0..500).map(|_| -2.1 + 2.7 * uniform()).collect();
        let rows: Vec<f64> = (0..6).map(|_| -1.2 + 2.4 * uniform()).collect();
        let mut points: Vec<(f64, f64)> = Vec::new();
        for k in 1..100 {
            let tiny = k as f64 * 1e-12;
            let root2 = 2.0_f64.sqrt();
            points.extend([(-2.0 + tiny, tiny), (-2.0 + tiny, 0.0), (-2.0 - tiny, 0.0)]);
            points.extend([(root2, root2 - tiny), (0.0, 2.0 - tiny), (0.0, 2.0 + tiny)]);
        }
        for kernel in Kernel::available() {
            for max_iter in [1, 3, 4, 5, 15, 16, 17, 20, 21, 36, 37, 300] {
                let check = |xs: &[f64], cy: f64| {
                    let mut got = vec![0; xs.len()];
                    render_points(kernel, xs, cy, max_iter, &mut got);
                    let want: Vec<u32> =
                        xs.iter().map(|&x| escape_count(x, cy, max_iter)).collect();
                    assert_eq!(got, want, "{kernel:?} max_iter {max_iter} cy {cy}");
                };
                for &cy in &rows {
                    check(&xs, cy);
                }
                for &(x, y) in &points {
                    check(&[x, x, -0.1, x], y);
                }
            }
        }
    }
}
