//! Exercises of this lesson: talk to child processes.
//!
//! Every exercise gets `exe`, the path of the `ipc` binary, which plays the children through its
//! hidden `child` subcommands (see [`crate::roles`]): in the tests it is
//! `env!("CARGO_BIN_EXE_ipc")`, in your own program `std::env::current_exe()`. Wait for (reap)
//! every child you start, and never leave one running when you return: the tests look for
//! leftover children, running or unreaped, of the thread that called the exercise.
//!
//! The lesson's children die with their parent (`PR_SET_PDEATHSIG`), and to the kernel the
//! parent is the *thread* that started them: start a child on the thread that talks to it and
//! waits for it, not on a helper thread that ends first.

use std::io;
use std::path::Path;

use crate::jobs::Job;
use crate::roles::ChildDied;

/// Exercise 1: run `exe child square <n>` and return the number it prints on stdout.
///
/// A child that cannot be started, fails (non-zero exit) or prints something that is not a
/// number is an error.
///
/// ```no_run
/// # use std::path::Path;
/// let exe = Path::new("target/debug/ipc");
/// assert_eq!(ipc::exercises::square_in_child(exe, 12)?, 144);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn square_in_child(exe: &Path, n: u64) -> io::Result<u64> {
    let _ = (exe, n);
    todo!()
}

/// Exercise 2: start **one** child `exe child pipe` (it answers `x + 10` for each line `x` it
/// reads on stdin, one line per answer on stdout) and ask it about every `x` in turn, request,
/// answer, request, answer... (the seeds' `parent_conn.send(32)` / `recv()`). Then close its
/// stdin (its signal to end), wait for it, and return the answers in order.
///
/// The tests ask tens of thousands of questions, far more than a pipe holds (64 KiB): send the
/// next request only once the answer to the last one is in.
///
/// ```no_run
/// # use std::path::Path;
/// let exe = Path::new("target/debug/ipc");
/// assert_eq!(ipc::exercises::add_ten_over_pipe(exe, &[32, -10])?, vec![42, 0]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn add_ten_over_pipe(exe: &Path, xs: &[i64]) -> io::Result<Vec<i64>> {
    let _ = (exe, xs);
    todo!()
}

/// Exercise 3: a map over worker processes. Start `workers` children `exe child jobs`, all
/// running at the same time. Each reads one job per line on its stdin, written as
/// [`crate::roles::job_spec`] writes it (`square:7`), and answers the line
/// `<answer> <its pid>` for each, until its stdin closes. Share the jobs among the children so
/// that every child gets some (when there are at least as many jobs as workers), and return
/// `(answer, pid of the child that computed it)` **in input order**.
///
/// The tests check two things beyond the answers:
/// - the children run at the same time: some jobs ([`Job::Meet`]) are answered only once
///   `workers` children are running at once;
/// - no pipe deadlock: each child's share is far larger than a pipe holds (64 KiB), and a
///   child whose answers nobody reads stops reading its requests. Read a child's answers while
///   its requests are still being written.
///
/// ```no_run
/// # use std::path::Path;
/// use ipc::jobs::Job;
/// let exe = Path::new("target/debug/ipc");
/// let jobs = [Job::Square(1), Job::Square(2), Job::Square(3)];
/// let out = ipc::exercises::map_in_processes(exe, &jobs, 2)?;
/// assert_eq!(out.iter().map(|&(sq, _)| sq).collect::<Vec<_>>(), vec![1, 4, 9]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn map_in_processes(exe: &Path, jobs: &[Job], workers: usize) -> io::Result<Vec<(u64, u32)>> {
    let _ = (exe, jobs, workers);
    todo!()
}

/// Exercise 4: the file at `path` holds (at least) 8 bytes; its first 8 are a `u64` counter.
/// Map the file into memory (`memmap2::MmapMut::map_mut`) and add one to the counter `n`
/// times, so that several processes (and threads) doing this at once on the same file end with
/// the exact total.
///
/// The tests run it on 4 threads and in 3 processes (`exe child increment <path> <n>` calls
/// this function) at once.
///
/// ```no_run
/// # let path = std::path::Path::new("/dev/shm/counter");
/// std::fs::write(path, [0u8; 8])?;
/// ipc::exercises::increment_shared(path, 1000)?;
/// assert_eq!(std::fs::read(path)?[..8], 1000u64.to_ne_bytes());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn increment_shared(path: &Path, n: u64) -> io::Result<()> {
    let _ = (path, n);
    todo!()
}

/// Exercise 5: run every job in a child process of its own, all at the same time:
/// `exe child job <spec>` with `spec = crate::roles::job_spec(job)`. A child that succeeds
/// prints its answer (a number) on stdout. A child that dies instead — `Job::Abort`
/// (a signal), `Job::Panic` (exit code 101), `Job::Exit(code)` — must be reported as
/// `Err(ChildDied { task, status })` with the index of its job and its exit status, and the
/// other jobs' answers still count. Return one entry per job, in input order.
///
/// The tests check that the children run at the same time: their [`Job::Meet`] jobs are
/// answered only once every child is running.
///
/// ```no_run
/// # use std::path::Path;
/// use ipc::jobs::Job;
/// let exe = Path::new("target/debug/ipc");
/// let out = ipc::exercises::run_each_in_child(exe, &[Job::Square(3), Job::Exit(3)])?;
/// assert_eq!(out[0], Ok(9));
/// assert_eq!(out[1].unwrap_err().task, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run_each_in_child(exe: &Path, jobs: &[Job]) -> io::Result<Vec<Result<u64, ChildDied>>> {
    let _ = (exe, jobs);
    todo!()
}
