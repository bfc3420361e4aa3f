//! Ctrl-C and SIGTERM during a batch: the first signal cancels it, a second one quits at once.
//!
//! A signal arrives on a thread of its own (signal-hook's iterator), never inside a download, so
//! it can do what a signal handler may not: take locks, run the [`CancelToken`]'s hooks. The first
//! signal cancels the token and the batch winds down like after any error (every download stops
//! and deletes its temporary file), leaving the finished files. Someone who presses Ctrl-C twice
//! wants out now: the process deletes the temporary files of the output folder and exits.
//! Either way the exit code is the shell's convention, 128 + the signal's number.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::thread;

use signal_hook::consts::{SIGINT, SIGTERM};

use crate::cancel::CancelToken;
use crate::fetch::remove_temporary_files;

/// Watches for SIGINT and SIGTERM for the rest of the process.
#[derive(Debug)]
pub struct SignalWatch {
    first: Arc<OnceLock<i32>>,
}

impl SignalWatch {
    /// Starts watching: the first signal is handed to `announce` and cancels `cancel`; a second
    /// one removes the temporary files in `out` and exits the process.
    pub fn cancel_on_first(
        cancel: CancelToken,
        out: &Path,
        announce: impl Fn(i32) + Send + 'static,
    ) -> io::Result<Self> {
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        let first = Arc::new(OnceLock::new());
        let (seen, out) = (Arc::clone(&first), PathBuf::from(out));
        thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if seen.set(signal).is_ok() {
                        announce(signal);
                        cancel.cancel();
                    } else {
                        // Quitting anyway: a file that cannot be removed is left behind.
                        let _ = remove_temporary_files(&out);
                        std::process::exit(exit_code(signal).into());
                    }
                }
            })?;
        Ok(Self { first })
    }

    /// The first signal that arrived, if any.
    pub fn received(&self) -> Option<i32> {
        self.first.get().copied()
    }
}

/// How a person would name `signal`.
pub fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "Ctrl-C (SIGINT)",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// The exit code of a process ended by `signal`: 128 + its number (130 for Ctrl-C).
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_are_named_and_exit_with_the_shells_codes() {
        assert_eq!((name(SIGINT), exit_code(SIGINT)), ("Ctrl-C (SIGINT)", 130));
        assert_eq!((name(SIGTERM), exit_code(SIGTERM)), ("SIGTERM", 143));
    }
}
