//! Lets the lesson's own `RetryPolicy` run the retries instead of writing the loop.

/// Exercise 3 (wrong: the lesson's answer, not the student's).
pub fn get_with_retry(
    agent: &ureq::Agent,
    url: &str,
    max_retries: u32,
    base_delay: Duration,
) -> Result<Vec<u8>, ureq::Error> {
    let policy = crate::retry::RetryPolicy {
        max_retries,
        base_delay,
        max_delay: Duration::MAX,
    };
    // The policy speaks `DownloadError`; keep the last ureq error to hand it back.
    let last = Mutex::new(None);
    let never = crate::cancel::CancelToken::new();
    let result = policy.run(&never, crate::limits::Deadline::none(), |_| {
        get_body(agent, url).map_err(|error| {
            let transient = is_transient(&error);
            *last.lock().unwrap() = Some(error);
            crate::DownloadError::Status(if transient { 503 } else { 404 })
        })
    });
    result.map_err(|_| last.into_inner().unwrap().expect("an error was kept"))
}
