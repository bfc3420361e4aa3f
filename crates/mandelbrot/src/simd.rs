//! Several pixels per instruction: the escape loop on vectors of lanes.
//!
//! A modern core can multiply 4 (AVX2) or 8 (AVX-512) `f64`s in one instruction, and start a new
//! multiply every cycle or two, but each multiply takes about 4 cycles to finish. One escape step is
//! a chain of dependent operations (multiply, then add, then add: about 12 cycles) so a loop that
//! follows one pixel, or even one vector of pixels, leaves the core idle most of the time: it is
//! *latency-bound*. The cure is to keep several independent vectors in flight: while vector 0
//! waits for its multiply, vectors 1, 2 and 3 issue theirs.
//!
//! Each kernel here renders a *group* of `LANES × VECTORS` neighbouring pixels of one row:
//!
//! - every step, each lane computes the same operations as [`crate::escape::escape_count`] (no FMA),
//!   checks `xx + yy ≤ 4`, and a sticky `active` mask says whether it is still counting;
//! - a lane that escaped keeps computing (its result is ignored): vectors cannot skip lanes;
//! - the group stops when every lane has escaped, checked every [`CHECK_EVERY`] steps (the
//!   horizontal "is any lane active?" test costs more than a step), or at `max_iter`.
//!
//! Three kernels, chosen at run time with [`Kernel::best`] (no nightly, no `-C target-cpu=native`):
//! - [`Kernel::Portable`]: plain arrays and loops the compiler vectorizes for the baseline target
//!   (SSE2 on x86-64, NEON on aarch64): the version to read first;
//! - [`Kernel::Avx2`]: `std::arch` intrinsics, 4 lanes × 3 vectors;
//! - [`Kernel::Avx512`]: `std::arch` intrinsics, 8 lanes × 4 vectors, with mask registers.

use crate::params::Params;

/// Steps between two checks of "has every lane escaped?".
pub const CHECK_EVERY: u32 = 4;

/// A SIMD implementation of the escape loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// Arrays and loops; the compiler picks the instructions.
    Portable,
    /// AVX2 intrinsics (x86-64 only, when the CPU has AVX2).
    Avx2,
    /// AVX-512F intrinsics (x86-64 only, when the CPU has AVX-512F).
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

    /// Pixels per group: lanes × vectors in flight.
    pub fn group_width(self) -> usize {
        match self {
            Kernel::Portable => portable::GROUP,
            Kernel::Avx2 => 4 * AVX2_VECTORS,
            Kernel::Avx512 => 8 * AVX512_VECTORS,
        }
    }

    /// A short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512 => "avx512",
        }
    }
}

/// Independent AVX2 vectors in flight. Only 16 `ymm` registers: 3 × (zx, zy, cx, active, count)
/// plus temporaries just fit; on Zen 4, 3 measured 25.0 ms at 1280×720, 2 → 26.5, 4 → 27.5 and
/// 8 → 69 ms (spilling to memory).
const AVX2_VECTORS: usize = 3;
/// Independent AVX-512 vectors in flight (32 `zmm` registers: no spilling; 6 measured the same).
const AVX512_VECTORS: usize = 4;
/// The widest group of any kernel: the size of the stack buffers below.
const MAX_GROUP: usize = 64;

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

/// Fills `out` with row `row` using `kernel`.
///
/// # Panics
/// If this CPU does not run `kernel` ([`Kernel::is_available`]).
pub fn render_row_with(kernel: Kernel, params: &Params, row: usize, out: &mut [u32]) {
    assert!(
        kernel.is_available(),
        "{kernel:?} is not supported by this CPU"
    );
    let group = kernel.group_width();
    let cy = params.y_of(row);
    let mut cx = [0.0f64; MAX_GROUP];
    let mut counts = [0u32; MAX_GROUP];
    for (g, chunk) in out.chunks_mut(group).enumerate() {
        // The last group of a row may be partial: its extra lanes compute pixels past the edge
        // (same formula) and are not copied out.
        for (l, x) in cx[..group].iter_mut().enumerate() {
            *x = params.x_of(g * group + l);
        }
        let (cx, counts) = (&cx[..group], &mut counts[..group]);
        match kernel {
            Kernel::Portable => portable::group(cx, cy, params.max_iter(), counts),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `is_available` (asserted above) detected AVX2 on this CPU.
            Kernel::Avx2 => unsafe {
                x86::group_avx2::<AVX2_VECTORS>(cx, cy, params.max_iter(), counts)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `is_available` (asserted above) detected AVX-512F on this CPU.
            Kernel::Avx512 => unsafe {
                x86::group_avx512::<AVX512_VECTORS>(cx, cy, params.max_iter(), counts)
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("only the portable kernel exists off x86-64"),
        }
        chunk.copy_from_slice(&counts[..chunk.len()]);
    }
}

/// The portable kernel: plain arrays of `f64`, branch-free, so the compiler turns each loop over
/// the lanes into vector instructions.
mod portable {
    /// Pixels per group (the compiler splits them into as many vectors as the target has).
    pub const GROUP: usize = 16;

    /// Escape counts of the points `cx[l] + cy·i` into `out[l]`.
    pub fn group(cx: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
        let cx: &[f64; GROUP] = cx.try_into().expect("a full group");
        let mut zx = [0.0f64; GROUP];
        let mut zy = [0.0f64; GROUP];
        // 1.0 while counting, 0.0 once escaped: adding it to the count needs no branch.
        let mut active = [1.0f64; GROUP];
        let mut count = [0.0f64; GROUP];
        let mut done = 0;
        while done < max_iter {
            let steps = (max_iter - done).min(super::CHECK_EVERY);
            for _ in 0..steps {
                for l in 0..GROUP {
                    let (xx, yy, xy) = (zx[l] * zx[l], zy[l] * zy[l], zx[l] * zy[l]);
                    active[l] = if xx + yy <= 4.0 { active[l] } else { 0.0 };
                    count[l] += active[l];
                    zx[l] = (xx - yy) + cx[l];
                    zy[l] = (xy + xy) + cy;
                }
            }
            done += steps;
            if active.iter().all(|&a| a == 0.0) {
                break;
            }
        }
        for (o, c) in out.iter_mut().zip(count) {
            *o = c as u32;
        }
    }
}

/// The hand-written x86-64 kernels.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// AVX2: `V` vectors of 4 lanes. `cx.len() == out.len() == 4 * V`.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn group_avx2<const V: usize>(cx: &[f64], cy: f64, max_iter: u32, out: &mut [u32]) {
        assert!(cx.len() == 4 * V && out.len() == 4 * V);
        let four = _mm256_set1_pd(4.0);
        let cyv = _mm256_set1_pd(cy);
        // SAFETY: `cx` holds 4·V values (asserted), so each 4-lane load is in bounds.
        let cxv: [__m256d; V] =
            std::array::from_fn(|v| unsafe { _mm256_loadu_pd(cx.as_ptr().add(4 * v)) });
        let mut zx = [_mm256_setzero_pd(); V];
        let mut zy = [_mm256_setzero_pd(); V];
        // All ones while counting: as an integer that is -1, so `count - active` adds one.
        let mut active = [_mm256_castsi256_pd(_mm256_set1_epi64x(-1)); V];
        let mut count = [_mm256_setzero_si256(); V];
        let mut done = 0;
        while done < max_iter {
            let steps = (max_iter - done).min(super::CHECK_EVERY);
            for _ in 0..steps {
                for v in 0..V {
                    let xx = _mm256_mul_pd(zx[v], zx[v]);
                    let yy = _mm256_mul_pd(zy[v], zy[v]);
                    let xy = _mm256_mul_pd(zx[v], zy[v]);
                    let inside = _mm256_cmp_pd::<_CMP_LE_OQ>(_mm256_add_pd(xx, yy), four);
                    active[v] = _mm256_and_pd(active[v], inside);
                    count[v] = _mm256_sub_epi64(count[v], _mm256_castpd_si256(active[v]));
                    zx[v] = _mm256_add_pd(_mm256_sub_pd(xx, yy), cxv[v]);
                    zy[v] = _mm256_add_pd(_mm256_add_pd(xy, xy), cyv);
                }
            }
            done += steps;
            let any = active.iter().fold(0, |acc, a| acc | _mm256_movemask_pd(*a));
            if any == 0 {
                break;
            }
        }
        for v in 0..V {
            let mut lanes = [0i64; 4];
            // SAFETY: `lanes` is 4 × 64 bits, the size of one `__m256i` (unaligned store).
            unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), count[v]) };
            for (l, c) in lanes.into_iter().enumerate() {
                out[4 * v + l] = c as u32;
            }
        }
    }

    /// AVX-512F: `V` vectors of 8 lanes, with the active lanes in mask registers.
    /// `cx.len() == out.len() == 8 * V`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn group_avx512<const V: usize>(
        cx: &[f64],
        cy: f64,
        max_iter: u32,
        out: &mut [u32],
    ) {
        assert!(cx.len() == 8 * V && out.len() == 8 * V);
        let four = _mm512_set1_pd(4.0);
        let cyv = _mm512_set1_pd(cy);
        let one = _mm512_set1_epi64(1);
        // SAFETY: `cx` holds 8·V values (asserted), so each 8-lane load is in bounds.
        let cxv: [__m512d; V] =
            std::array::from_fn(|v| unsafe { _mm512_loadu_pd(cx.as_ptr().add(8 * v)) });
        let mut zx = [_mm512_setzero_pd(); V];
        let mut zy = [_mm512_setzero_pd(); V];
        let mut active: [__mmask8; V] = [0xff; V];
        let mut count = [_mm512_setzero_si512(); V];
        let mut done = 0;
        while done < max_iter {
            let steps = (max_iter - done).min(super::CHECK_EVERY);
            for _ in 0..steps {
                for v in 0..V {
                    let xx = _mm512_mul_pd(zx[v], zx[v]);
                    let yy = _mm512_mul_pd(zy[v], zy[v]);
                    let xy = _mm512_mul_pd(zx[v], zy[v]);
                    // Compare only the lanes still active: the mask stays sticky for free.
                    active[v] = _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(
                        active[v],
                        _mm512_add_pd(xx, yy),
                        four,
                    );
                    count[v] = _mm512_mask_add_epi64(count[v], active[v], count[v], one);
                    zx[v] = _mm512_add_pd(_mm512_sub_pd(xx, yy), cxv[v]);
                    zy[v] = _mm512_add_pd(_mm512_add_pd(xy, xy), cyv);
                }
            }
            done += steps;
            if active.iter().all(|&a| a == 0) {
                break;
            }
        }
        for v in 0..V {
            let mut lanes = [0i64; 8];
            // SAFETY: `lanes` is 8 × 64 bits, the size of one `__m512i` (unaligned store).
            unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), count[v]) };
            for (l, c) in lanes.into_iter().enumerate() {
                out[8 * v + l] = c as u32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape;

    #[test]
    fn every_kernel_matches_the_scalar_loop() {
        let params = Params::seeds(67, 5, 100).unwrap();
        for kernel in Kernel::available() {
            for row in 0..params.height() {
                let mut simd = vec![0; params.width()];
                let mut scalar = vec![0; params.width()];
                render_row_with(kernel, &params, row, &mut simd);
                escape::render_row(&params, row, &mut scalar);
                assert_eq!(simd, scalar, "{kernel:?} row {row}");
            }
        }
    }
}
