//! Maps the file copy-on-write (`map_copy`): every increment lands in a private copy, never in the file.

/// Exercise 4 (wrong: a private mapping).
pub fn increment_shared(path: &Path, n: u64) -> io::Result<()> {
    let file = std::fs::File::open(path)?;
    // SAFETY: the file is not truncated while mapped; all accesses are atomic.
    let map = unsafe { memmap2::MmapOptions::new().map_copy(&file)? };
    if map.len() < 8 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is shorter than 8 bytes",
        ));
    }
    // SAFETY: in bounds, page-aligned, valid while `map` lives, only touched through atomics.
    let counter = unsafe { AtomicU64::from_ptr(map.as_ptr() as *mut u64) };
    for _ in 0..n {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
