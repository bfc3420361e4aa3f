//! Ends the group when any lane escapes instead of when every lane has: the lanes still inside stop counting too early.

/// **Exercise 5** (wrong: `any` where `all` is meant).
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    let mut lanes = Lanes::default();
    let mut steps = 0;
    while steps < max_iter && !lanes.active.contains(&false) {
        lanes.step(&cx, cy);
        steps += 1;
    }
    lanes.count
}
