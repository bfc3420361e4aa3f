//! Cuts chunks of `len.div_ceil(threads)` items: 10 items over 4 threads become 3, 3, 3, 1, and over 6 threads only 5 chunks.

/// **Exercise 5: a scoped map.** (Wrong: unbalanced chunks.)
pub fn scoped_map<T, U, F>(items: &[T], threads: usize, f: F) -> Result<Vec<U>, ThreadsError>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    if threads == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    let size = items.len().div_ceil(threads).max(1);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            out.extend(handle.join().map_err(|payload| ThreadsError::Panicked {
                name: "scoped_map".into(),
                message: crate::error::panic_message(&*payload),
            })?);
        }
        Ok(out)
    })
}
