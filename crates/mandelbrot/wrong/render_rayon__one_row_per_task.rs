//! Ignores `band_rows` and makes every row a task of its own: right counts, but not the bands asked for.

/// **Exercise 2** (wrong: rows, not bands).
pub fn render_rayon<F>(params: &Params, band_rows: usize, render_band: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = band_rows;
    let mut counts = vec![0; params.pixels()];
    counts
        .par_chunks_mut(params.width())
        .enumerate()
        .for_each(|(row, out)| render_band(row, out));
    counts
}
