//! Takes the items in a `while let` whose condition locks the input: the guard lives through the whole loop body, so one worker at a time works while the others wait for the lock.

/// Exercise 6 (wrong: the lock is held while working).
async fn worker<T, U, F, Fut>(
    input: Arc<Mutex<mpsc::Receiver<T>>>,
    output: mpsc::Sender<U>,
    work: Arc<F>,
) where
    F: Fn(T) -> Fut,
    Fut: Future<Output = U>,
{
    while let Some(item) = input.lock().await.recv().await {
        if output.send(work(item).await).await.is_err() {
            break;
        }
    }
}
