//! The process pool: order, completion order, dead workers, malformed messages, no orphans.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use ipc::child::process_exists;
use ipc::jobs::{Job, MALFORMED_WORKER_ARG};
use ipc::pool::{PoolError, ProcessPool};
use testkit::deadline;

const EXE: &str = env!("CARGO_BIN_EXE_ipc");
const LIMIT: Duration = Duration::from_secs(30);

fn pool(workers: usize) -> ProcessPool<Job, u64> {
    ProcessPool::new(workers, EXE).expect("starting the pool")
}

#[test]
fn map_returns_results_in_input_order() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        assert_eq!(pool.workers(), 2);
        let squares = pool.map((0..20).map(Job::Square).collect()).unwrap();
        assert_eq!(squares, (0..20u64).map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(pool.map(Vec::new()).unwrap(), Vec::<u64>::new());
    });
}

#[test]
fn tasks_run_in_several_processes() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        let me = u64::from(std::process::id());
        // Slow jobs keep both workers busy at once, so both must take part.
        let mut jobs = vec![Job::SleepThen { ms: 50, value: 0 }; 2];
        jobs.extend([Job::Pid; 6]);
        let pids = pool.map(jobs).unwrap();
        assert!(pids[2..].iter().all(|&pid| pid != me));
        let worker_pids: Vec<u64> = pool.pids().into_iter().map(u64::from).collect();
        assert!(pids[2..].iter().all(|pid| worker_pids.contains(pid)));
    });
}

#[test]
fn imap_unordered_yields_every_index_once_in_completion_order() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        // Job 0 is slow and job 1 fast: with two workers, 1 completes before 0.
        let jobs = vec![
            Job::SleepThen { ms: 800, value: 10 },
            Job::SleepThen { ms: 0, value: 11 },
        ];
        let got: Vec<(usize, u64)> = pool.imap_unordered(jobs).map(Result::unwrap).collect();
        assert_eq!(got, vec![(1, 11), (0, 10)]);
    });
}

#[test]
fn a_worker_that_aborts_mid_task_is_reported_and_replaced() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        let before = pool.pids();
        let err = pool
            .map(vec![
                Job::Square(1),
                Job::Square(2),
                Job::Abort,
                Job::Square(3),
            ])
            .unwrap_err();
        match err {
            PoolError::WorkerDied {
                task, pid, status, ..
            } => {
                assert_eq!(task, 2, "the lost task is the one that aborted");
                assert_eq!(status.signal(), Some(libc::SIGABRT));
                assert!(before.contains(&pid));
                assert!(!process_exists(pid), "the dead worker is reaped");
            }
            other => panic!("expected WorkerDied, got {other}"),
        }
        // Still usable, still two workers.
        assert_eq!(
            pool.map(vec![Job::Square(7), Job::Square(8)]).unwrap(),
            [49, 64]
        );
        assert_eq!(pool.pids().len(), 2);
    });
}

#[test]
fn imap_unordered_reports_the_lost_task_and_finishes_the_others() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        let items: Vec<_> = pool
            .imap_unordered(vec![
                Job::Square(3),
                Job::Panic,
                Job::Exit(3),
                Job::Square(4),
            ])
            .collect();
        let mut ok: Vec<(usize, u64)> = items
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        ok.sort();
        assert_eq!(ok, vec![(0, 9), (3, 16)]);
        let mut lost: Vec<(usize, Option<i32>)> = items
            .iter()
            .filter_map(|r| match r {
                Err(PoolError::WorkerDied { task, status, .. }) => Some((*task, status.code())),
                _ => None,
            })
            .collect();
        lost.sort();
        // A panic unwinds out of main (exit code 101); exit(3) is exit code 3.
        assert_eq!(lost, vec![(1, Some(101)), (2, Some(3))]);
    });
}

#[test]
fn a_worker_killed_from_outside_is_noticed() {
    deadline(LIMIT, || {
        let mut pool = pool(1);
        let pid = pool.pids()[0];
        let killer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            // SAFETY: sending SIGKILL to our own child, identified by its pid.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        });
        let err = pool
            .map(vec![Job::SleepThen {
                ms: 20_000,
                value: 0,
            }])
            .unwrap_err();
        killer.join().unwrap();
        assert!(
            matches!(err, PoolError::WorkerDied { task: 0, status, .. } if status.signal() == Some(libc::SIGKILL)),
            "{err}"
        );
        assert_eq!(pool.map(vec![Job::Square(5)]).unwrap(), [25]);
    });
}

#[test]
fn dropping_the_pool_ends_every_child() {
    deadline(LIMIT, || {
        let mut pool = pool(3);
        let pids = pool.pids();
        assert_eq!(pids.len(), 3);
        assert!(pids.iter().all(|&pid| process_exists(pid)));
        pool.map(vec![Job::Square(1)]).unwrap();
        drop(pool);
        // Reaped in drop: no orphan keeps running, no zombie keeps its pid.
        for pid in pids {
            assert!(!process_exists(pid), "worker {pid} outlived its pool");
        }
    });
}

#[test]
fn dropping_an_unfinished_iteration_leaves_the_pool_clean() {
    deadline(LIMIT, || {
        let mut pool = pool(2);
        let jobs = vec![
            Job::SleepThen { ms: 0, value: 1 },
            Job::SleepThen {
                ms: 10_000,
                value: 2,
            },
            Job::Square(3),
        ];
        let first = pool.imap_unordered(jobs).next().unwrap().unwrap();
        assert_eq!(first, (0, 1));
        // The slow job's worker was killed: no stale result reaches the next call.
        assert_eq!(
            pool.map(vec![Job::Square(6), Job::Square(7)]).unwrap(),
            [36, 49]
        );
    });
}

#[test]
fn a_malformed_message_is_an_error_not_a_panic() {
    deadline(LIMIT, || {
        let mut pool: ProcessPool<Job, u64> =
            ProcessPool::with_args(1, EXE, [MALFORMED_WORKER_ARG]).unwrap();
        let pid = pool.pids()[0];
        let err = pool.map(vec![Job::Square(2)]).unwrap_err();
        assert!(
            matches!(
                err,
                PoolError::Malformed {
                    task: Some(0),
                    worker: 0,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            !process_exists(pid),
            "the garbling worker was killed and reaped"
        );
    });
}

#[test]
fn a_binary_that_is_not_a_worker_fails_the_bootstrap_without_hanging() {
    deadline(LIMIT, || {
        let err = ProcessPool::<Job, u64>::new(3, "/bin/true")
            .err()
            .expect("bootstrap must fail");
        assert!(matches!(err, PoolError::Bootstrap { .. }), "{err}");
        let err = ProcessPool::<Job, u64>::new(1, "/no/such/binary")
            .err()
            .unwrap();
        assert!(matches!(err, PoolError::Spawn { .. }), "{err}");
        assert!(matches!(
            ProcessPool::<Job, u64>::new(0, EXE),
            Err(PoolError::NoWorkers)
        ));
    });
}

#[test]
fn a_task_over_the_timeout_is_killed_and_reported() {
    deadline(LIMIT, || {
        let mut pool = pool(1);
        pool.set_task_timeout(Some(Duration::from_millis(200)));
        let err = pool
            .map(vec![Job::SleepThen {
                ms: 20_000,
                value: 0,
            }])
            .unwrap_err();
        assert!(
            matches!(err, PoolError::TaskTimedOut { task: 0, .. }),
            "{err}"
        );
        assert_eq!(pool.map(vec![Job::Square(9)]).unwrap(), [81]);
    });
}

#[test]
fn the_pool_can_move_between_threads() {
    fn is_send<T: Send>() {}
    is_send::<ProcessPool<Job, u64>>();
    is_send::<PoolError>();
}

#[test]
fn workers_die_with_a_parent_killed_by_sigkill() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    deadline(LIMIT, || {
        // A parent that keeps a pool of 2 busy, then is killed without a chance to drop it.
        let mut holder = ipc::child::ChildGuard::spawn(
            Command::new(EXE)
                .args(["child", "pool-holder", "2"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        )
        .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(holder.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let pids: Vec<u32> = line
            .split_whitespace()
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(pids.len(), 2, "{line:?}");
        assert!(pids.iter().all(|&pid| ipc::child::process_running(pid)));
        // Let the holder hand each worker its minute-long task.
        std::thread::sleep(Duration::from_millis(300));
        let status = holder.kill_and_reap().unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        // PR_SET_PDEATHSIG: the kernel kills the orphans at once; give it a moment.
        let give_up = std::time::Instant::now() + Duration::from_secs(10);
        while pids.iter().any(|&pid| ipc::child::process_running(pid)) {
            assert!(
                std::time::Instant::now() < give_up,
                "workers outlived their killed parent"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}
