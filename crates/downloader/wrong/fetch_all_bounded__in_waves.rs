//! Fetches the URLs in waves of `max_in_flight` and waits for a whole wave before the next: the fast requests of a wave wait for its slowest.

/// Exercise 5 (wrong: a slow URL holds up its wave).
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    urls.chunks(max_in_flight.max(1))
        .flat_map(|wave| {
            thread::scope(|scope| {
                let handles: Vec<_> = wave
                    .iter()
                    .map(|url| scope.spawn(move || get_body(agent, url)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect()
}
