//! The grader's side of the proof of a pass: a fresh random token handed to each test process on
//! an inherited pipe, and the `pass <test> <token>` line the graded test crate's harness writes
//! back on a second pipe when the test body returned normally (see `testkit::grading`).
//!
//! Student code runs inside the test process, so what the process prints and how it exits prove
//! nothing; only the harness, which took the token before any student code ran, can write the line.

use std::fs::File;
use std::io::{self, Read as _, Write as _};
use std::os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd, RawFd};
use std::os::unix::process::CommandExt as _;
use std::process::Command;
use testkit::grading::{PROOF_FD_VAR, TOKEN_FD_VAR};

/// Bytes of the proof pipe read back: a proof line is short; anything beyond is noise.
const READ_LIMIT: usize = 4096;

/// One test process's token and the two pipes that carry it.
pub struct Proof {
    token: String,
    /// The proof pipe's read end, kept by the grader.
    answers: File,
    /// The token pipe's read end and the proof pipe's write end, for the child only.
    child_ends: [OwnedFd; 2],
}

impl Proof {
    /// A fresh token, already written into the token pipe.
    pub fn new() -> io::Result<Proof> {
        let mut random = [0u8; 16];
        File::open("/dev/urandom")?.read_exact(&mut random)?;
        let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let (token_read, token_write) = pipe()?;
        let (answers, proof_write) = pipe()?;
        // 33 bytes fit in any pipe's buffer: the write cannot block, and closing the write end
        // now lets the harness read to end of file.
        File::from(token_write).write_all(format!("{token}\n").as_bytes())?;
        Ok(Proof {
            token,
            answers: File::from(answers),
            child_ends: [token_read, proof_write],
        })
    }

    /// Hands the child's ends of both pipes to the process `cmd` will start.
    pub fn attach(&self, cmd: &mut Command) {
        let fds: [RawFd; 2] = [
            self.child_ends[0].as_raw_fd(),
            self.child_ends[1].as_raw_fd(),
        ];
        cmd.env(TOKEN_FD_VAR, fds[0].to_string())
            .env(PROOF_FD_VAR, fds[1].to_string());
        // SAFETY: between fork and exec only async-signal-safe calls are allowed; fcntl is one.
        // Both descriptors were opened close-on-exec, so no other child inherits them; here, in
        // this child only, the flag is cleared so that the test process keeps them.
        unsafe {
            cmd.pre_exec(move || {
                for fd in fds {
                    if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                        return Err(io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }

    /// Whether the harness of the process that has now ended confirmed that `test` returned
    /// normally. Reads only what the pipe already holds: nothing can keep the grader waiting.
    pub fn confirms(self, test: &str) -> bool {
        let Proof {
            token,
            mut answers,
            child_ends,
        } = self;
        drop(child_ends);
        // SAFETY: fcntl on a descriptor this struct owns; it only sets the non-blocking flag.
        let nonblocking = unsafe {
            libc::fcntl(
                answers.as_raw_fd(),
                libc::F_SETFL,
                libc::O_NONBLOCK | libc::fcntl(answers.as_raw_fd(), libc::F_GETFL),
            )
        };
        if nonblocking == -1 {
            return false;
        }
        let mut text = Vec::new();
        let mut buf = [0u8; 512];
        while text.len() < READ_LIMIT {
            match answers.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => text.extend_from_slice(&buf[..n]),
            }
        }
        let expected = format!("pass {test} {token}");
        String::from_utf8_lossy(&text)
            .lines()
            .any(|line| line == expected)
    }
}

/// A pipe whose two ends are close-on-exec: (read end, write end).
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two new descriptors into `fds`, which we then own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just opened by pipe2 and belong to no one else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// bash, not sh: dash's redirections only take descriptors 0 to 9, and with tests running
    /// in parallel the pipes get higher numbers.
    fn shell(proof: &Proof, script: &str) -> std::process::ExitStatus {
        let mut cmd = Command::new("bash");
        cmd.arg("-c").arg(script);
        proof.attach(&mut cmd);
        cmd.status().unwrap()
    }

    #[test]
    fn only_the_token_holder_can_confirm() {
        // A harness: read the token from its descriptor, write the proof line.
        let proof = Proof::new().unwrap();
        let script =
            format!("read t <&${TOKEN_FD_VAR}; echo \"pass the_test $t\" >&${PROOF_FD_VAR}");
        assert!(shell(&proof, &script).success());
        assert!(proof.confirms("the_test"));

        // The right token for another test is no proof for this one.
        let proof = Proof::new().unwrap();
        assert!(shell(&proof, &script).success());
        assert!(!proof.confirms("another_test"));

        // A guess, and silence, are no proof either.
        let proof = Proof::new().unwrap();
        let guess = format!("echo \"pass the_test 0123456789abcdef\" >&${PROOF_FD_VAR}");
        assert!(shell(&proof, &guess).success());
        assert!(!proof.confirms("the_test"));
        let proof = Proof::new().unwrap();
        assert!(shell(&proof, "exit 0").success());
        assert!(!proof.confirms("the_test"));
    }

    #[test]
    fn tokens_are_fresh() {
        let (a, b) = (Proof::new().unwrap(), Proof::new().unwrap());
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 32);
    }
}
