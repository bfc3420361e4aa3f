//! Counts every lane on every step the group runs: without an escape mask, escaped lanes go on counting until the slowest lane is done.

/// **Exercise 5** (wrong: no mask).
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let (mut zx, mut zy) = ([0.0f64; LANES], [0.0f64; LANES]);
    let mut count = [0u32; LANES];
    let mut steps = 0;
    while steps < max_iter {
        let mut any_inside = false;
        for l in 0..LANES {
            let (xx, yy, xy) = (zx[l] * zx[l], zy[l] * zy[l], zx[l] * zy[l]);
            any_inside |= xx + yy <= 4.0;
            zx[l] = (xx - yy) + cx[l];
            zy[l] = (xy + xy) + cy;
        }
        if !any_inside {
            break;
        }
        count = count.map(|c| c + 1);
        steps += 1;
    }
    count
}
