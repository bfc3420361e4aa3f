//! Computes each digest right where its answer arrives, on the runtime's thread: while it computes, no other task of that thread runs.

/// Exercise 5 (wrong: CPU work blocks the executor).
pub async fn digest_all<F>(addr: SocketAddr, paths: &[String], digest: F) -> Vec<io::Result<u64>>
where
    F: Fn(&str) -> u64 + Send + Sync + 'static,
{
    let digest = &digest;
    join_all(
        paths
            .iter()
            .map(|path| async move { get(addr, path).await.map(|answer| digest(&answer.body)) }),
    )
    .await
}
