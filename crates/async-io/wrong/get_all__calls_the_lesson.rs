//! Sends each request from a thread of tokio's blocking pool with the lesson's blocking client: a thread per request, which is what async was to spare.

/// Exercise 1 (wrong: threads in disguise, and the lesson's client).
pub async fn get_all(addr: SocketAddr, paths: &[String]) -> Vec<io::Result<Answer>> {
    let threads = paths.iter().map(|path| {
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            crate::server::get_blocking(addr, &path, Duration::from_secs(10))
        })
    });
    join_all(threads)
        .await
        .into_iter()
        .map(|joined| joined.unwrap_or_else(|lost| Err(io::Error::other(lost))))
        .collect()
}
