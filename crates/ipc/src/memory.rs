//! Processes do not share memory (the seeds' `data = [0]`).
//!
//! The parent starts a child that adds one to *its* `data` and prints it; the parent's `data` is
//! unchanged. A thread of the parent doing the same changes the parent's `data`: threads share
//! one address space, processes each have their own.
//!
//! With Python's `fork` the child starts with a *copy* of the parent's memory; with `spawn` (and
//! in Rust, which spawns) the child starts from scratch and builds its own `data`. Either way,
//! nothing the child writes reaches the parent.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

/// The hidden subcommand that plays the child of this demo.
pub const CHILD_ROLE: &str = "memory";

/// Who is running: the seeds' `PID / Process name / Thread name` printout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Process id.
    pub pid: u32,
    /// Process name: the program and its arguments (`ipc`, `ipc child memory`), since Rust
    /// processes have no `Process-1` style names.
    pub process: String,
    /// Thread name (`main` for the main thread).
    pub thread: String,
    /// Thread id, as Rust formats it.
    pub thread_id: String,
}

impl Identity {
    /// The identity of the calling thread.
    pub fn current() -> Self {
        let me = thread::current();
        Self {
            pid: std::process::id(),
            process: process_name(),
            thread: me.name().unwrap_or("<unnamed>").to_string(),
            thread_id: format!("{:?}", me.id()),
        }
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} process `{}` thread {} ({})",
            self.pid, self.process, self.thread, self.thread_id
        )
    }
}

/// The program's file name and its arguments.
fn process_name() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|p| {
            Path::new(&p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the demo saw.
#[derive(Debug, Clone)]
pub struct NotShared {
    /// The parent's `data` before anything ran.
    pub parent_before: Vec<u64>,
    /// The child's `data` after it added one, as it reported it.
    pub child_data: Vec<u64>,
    /// Who the child was.
    pub child: Identity,
    /// The parent's `data` after the child ended: unchanged.
    pub parent_after_child: Vec<u64>,
    /// Who the thread was.
    pub thread: Identity,
    /// The parent's `data` after a thread added one: changed.
    pub parent_after_thread: Vec<u64>,
    /// Who the parent is.
    pub parent: Identity,
}

/// Runs the demo; `exe` is the `ipc` binary (it plays the child with `child memory`).
pub fn not_shared(exe: &Path) -> io::Result<NotShared> {
    let data = Mutex::new(vec![0u64]);
    let parent_before = data.lock().map_err(poisoned)?.clone();

    let output = Command::new(exe)
        .args(["child", CHILD_ROLE])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!("child failed: {}", output.status)));
    }
    let (child, child_data) = parse_child_report(&String::from_utf8_lossy(&output.stdout))?;
    let parent_after_child = data.lock().map_err(poisoned)?.clone();

    // The same change made by a thread: one address space, so the parent sees it.
    let thread = thread::scope(|s| {
        thread::Builder::new()
            .name("worker".into())
            .spawn_scoped(s, || {
                if let Ok(mut d) = data.lock() {
                    d[0] += 1;
                }
                Identity::current()
            })
            .map(|h| h.join())
    })?
    .map_err(|_| io::Error::other("the thread panicked"))?;
    let parent_after_thread = data.lock().map_err(poisoned)?.clone();

    Ok(NotShared {
        parent_before,
        child_data,
        child,
        parent_after_child,
        thread,
        parent_after_thread,
        parent: Identity::current(),
    })
}

/// The child's side: its own `data`, changed, reported on stdout as
/// `pid=<pid> thread=<name> thread_id=<id> data=<n> process=<name and arguments>`.
pub fn child_main() {
    let mut data = [0u64];
    data[0] += 1;
    let me = Identity::current();
    println!(
        "pid={} thread={} thread_id={} data={} process={}",
        me.pid, me.thread, me.thread_id, data[0], me.process
    );
}

fn parse_child_report(line: &str) -> io::Result<(Identity, Vec<u64>)> {
    let field = |key: &str| {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .ok_or_else(|| bad_data(format!("child report lacks `{key}`: {line:?}")))
    };
    let pid = field("pid")?.parse().map_err(bad_data)?;
    let data = field("data")?.parse().map_err(bad_data)?;
    let process = line
        .split_once("process=")
        .map(|(_, name)| name.trim().to_string())
        .ok_or_else(|| bad_data(format!("child report lacks `process`: {line:?}")))?;
    let identity = Identity {
        pid,
        process,
        thread: field("thread")?.to_string(),
        thread_id: field("thread_id")?.to_string(),
    };
    Ok((identity, vec![data]))
}

fn bad_data(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

fn poisoned<T>(_: T) -> io::Error {
    io::Error::other("the data lock was poisoned")
}

impl std::fmt::Display for NotShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "== Processes do not share memory ==")?;
        writeln!(
            f,
            "[parent before] data = {:?}   ({})",
            self.parent_before, self.parent
        )?;
        writeln!(
            f,
            "[child]         data = {:?}   ({})",
            self.child_data, self.child
        )?;
        writeln!(
            f,
            "[parent after]  data = {:?}   the child changed its own copy",
            self.parent_after_child
        )?;
        writeln!(f, "[thread]        data += 1     ({})", self.thread)?;
        writeln!(
            f,
            "[parent after]  data = {:?}   a thread shares the parent's memory",
            self.parent_after_thread
        )
    }
}
