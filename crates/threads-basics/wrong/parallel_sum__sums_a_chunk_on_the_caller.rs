//! Sums the first chunk on the calling thread while the others run: one thread fewer than asked, and work on the caller.

/// **Exercise 4: a parallel sum.** (Wrong: the caller does a share.)
pub fn parallel_sum<F>(n: u64, threads: usize, f: F) -> Result<u64, ThreadsError>
where
    F: Fn(u64) -> u64 + Sync,
{
    let mut ranges = crate::cpu_bound::chunk_ranges(n, threads)?;
    let first = ranges.remove(0);
    let f = &f;
    let sum = move |range: std::ops::Range<u64>| range.fold(0_u64, |acc, i| acc.wrapping_add(f(i)));
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| s.spawn(move || sum(range)))
            .collect();
        // Why wait idle? The caller takes the first chunk itself.
        let mut total = sum(first);
        for handle in handles {
            let part = handle.join().map_err(|payload| ThreadsError::Panicked {
                name: "parallel_sum".into(),
                message: crate::error::panic_message(&*payload),
            })?;
            total = total.wrapping_add(part);
        }
        Ok(total)
    })
}
