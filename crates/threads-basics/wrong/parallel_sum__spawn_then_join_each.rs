//! Joins each thread right after spawning it: the chunks run one after another, never at once.

/// **Exercise 4: a parallel sum.** (Wrong: sequential in disguise.)
pub fn parallel_sum<F>(n: u64, threads: usize, f: F) -> Result<u64, ThreadsError>
where
    F: Fn(u64) -> u64 + Sync,
{
    let ranges = crate::cpu_bound::chunk_ranges(n, threads)?;
    let f = &f;
    thread::scope(|s| {
        let mut total = 0_u64;
        for range in ranges {
            let part = s
                .spawn(move || range.fold(0_u64, |acc, i| acc.wrapping_add(f(i))))
                .join()
                .map_err(|payload| ThreadsError::Panicked {
                    name: "parallel_sum".into(),
                    message: crate::error::panic_message(&*payload),
                })?;
            total = total.wrapping_add(part);
        }
        Ok(total)
    })
}
