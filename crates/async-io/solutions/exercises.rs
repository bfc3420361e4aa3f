//! Reference solutions of the async-io lesson's exercises.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::future::join_all;
use futures_util::stream;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;

use crate::server::{Answer, get};

/// **Exercise 1**: one future per path, all polled together by `join_all`, which keeps their
/// order. No task is spawned: concurrency inside one task is enough to overlap waits.
pub async fn get_all(addr: SocketAddr, paths: &[String]) -> Vec<io::Result<Answer>> {
    join_all(paths.iter().map(|path| get(addr, path))).await
}

/// **Exercise 2**: `timeout` drops the request at the limit, and with it the connection; tokio
/// turns its `Elapsed` into an `io::Error` of kind `TimedOut`.
pub async fn get_within(addr: SocketAddr, path: &str, limit: Duration) -> io::Result<Answer> {
    tokio::time::timeout(limit, get(addr, path)).await?
}

/// **Exercise 3**: `buffer_unordered` keeps `limit` requests going and starts the next as soon as
/// any one ends; each answer carries its index home. (`buffered` would keep the order itself, but
/// by holding a slot for every answer that waits for a slower one before it.)
pub async fn get_all_bounded(
    addr: SocketAddr,
    paths: &[String],
    limit: usize,
) -> Vec<io::Result<Answer>> {
    let mut answers: Vec<(usize, io::Result<Answer>)> = stream::iter(paths.iter().enumerate())
        .map(|(index, path)| async move { (index, get(addr, path).await) })
        .buffer_unordered(limit.max(1))
        .collect()
        .await;
    answers.sort_by_key(|(index, _)| *index);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// **Exercise 4**: every mirror in a task of one `JoinSet`; the first answer returns, and
/// returning drops the set, which aborts the tasks still waiting: their connections close.
pub async fn first_answer(mirrors: &[SocketAddr], path: &str) -> io::Result<(usize, Answer)> {
    let mut racing = JoinSet::new();
    for (index, &mirror) in mirrors.iter().enumerate() {
        let path = path.to_string();
        racing.spawn(async move { (index, get(mirror, &path).await) });
    }
    let mut last_error = io::Error::new(io::ErrorKind::InvalidInput, "no mirror to ask");
    while let Some(finished) = racing.join_next().await {
        match finished {
            Ok((index, Ok(answer))) => return Ok((index, answer)),
            Ok((_, Err(error))) => last_error = error,
            Err(lost) => last_error = io::Error::other(lost),
        }
    }
    Err(last_error)
}

/// **Exercise 5**: the requests overlap as in exercise 1; each body goes to tokio's blocking pool
/// the moment it arrives, and its future waits there without holding up the runtime.
pub async fn digest_all<F>(addr: SocketAddr, paths: &[String], digest: F) -> Vec<io::Result<u64>>
where
    F: Fn(&str) -> u64 + Send + Sync + 'static,
{
    let digest = Arc::new(digest);
    join_all(paths.iter().map(|path| {
        let digest = Arc::clone(&digest);
        async move {
            let answer = get(addr, path).await?;
            tokio::task::spawn_blocking(move || digest(&answer.body))
                .await
                .map_err(io::Error::other)
        }
    }))
    .await
}

/// **Exercise 6**: `workers` tasks share the input behind a `tokio::sync::Mutex` (its guard may
/// wait in `recv().await`, which a `std` guard may not); each sends into a channel of `capacity`,
/// whose last sender goes with the last worker.
pub fn stage<T, U, F, Fut>(
    input: mpsc::Receiver<T>,
    workers: usize,
    capacity: usize,
    work: F,
) -> mpsc::Receiver<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = U> + Send + 'static,
{
    let (output, results) = mpsc::channel(capacity.max(1));
    let input = Arc::new(Mutex::new(input));
    let work = Arc::new(work);
    for _ in 0..workers.max(1) {
        tokio::spawn(worker(
            Arc::clone(&input),
            output.clone(),
            Arc::clone(&work),
        ));
    }
    results
}

/// One worker of [`stage`]: takes the next item, sends its result, and comes back, until the
/// input ends or nobody reads the results any more.
async fn worker<T, U, F, Fut>(
    input: Arc<Mutex<mpsc::Receiver<T>>>,
    output: mpsc::Sender<U>,
    work: Arc<F>,
) where
    F: Fn(T) -> Fut,
    Fut: Future<Output = U>,
{
    loop {
        // The guard is a temporary of this statement: the next worker may take an item while
        // this one works on its own.
        let Some(item) = input.lock().await.recv().await else {
            break; // the input is closed and empty
        };
        if output.send(work(item).await).await.is_err() {
            break; // nobody reads the results any more
        }
    }
}
