//! Queues the whole sum as one job: one worker works, the others have nothing to do.

/// Exercise 5 (wrong: one chunk for all).
pub fn sum_of_squares(pool: &ThreadPool, n: u64) -> u64 {
    pool.submit(move || (0..n).map(|i| i * i).sum::<u64>())
        .wait()
        .expect("squaring does not panic")
}
