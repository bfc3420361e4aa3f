//! Runs `limit` threads of the blocking pool, each fetching the next path with the lesson's blocking client: the C10k demo's worker pool, not async.

/// Exercise 3 (wrong: the lesson's client on a pool of threads).
pub async fn get_all_bounded(
    addr: SocketAddr,
    paths: &[String],
    limit: usize,
) -> Vec<io::Result<Answer>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = Arc::new(AtomicUsize::new(0));
    let paths: Arc<[String]> = paths.into();
    let workers = (0..limit.max(1)).map(|_| {
        let (next, paths) = (Arc::clone(&next), Arc::clone(&paths));
        tokio::task::spawn_blocking(move || {
            let mut answers = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(path) = paths.get(index) else {
                    return answers;
                };
                let answer = crate::server::get_blocking(addr, path, Duration::from_secs(10));
                answers.push((index, answer));
            }
        })
    });
    let mut answers: Vec<_> = join_all(workers)
        .await
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    answers.sort_by_key(|(index, _)| *index);
    answers.into_iter().map(|(_, answer)| answer).collect()
}
