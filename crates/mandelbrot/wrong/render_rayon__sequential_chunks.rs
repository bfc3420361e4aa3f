//! Uses `chunks_mut` where `par_chunks_mut` is asked for: the bands render one after another on the calling thread.

/// **Exercise 2** (wrong: sequential).
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    for (b, band) in counts.chunks_mut(band_rows * params.width()).enumerate() {
        render_band(b * band_rows, band);
    }
    counts
}
