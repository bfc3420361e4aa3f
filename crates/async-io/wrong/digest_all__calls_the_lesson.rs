//! Has the lesson's `blocking::beside_ticker` run each digest, on a runtime of its own per body, instead of handing the work off itself.

/// Exercise 5 (wrong: the lesson's answer, not the student's).
pub async fn digest_all<F>(addr: SocketAddr, paths: &[String], digest: F) -> Vec<io::Result<u64>>
where
    F: Fn(&str) -> u64 + Send + Sync + 'static,
{
    let digest = Arc::new(digest);
    join_all(paths.iter().map(|path| {
        let digest = Arc::clone(&digest);
        async move {
            let answer = get(addr, path).await?;
            let offloaded = tokio::task::spawn_blocking(move || {
                let period = Duration::from_millis(1);
                crate::blocking::beside_ticker(
                    crate::blocking::Offload::Inline,
                    period,
                    move |_| digest(&answer.body),
                )
            });
            let stall = offloaded.await.map_err(io::Error::other)?;
            stall.map(|stall| stall.output).map_err(io::Error::other)
        }
    }))
    .await
}
