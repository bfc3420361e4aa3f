//! Grading tests of this lesson: each runs real child processes (the `ipc` binary) under a
//! deadline. The children arm `PR_SET_PDEATHSIG` at start, so a failing test leaves none behind.
//!
//! What the tests observe rather than trust:
//! - children that run at the same time: [`Rendezvous`] jobs answer only once enough children
//!   wait at once, so children run one after another never finish (the deadline says so);
//! - pipes that would deadlock: conversations far larger than a pipe holds;
//! - children left behind: the kernel lists the calling thread's children, running or unreaped.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Barrier;
use std::time::Duration;

use ipc::child::ChildGuard;
use ipc::exercises;
use ipc::jobs::Job;
use ipc::rendezvous::Rendezvous;
use testkit::deadline;

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

const EXE: &str = env!("CARGO_BIN_EXE_ipc");
/// Generous for the right answer on a busy machine; a wrong one that blocks costs this much.
const LIMIT: Duration = Duration::from_secs(3);
/// The same, for the conversations larger than a pipe (tens of thousands of lines).
const LONG_LIMIT: Duration = Duration::from_secs(5);

fn exe() -> &'static Path {
    Path::new(EXE)
}

/// Fails if the calling thread left children behind, running or not waited for (zombies).
fn assert_no_child_left(exercise: &str) {
    // Linux lists a thread's children, zombies included, in /proc/thread-self/children.
    let children = std::fs::read_to_string("/proc/thread-self/children")
        .expect("reading /proc/thread-self/children (Linux 3.5+)");
    assert!(
        children.trim().is_empty(),
        "{exercise} returned with children still running or not waited for (pids {})",
        children.trim()
    );
}

// --- Exercise 1: square_in_child ---

#[test]
fn a_child_squares_a_number() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let answers = [0u64, 7, 12, 4_000_000_000]
            .map(|n| exercises::square_in_child(exe(), n).expect("the child's answer"));
        assert_eq!(answers, [0, 49, 144, 16_000_000_000_000_000_000]);
        assert_no_child_left("square_in_child");
        let missing = Path::new("/nonexistent/ipc");
        assert!(
            exercises::square_in_child(missing, 3).is_err(),
            "a child that cannot start is an error (was the square computed in the parent?)"
        );
    });
}

// --- Exercise 2: add_ten_over_pipe ---

#[test]
fn a_child_answers_requests_over_a_pipe() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let answers = exercises::add_ten_over_pipe(exe(), &[32, -10, -25, 0, 990]).unwrap();
        assert_eq!(answers, [42, 0, -15, 10, 1000]);
        assert!(exercises::add_ten_over_pipe(exe(), &[]).unwrap().is_empty());
        assert_no_child_left("add_ten_over_pipe");
    });
}

#[test]
fn a_pipe_conversation_longer_than_a_pipe_holds() {
    let _pass = harness::start();
    // 240 KB each way: requests written ahead of the answers fill both pipes (64 KiB each, and
    // the buffers on either side hold less) and the child and the parent wait on each other.
    let xs: Vec<i64> = (0..12_000).map(|i| -100_000_000_000_000_000 - i).collect();
    deadline(LONG_LIMIT, move || {
        let answers = exercises::add_ten_over_pipe(exe(), &xs).unwrap();
        assert!(
            answers.iter().zip(&xs).all(|(a, x)| *a == x + 10),
            "every answer in order"
        );
        assert_eq!(answers.len(), xs.len());
        assert_no_child_left("add_ten_over_pipe");
    });
}

// --- Exercise 3: map_in_processes ---

#[test]
fn a_map_over_processes_keeps_input_order() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let jobs: Vec<Job> = (1..=60).rev().map(Job::Square).collect();
        let out = exercises::map_in_processes(exe(), &jobs, 3).unwrap();
        assert_no_child_left("map_in_processes");
        let answers: Vec<u64> = out.iter().map(|&(answer, _)| answer).collect();
        assert_eq!(
            answers,
            (1..=60u64).rev().map(|n| n * n).collect::<Vec<_>>()
        );
        let pids: BTreeSet<u32> = out.iter().map(|&(_, pid)| pid).collect();
        assert_eq!(
            pids.len(),
            3,
            "every one of the 3 workers should compute some jobs"
        );
        assert!(
            !pids.contains(&std::process::id()),
            "the work must happen in child processes"
        );
        assert!(
            exercises::map_in_processes(exe(), &[], 3)
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn a_map_over_processes_runs_its_children_at_once() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        // Every job waits until 5 children are there at once: 7 jobs among 5 workers.
        let rendezvous = Rendezvous::open(5).unwrap();
        let jobs: Vec<Job> = (0..7).map(|i| rendezvous.job(i)).collect();
        let out = exercises::map_in_processes(exe(), &jobs, 5).unwrap();
        assert_no_child_left("map_in_processes");
        assert_eq!(
            out.iter().map(|&(answer, _)| answer).collect::<Vec<_>>(),
            (0..7).collect::<Vec<_>>()
        );
        let pids: BTreeSet<u32> = out.iter().map(|&(_, pid)| pid).collect();
        assert_eq!(pids, rendezvous.pids(), "the pids are the children's");
        assert_eq!(pids.len(), 5, "5 workers, each with some of the jobs");
    });
}

#[test]
fn a_map_over_processes_survives_shares_larger_than_a_pipe() {
    let _pass = harness::start();
    // Two shares of 15,000 jobs: 270 KB of requests and 400 KB of answers per child, while
    // the pipes and buffers between a parent and a child hold about 130 KB of requests.
    const BASE: u64 = 1_000_000_000;
    let jobs: Vec<Job> = (BASE..BASE + 30_000).map(Job::Square).collect();
    deadline(LONG_LIMIT, move || {
        let out = exercises::map_in_processes(exe(), &jobs, 2).unwrap();
        assert_no_child_left("map_in_processes");
        assert_eq!(out.len(), jobs.len());
        assert!(
            out.iter()
                .zip(BASE..)
                .all(|(&(answer, _), n)| answer == n * n),
            "every answer in input order"
        );
    });
}

// --- Exercise 4: increment_shared ---

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
        // Long runs that start together, so the increments really overlap.
        let start = Barrier::new(4);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    exercises::increment_shared(&p, 1_000_000).unwrap();
                });
            }
        });
    });
    assert_eq!(read_counter(&path), 4_000_000, "increments were lost");
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
                        .arg("1000000"),
                )
                .unwrap()
            })
            .collect();
        for child in &mut children {
            let status = child.finish_within(LIMIT).unwrap();
            assert!(status.success(), "`child increment` failed: {status}");
        }
    });
    assert_eq!(read_counter(&path), 3_000_000, "increments were lost");
}

// --- Exercise 5: run_each_in_child ---

#[test]
fn run_each_in_child_starts_every_child_at_once() {
    let _pass = harness::start();
    deadline(LIMIT, || {
        let rendezvous = Rendezvous::open(5).unwrap();
        let jobs: Vec<Job> = (10..15).map(|i| rendezvous.job(i)).collect();
        let out = exercises::run_each_in_child(exe(), &jobs).unwrap();
        assert_no_child_left("run_each_in_child");
        assert_eq!(out, [Ok(10), Ok(11), Ok(12), Ok(13), Ok(14)]);
        assert_eq!(rendezvous.pids().len(), 5, "one child per job");
    });
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
        let out = exercises::run_each_in_child(exe(), &jobs).unwrap();
        assert_no_child_left("run_each_in_child");
        out
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
