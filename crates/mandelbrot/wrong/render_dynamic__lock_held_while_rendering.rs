//! Takes the next row in a `while let` on the lock, whose guard lives through the loop body: one worker renders while the others wait for the lock.

/// One worker (wrong: holds the queue's lock while it renders).
fn take_rows(rows: &RowQueue<'_>, render_row: &(impl Fn(usize, &mut [u32]) + Sync)) {
    while let Some((i, row)) = rows.lock().unwrap().next() {
        render_row(i, row);
    }
}
