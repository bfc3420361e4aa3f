//! Reference solutions of this lesson's exercises.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crate::jobs::Job;
use crate::roles::{ChildDied, job_spec};

/// Exercise 1: run `exe child square <n>` and return the number it prints on stdout.
pub fn square_in_child(exe: &Path, n: u64) -> io::Result<u64> {
    let output = Command::new(exe)
        .args(["child", "square", &n.to_string()])
        .stdin(Stdio::null())
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "the child failed: {}",
            output.status
        )));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

/// Exercise 2: request and answer over one child's stdin/stdout, for every `x` in turn.
pub fn add_ten_over_pipe(exe: &Path, xs: &[i64]) -> io::Result<Vec<i64>> {
    let mut child = Command::new(exe)
        .args(["child", "pipe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let answers = (|| {
        let mut to_child = BufWriter::new(child.stdin.take().ok_or_else(missing)?);
        let mut from_child = BufReader::new(child.stdout.take().ok_or_else(missing)?);
        let mut answers = Vec::with_capacity(xs.len());
        for x in xs {
            writeln!(to_child, "{x}")?;
            to_child.flush()?; // or the request waits in our buffer forever
            let mut line = String::new();
            from_child.read_line(&mut line)?;
            answers.push(parse(&line)?);
        }
        Ok(answers)
        // `to_child` is dropped here: the child's stdin closes and it ends.
    })();
    if answers.is_err() {
        let _ = child.kill();
    }
    child.wait()?;
    answers
}

/// Exercise 3: chunks of the jobs to `workers` children, answers in input order.
pub fn map_in_processes(exe: &Path, jobs: &[Job], workers: usize) -> io::Result<Vec<(u64, u32)>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    // One thread per child, all started before any is joined: the children run at once. Shares
    // come back in order, so concatenating them keeps the input order.
    thread::scope(|s| {
        let handles: Vec<_> = shares(jobs, workers)
            .map(|share| s.spawn(move || answers_of_one_child(exe, share)))
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for h in handles {
            out.extend(
                h.join()
                    .map_err(|_| io::Error::other("a thread panicked"))??,
            );
        }
        Ok(out)
    })
}

/// `min(workers, len)` contiguous shares whose lengths differ by one at most (`len.div_ceil(n)`
/// per share could leave the last workers with nothing: 7 jobs in shares of 2 is 4 shares).
fn shares(jobs: &[Job], workers: usize) -> impl Iterator<Item = &[Job]> {
    let count = workers.clamp(1, jobs.len().max(1));
    let (size, extra) = (jobs.len() / count, jobs.len() % count);
    let mut rest = jobs;
    (0..count).map(move |i| {
        let (share, tail) = rest.split_at(size + usize::from(i < extra));
        rest = tail;
        share
    })
}

fn answers_of_one_child(exe: &Path, share: &[Job]) -> io::Result<Vec<(u64, u32)>> {
    let mut child = Command::new(exe)
        .args(["child", "jobs"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_child = child.stdin.take().ok_or_else(missing)?;
    let from_child = child.stdout.take().ok_or_else(missing)?;
    // Write on a thread while this one reads: no pipe can fill up with nobody reading. Dropping
    // `to_child` at the end of the writer closes the child's stdin: its signal to end.
    let requests: String = share.iter().map(|&job| job_spec(job) + "\n").collect();
    let writer = thread::spawn(move || to_child.write_all(requests.as_bytes()));
    let answers = BufReader::new(from_child)
        .lines()
        .map(|line| {
            let line = line?;
            let mut fields = line.split_whitespace();
            let answer = parse(fields.next().unwrap_or(""))?;
            let pid = parse(fields.next().unwrap_or(""))?;
            Ok((answer, pid))
        })
        .collect::<io::Result<Vec<_>>>();
    if answers.is_err() {
        // Nobody reads the child any more: end it, or the writer may wait on a full pipe forever.
        let _ = child.kill();
    }
    let written = writer
        .join()
        .map_err(|_| io::Error::other("the writer panicked"))?;
    let status = child.wait()?;
    written?;
    let answers = answers?;
    if !status.success() || answers.len() != share.len() {
        return Err(io::Error::other(format!("a child failed: {status}")));
    }
    Ok(answers)
}

/// Exercise 4: an atomic counter in a mapped file.
pub fn increment_shared(path: &Path, n: u64) -> io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    // SAFETY: the file is not truncated while mapped; all shared accesses are atomic.
    let map = unsafe { memmap2::MmapMut::map_mut(&file)? };
    if map.len() < 8 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is shorter than 8 bytes",
        ));
    }
    let ptr = map.as_ptr() as *mut u64;
    // SAFETY: in bounds (checked), aligned (a mapping starts on a page), valid while `map` lives,
    // and every process touches the word only through atomics.
    let counter = unsafe { AtomicU64::from_ptr(ptr) };
    for _ in 0..n {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Exercise 5: one child per job, all at once; deaths reported with their task.
pub fn run_each_in_child(exe: &Path, jobs: &[Job]) -> io::Result<Vec<Result<u64, ChildDied>>> {
    // Start them all first, so they run at the same time...
    let mut children = Vec::with_capacity(jobs.len());
    for &job in jobs {
        let spawned = Command::new(exe)
            .args(["child", "job", &job_spec(job)])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => children.push(child),
            Err(e) => {
                // Leave nothing behind.
                for mut c in children {
                    let _ = c.kill();
                    let _ = c.wait();
                }
                return Err(e);
            }
        }
    }
    // ...then collect each one's output and exit status (this also reaps them all).
    let mut results = Vec::with_capacity(jobs.len());
    let mut failure = None;
    for (task, child) in children.into_iter().enumerate() {
        match child.wait_with_output() {
            Ok(out) if out.status.success() => match parse(&String::from_utf8_lossy(&out.stdout)) {
                Ok(value) => results.push(Ok(value)),
                Err(e) => {
                    failure.get_or_insert(e);
                }
            },
            Ok(out) => results.push(Err(ChildDied {
                task,
                status: out.status,
            })),
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

fn parse<T>(text: &str) -> io::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.trim()
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{text:?}: {e}")))
}

fn missing() -> io::Error {
    io::Error::other("child pipe missing")
}
