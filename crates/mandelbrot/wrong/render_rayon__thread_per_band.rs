//! Starts a scoped thread per band instead of using rayon's pool: as many threads as bands, none of them the pool's.

/// **Exercise 2** (wrong: threads of its own).
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let render_band = &render_band;
    thread::scope(|s| {
        for (b, band) in counts.chunks_mut(band_rows * params.width()).enumerate() {
            s.spawn(move || render_band(b * band_rows, band));
        }
    });
    counts
}
