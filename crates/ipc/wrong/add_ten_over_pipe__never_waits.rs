//! Closes the child's stdin but never waits for it: the child is left behind, running or a zombie.

/// Exercise 2 (wrong: the child is never reaped).
pub fn add_ten_over_pipe(exe: &Path, xs: &[i64]) -> io::Result<Vec<i64>> {
    let mut child = Command::new(exe)
        .args(["child", "pipe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_child = BufWriter::new(child.stdin.take().ok_or_else(missing)?);
    let mut from_child = BufReader::new(child.stdout.take().ok_or_else(missing)?);
    let mut answers = Vec::with_capacity(xs.len());
    for x in xs {
        writeln!(to_child, "{x}")?;
        to_child.flush()?;
        let mut line = String::new();
        from_child.read_line(&mut line)?;
        answers.push(parse(&line)?);
    }
    Ok(answers)
}
