//! Reads each temperature with the lesson's own `weather::fetch_temperature` instead of parsing the JSON itself.

/// Exercise 4 (wrong: the lesson's answer, not the student's).
pub fn collect_temperatures(
    agent: &ureq::Agent,
    cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    let _ = agent;
    let downloader = crate::Downloader::new(crate::Config::default());
    let downloader = &downloader;
    thread::scope(|scope| {
        let handles: Vec<_> = cities
            .iter()
            .map(|(city, url)| {
                scope.spawn(move || {
                    crate::weather::fetch_temperature(downloader, url)
                        .map(|temp| (city.clone(), temp))
                        .map_err(|error| match error {
                            crate::DownloadError::Status(code) => ureq::Error::StatusCode(code),
                            other => ureq::Error::Other(Box::new(other)),
                        })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
