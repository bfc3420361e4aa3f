//! Queues one job per number: every square pays a trip through the pool's queue.

/// Exercise 5 (wrong: far too small chunks).
pub fn sum_of_squares(pool: &ThreadPool, n: u64) -> u64 {
    pool.map(|i: u64| i * i, 0..n)
        .into_iter()
        .map(|r| r.expect("squaring does not panic"))
        .sum()
}
