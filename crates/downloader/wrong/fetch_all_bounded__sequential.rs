//! Fetches the URLs one after the other: never more than one request in flight.

/// Exercise 5 (wrong: sequential).
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    let _ = max_in_flight;
    urls.iter().map(|url| get_body(agent, url)).collect()
}
