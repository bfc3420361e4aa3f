//! The escape count of one point, and of one row: the loop every strategy runs.
//!
//! A point `c` is in the Mandelbrot set when `z ← z² + c`, started at `z = 0`, stays bounded. The
//! picture colours each pixel by how many steps `z` takes before `|z| > 2` (then it surely escapes).
//! Following the seeds' numba version, the count is the number of steps taken while
//! `zx² + zy² ≤ 4`, capped at `max_iter`: a point of the set counts `max_iter`, and `2 + 2i` counts 1.
//!
//! ## One order of operations, everywhere
//! Every strategy of this lesson must give bit-identical counts, so every one performs the same
//! floating-point operations in the same order for each pixel:
//!
//! ```text
//! xx = zx·zx;  yy = zy·zy;  xy = zx·zy
//! stop unless xx + yy ≤ 4
//! zx = (xx − yy) + cx
//! zy = (xy + xy) + cy
//! ```
//!
//! That is exactly what `num_complex` computes for `z * z + c` (its product is
//! `(a·c − b·d) + (a·d + b·c)i`, and `zy·zx == zx·zy`), and what numba computes up to `2·zx·zy`,
//! which we write `xy + xy` (equal except for subnormal numbers, and the same in every strategy).
//! Rust never fuses a multiply and an add into one FMA behind your back; the SIMD paths do not
//! use FMA either, since a fused result is rounded once instead of twice and would change counts.

use num_complex::Complex64;

use crate::params::Params;

/// The seeds' simple version, with complex numbers: readable, and the reference for the others.
///
/// ```
/// use num_complex::Complex64;
/// assert_eq!(mandelbrot::escape::escape_count_complex(Complex64::new(0.0, 0.0), 100), 100);
/// assert_eq!(mandelbrot::escape::escape_count_complex(Complex64::new(2.0, 2.0), 100), 1);
/// ```
pub fn escape_count_complex(c: Complex64, max_iter: u32) -> u32 {
    let mut z = Complex64::new(0.0, 0.0);
    let mut count = 0;
    while z.norm_sqr() <= 4.0 && count < max_iter {
        z = z * z + c;
        count += 1;
    }
    count
}

/// The seeds' numba kernel, on two `f64`s: the same operations as [`escape_count_complex`], spelt
/// out so the SIMD versions can be checked against it line by line.
///
/// ```
/// assert_eq!(mandelbrot::escape::escape_count(-1.0, 0.0, 250), 250); // a 2-cycle: in the set
/// assert_eq!(mandelbrot::escape::escape_count(1.0, 0.0, 250), 3);   // 0, 1, 2, 5: out
/// ```
#[inline]
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

/// Fills `out` with row `row` of the image, one scalar pixel at a time ([`escape_count`]).
///
/// `out.len()` is the number of columns rendered, normally `params.width()`.
pub fn render_row(params: &Params, row: usize, out: &mut [u32]) {
    let y = params.y_of(row);
    for (j, count) in out.iter_mut().enumerate() {
        *count = escape_count(params.x_of(j), y, params.max_iter());
    }
}

/// Fills `out` (whole rows, `first_row` onward) with the readable complex-number version.
pub fn render_rows_complex(params: &Params, first_row: usize, out: &mut [u32]) {
    for (k, row) in out.chunks_mut(params.width()).enumerate() {
        let y = params.y_of(first_row + k);
        for (j, count) in row.iter_mut().enumerate() {
            *count = escape_count_complex(Complex64::new(params.x_of(j), y), params.max_iter());
        }
    }
}

/// Fills `out` (whole rows, `first_row` onward) with [`render_row`]: a band of the image.
pub fn render_rows(params: &Params, first_row: usize, out: &mut [u32]) {
    for (k, row) in out.chunks_mut(params.width()).enumerate() {
        render_row(params, first_row + k, row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_points() {
        assert_eq!(escape_count(0.0, 0.0, 1000), 1000);
        assert_eq!(escape_count(2.0, 2.0, 1000), 1);
        assert_eq!(escape_count(-2.0, 0.0, 1000), 1000); // the tip: stays at 2
        assert_eq!(escape_count(0.25, 0.0, 50), 50); // the cusp converges slowly to 1/2
        assert_eq!(escape_count(0.0, 0.0, 1), 1);
    }

    #[test]
    fn complex_and_scalar_agree() {
        for k in 0..2000 {
            let cx = -2.2 + 3.0 * (k as f64 * 0.618_033_988_75).fract();
            let cy = -1.5 + 3.0 * (k as f64 * 0.414_213_562_37).fract();
            assert_eq!(
                escape_count(cx, cy, 300),
                escape_count_complex(Complex64::new(cx, cy), 300),
                "at {cx} {cy}"
            );
        }
    }
}
