//! Collects the bodies in the order the requests finish, not in the order of `urls`.

/// Exercise 5 (wrong: the wrong order).
pub fn fetch_all_bounded(
    agent: &ureq::Agent,
    urls: &[String],
    max_in_flight: usize,
) -> Vec<Result<Vec<u8>, ureq::Error>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    thread::scope(|scope| {
        for _ in 0..max_in_flight.max(1).min(urls.len()) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let body = get_body(agent, url);
                    results.lock().unwrap().push(body);
                }
            });
        }
    });
    results.into_inner().unwrap()
}
