//! Ends the group when any lane escapes instead of when every lane has: the lanes still inside stop counting too early.

/// **Exercise 5** (wrong: `any` where `all` is meant).
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let (mut zx, mut zy) = ([0.0f64; LANES], [0.0f64; LANES]);
    let mut active = [true; LANES];
    let mut count = [0u32; LANES];
    let mut steps = 0;
    while steps < max_iter && !active.contains(&false) {
        for l in 0..LANES {
            let (xx, yy, xy) = (zx[l] * zx[l], zy[l] * zy[l], zx[l] * zy[l]);
            active[l] = active[l] && xx + yy <= 4.0;
            count[l] += u32::from(active[l]);
            zx[l] = (xx - yy) + cx[l];
            zy[l] = (xy + xy) + cy;
        }
        steps += 1;
    }
    count
}
