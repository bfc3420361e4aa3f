//! Sends the paths in waves of `limit` and waits for a whole wave before the next one: the fast requests of a wave wait for its slowest.

/// Exercise 3 (wrong: a slow request holds up its wave).
pub async fn get_all_bounded(
    addr: SocketAddr,
    paths: &[String],
    limit: usize,
) -> Vec<io::Result<Answer>> {
    let mut answers = Vec::with_capacity(paths.len());
    for wave in paths.chunks(limit.max(1)) {
        answers.extend(join_all(wave.iter().map(|path| get(addr, path))).await);
    }
    answers
}
