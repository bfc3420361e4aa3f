//! Starts a detached thread for every item: results as they finish, but as many threads as items.

/// Exercise 4 (wrong: a thread per item).
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let _ = workers;
    let f = Arc::new(f);
    let (result_tx, result_rx) = mpsc::channel();
    for (index, item) in items.into_iter().enumerate() {
        let (f, result_tx) = (Arc::clone(&f), result_tx.clone());
        thread::spawn(move || {
            let _ = result_tx.send((index, f(item)));
        });
    }
    result_rx
}
