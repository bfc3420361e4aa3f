//! Reads the child's answer but never waits for it: every call leaves a zombie behind.

use std::io::Read;

/// Exercise 1 (wrong: the child is never reaped).
pub fn square_in_child(exe: &Path, n: u64) -> io::Result<u64> {
    let mut child = Command::new(exe)
        .args(["child", "square", &n.to_string()])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut answer = String::new();
    child
        .stdout
        .take()
        .ok_or_else(missing)?
        .read_to_string(&mut answer)?;
    parse(&answer)
}
