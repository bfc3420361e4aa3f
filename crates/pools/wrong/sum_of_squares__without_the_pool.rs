//! Sums the squares on the calling thread: the pool it was handed does nothing.

/// Exercise 5 (wrong: no pool).
pub fn sum_of_squares(pool: &ThreadPool, n: u64) -> u64 {
    let _ = pool;
    (0..n).map(|i| i * i).sum()
}
