//! Waits for every result before returning the receiver: nothing arrives while the slow items still run.

/// Exercise 4 (wrong: not as they finish).
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (result_tx, result_rx) = mpsc::channel();
    let work = Mutex::new(items.into_iter().enumerate());
    thread::scope(|s| {
        for _ in 0..workers.max(1) {
            let result_tx = result_tx.clone();
            let (work, f) = (&work, &f);
            s.spawn(move || {
                loop {
                    let next = work.lock().expect("no one panics under the lock").next();
                    let Some((index, item)) = next else { break };
                    let _ = result_tx.send((index, f(item)));
                }
            });
        }
    });
    result_rx
}
