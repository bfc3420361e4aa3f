//! Starts a thread for every item: as many threads as items, whatever `workers` says.

/// Exercise 3 (wrong: a thread per item).
pub fn ordered_map<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = workers;
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| s.spawn(move || f(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("f panicked"))
            .collect()
    })
}
