//! Cuts shares of `len.div_ceil(workers)` jobs: 7 jobs for 5 workers make 4 shares, so a worker is never started.

/// Exercise 3 (wrong: fewer children than workers).
pub fn map_in_processes(exe: &Path, jobs: &[Job], workers: usize) -> io::Result<Vec<(u64, u32)>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let size = jobs.len().div_ceil(workers.max(1));
    thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(size)
            .map(|share| s.spawn(move || answers_of_one_child(exe, share)))
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for h in handles {
            out.extend(
                h.join()
                    .map_err(|_| io::Error::other("a thread panicked"))??,
            );
        }
        Ok(out)
    })
}
