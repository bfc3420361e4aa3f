//! Starts a thread for every row instead of `workers` threads that come back for more.

/// **Exercise 4** (wrong: unbounded threads).
pub fn render_dynamic<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let _ = workers;
    let mut counts = vec![0; params.pixels()];
    let render_row = &render_row;
    thread::scope(|s| {
        for (i, row) in counts.chunks_mut(params.width()).enumerate() {
            s.spawn(move || render_row(i, row));
        }
    });
    counts
}
