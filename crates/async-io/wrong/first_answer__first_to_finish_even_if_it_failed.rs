//! Returns whatever finishes first, a failure included: a broken mirror that fails fast wins the race.

/// Exercise 4 (wrong: a failure wins).
pub async fn first_answer(mirrors: &[SocketAddr], path: &str) -> io::Result<(usize, Answer)> {
    let mut racing = JoinSet::new();
    for (index, &mirror) in mirrors.iter().enumerate() {
        let path = path.to_string();
        racing.spawn(async move { (index, get(mirror, &path).await) });
    }
    match racing.join_next().await {
        Some(Ok((index, answer))) => answer.map(|answer| (index, answer)),
        Some(Err(lost)) => Err(io::Error::other(lost)),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no mirror to ask",
        )),
    }
}
