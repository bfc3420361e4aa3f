//! Starts a thread for every URL: all requests at once, whatever `max_in_flight` says.

/// Exercise 5 (wrong: unbounded).
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    let _ = max_in_flight;
    thread::scope(|scope| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| scope.spawn(move || get_body(agent, url)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
