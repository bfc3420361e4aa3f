//! Small children the exercises talk to (hidden `child` subcommands of the `ipc` binary).
//!
//! - `child square <n>` prints `n * n` and exits;
//! - `child pipe` answers `x + 10` for each line `x` (see [`crate::pipe`]);
//! - `child jobs` answers `<answer> <its pid>` for each line holding a [`Job`] (as [`job_spec`]
//!   writes it), until stdin closes;
//! - `child increment <path> <n>` runs the student's [`crate::exercises::increment_shared`];
//! - `child job <job>` runs one [`Job`] (`square:7`, `sleep:50:3`, `pid`, `abort`, `panic`,
//!   `exit:3`, `meet:<port>:<value>`) and prints its answer;
//! - `child pool-holder <workers>` starts a process pool, prints its workers' pids and keeps
//!   them busy for a minute (the tests kill it with `SIGKILL` to show its workers die too).

use std::io::{self, BufRead, Write};

use crate::jobs::{Job, run_job};

/// `child square <n>`.
pub fn square(n: u64) {
    println!("{}", n * n);
}

/// `child jobs`: one answer line per job line.
pub fn jobs() -> io::Result<()> {
    let pid = std::process::id();
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let job =
            parse_job(line?.trim()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        writeln!(out, "{} {pid}", run_job(job))?;
        out.flush()?;
    }
    Ok(())
}

/// `child job <job>`: prints the job's answer.
pub fn job(job: Job) {
    println!("{}", run_job(job));
}

/// Parses the `child job` argument.
pub fn parse_job(spec: &str) -> Result<Job, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let num = |s: &str| s.parse::<u64>().map_err(|e| format!("{spec:?}: {e}"));
    match parts.as_slice() {
        ["square", n] => Ok(Job::Square(num(n)?)),
        ["sleep", ms, value] => Ok(Job::SleepThen {
            ms: num(ms)?,
            value: num(value)?,
        }),
        ["pid"] => Ok(Job::Pid),
        ["abort"] => Ok(Job::Abort),
        ["panic"] => Ok(Job::Panic),
        ["exit", code] => Ok(Job::Exit(
            code.parse().map_err(|e| format!("{spec:?}: {e}"))?,
        )),
        ["meet", port, value] => Ok(Job::Meet {
            port: port.parse().map_err(|e| format!("{spec:?}: {e}"))?,
            value: num(value)?,
        }),
        _ => Err(format!(
            "unknown job {spec:?} (square:N, sleep:MS:VALUE, pid, abort, panic, exit:CODE, \
             meet:PORT:VALUE)"
        )),
    }
}

/// The `child job` argument for `job` (the inverse of [`parse_job`]).
pub fn job_spec(job: Job) -> String {
    match job {
        Job::Square(n) => format!("square:{n}"),
        Job::SleepThen { ms, value } => format!("sleep:{ms}:{value}"),
        Job::Pid => "pid".into(),
        Job::Abort => "abort".into(),
        Job::Panic => "panic".into(),
        Job::Exit(code) => format!("exit:{code}"),
        Job::Meet { port, value } => format!("meet:{port}:{value}"),
    }
}

/// A child that did not answer: which task it held and how it ended (exercise 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildDied {
    /// The index of the task (in the input list) the child was running.
    pub task: usize,
    /// How the child ended: a non-zero exit code or a signal.
    pub status: std::process::ExitStatus,
}

impl std::fmt::Display for ChildDied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "task {} lost: its child ended with {}",
            self.task, self.status
        )
    }
}

impl std::error::Error for ChildDied {}

/// `child pool-holder <workers>`: a pool of the lesson's workers, busy for a minute.
pub fn pool_holder(workers: usize) -> Result<(), crate::pool::PoolError> {
    let mut pool = crate::pool::ProcessPool::<Job, u64>::new(workers, std::env::current_exe()?)?;
    let pids: Vec<String> = pool.pids().iter().map(u32::to_string).collect();
    let mut out = io::stdout().lock();
    writeln!(out, "{}", pids.join(" "))?;
    out.flush()?;
    // Busy workers do not notice that the pool is gone (they are not reading their channel):
    // only PR_SET_PDEATHSIG ends them if this process is killed.
    let long = Job::SleepThen {
        ms: 60_000,
        value: 0,
    };
    pool.map(vec![long; workers])?;
    Ok(())
}
