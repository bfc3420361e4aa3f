//! What the demos say as they go, and the transcript their reports keep of it.
//!
//! A demo's threads narrate through a [`Log`], a callback chosen by whoever runs them: the tests
//! pass one that drops the lines, and the lesson's own demos pass a [`Transcript`]'s
//! [`say`](Transcript::say), which keeps every line, in the order the threads said them, for the
//! demo's report to print.

use std::fmt;
use std::sync::{Mutex, PoisonError};

/// Where a demo's narration goes.
pub type Log<'a> = &'a (dyn Fn(String) + Sync);

/// The text of a demo's report: headings, and the lines said under them.
#[derive(Debug, Default)]
pub struct Transcript {
    lines: Mutex<Vec<String>>,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// A heading, kept as it is.
    pub fn heading(&self, text: impl Into<String>) {
        self.push(text.into());
    }

    /// A line under the current heading (indented); threads may say lines at the same time.
    pub fn say(&self, line: impl fmt::Display) {
        self.push(format!("  {line}"));
    }

    /// Every line so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.lock().clone()
    }

    fn push(&self, line: String) {
        self.lock().push(line);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A push cannot be left half-done by a panicking thread: the lines stay valid.
        self.lines.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Display for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lock()
            .iter()
            .try_for_each(|line| writeln!(f, "{line}"))
    }
}
