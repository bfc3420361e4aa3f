//! Starts every child, then writes each one's whole share before reading any answer: a share larger than a pipe deadlocks.

use std::process::Child;

/// Exercise 3 (wrong: the pipe deadlock of the lesson).
pub fn map_in_processes(exe: &Path, jobs: &[Job], workers: usize) -> io::Result<Vec<(u64, u32)>> {
    let mut children: Vec<Child> = Vec::new();
    for share in shares(jobs, workers) {
        let mut child = Command::new(exe)
            .args(["child", "jobs"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut to_child = BufWriter::new(child.stdin.take().ok_or_else(missing)?);
        for &job in share {
            writeln!(to_child, "{}", job_spec(job))?;
        }
        drop(to_child); // flushes, then closes the child's stdin
        children.push(child);
    }
    let mut out = Vec::with_capacity(jobs.len());
    for mut child in children {
        for line in BufReader::new(child.stdout.take().ok_or_else(missing)?).lines() {
            let line = line?;
            let (answer, pid) = line.split_once(' ').unwrap_or((&line, ""));
            out.push((parse(answer)?, parse(pid)?));
        }
        child.wait()?;
    }
    Ok(out)
}
