//! Writes every request before reading any answer: once both pipes are full, parent and child wait on each other forever.

/// Exercise 2 (wrong: not request by request).
pub fn add_ten_over_pipe(exe: &Path, xs: &[i64]) -> io::Result<Vec<i64>> {
    let mut child = Command::new(exe)
        .args(["child", "pipe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_child = BufWriter::new(child.stdin.take().ok_or_else(missing)?);
    for x in xs {
        writeln!(to_child, "{x}")?;
    }
    drop(to_child); // flushes, then closes the child's stdin
    let answers = BufReader::new(child.stdout.take().ok_or_else(missing)?)
        .lines()
        .map(|line| parse(&line?))
        .collect();
    child.wait()?;
    answers
}
