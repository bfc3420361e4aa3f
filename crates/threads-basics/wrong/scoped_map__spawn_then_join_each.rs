//! Joins each chunk's thread right after spawning it: the chunks are mapped one after another, never at once.

/// **Exercise 5: a scoped map.** (Wrong: sequential in disguise.)
pub fn scoped_map<T, U, F>(items: &[T], threads: usize, f: F) -> Result<Vec<U>, ThreadsError>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    if threads == 0 {
        return Err(ThreadsError::ZeroThreads);
    }
    let parts = threads.min(items.len());
    let f = &f;
    let mut out = Vec::with_capacity(items.len());
    let mut rest = items;
    thread::scope(|s| {
        for i in 0..parts {
            let len = items.len() / parts + usize::from(i < items.len() % parts);
            let (chunk, tail) = rest.split_at(len);
            rest = tail;
            let mapped = s
                .spawn(move || chunk.iter().map(f).collect::<Vec<U>>())
                .join()
                .map_err(|payload| ThreadsError::Panicked {
                    name: "scoped_map".into(),
                    message: crate::error::panic_message(&*payload),
                })?;
            out.extend(mapped);
        }
        Ok(out)
    })
}
