//! What the demos say, printed as it happens and recorded for the tests.
//!
//! Threads print in whatever order the scheduler runs them; that order is part of the lesson.
//! A [`Log`] is shared by cloning (it is an `Arc` inside); every line goes to standard output with
//! the time since the log was created (when the log is *printing*) and into a list that tests read
//! back with [`Log::lines`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// A shared, cloneable log of what threads did.
#[derive(Clone, Debug)]
pub struct Log {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    start: Instant,
    echo: bool,
    muted: AtomicBool,
    lines: Mutex<Vec<String>>,
}

impl Log {
    /// A log that prints every line (with a timestamp) and records it.
    pub fn printing() -> Self {
        Self::new(true)
    }

    /// A log that only records; the tests use it.
    pub fn quiet() -> Self {
        Self::new(false)
    }

    /// A new log that prints like this one (or is quiet like it), with a clock and a mute switch
    /// of its own: the never-ending demo hands one to the thread it leaves running, so that
    /// muting it silences that thread and nothing else.
    pub fn another(&self) -> Self {
        Self::new(self.inner.echo)
    }

    fn new(echo: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                start: Instant::now(),
                echo,
                muted: AtomicBool::new(false),
                lines: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Records one line (and prints it with the time since the log began, unless the log is
    /// quiet or muted).
    pub fn say(&self, line: impl Into<String>) {
        let line = line.into();
        if self.prints() {
            let secs = self.inner.start.elapsed().as_secs_f64();
            println!("[{secs:7.3}s] {line}");
        }
        self.record(line);
    }

    /// Records an aside of the narrator's, not of a thread (and prints it as it is, without a
    /// time, unless the log is quiet or muted).
    pub fn note(&self, line: impl Into<String>) {
        let line = line.into();
        if self.prints() {
            println!("{line}");
        }
        self.record(line);
    }

    fn prints(&self) -> bool {
        self.inner.echo && !self.inner.muted.load(Ordering::Relaxed)
    }

    fn record(&self, line: String) {
        // A panicking thread cannot leave a Vec<String> half-pushed, so a poisoned lock is safe.
        self.inner
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    /// Stops printing (lines are still recorded). The never-ending demo mutes the thread it leaves
    /// behind so that its chatter does not run through the demos that follow.
    pub fn mute(&self) {
        self.inner.muted.store(true, Ordering::Relaxed);
    }

    /// Every line so far, in the order they were recorded.
    pub fn lines(&self) -> Vec<String> {
        self.inner
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The index of the first recorded line that contains `needle`.
    pub fn position(&self, needle: &str) -> Option<usize> {
        self.lines().iter().position(|line| line.contains(needle))
    }
}

/// The current thread's name, or `"<unnamed>"`: threads made with `thread::spawn` have none.
pub fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string()
}
