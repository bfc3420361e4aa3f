//! Gives every handle the whole `limit` in turn: with several late threads the waits add up.

/// **Exercise 2: join them all, with one deadline.** (Wrong: one deadline per handle.)
pub fn join_all_within<T>(handles: Vec<JoinHandle<T>>, limit: Duration) -> Vec<Option<T>> {
    handles
        .into_iter()
        .map(|handle| {
            let deadline = Instant::now() + limit;
            while !handle.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            if handle.is_finished() {
                handle.join().ok()
            } else {
                None
            }
        })
        .collect()
}
