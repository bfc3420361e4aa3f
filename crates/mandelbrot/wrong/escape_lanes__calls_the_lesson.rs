//! Runs the lesson's scalar loop once per lane: right counts, but no lanes in lockstep.

/// **Exercise 5** (wrong: the lesson's scalar answer, lane by lane).
pub fn escape_lanes(cx: [f64; LANES], cy: f64, max_iter: u32) -> [u32; LANES] {
    cx.map(|x| crate::escape::escape_count(x, cy, max_iter))
}
