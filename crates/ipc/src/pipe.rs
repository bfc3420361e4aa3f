//! A pipe: the parent sends 32, the child answers 42 (the seeds' `Pipe()`), over the child's
//! stdin and stdout.
//!
//! A pipe is a byte stream with a small kernel buffer (64 KiB on Linux). Messages need framing:
//! here one number per line. The child answers each request as it comes (`x + 10`) and ends when
//! its stdin closes — the parent closing its end is the "no more requests" signal.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};

use crate::child::ChildGuard;

/// The hidden subcommand that plays the child of this demo: answers `x + 10` per line.
pub const CHILD_ROLE: &str = "pipe";

/// A child that answers requests over a pipe, one line each way.
#[derive(Debug)]
pub struct PipeChild {
    to_child: BufWriter<ChildStdin>,
    from_child: BufReader<ChildStdout>,
    child: ChildGuard,
}

impl PipeChild {
    /// Starts `exe child pipe`.
    pub fn start(exe: &Path) -> io::Result<Self> {
        let mut child = ChildGuard::spawn(
            Command::new(exe)
                .args(["child", CHILD_ROLE])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        )?;
        let to_child = BufWriter::new(child.stdin.take().ok_or_else(missing)?);
        let from_child = BufReader::new(child.stdout.take().ok_or_else(missing)?);
        Ok(Self {
            to_child,
            from_child,
            child,
        })
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// Sends `x`, waits for the answer.
    pub fn request(&mut self, x: i64) -> io::Result<i64> {
        writeln!(self.to_child, "{x}")?;
        // Without the flush the request sits in our buffer and both sides wait forever.
        self.to_child.flush()?;
        let mut line = String::new();
        if self.from_child.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the child hung up",
            ));
        }
        line.trim()
            .parse()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{line:?}: {e}")))
    }

    /// Closes the child's stdin (its signal to stop) and waits for it to exit.
    pub fn finish(self) -> io::Result<std::process::ExitStatus> {
        let Self {
            to_child,
            from_child,
            mut child,
        } = self;
        drop(to_child);
        drop(from_child);
        child.finish_within(std::time::Duration::from_secs(5))
    }
}

/// The demo: send 32, get 42; returns the answer and the child's pid.
pub fn send_32(exe: &Path) -> io::Result<(i64, u32)> {
    let mut child = PipeChild::start(exe)?;
    let pid = child.pid();
    let answer = child.request(32)?;
    child.finish()?;
    Ok((answer, pid))
}

/// What `ipc pipe` shows: the child's answer to 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipeReport {
    /// What the child answered.
    pub answer: i64,
    /// The child's pid.
    pub pid: u32,
}

/// [`send_32`], as a report.
pub fn demo(exe: &Path) -> io::Result<PipeReport> {
    let (answer, pid) = send_32(exe)?;
    Ok(PipeReport { answer, pid })
}

impl std::fmt::Display for PipeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "== A pipe: request and answer over the child's stdin/stdout =="
        )?;
        writeln!(
            f,
            "parent sent 32, child {} answered {}",
            self.pid, self.answer
        )
    }
}

/// The child's side: for each line `x` on stdin, writes `x + 10` on stdout, until stdin closes.
pub fn child_main() -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    for line in stdin.lines() {
        let line = line?;
        let x: i64 = line
            .trim()
            .parse()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{line:?}: {e}")))?;
        writeln!(stdout, "{}", x + 10)?;
        stdout.flush()?;
    }
    Ok(())
}

fn missing() -> io::Error {
    io::Error::other("child pipe missing")
}
