//! Reads the whole input before it starts any work: nothing comes out until the input has ended, so the stage holds up everything after it in the pipeline.

/// Exercise 6 (wrong: a batch, not a stream).
pub fn stage<T, U, F, Fut>(
    mut input: mpsc::Receiver<T>,
    workers: usize,
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
        let mut items = Vec::new();
        while let Some(item) = input.recv().await {
            items.push(item);
        }
        let items = Arc::new(std::sync::Mutex::new(items.into_iter()));
        for _ in 0..workers.max(1) {
            let (items, output, work) = (Arc::clone(&items), output.clone(), Arc::clone(&work));
            tokio::spawn(async move {
                loop {
                    // The guard ends inside `and_then`: never held across the `.await`s below.
                    let next = items.lock().ok().and_then(|mut items| items.next());
                    let Some(item) = next else { break };
                    if output.send(work(item).await).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    results
}
