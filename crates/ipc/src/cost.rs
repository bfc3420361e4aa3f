//! The cost of a process vs a thread (the seeds' "creating a process is slower than creating a
//! thread").
//!
//! Starting a thread asks the kernel for a stack and a scheduling entry in the *same* address
//! space. Starting a process asks for a new address space, loads the program (exec), runs the
//! dynamic loader and Rust's runtime start-up, and at the end tears all of it down: tens to
//! hundreds of times more work. Pools exist to pay it once.

use std::fmt;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use threads_basics::timing::{speedup, timed};

use crate::child::ChildGuard;

/// The hidden subcommand of a child that does nothing and exits.
pub const CHILD_ROLE: &str = "noop";

/// Times of starting and joining `count` of each.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// How many of each.
    pub count: usize,
    /// `count` threads, started then joined.
    pub threads: Duration,
    /// `count` processes, started then waited for.
    pub processes: Duration,
}

impl Cost {
    /// Processes over threads: how many times faster starting threads was.
    pub fn ratio(&self) -> f64 {
        speedup(self.processes, self.threads)
    }
}

/// Starts and joins `count` threads, then `count` processes of `exe child noop`.
pub fn measure(exe: &Path, count: usize) -> io::Result<Cost> {
    let threads = timed(|| {
        let handles: Vec<_> = (0..count).map(|i| std::thread::spawn(move || i)).collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map(drop)
                .map_err(|_| io::Error::other("a thread panicked"))
        })
    })
    .transpose()?;
    let processes = timed(|| {
        let mut children = (0..count)
            .map(|_| {
                ChildGuard::spawn(
                    Command::new(exe)
                        .args(["child", CHILD_ROLE])
                        .stdin(Stdio::null()),
                )
            })
            .collect::<io::Result<Vec<_>>>()?;
        children.iter_mut().try_for_each(|child| {
            let status = child.finish_within(Duration::from_secs(10))?;
            if status.success() {
                Ok(())
            } else {
                Err(io::Error::other(format!("a child failed: {status}")))
            }
        })
    })
    .transpose()?;
    Ok(Cost {
        count,
        threads: threads.elapsed,
        processes: processes.elapsed,
    })
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.count;
        writeln!(f, "== The cost of a process vs a thread ==")?;
        writeln!(
            f,
            "{count} threads started and joined:   {:>10.2?}",
            self.threads
        )?;
        writeln!(
            f,
            "{count} processes started and reaped: {:>10.2?}",
            self.processes
        )?;
        writeln!(f, "a process costs about {:.0}× a thread", self.ratio())
    }
}
