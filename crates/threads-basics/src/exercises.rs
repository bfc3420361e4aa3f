//! Exercises of this lesson, in the order the lesson teaches their topics, easiest first. Replace
//! each `todo!()` with your answer; run `cargo xtask grade threads-basics` to see your score (and
//! a hint for each test that fails).
//!
//! Everything you need is in the lesson's modules: [`crate::spawning`], [`crate::never_ending`],
//! [`crate::cpu_bound`], [`crate::scoped`] and [`crate::timers`]. Apply them; do not just call
//! them (the tests check how the work is done, not only the result).

use std::thread::JoinHandle;
use std::time::Duration;

use crate::ThreadsError;

/// **Exercise 1: named threads.** Start one thread per name in `names`, named exactly that way
/// (use `thread::Builder`), and run `job(i)` on the thread called `names[i]`. All the threads run
/// at the same time: start every one of them before you wait for any. Return the results in the
/// order of `names`, whatever order the threads finish in.
///
/// ```no_run
/// use threads_basics::exercises::run_named;
/// let who = run_named(&["a", "b"], |i| (i, std::thread::current().name().unwrap().to_string())).unwrap();
/// assert_eq!(who, [(0, "a".to_string()), (1, "b".to_string())]);
/// ```
pub fn run_named<T, F>(names: &[&str], job: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let _ = (names, job);
    todo!()
}

/// **Exercise 2: join them all, with one deadline.** Wait for every thread in `handles`, but no
/// longer than `limit` *in total* (one deadline shared by all the handles, not `limit` each).
/// Return, in the order of `handles`, `Some(value)` for each thread that finished in time and
/// `None` for each thread that panicked or is still running at the deadline (those are left
/// running, detached). Return as soon as every thread has finished, and never before the
/// deadline while one is still running.
///
/// ```no_run
/// use std::time::Duration;
/// use threads_basics::exercises::join_all_within;
/// let handles = vec![std::thread::spawn(|| 1), std::thread::spawn(|| 2)];
/// assert_eq!(join_all_within(handles, Duration::from_secs(5)), [Some(1), Some(2)]);
/// ```
pub fn join_all_within<T>(handles: Vec<JoinHandle<T>>, limit: Duration) -> Vec<Option<T>> {
    let _ = (handles, limit);
    todo!()
}

/// **Exercise 3: a stoppable worker.** [`Worker::start`] runs `work()` over and over on a new
/// thread until [`Worker::stop`] is called. `stop` asks the thread to stop, waits until it has
/// stopped (a call of `work` that is running when `stop` is called finishes first), and returns
/// how many times `work` ran. No call of `work` starts after `stop` returned.
///
/// ```no_run
/// use threads_basics::exercises::Worker;
/// let worker = Worker::start(|| std::thread::sleep(std::time::Duration::from_millis(1)));
/// std::thread::sleep(std::time::Duration::from_millis(20));
/// let runs = worker.stop();
/// assert!(runs > 0);
/// ```
#[derive(Debug)]
pub struct Worker {
    // Put what the worker needs here (a flag? a handle?).
    _todo: (),
}

impl Worker {
    /// Starts running `work` repeatedly on a new thread; returns at once.
    pub fn start<F>(work: F) -> Worker
    where
        F: FnMut() + Send + 'static,
    {
        let _ = work;
        todo!()
    }

    /// Stops the worker, waits for its thread, and returns how many times `work` ran.
    pub fn stop(self) -> u64 {
        todo!()
    }
}

/// **Exercise 4: a parallel sum.** Return the sum of `f(i)` for every `i` in `0..n`, computed by
/// splitting `0..n` into `threads` contiguous chunks and summing each chunk on a thread of its
/// own, all of them running at the same time (start them all before you join any). Each chunk is
/// summed on a *new* thread, not on the calling one. Zero threads is an error
/// ([`ThreadsError::ZeroThreads`]). Use wrapping addition: `f` may return large numbers.
///
/// ```no_run
/// use threads_basics::exercises::parallel_sum;
/// assert_eq!(parallel_sum(100, 4, |i| i).unwrap(), 4950);
/// ```
pub fn parallel_sum<F>(n: u64, threads: usize, f: F) -> Result<u64, ThreadsError>
where
    F: Fn(u64) -> u64 + Sync,
{
    let _ = (n, threads, f);
    todo!()
}

/// **Exercise 5: a scoped map.** Return `f(item)` for every item of the *borrowed* slice `items`,
/// in order, computed on scoped threads running at the same time, one thread per chunk: split
/// `items` into `threads` contiguous chunks whose lengths differ by at most one (10 items over 4
/// threads: 3, 3, 2, 2), or into `items.len()` chunks of one if there are fewer items than
/// threads. Zero threads is an error ([`ThreadsError::ZeroThreads`]).
///
/// ```no_run
/// use threads_basics::exercises::scoped_map;
/// let words = vec!["a".to_string(), "bb".to_string(), "ccc".to_string()];
/// assert_eq!(scoped_map(&words, 2, |w| w.len()).unwrap(), [1, 2, 3]);
/// ```
pub fn scoped_map<T, U, F>(items: &[T], threads: usize, f: F) -> Result<Vec<U>, ThreadsError>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    let _ = (items, threads, f);
    todo!()
}

/// **Exercise 6: a repeating timer that stops on request.** [`Ticker::start`] calls
/// `on_tick(1)`, `on_tick(2)`, ... on a new thread, one call every `interval`, until
/// [`Ticker::stop`], which returns how many ticks happened. `stop` must return promptly even if
/// the interval is an hour long (so the thread cannot simply `sleep(interval)`); it waits for a
/// tick that is running when it is called, and no tick happens after `stop` returned.
///
/// ```no_run
/// use std::time::Duration;
/// use threads_basics::exercises::Ticker;
/// let ticker = Ticker::start(Duration::from_secs(3600), |n| println!("tick {n}"));
/// assert_eq!(ticker.stop(), 0); // at once, not in an hour
/// ```
#[derive(Debug)]
pub struct Ticker {
    // Put what the ticker needs here.
    _todo: (),
}

impl Ticker {
    /// Starts ticking every `interval`; returns at once.
    pub fn start<F>(interval: Duration, on_tick: F) -> Ticker
    where
        F: FnMut(u64) + Send + 'static,
    {
        let _ = (interval, on_tick);
        todo!()
    }

    /// Stops the ticker, waits for its thread, and returns how many ticks happened.
    pub fn stop(self) -> u64 {
        todo!()
    }
}
