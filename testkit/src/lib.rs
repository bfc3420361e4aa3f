//! Test support shared by every lesson's tests and graded tests.
//!
//! Concurrency tests can hang: a deadlock, a lost wake-up, a worker that never stops. A test that
//! hangs tells nobody anything, so every test that could block runs its body under [`deadline`],
//! which turns "never finishes" into a failure with a clear message.
//!
//! Concurrency is observed, never timed: [`Together`] only lets work through when enough
//! threads run it at once, and [`cpu_time_of`] tells a thread that sleeps while it waits from one
//! that spins. A probe the test controls records what it sees in a [`Watch`] and waits on it.
//!
//! A lesson's binary is run from its tests through [`cli::Bin`]: under a deadline, with its exit
//! code and its error messages checked against the one policy every lesson's binary follows.
//!
//! Graded tests also carry the grader's proof of a pass: see [`grading`] and
//! [`grading_harness!`].

pub mod cli;
pub mod cpu;
pub mod grading;
pub mod together;
pub mod watch;

pub use cpu::{cpu_time_of, thread_cpu_time};
pub use together::Together;
pub use watch::Watch;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `body` on a thread of its own and returns its result, or panics if it takes longer than
/// `limit`.
///
/// A panic inside `body` is re-raised on the caller's thread with its original payload, so test
/// assertions inside `body` behave as usual. On timeout the body's thread is left behind (Rust
/// cannot kill a thread); the test process ends soon after, which ends it too.
///
/// ```
/// use std::time::Duration;
/// let answer = testkit::deadline(Duration::from_secs(5), || 6 * 7);
/// assert_eq!(answer, 42);
/// ```
pub fn deadline<T, F>(limit: Duration, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let handle = thread::Builder::new()
        .name("under-deadline".into())
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing is left to tell then.
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)));
        })
        .expect("spawning the test thread");
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = handle.join();
            value
        }
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!(
                "deadline exceeded: the code under test did not finish within {limit:?} (a deadlock or a lost wake-up?)"
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => unreachable!("the test thread always sends"),
    }
}

/// Checks that what `report` displays has every one of `parts` in it, and says which is missing.
///
/// ```
/// testkit::assert_says(format_args!("3 threads: speedup 2.9x"), &["3 threads", "speedup"]);
/// ```
#[track_caller]
pub fn assert_says(report: impl std::fmt::Display, parts: &[&str]) {
    let text = report.to_string();
    for part in parts {
        assert!(text.contains(part), "{part:?} is not in:\n{text}");
    }
}

/// Checks `cond` every fraction of a millisecond until it holds or `max` has passed; returns
/// whether it held. For a test that must let something happen (or show that it does not) without
/// blocking on it.
pub fn wait_until(max: Duration, cond: impl Fn() -> bool) -> bool {
    let until = Instant::now() + max;
    while !cond() {
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_micros(200));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value() {
        assert_eq!(deadline(Duration::from_secs(5), || 1 + 1), 2);
    }

    #[test]
    #[should_panic(expected = "deadline exceeded")]
    fn times_out() {
        deadline(Duration::from_millis(50), || {
            thread::sleep(Duration::from_secs(5));
        });
    }

    #[test]
    #[should_panic(expected = "\"speedup\" is not in")]
    fn a_missing_part_is_named() {
        assert_says("3 threads", &["3 threads", "speedup"]);
    }

    #[test]
    #[should_panic(expected = "inner failure")]
    fn passes_panics_through() {
        deadline(Duration::from_secs(5), || panic!("inner failure"));
    }
}
