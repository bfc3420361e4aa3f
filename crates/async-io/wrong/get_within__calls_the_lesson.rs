//! Hands the lesson's blocking client, whose limit bounds every read, to a thread of the blocking pool: the lesson's timeout on a thread, not a cancelled future.

/// Exercise 2 (wrong: the lesson's answer, not the student's).
pub async fn get_within(addr: SocketAddr, path: &str, limit: Duration) -> io::Result<Answer> {
    let path = path.to_string();
    let answer =
        tokio::task::spawn_blocking(move || crate::server::get_blocking(addr, &path, limit))
            .await
            .unwrap_or_else(|lost| Err(io::Error::other(lost)));
    answer.map_err(|error| match error.kind() {
        io::ErrorKind::WouldBlock => io::ErrorKind::TimedOut.into(),
        _ => error,
    })
}
