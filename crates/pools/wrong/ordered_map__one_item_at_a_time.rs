//! Maps the items one after another on the calling thread: nothing runs at once.

/// Exercise 3 (wrong: sequential).
pub fn ordered_map<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = workers;
    items.into_iter().map(f).collect()
}
