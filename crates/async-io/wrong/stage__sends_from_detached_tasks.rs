//! Sends each result from a task of its own so that no worker ever waits for room: the stage runs ahead of a reader that falls behind, and the results pile up in tasks.

/// Exercise 6 (wrong: no backpressure).
async fn worker<T, U, F, Fut>(
    input: Arc<Mutex<mpsc::Receiver<T>>>,
    output: mpsc::Sender<U>,
    work: Arc<F>,
) where
    U: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = U>,
{
    loop {
        let Some(item) = input.lock().await.recv().await else {
            break;
        };
        let (result, output) = (work(item).await, output.clone());
        tokio::spawn(async move {
            let _ = output.send(result).await;
        });
    }
}
