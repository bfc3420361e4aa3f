//! The graded tests' side of the grader's proof of a pass.
//!
//! A student's code runs inside the test process, so nothing that process prints can be trusted:
//! an answer could print libtest's own `test … ok` lines and call `std::process::exit(0)`. The
//! grader therefore counts a test as passed only when it receives, on a pipe of its own, a line
//! `pass <test> <token>` carrying a fresh random token that only this harness knows:
//!
//! 1. The grader writes the token into a pipe and hands its read end to the test process as an
//!    inherited descriptor named by [`TOKEN_FD_VAR`]; a second pipe's write end, named by
//!    [`PROOF_FD_VAR`], carries the answer back.
//! 2. The first statement of every graded test, `let _pass = harness::start();`, reads the token
//!    and closes the descriptor before any student code runs, and keeps the proof descriptor
//!    where exec'd children do not inherit it.
//! 3. When the test body returns normally, the returned guard writes `pass <test> <token>`. A
//!    panic (a failed assertion) unwinds through the guard, which then writes nothing; an early
//!    `exit`, an abort or a kill never reaches it.
//!
//! The code that holds the token is expanded by [`grading_harness!`](crate::grading_harness!)
//! into the graded test crate itself, which the lesson's library (the student's code) cannot
//! name. Under plain `cargo test` neither variable is set and the guard does nothing.

/// The environment variable naming the descriptor the grader's token is read from.
pub const TOKEN_FD_VAR: &str = "COURSE_GRADE_TOKEN_FD";

/// The environment variable naming the descriptor the proof of a pass is written to.
pub const PROOF_FD_VAR: &str = "COURSE_GRADE_PROOF_FD";

/// Defines the module `harness` in the graded test crate that invokes it, with
/// `harness::start()`: call it first in every graded test and keep its guard alive until the test
/// returns (`let _pass = harness::start();`). See [the module](crate::grading) for why.
#[macro_export]
macro_rules! grading_harness {
    () => {
        /// The grader's proof of a pass (see `testkit::grading`).
        mod harness {
            use std::io::{Read as _, Write as _};
            use std::os::fd::FromRawFd as _;

            /// Writes the proof of a normal return when dropped, unless the test is panicking.
            pub struct Pass(Option<(std::fs::File, String)>);

            /// Takes the grader's token before any student code runs. Under plain `cargo test`
            /// there is none and the guard proves nothing.
            pub fn start() -> Pass {
                let fd = |var: &str| std::env::var(var).ok()?.parse::<i32>().ok();
                let (Some(token_fd), Some(proof_fd)) = (
                    fd($crate::grading::TOKEN_FD_VAR),
                    fd($crate::grading::PROOF_FD_VAR),
                ) else {
                    return Pass(None);
                };
                // SAFETY: the grader opened both descriptors for this process and nothing else
                // in it owns them; each is taken over exactly once, here, by the first statement
                // of the only test this process runs.
                let (mut token_pipe, inherited) = unsafe {
                    (
                        std::fs::File::from_raw_fd(token_fd),
                        std::fs::File::from_raw_fd(proof_fd),
                    )
                };
                let mut token = String::new();
                token_pipe
                    .read_to_string(&mut token)
                    .expect("reading the grader's token");
                drop(token_pipe);
                // A duplicate is close-on-exec, so programs the test starts do not inherit it.
                let proof = inherited
                    .try_clone()
                    .expect("keeping the grader's proof descriptor");
                drop(inherited);
                Pass(Some((proof, token.trim().to_string())))
            }

            impl Drop for Pass {
                fn drop(&mut self) {
                    if std::thread::panicking() {
                        return;
                    }
                    if let Some((mut proof, token)) = self.0.take() {
                        let thread = std::thread::current();
                        let test = thread.name().unwrap_or("?");
                        let _ = writeln!(proof, "pass {test} {token}");
                    }
                }
            }
        }
    };
}
