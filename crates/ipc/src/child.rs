//! Starting child processes that never outlive their parent.
//!
//! Python's `multiprocessing` has three *start methods*:
//! - `fork`: the child is a copy of the parent (memory, open files, *and* the locks other threads
//!   held at the instant of the fork — the classic source of deadlocks in children);
//! - `spawn`: a fresh interpreter starts and imports the parent's module, then runs the target;
//! - `forkserver`: a small clean server process is started early and forks children on request.
//!
//! Rust has no interpreter to restart and `fork` in a program with threads is only safe if the
//! child immediately calls `exec`. So Rust *spawns*: [`std::process::Command`] runs a program —
//! here the lesson's own binary ([`std::env::current_exe`]) with a hidden subcommand that tells it
//! which role to play. That is the `spawn` start method, done by hand.
//!
//! A child must never outlive its parent. Two mechanisms make sure of it:
//! - [`die_with_parent`] asks the Linux kernel (`PR_SET_PDEATHSIG`) to send the child `SIGKILL`
//!   when its parent dies, even if the parent is killed and never runs its destructors;
//! - [`ChildGuard`] kills and reaps (waits for) its child when dropped, so a panic or an early
//!   return in the parent leaves neither an orphan nor a zombie.

use std::io;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use wait_timeout::ChildExt;

/// Makes the child started by `cmd` receive `SIGKILL` when its parent dies (Linux only; elsewhere
/// this does nothing and [`ChildGuard`] is the only safety net).
///
/// Careful: the kernel watches the parent *thread* that spawned the child, not the whole process.
/// A child spawned from a short-lived thread dies when that thread ends. Spawn long-lived children
/// from a long-lived thread (see [`Spawner`]).
pub fn die_with_parent(cmd: &mut Command) -> &mut Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        // SAFETY: the closure runs in the child between fork and exec, where only
        // async-signal-safe calls are allowed: `prctl` and `getppid` are plain system calls, and
        // the closure allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died between fork and prctl: then nobody will ever
                // send the signal, so give up now.
                if libc::getppid() as u32 != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    cmd
}

/// Called by a child at its start: the same promise as [`die_with_parent`], made from inside.
///
/// The lesson's hidden child subcommands call it first, so their children die with the parent
/// even when the parent (a student's exercise, say) spawned them with a plain `Command`.
pub fn arm_parent_death_signal() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

/// A child process that is killed and reaped when this guard is dropped.
///
/// Use [`ChildGuard::wait_timeout`] or [`ChildGuard::finish_within`] to collect a normal exit
/// (the guard derefs to [`Child`], so `wait` works too).
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
}

impl ChildGuard {
    /// Takes charge of `child`.
    pub fn new(child: Child) -> Self {
        Self { child }
    }

    /// Spawns `cmd` (with [`die_with_parent`]) and guards the child.
    pub fn spawn(cmd: &mut Command) -> io::Result<Self> {
        die_with_parent(cmd).spawn().map(Self::new)
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for the child to exit; `None` if it is still running.
    pub fn wait_timeout(&mut self, limit: Duration) -> io::Result<Option<ExitStatus>> {
        self.child.wait_timeout(limit)
    }

    /// Waits up to `limit`, then kills the child if it is still running, and returns how it ended.
    pub fn finish_within(&mut self, limit: Duration) -> io::Result<ExitStatus> {
        match self.child.wait_timeout(limit)? {
            Some(status) => Ok(status),
            None => self.kill_and_reap(),
        }
    }

    /// Kills the child (if it still runs) and reaps it.
    pub fn kill_and_reap(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.child.try_wait()? {
            return Ok(status);
        }
        // `kill` fails only if the child exited in between; `wait` then collects that status.
        let _ = self.child.kill();
        self.child.wait()
    }
}

impl Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.child
    }
}

impl DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // Nothing useful can be done with an error here: the child is gone or unkillable.
        let _ = self.kill_and_reap();
    }
}

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// A thread that spawns children on request and lives as long as its owner.
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that spawned a child ends. A pool that replaces a
/// dead worker from inside `map` would otherwise tie the new worker's life to whichever thread
/// called `map`. Spawning from this thread ties it to the pool instead.
#[derive(Debug)]
pub struct Spawner {
    requests: Option<mpsc::Sender<SpawnRequest>>,
    thread: Option<JoinHandle<()>>,
}

impl Spawner {
    /// Starts the spawning thread.
    pub fn new() -> io::Result<Self> {
        let (requests, incoming) = mpsc::channel::<SpawnRequest>();
        let thread = thread::Builder::new()
            .name("child-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in incoming {
                    // The requester may have given up; the child is then dropped, which does not
                    // kill it, so kill it here.
                    let spawned = die_with_parent(&mut cmd).spawn();
                    if let Err(mpsc::SendError(Ok(mut child))) = reply.send(spawned) {
                        let _ = child.kill();
                        let _ = child.wait();
                    }
                }
            })?;
        Ok(Self {
            requests: Some(requests),
            thread: Some(thread),
        })
    }

    /// Spawns `cmd` from the spawner's thread, with [`die_with_parent`].
    pub fn spawn(&self, cmd: Command) -> io::Result<Child> {
        let gone = || io::Error::other("the spawner thread is gone");
        let (reply, answer) = mpsc::channel();
        self.requests
            .as_ref()
            .ok_or_else(gone)?
            .send((cmd, reply))
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

impl Drop for Spawner {
    fn drop(&mut self) {
        // Closing the request channel ends the thread's loop.
        self.requests.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// True if a process with this id exists (running or a zombie not yet reaped).
///
/// Used by the tests to prove that no child outlived its pool.
pub fn process_exists(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
        let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
        rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// True if a process with this id exists and is not a zombie (it still runs).
///
/// An orphan that died is reaped by init (or a subreaper) at its own pace; until then it is a
/// zombie, which [`process_exists`] still counts.
pub fn process_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the command name, which is in parentheses and may hold spaces.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) if Path::new("/proc/self").exists() => false,
        Err(_) => process_exists(pid),
    }
}
