//! Running a child process under supervision: a deadline enforced on its whole process group, and
//! bounded capture of what it prints.
//!
//! The grader runs students' code and the tour runs demos; neither may hang the runner, flood its
//! memory, or leave processes behind. Every child is the leader of a new process group, so killing
//! the group also kills anything the child started.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How a supervised process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it (an abort, a segfault from a stack overflow, ...).
    Signaled(i32),
    /// It ran past its deadline and its process group was killed.
    TimedOut,
}

/// What a supervised run produced.
#[derive(Debug)]
pub struct Outcome {
    /// How the process ended.
    pub ending: Ending,
    /// Its standard output and error, interleaved, bounded (see [`Capture`]).
    pub output: String,
    /// Processes of its group still alive after it ended (they were killed).
    pub leftovers: usize,
    /// Wall-clock time from start to end.
    pub elapsed: Duration,
}

/// Bytes kept from the start and from the end of a process's output.
const HEAD: usize = 48 * 1024;
const TAIL: usize = 16 * 1024;

/// Output kept within bounds: the first [`HEAD`] bytes and the last [`TAIL`] bytes.
#[derive(Default)]
struct Capture {
    head: Vec<u8>,
    tail: Vec<u8>,
    dropped: usize,
}

impl Capture {
    fn push(&mut self, mut bytes: &[u8]) {
        let room = HEAD - self.head.len();
        if room > 0 {
            let n = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > 2 * TAIL {
            let excess = self.tail.len() - TAIL;
            self.tail.drain(..excess);
            self.dropped += excess;
        }
    }

    fn into_string(self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.dropped > 0 {
            text.push_str(&format!(
                "\n[... {} bytes of output omitted ...]\n",
                self.dropped
            ));
        }
        text.push_str(&String::from_utf8_lossy(&self.tail));
        text
    }
}

/// Where a supervised process's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Captured, bounded, returned in [`Outcome::output`].
    Capture,
    /// Shown as it comes, on our own stdout and stderr.
    Show,
}

/// The process groups of the supervised processes running now, so that [`cancel_all`] can end
/// them when the runner itself is told to stop.
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Kills every supervised process group still running (the runner is quitting: none of them may
/// outlive it).
pub fn cancel_all() {
    for pgid in RUNNING.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        kill_group(pgid);
    }
}

/// Runs `cmd` with stdin closed, killing its whole process group if it is still running after
/// `timeout`, and returns how it ended (with its bounded output if captured).
pub fn run(cmd: &mut Command, timeout: Duration, output: Output) -> std::io::Result<Outcome> {
    let pipe = || {
        if output == Output::Capture {
            Stdio::piped()
        } else {
            Stdio::inherit()
        }
    };
    supervise(cmd, timeout, pipe(), pipe())
}

/// Like [`run`], with the process's standard output written whole to `file` (for output that
/// must not be cut, such as cargo's JSON messages) and its standard error captured, bounded.
pub fn run_to_file(
    cmd: &mut Command,
    timeout: Duration,
    file: std::fs::File,
) -> std::io::Result<Outcome> {
    supervise(cmd, timeout, Stdio::from(file), Stdio::piped())
}

fn supervise(
    cmd: &mut Command,
    timeout: Duration,
    stdout: Stdio,
    stderr: Stdio,
) -> std::io::Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let pgid = child.id() as i32;
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push(pgid);
    let capture = Arc::new(Mutex::new(Capture::default()));
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|pipe| drain(pipe, Arc::clone(&capture)))
    .collect();

    let deadline = start + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let ending = match status {
        Some(status) => match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Exited(code),
            (None, Some(signal)) => Ending::Signaled(signal),
            (None, None) => Ending::Exited(-1),
        },
        None => {
            kill_group(pgid);
            child.wait()?;
            Ending::TimedOut
        }
    };
    let elapsed = start.elapsed();
    // Grandchildren still holding the pipes would keep the readers waiting: end them too.
    let leftovers = live_members(pgid);
    kill_group(pgid);
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&g| g != pgid);
    for reader in readers {
        let _ = reader.join();
    }
    let output = match Arc::try_unwrap(capture) {
        Ok(capture) => capture
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_string(),
        Err(_) => String::new(),
    };
    Ok(Outcome {
        ending,
        output,
        leftovers,
        elapsed,
    })
}

fn drain(mut pipe: Box<dyn Read + Send>, capture: Arc<Mutex<Capture>>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            capture
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(&buf[..n]);
        }
    })
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that no longer exists yields ESRCH, ignored.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Live (not zombie) processes whose process group is `pgid`, read from /proc.
fn live_members(pgid: i32) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            // After the command name (in parentheses, possibly with spaces): state, ppid, pgrp.
            let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                return false;
            };
            let mut fields = rest.split_whitespace();
            let state = fields.next();
            let pgrp = fields.nth(1).and_then(|f| f.parse::<i32>().ok());
            pgrp == Some(pgid) && state != Some("Z") && state != Some("X")
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> Outcome {
        run(
            Command::new("sh").arg("-c").arg(script),
            timeout,
            Output::Capture,
        )
        .expect("sh runs")
    }

    #[test]
    fn exit_codes_and_output() {
        let out = sh("echo hello; echo oops >&2; exit 3", Duration::from_secs(10));
        assert_eq!(out.ending, Ending::Exited(3));
        assert!(out.output.contains("hello") && out.output.contains("oops"));
        assert_eq!(out.leftovers, 0);
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let out = sh("sleep 30 & sleep 30", Duration::from_millis(200));
        assert_eq!(out.ending, Ending::TimedOut);
        assert!(
            out.elapsed < Duration::from_secs(10),
            "the runner must not wait for the group"
        );
    }

    #[test]
    fn a_child_left_running_is_counted_and_killed() {
        let out = sh("sleep 30 & exit 0", Duration::from_secs(10));
        assert_eq!(out.ending, Ending::Exited(0));
        assert_eq!(out.leftovers, 1);
    }

    #[test]
    fn signals_are_reported() {
        let out = sh("kill -ABRT $$", Duration::from_secs(10));
        assert_eq!(out.ending, Ending::Signaled(libc::SIGABRT));
    }

    #[test]
    fn output_is_bounded() {
        let out = sh(
            "head -c 5000000 /dev/zero | tr '\\0' x; echo END",
            Duration::from_secs(20),
        );
        assert!(out.output.len() < HEAD + 3 * TAIL);
        assert!(out.output.contains("bytes of output omitted"));
        assert!(out.output.trim_end().ends_with("END"));
    }
}
