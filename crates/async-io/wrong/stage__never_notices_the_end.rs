//! Loops for ever on `if let Some(item)`, never noticing the `None` that `recv` gives once the input has ended: the workers spin on, and the results channel never ends.

/// Exercise 6 (wrong: the end of the input is lost).
async fn worker<T, U, F, Fut>(
    input: Arc<Mutex<mpsc::Receiver<T>>>,
    output: mpsc::Sender<U>,
    work: Arc<F>,
) where
    F: Fn(T) -> Fut,
    Fut: Future<Output = U>,
{
    loop {
        let next = input.lock().await.recv().await;
        if let Some(item) = next
            && output.send(work(item).await).await.is_err()
        {
            break;
        }
    }
}
