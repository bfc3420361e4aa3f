//! Renders with the lesson's own rayon strategy instead of scheduling the bands itself.

/// **Exercise 2** (wrong: the lesson's answer, not the student's).
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = (band_rows, render_band);
    let mut counts = vec![0; params.pixels()];
    crate::strategies::rayon_rows(params, &mut counts);
    counts
}
