//! Ctrl-C and SIGTERM sent to the `downloader fetch` process, under every strategy: it stops
//! within moments, deletes its temporary files, keeps the finished ones, says what it cancelled,
//! and exits with 130 (SIGINT) or 143 (SIGTERM).
//!
//! About SIGINT in tests: a background job of a non-interactive shell starts with SIGINT
//! ignored, and a child inherits that. `downloader fetch` installs its own handler for SIGINT
//! (signal-hook), which replaces an inherited "ignore", so the signal arrives all the same.

mod common;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use downloader::{LocalServer, Strategy};
use testkit::deadline;
use wait_timeout::ChildExt;

/// A child process in a process group of its own, killed with its group if the test fails.
struct Fetch {
    child: Child,
}

impl Fetch {
    fn start(dir: &Path, strategy: Strategy, urls: &[String]) -> Fetch {
        let child = Command::new(env!("CARGO_BIN_EXE_downloader"))
            .args(["fetch", "--quiet", "--workers", "3", "--out", "got"])
            .args(["--strategy", strategy.name(), "--read-timeout", "600"])
            .args(urls)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        Fetch { child }
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) has no memory-safety preconditions; the pid is our child's, not yet
        // reaped (we wait for it only after this), so it cannot name another process.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
    }

    /// Waits (at most 20 s) and returns the exit code, stdout and stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let status = self
            .child
            .wait_timeout(Duration::from_secs(20))
            .unwrap()
            .expect("the process did not stop after the signal");
        let stdout = read_all(self.child.stdout.take());
        let stderr = read_all(self.child.stderr.take());
        (status.code(), stdout, stderr)
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: as in `signal`; a negative pid names our child's own process group.
            unsafe { libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL) };
            let _ = self.child.wait();
        }
    }
}

fn read_all(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut text).unwrap();
    }
    text
}

/// Waits until `got/` holds the finished `image-001.png` and a temporary file of a download that
/// hangs: the moment to send the signal.
fn wait_for_work_in_flight(out: &Path) {
    let start = Instant::now();
    let in_flight =
        || out.join("image-001.png").is_file() && !common::temporary_files(out).is_empty();
    while !in_flight() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no download in flight"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

fn urls(server: &LocalServer) -> Vec<String> {
    vec![
        server.url("/images/image-001.png"),
        server.url("/stall?size=100000"),
        server.url("/images/image-002.png?latency_ms=1500"),
        server.url("/stall?size=100000&sent=100"),
        server.url("/images/image-003.png"),
    ]
}

fn cancel_with(signal: libc::c_int, expected_code: i32, times: usize) {
    let server = LocalServer::start().unwrap();
    let root = tempfile::tempdir().unwrap();
    for strategy in Strategy::ALL {
        let dir = root.path().join(strategy.name());
        std::fs::create_dir(&dir).unwrap();
        let fetch = Fetch::start(&dir, strategy, &urls(&server));
        let out = dir.join("got");
        wait_for_work_in_flight(&out);
        for _ in 0..times {
            fetch.signal(signal);
        }
        let (code, stdout, stderr) = fetch.finish();
        assert_eq!(code, Some(expected_code), "{strategy}: {stdout}\n{stderr}");
        assert_eq!(
            common::temporary_files(&out),
            Vec::<String>::new(),
            "{strategy}"
        );
        assert!(
            out.join("image-001.png").is_file(),
            "{strategy}: finished files are kept"
        );
        assert!(!stderr.contains("panicked"), "{strategy}: {stderr}");
        if times == 1 {
            assert!(
                stdout.contains("cancelled") && stdout.contains("CANCELLED"),
                "{strategy}: {stdout}"
            );
            assert!(
                stderr.contains("error: cancelled by"),
                "{strategy}: {stderr}"
            );
        }
    }
}

#[test]
fn ctrl_c_cancels_every_strategy_with_exit_code_130() {
    deadline(Duration::from_secs(120), || {
        cancel_with(libc::SIGINT, 130, 1)
    });
}

#[test]
fn sigterm_cancels_every_strategy_with_exit_code_143() {
    deadline(Duration::from_secs(120), || {
        cancel_with(libc::SIGTERM, 143, 1)
    });
}

#[test]
fn a_second_ctrl_c_quits_at_once_and_still_leaves_no_temporary_file() {
    deadline(Duration::from_secs(120), || {
        cancel_with(libc::SIGINT, 130, 2)
    });
}
