//! Starts a thread for every job and reads panics from `join`: as many threads as jobs, not a pool.

/// Exercise 2 (wrong: a thread per job).
pub fn run_all_catching<R: Send + 'static>(
    workers: usize,
    jobs: Vec<BoxedJob<R>>,
) -> Vec<Result<R, String>> {
    let _ = workers;
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .map(|handle| {
            handle.join().map_err(|payload| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default()
            })
        })
        .collect()
}
