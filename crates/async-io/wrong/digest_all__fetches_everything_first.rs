//! Fetches every body first and only then digests them on the blocking pool: no digest runs while a request still waits, so the CPU idles during the I/O and the I/O during the CPU work.

/// Exercise 5 (wrong: I/O and CPU work one after the other).
pub async fn digest_all<F>(addr: SocketAddr, paths: &[String], digest: F) -> Vec<io::Result<u64>>
where
    F: Fn(&str) -> u64 + Send + Sync + 'static,
{
    let answers = join_all(paths.iter().map(|path| get(addr, path))).await;
    let digest = Arc::new(digest);
    join_all(answers.into_iter().map(|answer| {
        let digest = Arc::clone(&digest);
        async move {
            let answer = answer?;
            tokio::task::spawn_blocking(move || digest(&answer.body))
                .await
                .map_err(io::Error::other)
        }
    }))
    .await
}
