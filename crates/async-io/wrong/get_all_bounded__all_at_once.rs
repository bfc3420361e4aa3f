//! Ignores `limit` and sends every request at once: an unbounded fan-out.

/// Exercise 3 (wrong: no bound).
pub async fn get_all_bounded(
    addr: SocketAddr,
    paths: &[String],
    _limit: usize,
) -> Vec<io::Result<Answer>> {
    join_all(paths.iter().map(|path| get(addr, path))).await
}
