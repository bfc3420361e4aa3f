//! A lesson's binary, run from its tests: under a deadline, its exit code and what it printed.
//!
//! Every lesson's binary follows one error policy (CONTRIBUTING.md, "The binary"): exit code 0
//! when the run succeeded, 1 when it failed, 2 when the input was refused, and every error on
//! standard error as `error: …`, never a panic trace. Each lesson's `tests/cli.rs` checks it
//! through [`Bin`], so the check is written once:
//!
//! ```no_run
//! use testkit::cli::Bin;
//! # const EXE: &str = "sync"; // env!("CARGO_BIN_EXE_sync") in a lesson's test
//! Bin::new(EXE).args(["races", "--threads", "0"]).run().refused("--threads");
//! let ran = Bin::new(EXE).args(["races", "--increments", "10"]).run();
//! assert!(ran.success().contains("fetch_add"));
//! ```
//!
//! The binary runs with its standard input closed unless [`Bin::stdin`] gives it some, so a demo
//! that reads input sees the end of it instead of waiting for a terminal.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// How long a run may take unless [`Bin::within`] says otherwise.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// A run of a lesson's binary, to be started with [`Bin::run`].
#[derive(Debug)]
pub struct Bin {
    command: Command,
    stdin: Option<Vec<u8>>,
    limit: Duration,
}

impl Bin {
    /// The binary at `program`: in a lesson's test, `env!("CARGO_BIN_EXE_<lesson>")`.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            command: Command::new(program),
            stdin: None,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Runs the binary in `dir` (where the demos write their files).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Gives the binary `input` on its standard input, then closes it.
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Allows the run `limit` instead of [`DEFAULT_LIMIT`].
    pub fn within(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// Runs the binary to its end and returns what it did.
    ///
    /// # Panics
    /// If the binary cannot be started, or if it is still running after the limit: it is killed
    /// first, so that it does not outlive the test.
    pub fn run(mut self) -> Ran {
        let until = Instant::now() + self.limit;
        let mut child = self
            .command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {:?}: {e}", self.command));
        if let Some(input) = self.stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // A binary that exits without reading its input closes the pipe: nothing to report.
            thread::spawn(move || pipe.write_all(&input));
        }
        // Read both pipes while the binary runs: one that fills a pipe would otherwise block.
        let stdout = read_all(child.stdout.take().expect("stdout is piped"));
        let stderr = read_all(child.stderr.take().expect("stderr is piped"));
        let code = wait_until(&mut child, until, &self.command);
        let collect = |pipe: mpsc::Receiver<String>, name: &str| {
            // A grandchild that inherited the pipe and outlives the binary would keep it open.
            pipe.recv_timeout(until.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| {
                    panic!(
                        "the {name} of {:?} was still open at the deadline",
                        self.command
                    )
                })
        };
        Ran {
            code,
            stdout: collect(stdout, "stdout"),
            stderr: collect(stderr, "stderr"),
        }
    }
}

/// Reads `pipe` to its end on a thread of its own; the text arrives on the returned channel.
fn read_all(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error ends the output early; what was read so far is what the test sees.
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// Waits for `child` until `until`; kills it and panics if it is still running then.
fn wait_until(child: &mut Child, until: Instant, command: &Command) -> Option<i32> {
    let left = until.saturating_duration_since(Instant::now());
    match child.wait_timeout(left) {
        Ok(Some(status)) => status.code(),
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("deadline exceeded: {command:?} was still running after {left:?}; it was killed")
        }
        Err(e) => panic!("waiting for {command:?}: {e}"),
    }
}

/// What a run of the binary did.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// What it printed on standard output.
    pub stdout: String,
    /// What it printed on standard error.
    pub stderr: String,
}

impl Ran {
    /// Checks that the run ended with exit code `code` and without a panic; returns the run for
    /// more checks.
    #[track_caller]
    pub fn exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        assert!(
            !self.stderr.contains("panicked"),
            "a panic instead of an error message:\n{}",
            self.stderr
        );
        self
    }

    /// Checks that the run succeeded (exit code 0); returns what it printed on standard output.
    #[track_caller]
    pub fn success(&self) -> &str {
        &self.exit(0).stdout
    }

    /// Checks that the run failed (exit code 1) with an `error: …` message that mentions
    /// `message`; returns what it printed on standard output.
    #[track_caller]
    pub fn failure(&self, message: &str) -> &str {
        self.exit(1).says(message);
        &self.stdout
    }

    /// Checks that the input was refused: exit code 2, and an `error: …` message on standard
    /// error that mentions `message`.
    #[track_caller]
    pub fn refused(&self, message: &str) {
        self.exit(2).says(message);
    }

    #[track_caller]
    fn says(&self, message: &str) {
        assert!(
            self.stderr.starts_with("error: "),
            "stderr does not start with `error: `:\n{}",
            self.stderr
        );
        assert!(
            self.stderr.contains(message),
            "stderr does not mention {message:?}:\n{}",
            self.stderr
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Bin {
        Bin::new("sh").args(["-c", script])
    }

    #[test]
    fn exit_code_and_output_are_read() {
        let ran = sh("echo out; echo 'error: bad --flag' >&2; exit 2").run();
        assert_eq!(ran.stdout, "out\n");
        ran.refused("--flag");
    }

    #[test]
    fn input_is_given_and_closed() {
        let ran = sh("cat").stdin("typed\n").run();
        assert_eq!(ran.success(), "typed\n");
        assert_eq!(
            sh("cat").run().success(),
            "",
            "no input: end of input at once"
        );
    }

    #[test]
    #[should_panic(expected = "exit code")]
    fn a_wrong_exit_code_fails() {
        sh("exit 1").run().success();
    }

    #[test]
    #[should_panic(expected = "does not mention")]
    fn a_message_that_says_something_else_fails() {
        sh("echo 'error: other' >&2; exit 1")
            .run()
            .failure("expected");
    }

    #[test]
    #[should_panic(expected = "deadline exceeded")]
    fn a_run_past_its_limit_is_killed() {
        sh("sleep 30").within(Duration::from_millis(200)).run();
    }
}
