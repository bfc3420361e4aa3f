//! Awaits each request before it sends the next one: one request in flight at a time.

/// Exercise 1 (wrong: the requests wait for each other).
pub async fn get_all(addr: SocketAddr, paths: &[String]) -> Vec<io::Result<Answer>> {
    let mut answers = Vec::with_capacity(paths.len());
    for path in paths {
        answers.push(get(addr, path).await);
    }
    answers
}
