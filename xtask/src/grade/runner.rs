//! Building a lesson's graded tests and running each one alone, under its time limit.

use super::manifest::{Manifest, TestSpec};
use super::proof::Proof;
use super::sandbox::Sandbox;
use crate::process::{self, Ending, Output};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Which exercises file a build compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `src/exercises.rs`: the student's answers (or the untouched stubs).
    Student,
    /// `solutions/exercises.rs`: the reference solutions.
    Solutions,
}

impl Variant {
    fn features(self) -> &'static str {
        match self {
            Variant::Student => "grading",
            Variant::Solutions => "grading,solutions",
        }
    }
}

/// The verdict on one graded test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The graded test crate's harness proved that the test returned normally, the process
    /// exited 0 and left nothing running.
    Passed,
    /// The test ran and failed (an assertion, a panic, an early exit, a process left running).
    Failed,
    /// The exercise's stub was reached: its `todo!()` panicked.
    NotAttempted,
    /// The test ran past its time limit; its process group was killed.
    TimedOut,
    /// A signal ended the test process (an abort, a stack overflow).
    Crashed,
    /// The lesson did not compile.
    CompileError,
    /// The exercise's answer uses a path grading.toml forbids (the lesson's own implementation of
    /// the same job): its tests were not run.
    Forbidden,
}

impl Status {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "FAILED",
            Status::NotAttempted => "not attempted",
            Status::TimedOut => "TIMED OUT",
            Status::Crashed => "CRASHED",
            Status::CompileError => "COMPILE ERROR",
            Status::Forbidden => "FORBIDDEN",
        }
    }
}

/// One graded test's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    /// The test function.
    pub name: String,
    /// The exercise it grades.
    pub exercise: String,
    /// The verdict.
    pub status: Status,
    /// Points earned: all of `max_points` if passed, else 0.
    pub points: u32,
    /// Points the test is worth.
    pub max_points: u32,
    /// Seconds the test ran (0 if it never ran).
    pub seconds: f64,
    /// The first lines explaining a verdict other than `passed`.
    pub detail: String,
    /// The exercise's hints, up to the level asked for (shown when the test did not pass).
    pub hint: String,
}

/// What a cargo build printed.
struct BuildOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

/// The time a build may take when nothing tighter applies: long enough for a cold build of every
/// dependency on a slow machine, short enough that a build that never ends is stopped.
pub const BUILD_LIMIT: Duration = Duration::from_secs(45 * 60);

/// How the message of a build stopped at its limit begins (see [`build`]).
pub const BUILD_TIMED_OUT: &str = "the build did not finish within";

/// Builds the `grade` test binary of `lesson` in the workspace at `root`. `Err` carries the
/// compiler's message when the lesson does not compile; other failures are `Ok(Err(..))`-free
/// errors of the runner itself.
pub fn build(
    root: &Path,
    target_dir: &Path,
    lesson: &str,
    variant: Variant,
    limit: Duration,
) -> anyhow::Result<Result<PathBuf, String>> {
    // Cargo's JSON messages go to a file: they can be long, and none may be lost.
    let messages = tempfile::tempfile().context("creating a file for cargo's messages")?;
    let mut cmd = crate::workspace::cargo();
    cmd.current_dir(root)
        .args([
            "test",
            "--no-run",
            "--message-format",
            "json-diagnostic-rendered-ansi",
            "-p",
        ])
        .arg(lesson)
        .args([
            "--test",
            "grade",
            "--features",
            variant.features(),
            "--target-dir",
        ])
        .arg(target_dir)
        .env("CARGO_TERM_COLOR", "never");
    let outcome = process::run_to_file(
        &mut cmd,
        limit,
        messages
            .try_clone()
            .context("sharing cargo's message file")?,
    )
    .context("running cargo to build the graded tests")?;
    if outcome.ending == Ending::TimedOut {
        return Ok(Err(format!("{BUILD_TIMED_OUT} {limit:?}: it was stopped")));
    }
    let mut stdout = String::new();
    let mut messages = messages;
    std::io::Seek::rewind(&mut messages)?;
    std::io::Read::read_to_string(&mut messages, &mut stdout)?;
    let output = BuildOutput {
        success: outcome.ending == Ending::Exited(0),
        stdout,
        stderr: outcome.output,
    };
    let mut executable = None;
    let mut errors = Vec::new();
    for line in output.stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-artifact") if msg["target"]["name"] == "grade" => {
                executable = msg["executable"].as_str().map(PathBuf::from);
            }
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                if let Some(text) = msg["message"]["rendered"].as_str() {
                    errors.push(strip_ansi(text));
                }
            }
            _ => {}
        }
    }
    match (output.success, executable) {
        (true, Some(exe)) => Ok(Ok(exe)),
        _ if !errors.is_empty() => Ok(Err(errors.join("\n"))),
        _ => Ok(Err(format!(
            "cargo could not build the graded tests:\n{}",
            output.stderr
        ))),
    }
}

/// The names of the tests in a built `grade` binary.
pub fn list_tests(exe: &Path) -> anyhow::Result<Vec<String>> {
    let out = Command::new(exe)
        .args(["--list", "--format", "terse"])
        .output()
        .with_context(|| format!("listing the tests of {}", exe.display()))?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Runs every test of `tests` from the built binary `exe`, `jobs` at a time, each in its own
/// process group under its time limit, confined by `sandbox`. Results come back in the order of
/// `tests`.
pub fn run_all(
    exe: &Path,
    crate_dir: &Path,
    manifest: &Manifest,
    tests: &[&TestSpec],
    sandbox: &Sandbox,
    jobs: usize,
    hint_level: usize,
) -> Vec<TestResult> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![None; tests.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, tests.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(spec) = tests.get(i) else { break };
                    let timeout = manifest.timeout_of(spec);
                    let mut result = run_one(exe, crate_dir, spec, sandbox, timeout);
                    result.hint = manifest.hints_of(spec, hint_level);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// The results of a lesson that did not compile: every test gets the compiler's message.
pub fn compile_failed(
    manifest: &Manifest,
    tests: &[&TestSpec],
    message: &str,
    hint_level: usize,
) -> Vec<TestResult> {
    let detail = first_lines(message, 12);
    tests
        .iter()
        .map(|t| TestResult {
            hint: manifest.hints_of(t, hint_level),
            ..result(t, Status::CompileError, 0.0, detail.clone())
        })
        .collect()
}

/// Runs one graded test in a process of its own, confined by `sandbox`, under its time limit.
pub fn run_one(
    exe: &Path,
    crate_dir: &Path,
    spec: &TestSpec,
    sandbox: &Sandbox,
    timeout: Duration,
) -> TestResult {
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", &spec.name, "--test-threads", "1"])
        .current_dir(crate_dir);
    let outcome = sandbox.confine(&mut cmd).and_then(|confined| {
        cmd.env("CARGO_MANIFEST_DIR", crate_dir)
            .env("RUST_BACKTRACE", "0");
        let proof = Proof::new()?;
        proof.attach(&mut cmd);
        let outcome = process::run(&mut cmd, timeout, Output::Capture)?;
        let (ending, leftovers) = confined.ending(&outcome);
        let verdict = Verdict {
            ending,
            proven: proof.confirms(&spec.name),
            leftovers,
        };
        Ok((verdict, outcome))
    });
    match outcome {
        Ok((verdict, outcome)) => {
            let (status, mut detail) = classify(&spec.name, verdict, &outcome.output, timeout);
            if status != Status::Passed
                && let Some(note) = sandbox.explain(&outcome.output)
            {
                detail.push_str(&format!("\n({note})"));
            }
            result(spec, status, outcome.elapsed.as_secs_f64(), detail)
        }
        Err(err) => result(
            spec,
            Status::Crashed,
            0.0,
            format!("could not start the test: {err}"),
        ),
    }
}

/// The result of `spec` with `status`: its points if passed, else none; no hint yet.
pub fn result(spec: &TestSpec, status: Status, seconds: f64, detail: String) -> TestResult {
    TestResult {
        name: spec.name.clone(),
        exercise: spec.exercise.clone(),
        status,
        points: if status == Status::Passed {
            spec.points
        } else {
            0
        },
        max_points: spec.points,
        seconds,
        detail,
        hint: String::new(),
    }
}

/// What the grader knows of how a test process ended, besides what it printed.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    /// How the process ended.
    pub ending: Ending,
    /// Whether the graded test crate's harness confirmed, with this run's token, that the test
    /// body returned normally (see `proof`).
    pub proven: bool,
    /// Processes of its group still alive after it ended.
    pub leftovers: usize,
}

/// Turns how a test process ended into a verdict with an explanation. Only the harness's proof
/// makes a pass; what the process printed only explains a failure.
pub fn classify(name: &str, verdict: Verdict, output: &str, timeout: Duration) -> (Status, String) {
    let printed_ok = output
        .lines()
        .any(|l| l.trim_end() == format!("test {name} ... ok"));
    let stub_reached = output.contains("not yet implemented") || output.contains("not implemented");
    match verdict.ending {
        Ending::TimedOut => (
            Status::TimedOut,
            format!(
                "did not finish within {timeout:?} (a deadlock, a lost wake-up or an endless loop?)"
            ),
        ),
        Ending::Signaled(signal) => (Status::Crashed, crash_detail(signal, output)),
        Ending::Exited(0) if verdict.proven && verdict.leftovers == 0 => {
            (Status::Passed, String::new())
        }
        Ending::Exited(0) if verdict.proven => (
            Status::Failed,
            format!(
                "the test left {} process(es) running after it ended; they were killed",
                verdict.leftovers
            ),
        ),
        Ending::Exited(0) if output.contains("running 0 tests") => (
            Status::Failed,
            format!("there is no test named `{name}` in tests/grade.rs"),
        ),
        Ending::Exited(0) if printed_ok => (
            Status::Failed,
            "the output says the test passed, but the grading harness never confirmed that the \
             test returned: forged output, or an exit before the test ended"
                .to_string(),
        ),
        Ending::Exited(0) => (
            Status::Failed,
            "the process exited before the test returned (std::process::exit?)".to_string(),
        ),
        Ending::Exited(_) if stub_reached => (
            Status::NotAttempted,
            "the exercise still calls todo!()".to_string(),
        ),
        Ending::Exited(code) => (Status::Failed, failure_detail(name, code, output)),
    }
}

fn crash_detail(signal: i32, output: &str) -> String {
    let why = match signal {
        libc::SIGABRT if output.contains("overflowed its stack") => "a stack overflow".to_string(),
        libc::SIGABRT => "an abort (SIGABRT)".to_string(),
        libc::SIGSEGV => "a segmentation fault (SIGSEGV)".to_string(),
        libc::SIGKILL => "SIGKILL (out of memory?)".to_string(),
        other => format!("signal {other}"),
    };
    format!("the test process was ended by {why}")
}

/// The panic message of a failed test: the lines after `---- name stdout ----`, starting at the
/// `panicked at` line.
fn failure_detail(name: &str, code: i32, output: &str) -> String {
    let section = output
        .split(&format!("---- {name} stdout ----"))
        .nth(1)
        .unwrap_or(output);
    let from_panic = section
        .find("panicked at")
        .map_or(section, |i| &section[i..]);
    let message: String = from_panic
        .lines()
        .take_while(|l| !l.starts_with("note: run with") && !l.starts_with("failures:"))
        .collect::<Vec<_>>()
        .join("\n");
    let message = first_lines(message.trim(), 6);
    if message.is_empty() {
        format!("the test exited with code {code}")
    } else {
        message
    }
}

/// At most `n` lines of `text`, each cut to 200 characters.
pub fn first_lines(text: &str, n: usize) -> String {
    text.lines()
        .take(n)
        .map(|l| l.chars().take(200).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(5);
    const OK: &str = "running 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed;";

    fn verdict(ending: Ending, proven: bool, leftovers: usize) -> Verdict {
        Verdict {
            ending,
            proven,
            leftovers,
        }
    }

    fn status(ending: Ending, proven: bool, leftovers: usize, output: &str) -> Status {
        classify("a", verdict(ending, proven, leftovers), output, T).0
    }

    #[test]
    fn only_a_proven_return_is_a_pass() {
        assert_eq!(status(Ending::Exited(0), true, 0, OK), Status::Passed);
        assert_eq!(status(Ending::Exited(0), true, 1, OK), Status::Failed);
        let (forged, why) = classify("a", verdict(Ending::Exited(0), false, 0), OK, T);
        assert_eq!(forged, Status::Failed);
        assert!(why.contains("never confirmed"), "{why}");
        assert_eq!(status(Ending::Exited(1), true, 0, OK), Status::Failed);
    }

    #[test]
    fn an_early_exit_is_not_a_pass() {
        assert_eq!(
            status(Ending::Exited(0), false, 0, "running 1 test\n"),
            Status::Failed
        );
    }

    #[test]
    fn todo_is_not_attempted() {
        let out = "---- a stdout ----\nthread 'a' panicked at src/exercises.rs:3:5:\nnot yet implemented\n";
        assert_eq!(
            status(Ending::Exited(101), false, 0, out),
            Status::NotAttempted
        );
    }

    #[test]
    fn failures_show_the_panic_message() {
        let out = "running 1 test\ntest a ... FAILED\n\nfailures:\n\n---- a stdout ----\n\
                   thread 'a' panicked at tests/grade.rs:9:5:\nassertion `left == right` failed\n  left: 1\n right: 2\n\
                   note: run with `RUST_BACKTRACE=1`\n\nfailures:\n    a\n";
        let (status, detail) = classify("a", verdict(Ending::Exited(101), false, 0), out, T);
        assert_eq!(status, Status::Failed);
        assert!(
            detail.starts_with("panicked at tests/grade.rs:9:5"),
            "{detail}"
        );
        assert!(
            detail.contains("right: 2") && !detail.contains("RUST_BACKTRACE"),
            "{detail}"
        );
    }

    #[test]
    fn signals_and_timeouts() {
        let out = "thread 'a' has overflowed its stack\n";
        let (status, detail) = classify(
            "a",
            verdict(Ending::Signaled(libc::SIGABRT), false, 0),
            out,
            T,
        );
        assert_eq!(status, Status::Crashed);
        assert!(detail.contains("stack overflow"));
        assert_eq!(status_of_timeout(), Status::TimedOut);
    }

    fn status_of_timeout() -> Status {
        status(Ending::TimedOut, true, 0, "")
    }
}
