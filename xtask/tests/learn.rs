//! The student's loop, end to end, on a small course of its own (one lesson, two exercises) in a
//! scratch git checkout: `next`, `list`, `hint` and `reset` as a script would run them, and
//! `learn` driven in a pseudo-terminal as a student would use it.

mod common;

use common::{STUBS, XTASK, answer, course};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

fn exercises_file(root: &Path) -> PathBuf {
    root.join("crates/mini/src/exercises.rs")
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(XTASK)
        .args(args)
        .env("XTASK_WORKSPACE", root)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn next_list_hint_and_reset_in_a_script() {
    let dir = course();
    let root = dir.path();

    let out = xtask(root, &["next"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("exercise 1 of 2: double"), "{text}");
    assert!(text.contains("crates/mini/src/exercises.rs:4"), "{text}");
    assert!(text.contains("hint: Think of multiplication."), "{text}");

    let out = xtask(root, &["hint", "sum_on_threads", "--level", "2"]);
    let text = stdout(&out);
    assert!(text.contains("hint 2: std::thread::scope."), "{text}");
    let out = xtask(root, &["hint", "sum_on_thread"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("closest are: mini/sum_on_threads"), "{err}");

    // Answer the first exercise, wrongly answer the second: list grades both.
    let answered = answer(STUBS, "x", "2 * x");
    let answered = answer(&answered, "xs", "xs.len() as u64");
    std::fs::write(exercises_file(root), &answered).unwrap();
    let out = xtask(root, &["list"]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("double") && text.contains("done"), "{text}");
    assert!(
        text.contains("sum_on_threads") && text.contains("failing"),
        "{text}"
    );
    assert!(text.contains("1/2 exercises done, 1/3 points"), "{text}");
    let text = stdout(&xtask(root, &["next"]));
    assert!(text.contains("exercise 2 of 2: sum_on_threads"), "{text}");
    assert!(text.contains("FAILED"), "{text}");

    // Without a terminal, reset asks for --yes; with it, only that exercise comes back.
    let out = xtask(root, &["reset", "sum_on_threads"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = xtask(root, &["reset", "sum_on_threads", "--yes"]);
    assert!(out.status.success(), "{out:?}");
    let now = std::fs::read_to_string(exercises_file(root)).unwrap();
    assert_eq!(
        now,
        answer(STUBS, "x", "2 * x"),
        "only sum_on_threads is reset"
    );
    let text = stdout(&xtask(root, &["reset", "sum_on_threads", "--yes"]));
    assert!(text.contains("already its original stub"), "{text}");

    // The cache is only a shortcut.
    std::fs::remove_dir_all(root.join("target/learn")).unwrap();
    let text = stdout(&xtask(root, &["list"]));
    assert!(text.contains("1/2 exercises done"), "{text}");
}

/// Drives `cargo xtask learn` as a student would: solve the first exercise and move on, then save
/// a deadlocking answer and see the loop report the time-out and stay responsive.
#[test]
fn learn_in_a_terminal() {
    let dir = course();
    let root = dir.path();
    let mut cmd = Command::new(XTASK);
    cmd.arg("learn")
        .env("XTASK_WORKSPACE", root)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.get_process_mut().set_window_size(80, 24).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(240)));
    let mut transcript = String::new();
    let mut expect = |session: &mut expectrl::Session, needle: &str| {
        let found = session
            .expect(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
        transcript.push_str(&String::from_utf8_lossy(found.before()));
        transcript.push_str(needle);
    };

    expect(&mut session, "exercise 1 of 2: double");
    expect(&mut session, "Not attempted");
    let solved = answer(STUBS, "x", "2 * x");
    std::fs::write(exercises_file(root), &solved).unwrap();
    expect(&mut session, "Done: 1/1 points");
    session.send("n").unwrap();
    expect(&mut session, "exercise 2 of 2: sum_on_threads");

    // A receive that nothing will ever send to: the test hangs until its time limit.
    let deadlock = answer(
        &solved,
        "xs",
        "let (_keep, never) = std::sync::mpsc::channel::<u64>();\n    \
         let _ = xs;\n    never.recv().unwrap()",
    );
    std::fs::write(exercises_file(root), deadlock).unwrap();
    expect(&mut session, "TIMED OUT sum_on_threads_adds_up");
    expect(&mut session, "hint 1: Start both halves");
    session.send("h").unwrap();
    expect(&mut session, "hint 2: std::thread::scope.");
    session.send("q").unwrap();
    let status = session.get_process().wait().unwrap();
    assert!(
        matches!(status, expectrl::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
    println!("{}", strip_escapes(&transcript));
}

/// The text of a terminal transcript without its escape sequences.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}
