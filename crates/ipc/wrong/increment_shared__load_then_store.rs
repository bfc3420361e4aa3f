//! Loads the counter, then stores the value plus one: two atomic operations, so concurrent increments get lost.

/// Exercise 4 (wrong: a read-modify-write split in two).
pub fn increment_shared(path: &Path, n: u64) -> io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    // SAFETY: the file is not truncated while mapped; all shared accesses are atomic.
    let map = unsafe { memmap2::MmapMut::map_mut(&file)? };
    if map.len() < 8 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is shorter than 8 bytes",
        ));
    }
    // SAFETY: in bounds, page-aligned, valid while `map` lives, only touched through atomics.
    let counter = unsafe { AtomicU64::from_ptr(map.as_ptr() as *mut u64) };
    for _ in 0..n {
        counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
    Ok(())
}
