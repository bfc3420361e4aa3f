//! Starts the named threads with the lesson's own `never_ending::TimedHandle` instead of `thread::Builder`.

use crate::never_ending::{Joined, TimedHandle};

/// **Exercise 1: named threads.** (Wrong: the lesson does the work.)
pub fn run_named<T, F>(names: &[&str], job: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let handles = names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let job = Arc::clone(&job);
            TimedHandle::spawn(name, move || job(i))
        })
        .collect::<Result<Vec<_>, _>>()?;
    handles
        .into_iter()
        .zip(names)
        .map(
            |(handle, &name)| match handle.join_timeout(Duration::from_secs(3600)) {
                Joined::Finished(value) => Ok(value),
                Joined::Panicked(payload) => Err(ThreadsError::Panicked {
                    name: name.to_string(),
                    message: crate::error::panic_message(&*payload),
                }),
                Joined::TimedOut(_) => unreachable!("no job takes an hour"),
            },
        )
        .collect()
}
