//! Collects the results from a channel as the threads finish: they come back in finishing order, not in the order of `names`.

use std::sync::mpsc;

/// **Exercise 1: named threads.** (Wrong: the order in which the threads finished.)
pub fn run_named<T, F>(names: &[&str], job: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let (tx, rx) = mpsc::channel();
    for (i, &name) in names.iter().enumerate() {
        let (job, tx) = (Arc::clone(&job), tx.clone());
        thread::Builder::new()
            .name(name.to_string())
            .spawn(move || tx.send(job(i)))
            .map_err(|source| ThreadsError::Spawn {
                name: name.to_string(),
                source,
            })?;
    }
    drop(tx);
    Ok(rx.iter().collect())
}
