//! Exercises of the async-io lesson, in rising difficulty: wait for many answers at once, give up
//! in time, keep a bounded number in flight, race mirrors, keep the runtime free of CPU work, and
//! build a stage of a pipeline. Replace each `todo!()` with your answer; `cargo xtask learn` leads
//! through them and `cargo xtask grade async-io` scores them.
//!
//! Exercises 1 to 5 talk to servers on `127.0.0.1` with the lesson's client
//! [`get`](crate::server::get): one `GET` on a connection of its own, whose future you may run,
//! race, time out or drop like any other. The graded tests run your code on a tokio runtime,
//! against servers that watch what it does: how many requests are in flight at once, what arrives
//! when, and whether a client hung up. The lesson's own code (`crate::download`,
//! `crate::blocking`, `crate::shared_state`) solves similar problems: read it, but write your own,
//! and leave the blocking client `crate::server::get_blocking` to threads.
//!
//! At hand: `tokio` (`spawn`, `task::JoinSet`, `time::timeout`, `select!`, `sync`,
//! `task::spawn_blocking`), `futures_util` (`future::join_all`, `stream::StreamExt`,
//! `stream::FuturesUnordered`) and `rayon`.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::server::Answer;

/// **Exercise 1: every request at once.** GET every path of `paths` from the server at `addr`
/// with [`get`](crate::server::get), all of the requests in flight together, and return the
/// answers (or the errors) in the order of `paths`, whatever order they come back in.
///
/// A loop that awaits each request before it sends the next one makes them wait one after the
/// other: the tests' server answers none of them until every request has arrived.
///
/// ```text
/// let answers = get_all(addr, &["/a".to_string(), "/b".to_string()]).await;
/// assert_eq!(answers.len(), 2); // answers[1] is the answer to /b, even if it came first
/// ```
pub async fn get_all(addr: SocketAddr, paths: &[String]) -> Vec<io::Result<Answer>> {
    let _ = (addr, paths);
    todo!()
}

/// **Exercise 2: give up in time.** GET `path` from the server at `addr`, but give up once
/// `limit` has passed without a whole answer: return an error of kind
/// [`io::ErrorKind::TimedOut`], and stop the request at that moment, so that its connection closes
/// and the server sees the client hang up. An answer in time is returned as it is, and so is an
/// error of the request itself (a connection closed without an answer is not a timeout).
///
/// In async Rust, to cancel is to drop: a future that is dropped stops at the `.await` where it
/// was waiting, and its connection is closed.
///
/// ```text
/// let answer = get_within(addr, "/hold?ms=10", Duration::from_secs(1)).await?; // in time
/// let late = get_within(addr, "/hold?ms=5000", Duration::from_millis(100)).await;
/// assert_eq!(late.unwrap_err().kind(), io::ErrorKind::TimedOut); // after 100 ms, hung up
/// ```
pub async fn get_within(addr: SocketAddr, path: &str, limit: Duration) -> io::Result<Answer> {
    let _ = (addr, path, limit);
    todo!()
}

/// **Exercise 3: at most `limit` at a time.** GET every path of `paths` with **at most `limit`
/// requests in flight** at once, and exactly `limit` while enough paths are left: as soon as one
/// request ends, the next path starts, so a slow request holds up only its own place (never wait
/// for a whole group of requests to end before starting the next ones). Return the answers (or
/// the errors) in the order of `paths`; a failed request stops nothing. `limit` is at least 1.
///
/// The downloader lesson did this with a pool of threads; here one task can hold them all.
///
/// ```text
/// let answers = get_all_bounded(addr, &paths, 4).await; // never more than 4 connections
/// assert_eq!(answers.len(), paths.len());
/// ```
pub async fn get_all_bounded(
    addr: SocketAddr,
    paths: &[String],
    limit: usize,
) -> Vec<io::Result<Answer>> {
    let _ = (addr, paths, limit);
    todo!()
}

/// **Exercise 4: the first answer wins.** Every server in `mirrors` serves the same `path`. Ask
/// all of them at once, and return the first answer that arrives (whatever its status) with the
/// index of its mirror in `mirrors`; at that moment, stop the other requests, so that their
/// connections close and their servers see the client hang up. A mirror whose request fails (an
/// error from [`get`](crate::server::get)) does not win: wait for the others. Only when every
/// mirror has failed return an error (the last one, say); with no mirror at all, an error of kind
/// [`io::ErrorKind::InvalidInput`].
///
/// ```text
/// let (index, answer) = first_answer(&[far, near, broken], "/file").await?;
/// assert_eq!(index, 1); // `near` answered first; the request to `far` was stopped
/// ```
pub async fn first_answer(mirrors: &[SocketAddr], path: &str) -> io::Result<(usize, Answer)> {
    let _ = (mirrors, path);
    todo!()
}

/// **Exercise 5: CPU work off the runtime's threads.** GET every path of `paths` from `addr`, all
/// of the requests in flight together (as in exercise 1), and compute `digest(&answer.body)` of
/// each answer the moment it arrives, while other requests are still waiting for theirs. Return
/// the digests (or the errors of the requests that failed) in the order of `paths`.
///
/// `digest` is CPU-bound and may take long: run it off the runtime's worker threads (on tokio's
/// blocking pool, or on rayon's), so that the runtime goes on running its other tasks meanwhile.
/// The tests run your function on a runtime with a single thread, beside a task of their own that
/// must keep ticking while the digests compute.
///
/// ```text
/// let digests = digest_all(addr, &paths, |body: &str| expensive_hash(body)).await;
/// assert_eq!(digests.len(), paths.len());
/// ```
pub async fn digest_all<F>(addr: SocketAddr, paths: &[String], digest: F) -> Vec<io::Result<u64>>
where
    F: Fn(&str) -> u64 + Send + Sync + 'static,
{
    let _ = (addr, paths, digest);
    todo!()
}

/// **Exercise 6: a stage of a pipeline.** Return at once the receiving end of a channel of
/// results, and start `workers` tasks (`tokio::spawn`) that share `input`: each takes the next
/// item, computes `work(item).await`, sends the result, and comes back for the next item, until
/// the input is closed and empty. So:
///
/// - at most `workers` items are worked on at once, and exactly `workers` while enough items are
///   waiting (so no lock may be held while an item is worked on);
/// - the results go into a channel with room for `capacity`: when the reader falls behind and the
///   channel is full, the workers wait; no more than `workers + capacity` items are ever started
///   beyond those whose results were received;
/// - each result is passed on as soon as it is ready, in any order, never only after the whole
///   input has arrived;
/// - the receiver ends (`recv` gives `None`) once the input is closed and every result was sent:
///   no sender may outlive the workers.
///
/// `workers` and `capacity` are at least 1. Call it inside a tokio runtime.
///
/// ```text
/// let (items, input) = mpsc::channel(16);
/// let mut squares = stage(input, 4, 8, |n: u64| async move { n * n });
/// items.send(3).await?;
/// assert_eq!(squares.recv().await, Some(9));
/// ```
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
    let _ = (input, workers, capacity, work);
    todo!()
}
