//! Computes `zx² − zy²` and `2·zx·zy` with fused multiply-adds, which round once instead of twice and change counts near the border.

/// **Exercise 1** (wrong: `mul_add` is not the lesson's order of operations).
pub fn escape_count(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let (mut zx, mut zy) = (0.0f64, 0.0f64);
    let mut count = 0;
    while count < max_iter {
        let yy = zy * zy;
        if zx * zx + yy > 4.0 {
            break;
        }
        let next_zx = zx.mul_add(zx, -yy) + cx;
        zy = (zx + zx).mul_add(zy, cy);
        zx = next_zx;
        count += 1;
    }
    count
}
