//! Spawns a task for every item as it comes, whatever `workers` says: an unbounded fan-out.

/// Exercise 6 (wrong: no bound on the items worked on at once).
pub fn stage<T, U, F, Fut>(
    mut input: mpsc::Receiver<T>,
    _workers: usize,
    capacity: usize,
    work: F,
) -> mpsc::Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = U> + Send + 'static,
{
    let (output, results) = mpsc::channel(capacity.max(1));
    let work = Arc::new(work);
    tokio::spawn(async move {
        while let Some(item) = input.recv().await {
            let (output, work) = (output.clone(), Arc::clone(&work));
            tokio::spawn(async move {
                let _ = output.send(work(item).await).await;
            });
        }
    });
    results
}
