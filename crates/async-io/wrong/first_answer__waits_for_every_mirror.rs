//! Asks every mirror at once but waits for all of them before it picks the first success: the fastest answer waits for the slowest mirror, and nothing is stopped.

/// Exercise 4 (wrong: join where a race is asked for).
pub async fn first_answer(mirrors: &[SocketAddr], path: &str) -> io::Result<(usize, Answer)> {
    let answers = join_all(mirrors.iter().map(|&mirror| get(mirror, path))).await;
    let mut last_error = io::Error::new(io::ErrorKind::InvalidInput, "no mirror to ask");
    for (index, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(answer) => return Ok((index, answer)),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}
