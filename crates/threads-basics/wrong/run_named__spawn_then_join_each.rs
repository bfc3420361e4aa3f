//! Joins each named thread right after starting it: the jobs run one after another, never at once.

/// **Exercise 1: named threads.** (Wrong: sequential in disguise.)
pub fn run_named<T, F>(names: &[&str], job: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let job = Arc::new(job);
    let mut results = Vec::with_capacity(names.len());
    for (i, &name) in names.iter().enumerate() {
        let job = Arc::clone(&job);
        let handle = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || job(i))
            .map_err(|source| ThreadsError::Spawn {
                name: name.to_string(),
                source,
            })?;
        results.push(crate::spawning::join_named(handle)?);
    }
    Ok(results)
}
