//! Joins each worker right after spawning it: the workers deal the rows right but run one after another.

/// **Exercise 3** (wrong: sequential in disguise).
pub fn render_interleaved<F>(params: &Params, workers: usize, render_row: F) -> Vec<u32>
where
    F: Fn(usize, &mut [u32]) + Sync,
{
    let mut counts = vec![0; params.pixels()];
    let hands = deal_rows(
        &mut counts,
        params.width(),
        workers.clamp(1, params.height()),
    );
    let render_row = &render_row;
    thread::scope(|s| {
        for hand in hands {
            s.spawn(move || {
                for (i, row) in hand {
                    render_row(i, row);
                }
            })
            .join()
            .unwrap();
        }
    });
    counts
}
