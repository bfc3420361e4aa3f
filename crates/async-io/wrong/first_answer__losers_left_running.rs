//! Spawns a task per mirror and takes the first answer from a channel, then drops the JoinHandles: a dropped handle does not stop its task, so the other requests go on.

/// Exercise 4 (wrong: a lost cancellation).
pub async fn first_answer(mirrors: &[SocketAddr], path: &str) -> io::Result<(usize, Answer)> {
    let (answers, mut arrived) = mpsc::channel(mirrors.len().max(1));
    for (index, &mirror) in mirrors.iter().enumerate() {
        let (answers, path) = (answers.clone(), path.to_string());
        tokio::spawn(async move {
            let _ = answers.send((index, get(mirror, &path).await)).await;
        });
    }
    drop(answers);
    let mut last_error = io::Error::new(io::ErrorKind::InvalidInput, "no mirror to ask");
    while let Some((index, answer)) = arrived.recv().await {
        match answer {
            Ok(answer) => return Ok((index, answer)),
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}
