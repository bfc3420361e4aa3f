//! The cost of a process vs a thread (the seeds' "creating a process is slower than creating a
//! thread").
//!
//! Starting a thread asks the kernel for a stack and a scheduling entry in the *same* address
//! space. Starting a process asks for a new address space, loads the program (exec), runs the
//! dynamic loader and Rust's runtime start-up, and at the end tears all of it down: tens to
//! hundreds of times more work. Pools exist to pay it once.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    /// Processes over threads.
    pub fn ratio(&self) -> f64 {
        self.processes.as_secs_f64() / self.threads.as_secs_f64().max(1e-9)
    }
}

/// Starts and joins `count` threads, then `count` processes of `exe child noop`.
pub fn measure(exe: &Path, count: usize) -> io::Result<Cost> {
    let start = Instant::now();
    let handles: Vec<_> = (0..count).map(|i| std::thread::spawn(move || i)).collect();
    for h in handles {
        h.join()
            .map_err(|_| io::Error::other("a thread panicked"))?;
    }
    let threads = start.elapsed();

    let start = Instant::now();
    let mut children = (0..count)
        .map(|_| {
            ChildGuard::spawn(
                Command::new(exe)
                    .args(["child", CHILD_ROLE])
                    .stdin(Stdio::null()),
            )
        })
        .collect::<io::Result<Vec<_>>>()?;
    for child in &mut children {
        let status = child.finish_within(Duration::from_secs(10))?;
        if !status.success() {
            return Err(io::Error::other(format!("a child failed: {status}")));
        }
    }
    let processes = start.elapsed();
    Ok(Cost {
        count,
        threads,
        processes,
    })
}
