//! Computes every `f(i)` on the caller and hands the values to the lesson's own `scoped::scoped_chunk_sums`.

use crate::scoped::scoped_chunk_sums;

/// **Exercise 4: a parallel sum.** (Wrong: the lesson does the work.)
pub fn parallel_sum<F>(n: u64, threads: usize, f: F) -> Result<u64, ThreadsError>
where
    F: Fn(u64) -> u64 + Sync,
{
    let values: Vec<u64> = (0..n).map(f).collect();
    let sums = scoped_chunk_sums(&values, threads)?;
    Ok(sums.into_iter().fold(0, u64::wrapping_add))
}
