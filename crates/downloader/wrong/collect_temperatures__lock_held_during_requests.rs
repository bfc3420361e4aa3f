//! Shares the map behind a `Mutex` but locks it before the request: one thread per city, yet one request at a time.

/// Exercise 4 (wrong: the lock is held across the request).
pub fn collect_temperatures(
    agent: &ureq::Agent,
    cities: &[(String, String)],
) -> Result<BTreeMap<String, f64>, ureq::Error> {
    let temps = Mutex::new(Ok(BTreeMap::new()));
    thread::scope(|scope| {
        for (city, url) in cities {
            let temps = &temps;
            scope.spawn(move || {
                let mut temps = temps.lock().unwrap();
                match temperature(agent, url) {
                    Ok(t) => {
                        if let Ok(map) = temps.as_mut() {
                            map.insert(city.clone(), t);
                        }
                    }
                    Err(error) => *temps = Err(error),
                }
            });
        }
    });
    temps.into_inner().unwrap()
}
