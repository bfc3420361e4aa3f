//! Calls the lesson's own pool (`crate::ThreadPool::map`, which already catches panics) instead of building one.

/// Exercise 2 (wrong: the lesson's answer).
pub fn run_all_catching<R: Send + 'static>(
    workers: usize,
    jobs: Vec<BoxedJob<R>>,
) -> Vec<Result<R, String>> {
    let pool = ThreadPool::new(workers.max(1)).expect("starting the workers");
    pool.map(|job: BoxedJob<R>| job(), jobs)
        .into_iter()
        .map(|result| result.map_err(|panicked| panicked.message))
        .collect()
}
