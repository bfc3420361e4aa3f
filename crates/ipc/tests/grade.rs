//! Grading tests of this lesson: each runs real child processes (the `ipc` binary) under a
//! deadline. The children arm `PR_SET_PDEATHSIG` at start, so a failing test leaves none behind.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ipc::child::ChildGuard;
use ipc::exercises;
use ipc::jobs::Job;
use testkit::deadline;

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

const EXE: &str = env!("CARGO_BIN_EXE_ipc");
const LIMIT: Duration = Duration::from_secs(8);

fn exe() -> &'static Path {
    Path::new(EXE)
}

#[test]
fn a_child_squares_a_number() {
    let _pass = harness::start();
    let answers = deadline(LIMIT, || {
        [0u64, 7, 12, 4_000_000_000]
            .map(|n| exercises::square_in_child(exe(), n).expect("the child's answer"))
    });
    assert_eq!(answers, [0, 49, 144, 16_000_000_000_000_000_000]);
}

#[test]
fn a_child_answers_requests_over_a_pipe() {
    let _pass = harness::start();
    let answers = deadline(LIMIT, || {
        exercises::add_ten_over_pipe(exe(), &[32, -10, -25, 0, 990]).unwrap()
    });
    assert_eq!(answers, [42, 0, -15, 10, 1000]);
    let none = deadline(LIMIT, || exercises::add_ten_over_pipe(exe(), &[]).unwrap());
    assert!(none.is_empty());
}

#[test]
fn a_map_over_processes_keeps_input_order() {
    let _pass = harness::start();
    let inputs: Vec<u64> = (1..=60).rev().collect();
    let out = deadline(LIMIT, move || {
        exercises::map_in_processes(exe(), &inputs, 3).unwrap()
    });
    let squares: Vec<u64> = out.iter().map(|&(sq, _)| sq).collect();
    assert_eq!(
        squares,
        (1..=60u64).rev().map(|n| n * n).collect::<Vec<_>>()
    );
    let pids: BTreeSet<u32> = out.iter().map(|&(_, pid)| pid).collect();
    assert_eq!(
        pids.len(),
        3,
        "every one of the 3 workers should compute some squares"
    );
    assert!(
        !pids.contains(&std::process::id()),
        "the work must happen in child processes"
    );
}

fn counter_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("counter");
    std::fs::write(&path, [0u8; 8]).unwrap();
    (dir, path)
}

fn read_counter(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    u64::from_ne_bytes(bytes[..8].try_into().unwrap())
}

#[test]
fn a_shared_counter_is_exact_across_threads() {
    let _pass = harness::start();
    let (_dir, path) = counter_file();
    let p = path.clone();
    deadline(LIMIT, move || {
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| exercises::increment_shared(&p, 50_000).unwrap());
            }
        });
    });
    assert_eq!(read_counter(&path), 200_000);
}

#[test]
fn a_shared_counter_is_exact_across_processes() {
    let _pass = harness::start();
    let (_dir, path) = counter_file();
    let p = path.clone();
    deadline(LIMIT, move || {
        let mut children: Vec<ChildGuard> = (0..3)
            .map(|_| {
                ChildGuard::spawn(
                    Command::new(EXE)
                        .args(["child", "increment"])
                        .arg(&p)
                        .arg("50000"),
                )
                .unwrap()
            })
            .collect();
        for child in &mut children {
            let status = child.finish_within(Duration::from_secs(6)).unwrap();
            assert!(status.success(), "`child increment` failed: {status}");
        }
    });
    assert_eq!(read_counter(&path), 150_000);
}

#[test]
fn a_dead_child_is_reported_with_its_task() {
    let _pass = harness::start();
    let jobs = [
        Job::Square(3),
        Job::Abort,
        Job::Exit(3),
        Job::Square(4),
        Job::Panic,
    ];
    let out = deadline(LIMIT, move || {
        exercises::run_each_in_child(exe(), &jobs).unwrap()
    });
    assert_eq!(out.len(), 5);
    assert_eq!(out[0], Ok(9));
    assert_eq!(out[3], Ok(16));
    let died = |i: usize| out[i].expect_err("this job's child dies");
    assert_eq!(died(1).task, 1);
    assert_eq!(
        died(1).status.signal(),
        Some(libc::SIGABRT),
        "abort is a signal"
    );
    assert_eq!(died(2).task, 2);
    assert_eq!(died(2).status.code(), Some(3));
    assert_eq!(died(4).task, 4);
    assert_eq!(died(4).status.code(), Some(101), "a panic exits with 101");
}
