//! Takes the next row in a `while let` on the lock, whose guard lives through the loop body: one worker renders while the others wait for the lock.

/// **Exercise 4** (wrong: one global lock around the work).
pub fn render_dynamic<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let rows = Mutex::new(counts.chunks_mut(params.width()).enumerate());
    let (rows, render_row) = (&rows, &render_row);
    thread::scope(|s| {
        for _ in 0..workers.clamp(1, params.height()) {
            s.spawn(move || {
                while let Some((i, row)) = rows.lock().unwrap().next() {
                    render_row(i, row);
                }
            });
        }
    });
    counts
}
