//! Each demo's result, with real child processes (the `ipc` binary plays the children).

use std::path::Path;
use std::time::Duration;

use ipc::cpu::{self, Work};
use ipc::deadlock::{self, Protocol};
use ipc::shared::Increment;
use ipc::{bigdata, channel, child, cost, jobs, memory, pipe, shared};
use testkit::{assert_says, deadline};

const EXE: &str = env!("CARGO_BIN_EXE_ipc");
const LIMIT: Duration = Duration::from_secs(30);

fn exe() -> &'static Path {
    Path::new(EXE)
}

#[test]
fn a_child_changes_its_own_memory_not_the_parents() {
    let r = deadline(LIMIT, || memory::not_shared(exe()).unwrap());
    assert_eq!(r.parent_before, [0]);
    assert_eq!(r.child_data, [1]);
    assert_eq!(
        r.parent_after_child,
        [0],
        "the child's change must not reach the parent"
    );
    assert_eq!(r.parent_after_thread, [1], "a thread's change does");
    assert_ne!(r.child.pid, r.parent.pid);
    assert_eq!(r.thread.pid, r.parent.pid);
    assert_eq!(r.thread.thread, "worker");
    assert!(
        r.child.process.ends_with("child memory"),
        "{}",
        r.child.process
    );
    assert_says(
        &r,
        &[
            "== Processes do not share memory ==\n",
            "[parent after]  data = [0]   the child changed its own copy",
        ],
    );
}

#[test]
fn the_pipe_child_answers_42_to_32() {
    let report = deadline(LIMIT, || pipe::demo(exe()).unwrap());
    assert_eq!(report.answer, 42);
    assert!(
        !child::process_exists(report.pid),
        "the pipe child was reaped"
    );
    assert!(
        report
            .to_string()
            .ends_with(&format!("child {} answered 42\n", report.pid)),
        "{report}"
    );
}

#[test]
fn a_pipe_child_answers_many_requests_in_order() {
    deadline(LIMIT, || {
        let mut c = pipe::PipeChild::start(exe()).unwrap();
        for x in [-5, 0, 32, 1000] {
            assert_eq!(c.request(x).unwrap(), x + 10);
        }
        assert!(c.finish().unwrap().success());
    });
}

#[test]
fn typed_messages_go_both_ways_and_four_processes_fill_one_queue() {
    let report = deadline(LIMIT, || channel::demo(exe(), 4).unwrap());
    let talk = &report.talk;
    assert_eq!(talk.sum, 42);
    assert_eq!(talk.shouted, "HELLO FROM THE PARENT");
    assert_ne!(talk.pid, std::process::id());
    let mut got: Vec<(u64, u64)> = report.squares.iter().map(|s| (s.x, s.square)).collect();
    got.sort();
    assert_eq!(got, [(1, 1), (2, 4), (3, 9), (4, 16)]);
    let mut pids: Vec<u32> = report.squares.iter().map(|s| s.pid).collect();
    pids.sort();
    pids.dedup();
    assert_eq!(pids.len(), 4, "four different processes");
    assert_says(&report, &["queue of squares from 4 processes"]);
    assert_eq!(report.to_string().matches("² = ").count(), 4, "{report}");
}

#[test]
fn put_put_take_deadlocks_and_is_detected() {
    let outcome = deadline(LIMIT, || {
        deadlock::run(exe(), Protocol::PutPutTake, Duration::from_millis(400)).unwrap()
    });
    assert!(
        matches!(outcome, deadlock::Outcome::Deadlocked { .. }),
        "{outcome:?}"
    );
}

#[test]
fn take_before_put_finishes() {
    let outcome = deadline(LIMIT, || {
        deadlock::run(exe(), Protocol::TakeBeforePut, Duration::from_secs(20)).unwrap()
    });
    assert_eq!(
        outcome,
        deadlock::Outcome::Finished {
            bytes_read: 2 * deadlock::message_len()
        }
    );
}

#[test]
fn atomic_and_locked_counters_end_exact_and_load_store_never_gains() {
    let report = deadline(LIMIT, || shared::demo(exe(), 2, 20_000).unwrap());
    let modes: Vec<Increment> = report.runs.iter().map(|r| r.mode).collect();
    assert_eq!(modes, Increment::ALL);
    for r in &report.runs {
        match r.mode {
            Increment::FetchAdd | Increment::SpinLock => assert_eq!(r.actual, 40_000, "{r:?}"),
            // Lost updates are likely but not certain; more than the total is impossible (and,
            // in theory, two racing processes can lose all but 2).
            Increment::LoadStore => {
                assert!((2..=40_000).contains(&r.actual), "{r:?}");
                assert_eq!(r.lost(), 40_000 - r.actual);
            }
        }
    }
    assert_eq!(report.to_string().lines().count(), 4, "{report}");
}

#[test]
fn shared_words_are_shared_between_two_mappings() {
    let dir = shared::shared_tempdir().unwrap();
    let path = dir.path().join("w");
    let a = shared::SharedWords::create(&path, 4).unwrap();
    let b = shared::SharedWords::open(&path).unwrap();
    a.word(1).store(7, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(b.word(1).load(std::sync::atomic::Ordering::SeqCst), 7);
}

#[test]
fn bigdata_threads_copied_and_shared_equal_the_one_process_product() {
    let r = deadline(LIMIT, || bigdata::demo(exe(), 2_000, Some(2)).unwrap());
    assert_eq!((r.columns, r.workers), (bigdata::COLUMNS, 2));
    assert!(r.threads_equal);
    assert!(r.copied_equal);
    assert!(r.shared_equal);
    assert_eq!(r.verdict(), Ok(()));
    assert_eq!(r.input_bytes(), 2 * 2_000 * 16 * 8);
    assert_says(
        &r,
        &[
            "16 columns × 2000 rows, 2 worker processes",
            "threads, disjoint slices of Z",
            "threads true, copied true, shared true",
        ],
    );
}

#[test]
fn a_product_that_differs_fails_the_verdict() {
    let wrong = bigdata::BigData {
        rows: 1,
        columns: 1,
        workers: 1,
        single: Duration::ZERO,
        threads: Duration::ZERO,
        threads_equal: true,
        copied: Duration::ZERO,
        shared_setup: Duration::ZERO,
        shared: Duration::ZERO,
        copied_equal: true,
        shared_equal: false,
    };
    assert_eq!(wrong.verdict(), Err(bigdata::Mismatch));
}

#[test]
fn the_deadlock_report_tells_each_protocol() {
    let report = deadlock::DeadlockReport {
        runs: vec![
            (
                Protocol::PutPutTake,
                deadlock::Outcome::Deadlocked {
                    after: Duration::from_millis(500),
                },
            ),
            (
                Protocol::TakeBeforePut,
                deadlock::Outcome::Finished {
                    bytes_read: 131_072,
                },
            ),
        ],
    };
    assert_says(
        &report,
        &[
            "PutPutTake: DEADLOCK detected after 500.00ms",
            "TakeBeforePut: finished, the parent read 131072 bytes",
        ],
    );
}

#[test]
fn threads_write_every_slice_of_the_product() {
    let (x, y) = ([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 2.0, -1.0, 0.5, 3.0]);
    // Rows of 2: three slices, the last one short.
    assert_eq!(
        bigdata::multiply_threads(&x, &y, 2),
        [2.0, 4.0, -3.0, 2.0, 15.0]
    );
}

#[test]
fn bigdata_worker_multiplies_a_copied_column() {
    let answer = bigdata::work(bigdata::ColumnJob::Copied {
        x: vec![1.5, 2.0],
        y: vec![2.0, -3.0],
    });
    assert_eq!(answer, bigdata::ColumnAnswer::Product(vec![3.0, -6.0]));
}

#[test]
fn the_pool_tour_reports_the_abort_and_recovers() {
    let tour = deadline(LIMIT, || jobs::pool_tour(exe(), 2).unwrap());
    assert_eq!(tour.squares, (1..=10u64).map(|n| n * n).collect::<Vec<_>>());
    let mut indices: Vec<usize> = tour.completion_order.iter().map(|&(i, _)| i).collect();
    indices.sort();
    assert_eq!(indices, (0..6).collect::<Vec<_>>());
    assert!(tour.lost.contains("task 1 was lost"), "{}", tour.lost);
    assert_eq!(tour.after_abort, [1, 4, 9, 16]);
    assert_eq!(tour.pids_after.len(), 2);
    assert_ne!(tour.pids, tour.pids_after, "one worker was replaced");
    assert_eq!(tour.parent, std::process::id());
    assert_says(
        &tour,
        &[
            "== A process pool: 2 worker processes",
            "the pool replaced it and goes on: [1, 4, 9, 16]",
        ],
    );
}

#[test]
fn processes_and_threads_are_started_and_joined() {
    let c = deadline(LIMIT, || cost::measure(exe(), 3).unwrap());
    assert_eq!(c.count, 3);
    assert!(c.ratio() > 0.0);
    assert_says(c, &["3 processes started and reaped:"]);
}

#[test]
fn a_guarded_child_is_killed_and_reaped_on_drop() {
    deadline(LIMIT, || {
        let guard = child::ChildGuard::spawn(
            std::process::Command::new(EXE)
                .args(["child", "pipe"])
                .stdin(std::process::Stdio::piped()),
        )
        .unwrap();
        let pid = guard.pid();
        assert!(child::process_exists(pid));
        drop(guard);
        assert!(!child::process_exists(pid));
    });
}

#[test]
fn each_computing_child_answers_what_the_work_gives_in_process() {
    let works = [
        Work::Sqrt {
            start: 10,
            end: 1_000,
        },
        Work::Sum {
            start: 0,
            end: 10_000,
        },
        Work::Squares { count: 3_000 },
        Work::Cos { iterations: 1_000 },
        Work::Sleep { ms: 1 },
    ];
    let got = deadline(LIMIT, move || cpu::on_processes(exe(), &works).unwrap());
    let expected: Vec<f64> = works.iter().map(|w| w.run()).collect();
    assert_eq!(
        got, expected,
        "an f64 printed by a child reads back to the same bits"
    );
    assert_eq!(expected[1], 49_995_000.0);
    assert_eq!(expected[2], 2_999.0 * 2_999.0);
}

#[test]
fn work_survives_the_trip_through_arguments() {
    for work in [
        Work::Sqrt { start: 3, end: 9 },
        Work::Sum { start: 1, end: 2 },
        Work::Squares { count: 7 },
        Work::Cos { iterations: 5 },
        Work::Sleep { ms: 4 },
    ] {
        let [name, a, b] = work.to_args();
        let (a, b) = (a.parse().unwrap(), b.parse().unwrap());
        assert_eq!(Work::from_args(&name, a, b), Some(work));
    }
    assert_eq!(Work::from_args("fly", 1, 2), None);
}

#[test]
fn the_cpu_demo_puts_process_rows_beside_the_baselines_and_they_agree() {
    let report = deadline(LIMIT, || cpu::demo(exe(), 20_000, 3, 2, 2).unwrap());
    let rows: Vec<Vec<&str>> = report
        .tables
        .iter()
        .map(|t| t.rows.iter().map(|r| r.how.as_str()).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["sequential", "3 threads", "3 processes"],
            vec!["sequential", "2 threads", "2 processes"],
            vec!["serial", "2 threads", "2 processes"],
            vec!["serial", "2 threads", "2 processes"],
            vec!["serial", "2 threads", "2 processes"],
        ]
    );
    // The sum of 0..400000 (20 × numbers), exactly.
    assert_eq!(report.tables[1].rows[2].run.value, 79_999_800_000.0);
    assert_says(
        &report,
        &[
            "seed 000: sum of sqrt(i) for i < 20000",
            "seed 004: MuchCPU, i * i for i < 80000, 2 copies",
        ],
    );
}
