//! Runs every job on the calling thread, one after another: no worker, nothing at once.

/// Exercise 2 (wrong: sequential, on the caller's thread).
pub fn run_all_catching<R: Send + 'static>(
    workers: usize,
    jobs: Vec<BoxedJob<R>>,
) -> Vec<Result<R, String>> {
    let _ = workers;
    jobs.into_iter()
        .map(|job| {
            catch_unwind(AssertUnwindSafe(job)).map_err(|payload| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default()
            })
        })
        .collect()
}
