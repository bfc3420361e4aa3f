//! Runs the request in a task of its own and times out the wait for its JoinHandle: dropping a JoinHandle does not stop its task, so the request goes on after the limit.

/// Exercise 2 (wrong: a lost cancellation).
pub async fn get_within(addr: SocketAddr, path: &str, limit: Duration) -> io::Result<Answer> {
    let path = path.to_string();
    let request = tokio::spawn(async move { get(addr, &path).await });
    match tokio::time::timeout(limit, request).await {
        Ok(joined) => joined.unwrap_or_else(|lost| Err(io::Error::other(lost))),
        Err(elapsed) => Err(elapsed.into()),
    }
}
