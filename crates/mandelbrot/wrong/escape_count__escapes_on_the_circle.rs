//! Stops when `|z|² ≥ 4` instead of `> 4`, so points that stay on the circle `|z| = 2` (like −2) count as escaped.

/// **Exercise 1** (wrong: the circle itself is inside).
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let (mut zx, mut zy) = (0.0f64, 0.0f64);
    let mut count = 0;
    while count < max_iter {
        let (xx, yy, xy) = (zx * zx, zy * zy, zx * zy);
        if xx + yy >= 4.0 {
            break;
        }
        zx = (xx - yy) + cx;
        zy = (xy + xy) + cy;
        count += 1;
    }
    count
}
