//! Fetches one city after the other (the seed's `run_serially`): the right map, but never two requests in flight.

/// Exercise 4 (wrong: sequential).
pub fn collect_temperatures(
    agent: &ureq::Agent,
    cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    cities
        .iter()
        .map(|(city, url)| temperature(agent, url).map(|t| (city.clone(), t)))
        .collect()
}
