//! Several pixels per instruction: the escape loop on groups of lanes.
//!
//! A core of the development machine (Zen 4) can start one 8-lane multiply and one 8-lane add per
//! cycle, but each takes 3 cycles to finish. One escape step is a chain of dependent operations
//! (a multiply, then a subtraction, then an addition: 9 cycles) so a loop that follows one pixel,
//! or even one vector of pixels, leaves the core idle most of the time: it is *latency-bound*.
//! The cure is to keep several independent vectors in flight: while vector 0 waits for its
//! multiply, vectors 1, 2 and 3 issue theirs. (The README's roofline section does the arithmetic.)
//!
//! So a kernel here renders a *group* of points of one row at once, as plain arrays with one
//! element per lane (`zx: [f64; G]`), and loops over the lanes with no branch: the compiler turns
//! each such loop into vector instructions. What makes it fast:
//!
//! - **Enough lanes.** `G` is several vectors wide (32 lanes = 4 vectors of 8 with AVX-512).
//! - **Testing escape rarely.** A group runs [`BLOCK`] steps with no test at all (the test and the
//!   counting cost as much as a step), then looks at every lane once. If a lane may have escaped
//!   during the block, the group goes back to the state saved before it and redoes it testing at
//!   every step, which finds the exact step. Rolling back loses a block's work but only happens
//!   near the border of the set; in the interior, where the time goes, it never does. Why a lane
//!   that escaped cannot hide by the end of a block: see [`MAY_HAVE_ESCAPED`].
//! - **Sharing the work between adders and multipliers.** A step is 3 multiplies and 4 additions:
//!   the adders are the bottleneck. Doubling `xy` by `xy * 2` instead of `xy + xy` (the same number,
//!   exactly: doubling is exact in binary floating point) moves work to the multipliers; half of
//!   the lanes do it, so each unit does 3.5 operations per step.
//! - **Passes.** A group lasts as long as its slowest lane: one point of the set among 31 that
//!   escape at once keeps them all busy for `max_iter` steps. So the points of a row go through
//!   passes of growing length ([`FIRST_PASS`] steps, then [`PASS_GROWTH`] times longer each time,
//!   [`PASS_GROWTH_CYCLES`] with [`Cycles::Skip`]), and each pass packs the survivors of the one
//!   before into full groups.
//!
//! With [`Cycles::Skip`] (the `smart` strategy), a lane whose orbit comes back exactly to where
//! it was stops early: it can never escape.
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

use std::cell::RefCell;

use crate::params::Params;

/// Steps of the first pass over all the points: most pixels outside the set escape within it.
///
/// Each later pass costs a repacking of its points; 64 measured 2–3% faster than 16 or 32 on
/// both the whole seeds' view and `smart`'s border points.
pub const FIRST_PASS: u32 = 64;

/// How much longer each pass is than the one before.
pub const PASS_GROWTH: u32 = 4;

/// How much longer each pass is than the one before, with [`Cycles::Skip`].
///
/// Without cycle skipping, most points that outlive the first pass are points of the set that
/// run to `max_iter`: long passes repack them rarely. With it, they stop whenever their orbit
/// is caught repeating, at scattered steps, and each leaves an idle lane until its pass ends:
/// shorter passes refill those lanes sooner (3% of `smart`'s time; the same change costs
/// `simd-rayon` 6%).
pub const PASS_GROWTH_CYCLES: u32 = 2;

/// Steps a group runs without testing escape.
///
/// Longer blocks test less often but lose more work when they roll back; 8 to 24 measured the
/// same on the development machine. It must stay small enough for [`MAY_HAVE_ESCAPED`]'s argument.
pub const BLOCK: u32 = 16;

/// Steps tested one by one at the start of the first pass: most points outside the set escape
/// within a few steps, and an untested block there would only be rolled back. (A group whose
/// lanes have all escaped stops there; 16 measured 2% faster than 8.)
pub const FIRST_TESTED: u32 = 16;

/// Steps tested one by one at the start of each later pass.
pub const PASS_TESTED: u32 = 4;

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
    render_span(kernel, params, row, 0, Cycles::Iterate, out);
}

/// What to do with a point whose orbit comes back, bit for bit, to a state it was in before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycles {
    /// Iterate it to `max_iter` like any other: every iteration is computed.
    Iterate,
    /// Stop it there with the count `max_iter`, and report the iterations skipped.
    ///
    /// This is exact: the loop is deterministic, so an orbit that repeats one state repeats all
    /// the states after it, tests included, and none of those failed. Points of the set
    /// converge to their attracting cycle and, within rounding, often land on it exactly. It is
    /// checked at the end of blocks against a snapshot taken 16, 32, 64, … steps into each pass
    /// (Brent's method): a cycle of period `p` is found once the snapshot is `16p` steps old.
    Skip,
}

/// Fills `out` with the columns `first_column..first_column + out.len()` of row `row`; returns
/// the iterations skipped (only with [`Cycles::Skip`]).
///
/// # Panics
/// If this CPU does not run `kernel`.
pub fn render_span(
    kernel: Kernel,
    params: &Params,
    row: usize,
    first_column: usize,
    cycles: Cycles,
    out: &mut [u32],
) -> u64 {
    let x = |k: usize| params.x_of(first_column + k);
    dispatch(kernel, x, params.y_of(row), params.max_iter(), cycles, out)
}

/// Escape counts of any points `xs[k] + cy·i` into `out[k]`; returns the iterations skipped
/// (only with [`Cycles::Skip`]).
///
/// # Panics
/// If `xs` and `out` differ in length, or this CPU does not run `kernel`.
pub fn render_points(
    kernel: Kernel,
    xs: &[f64],
    cy: f64,
    max_iter: u32,
    cycles: Cycles,
    out: &mut [u32],
) -> u64 {
    assert_eq!(xs.len(), out.len(), "one count per point");
    dispatch(kernel, |k| xs[k], cy, max_iter, cycles, out)
}

/// Renders `out.len()` points of one row, the `k`-th at `x(k) + cy·i`, with `kernel`.
fn dispatch<X: Fn(usize) -> f64>(
    kernel: Kernel,
    x: X,
    cy: f64,
    max_iter: u32,
    cycles: Cycles,
    out: &mut [u32],
) -> u64 {
    match cycles {
        Cycles::Iterate => on_kernel::<false, X>(kernel, x, cy, max_iter, out),
        Cycles::Skip => on_kernel::<true, X>(kernel, x, cy, max_iter, out),
    }
}

fn on_kernel<const CYCLES: bool, X: Fn(usize) -> f64>(
    kernel: Kernel,
    x: X,
    cy: f64,
    max_iter: u32,
    out: &mut [u32],
) -> u64 {
    assert!(
        kernel.is_available(),
        "{kernel:?} is not supported by this CPU"
    );
    // The survivors are borrowed here, outside the kernels: the kernel's loops must be inlined
    // into the `#[target_feature]` function, and a closure handed to `LocalKey::with` inside it
    // is a separate function, compiled for the baseline target (which made the AVX2 kernel run
    // SSE2 code, no faster than the portable one).
    SURVIVORS.with_borrow_mut(|passes| match kernel {
        Kernel::Portable => points::<PORTABLE_LANES, CYCLES, X>(x, cy, max_iter, out, passes),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_available` (asserted above) detected AVX2 on this CPU.
        Kernel::Avx2 => unsafe { x86::points_avx2::<CYCLES, X>(x, cy, max_iter, out, passes) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `is_available` (asserted above) detected AVX-512F on this CPU.
        Kernel::Avx512 => unsafe { x86::points_avx512::<CYCLES, X>(x, cy, max_iter, out, passes) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => unreachable!("only the portable kernel exists off x86-64"),
    })
}

/// The x86-64 kernels: the generic code below, compiled with wider vectors enabled.
///
/// `#[inline(always)]` on [`points`] and [`group`] puts their whole body inside these functions,
/// where the compiler may use the enabled instructions. Calling one is `unsafe`: on a CPU without
/// the feature it would execute an illegal instruction.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{AVX2_LANES, AVX512_LANES, Passes, points};

    /// [`points`] with AVX2: 4 lanes per vector.
    #[target_feature(enable = "avx2")]
    pub(super) fn points_avx2<const CYCLES: bool, X: Fn(usize) -> f64>(
        x: X,
        cy: f64,
        max_iter: u32,
        out: &mut [u32],
        passes: &mut Passes,
    ) -> u64 {
        points::<AVX2_LANES, CYCLES, X>(x, cy, max_iter, out, passes)
    }

    /// [`points`] with AVX-512F: 8 lanes per vector.
    #[target_feature(enable = "avx512f")]
    pub(super) fn points_avx512<const CYCLES: bool, X: Fn(usize) -> f64>(
        x: X,
        cy: f64,
        max_iter: u32,
        out: &mut [u32],
        passes: &mut Passes,
    ) -> u64 {
        points::<AVX512_LANES, CYCLES, X>(x, cy, max_iter, out, passes)
    }
}

/// Where the points still iterating have got to, between two passes.
#[derive(Debug, Default)]
struct Survivors {
    /// Each survivor's position in the row's points.
    index: Vec<usize>,
    zx: Vec<f64>,
    zy: Vec<f64>,
}

impl Survivors {
    fn clear(&mut self) {
        self.index.clear();
        self.zx.clear();
        self.zy.clear();
    }

    /// Room for `more` pushes, made before a group's loop over its lanes so that no push in it
    /// reallocates.
    fn reserve(&mut self, more: usize) {
        self.index.reserve(more);
        self.zx.reserve(more);
        self.zy.reserve(more);
    }

    fn push(&mut self, index: usize, zx: f64, zy: f64) {
        self.index.push(index);
        self.zx.push(zx);
        self.zy.push(zy);
    }
}

/// The survivors of this pass and of the next.
type Passes = (Survivors, Survivors);

thread_local! {
    /// Each thread's survivors of this pass and of the next, kept from row to row. Allocating
    /// them afresh for every row made the allocator give the pages back to the system and fault
    /// them in again, row after row: a quarter of the render time with two threads.
    static SURVIVORS: RefCell<Passes> = RefCell::default();
}

/// Renders the points in passes of growing length: the first pass runs every point for
/// [`FIRST_PASS`] steps, the next runs the survivors [`PASS_GROWTH`] (or [`PASS_GROWTH_CYCLES`])
/// times longer, and so on.
/// Each pass packs its survivors into full groups, so a long-lived point no longer holds up a
/// group of points that escaped early. Returns the iterations skipped by cycles (`CYCLES` only).
#[inline(always)]
fn points<const G: usize, const CYCLES: bool, X: Fn(usize) -> f64>(
    x: X,
    cy: f64,
    max_iter: u32,
    out: &mut [u32],
    (this_pass, next_pass): &mut Passes,
) -> u64 {
    let mut pass = Pass {
        from: 0,
        to: FIRST_PASS.min(max_iter),
        max_iter,
        cy,
        skipped: 0,
    };
    // The first pass takes the points in order, straight from `x`.
    this_pass.clear();
    let n = out.len();
    for start in (0..n).step_by(G) {
        let point = |l: usize| (start + l, x(start + l), 0.0, 0.0);
        pass.group::<G, CYCLES>((n - start).min(G), point, out, this_pass);
    }
    let growth = if CYCLES {
        PASS_GROWTH_CYCLES
    } else {
        PASS_GROWTH
    };
    while !this_pass.index.is_empty() {
        (pass.from, pass.to) = (pass.to, pass.to.saturating_mul(growth).min(max_iter));
        next_pass.clear();
        let alive = &*this_pass;
        for start in (0..alive.index.len()).step_by(G) {
            let end = (start + G).min(alive.index.len());
            let index = &alive.index[start..end];
            let (zx, zy) = (&alive.zx[start..end], &alive.zy[start..end]);
            let point = |l: usize| (index[l], x(index[l]), zx[l], zy[l]);
            pass.group::<G, CYCLES>(end - start, point, out, next_pass);
        }
        std::mem::swap(this_pass, next_pass);
    }
    pass.skipped
}

/// One pass: steps `from..to` for every point still going.
struct Pass {
    from: u32,
    to: u32,
    max_iter: u32,
    cy: f64,
    /// Iterations skipped by cycles so far.
    skipped: u64,
}

impl Pass {
    /// Runs the `used` points given by `point(lane) = (index, cx, zx, zy)` as one group; writes
    /// the count of each point that finished into `out`, and the others to `survivors`.
    #[inline(always)]
    fn group<const G: usize, const CYCLES: bool>(
        &mut self,
        used: usize,
        point: impl Fn(usize) -> (usize, f64, f64, f64),
        out: &mut [u32],
        survivors: &mut Survivors,
    ) {
        // Plain arrays first, then moved into `Lanes` whole: indexing `Lanes` with a run-time
        // lane number would keep it in memory instead of vector registers. Lanes past `used`
        // keep the far-out point: it escapes at once and is ignored.
        let (mut index, mut cx, mut zx, mut zy) = ([0; G], [FAR_OUT; G], [0.0; G], [0.0; G]);
        for l in 0..used {
            (index[l], cx[l], zx[l], zy[l]) = point(l);
        }
        let lanes = Lanes::new(cx, self.cy, zx, zy);
        let end = group::<G, CYCLES>(lanes, self.from, self.to, self.max_iter);
        self.skipped += end.in_cycles;
        survivors.reserve(G);
        for l in 0..used {
            let count = end.count[l];
            if count == u64::from(self.to) && self.to < self.max_iter {
                survivors.push(index[l], end.zx[l], end.zy[l]);
            } else {
                // At most `max_iter`, which is a `u32`.
                out[index[l]] = count as u32;
            }
        }
    }
}

/// Where a group's lanes stand after [`group`].
///
/// Aligned to a cache line: whole vectors are written into it and read back, and a vector that
/// straddles two lines costs two accesses (3% of `smart`'s time when the stack frame happened
/// to place it across lines).
#[repr(align(64))]
struct GroupEnd<const G: usize> {
    /// Each lane's count: its escape count if it escaped, `max_iter` if it was caught in a cycle
    /// (`CYCLES` only), the pass's end if it is still going.
    count: [u64; G],
    /// The lanes' `z`, to go on from in the next pass.
    zx: [f64; G],
    zy: [f64; G],
    /// Iterations skipped by cycles.
    in_cycles: u64,
}

/// Runs a group of lanes from step `from` to step `to`.
#[inline(always)]
fn group<const G: usize, const CYCLES: bool>(
    mut lanes: Lanes<G>,
    from: u32,
    to: u32,
    max_iter: u32,
) -> GroupEnd<G> {
    // All ones while a lane counts, zero once it escaped: `count - active` adds one, branch-free.
    let mut active = [u64::MAX; G];
    // Steps each lane survived so far.
    let mut count = [u64::from(from); G];
    let mut cycles = CycleCheck::new(&lanes, from);
    let mut done = from;
    let mut tested = if from == 0 { FIRST_TESTED } else { PASS_TESTED };
    'run: while done < to {
        // Steps with a test at each: the start of a pass, or a block that was rolled back.
        let steps = tested.min(to - done);
        lanes.run_tested(steps, &mut active, &mut count);
        done += steps;
        if CYCLES {
            cycles.retire(&lanes, done, max_iter, &mut active, &mut count);
        }
        if none_active(&active) {
            break;
        }
        // Untested blocks, until one may have crossed an escape.
        while done < to {
            let steps = BLOCK.min(to - done);
            let saved = (lanes.zx, lanes.zy);
            lanes.run(steps);
            if lanes.may_have_escaped(&active) {
                // Roll back, and redo these steps with a test at each: exact counts.
                (lanes.zx, lanes.zy) = saved;
                tested = steps;
                continue 'run;
            }
            for (c, a) in count.iter_mut().zip(active) {
                *c += u64::from(steps) & a;
            }
            done += steps;
            if CYCLES {
                cycles.retire(&lanes, done, max_iter, &mut active, &mut count);
                if none_active(&active) {
                    break 'run;
                }
            }
        }
    }
    GroupEnd {
        count,
        zx: lanes.zx,
        zy: lanes.zy,
        in_cycles: cycles.skipped,
    }
}

/// Whether every lane has stopped. An OR of all lanes rather than `all(..)`, whose early exit
/// would turn the vector test into a loop over the lanes (measured: 10% of `smart`'s time).
#[inline(always)]
fn none_active<const G: usize>(active: &[u64; G]) -> bool {
    active.iter().fold(0, |acc, &a| acc | a) == 0
}

/// Brent's cycle detection on every lane: a snapshot of the lanes, retaken 16, 32, 64… steps
/// into the pass.
struct CycleCheck<const G: usize> {
    zx: [f64; G],
    zy: [f64; G],
    /// The step at which the pass started.
    from: u32,
    /// How many steps into the pass the next snapshot is taken.
    next_snapshot: u32,
    /// Iterations not computed because their lane was caught in a cycle.
    skipped: u64,
}

impl<const G: usize> CycleCheck<G> {
    #[inline(always)]
    fn new(lanes: &Lanes<G>, from: u32) -> Self {
        CycleCheck {
            zx: lanes.zx,
            zy: lanes.zy,
            from,
            next_snapshot: BLOCK,
            skipped: 0,
        }
    }

    /// After `done` steps: every active lane back at its snapshot, bit for bit, is periodic and
    /// never escapes. It stops with the count `max_iter`.
    #[inline(always)]
    fn retire(
        &mut self,
        lanes: &Lanes<G>,
        done: u32,
        max_iter: u32,
        active: &mut [u64; G],
        count: &mut [u64; G],
    ) {
        let mut retired_lanes = 0;
        for l in 0..G {
            let back = (lanes.zx[l].to_bits() == self.zx[l].to_bits())
                & (lanes.zy[l].to_bits() == self.zy[l].to_bits());
            // All ones for an active lane that is back, zero otherwise: masks, no branches.
            let retired = active[l] & 0u64.wrapping_sub(u64::from(back));
            retired_lanes += retired & 1;
            count[l] = (count[l] & !retired) | (u64::from(max_iter) & retired);
            active[l] &= !retired;
        }
        self.skipped += retired_lanes * u64::from(max_iter - done);
        let into_pass = done - self.from;
        if into_pass >= self.next_snapshot {
            (self.zx, self.zy) = (lanes.zx, lanes.zy);
            self.next_snapshot = into_pass.saturating_mul(2);
        }
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
    fn new(cx: [f64; G], cy: f64, zx: [f64; G], zy: [f64; G]) -> Self {
        Lanes {
            cx,
            cy,
            zx,
            zy,
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

    /// Up to `steps` steps of every lane, each tested: a lane that escapes stops counting (its
    /// `active` becomes 0). Stops early once every lane has escaped: neighbouring points of the
    /// picture's outer region escape within a step or two of each other, and a group of them
    /// would otherwise run all its tested steps for nothing (3% of `smart`'s time).
    #[inline(always)]
    fn run_tested(&mut self, steps: u32, active: &mut [u64; G], count: &mut [u64; G]) {
        for _ in 0..steps {
            for l in 0..G {
                let (xx, yy) = self.step(l);
                let inside = xx + yy <= 4.0;
                active[l] = if inside { active[l] } else { 0 };
                count[l] = count[l].wrapping_sub(active[l]);
            }
            if none_active(active) {
                return;
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
            for max_iter in [
                1, 3, 4, 5, 15, 16, 17, 20, 21, 36, 37, 63, 64, 65, 80, 81, 257, 300,
            ] {
                let check = |xs: &[f64], cy: f64| {
                    let mut got = vec![0; xs.len()];
                    let want: Vec<u32> =
                        xs.iter().map(|&x| escape_count(x, cy, max_iter)).collect();
                    for cycles in [Cycles::Iterate, Cycles::Skip] {
                        render_points(kernel, xs, cy, max_iter, cycles, &mut got);
                        assert_eq!(
                            got, want,
                            "{kernel:?} {cycles:?} max_iter {max_iter} cy {cy}"
                        );
                    }
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
