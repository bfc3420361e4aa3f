//! Every strategy of the race computes the same results; granularity, π and the timeline are
//! right too.

use std::path::Path;
use std::time::Duration;

use pools::race::{Strategy, race};
use pools::tasks::TaskKind;
use pools::{ThreadPool, collatz, granularity, monte_carlo, timeline};
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(60);

fn worker_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_pools"))
}

#[test]
fn worker_task_matches_the_seeds() {
    // By hand: 1 → 4 → 2 → 1 → ... is a cycle of 3; 1000 = 3·333 + 1 steps from 1 ends on 4.
    assert_eq!(collatz::worker_task(1), 4);
    // Every start below 50,000 falls into that cycle within 1000 steps.
    assert!(
        collatz::sequential(1..2000)
            .iter()
            .all(|n| [1, 2, 4].contains(n))
    );
}

#[test]
fn every_strategy_agrees_with_sequential() {
    deadline(LIMIT, || {
        let inputs = 1..3001;
        let reference = collatz::sequential(inputs.clone());
        for strategy in Strategy::lineup() {
            let got = strategy.run(inputs.clone(), Some(worker_binary())).unwrap();
            assert_eq!(got, reference, "{strategy}");
        }
        // Uneven splits: more threads than items, chunks that do not divide the length.
        for strategy in [
            Strategy::Threads(7),
            Strategy::Scope(100),
            Strategy::CrossbeamChannel(3),
        ] {
            assert_eq!(
                strategy.run(1..11, None).unwrap(),
                collatz::sequential(1..11),
                "{strategy}"
            );
        }
    });
}

#[test]
fn the_race_checks_and_reports_every_row() {
    deadline(LIMIT, || {
        let strategies = [
            Strategy::Sequential,
            Strategy::Rayon,
            Strategy::Processes(1),
        ];
        let mut seen = 0;
        let rows = race(&strategies, 1..501, 1, None, |_| seen += 1);
        assert_eq!(seen, 3);
        let sequential = rows[0].outcome.as_ref().unwrap();
        assert!(sequential.correct);
        assert_eq!(
            sequential.checksum,
            collatz::checksum(&collatz::sequential(1..501))
        );
        assert!(rows[1].outcome.as_ref().unwrap().correct);
        // No worker binary: the process row fails with a message, the race goes on.
        assert!(rows[2].outcome.is_err());
        assert!(rows[0].speedup(sequential.time).is_some());
    });
}

#[test]
fn chunking_covers_the_range_exactly() {
    assert_eq!(collatz::chunks_of(0..10, 4), [0..4, 4..8, 8..10]);
    assert_eq!(collatz::split(0..10, 3), [0..4, 4..8, 8..10]);
    assert_eq!(collatz::split(0..2, 5), [0..1, 1..2]);
    assert!(collatz::chunks_of(5..5, 3).is_empty());
}

#[test]
fn every_way_of_summing_finds_the_same_sum() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(3).unwrap();
        let n = 100_003;
        let expected = granularity::expected(n);
        assert_eq!(expected, (0..n).sum::<u64>());
        assert_eq!(granularity::sequential(n), expected);
        assert_eq!(
            granularity::pool_chunks(&pool, n, granularity::SMALL_CHUNK),
            expected
        );
        assert_eq!(granularity::pool_large_chunks(&pool, n), expected);
        assert_eq!(granularity::lock_per_addition(&pool, n), expected);
        assert_eq!(granularity::atomic_per_addition(&pool, n), expected);
        assert_eq!(granularity::expected(0), 0);
    });
}

#[test]
fn monte_carlo_is_reproducible_per_seed_and_worker_count() {
    deadline(LIMIT, || {
        let pool = ThreadPool::new(4).unwrap();
        let first = monte_carlo::on_pool(&pool, 200_001, 7);
        let again = monte_carlo::on_pool(&pool, 200_001, 7);
        assert_eq!(first, again);
        assert_eq!(first.samples, 200_001);
        assert!(
            (first.pi() - std::f64::consts::PI).abs() < 0.02,
            "{}",
            first.pi()
        );
        let other_seed = monte_carlo::on_pool(&pool, 200_001, 8);
        assert_ne!(first.inside, other_seed.inside);
        // One worker draws from task 0's generator, as the sequential version does.
        let one = ThreadPool::new(1).unwrap();
        assert_eq!(
            monte_carlo::on_pool(&one, 10_000, 7),
            monte_carlo::sequential(10_000, 7)
        );
    });
}

#[test]
fn the_timeline_records_every_task_and_draws_it() {
    deadline(LIMIT, || {
        let kind = TaskKind::Sleep { millis: 5 };
        let threads = timeline::on_threads(kind, 3, 6).unwrap();
        assert_eq!(threads.len(), 6);
        assert!(
            threads
                .iter()
                .all(|s| s.worker < 3 && s.end_ns >= s.start_ns + 5_000_000)
        );
        let stealing = timeline::on_stealing(kind, 3, 6).unwrap();
        assert_eq!(stealing.len(), 6);
        assert!(stealing.iter().all(|s| s.worker < 3));
        let mut processes = pools::process::start(2, worker_binary()).unwrap();
        let spans =
            timeline::on_processes(&mut processes, TaskKind::Cpu { iterations: 1000 }, 4).unwrap();
        assert_eq!(spans.len(), 4);
        assert!(
            spans
                .iter()
                .all(|s| processes.pids().contains(&(s.worker as u32)))
        );

        let dir = std::env::temp_dir().join(format!("pools-timeline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("timeline.svg");
        let panels = [
            timeline::Panel {
                title: "threads".into(),
                spans: threads,
            },
            timeline::Panel {
                title: "processes".into(),
                spans,
            },
        ];
        timeline::write_svg(&panels, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("threads") && svg.contains("processes"));
        assert!(svg.matches("<rect").count() >= 10, "one bar per task");
    });
}

#[test]
fn the_seeds_map_runs_on_processes_too() {
    deadline(LIMIT, || {
        use pools::process::{WorkerRequest, WorkerResponse};
        let mut pool = pools::process::start(2, worker_binary()).unwrap();
        let requests = (1..=4).map(WorkerRequest::SleepySquare).collect();
        let answers = pool.map(requests).unwrap();
        let expected: Vec<_> = (1..=4).map(|x| WorkerResponse::Pair(x, x * x)).collect();
        assert_eq!(answers, expected);
    });
}

#[test]
fn every_row_of_the_seed_table_has_a_rust_row_in_the_race() {
    let lineup = Strategy::lineup();
    assert_eq!(pools::race::SEED_TABLE.len(), 18);
    for (row, (name, strategy)) in (1..).zip(pools::race::SEED_TABLE) {
        assert!(
            lineup.contains(&strategy),
            "seed row {row} ({name}): {strategy}"
        );
        assert!(strategy.seed_rows().contains(&row), "{name}");
    }
    let covered: Vec<usize> = lineup.iter().flat_map(|s| s.seed_rows()).collect();
    assert_eq!(covered.len(), 18, "each seed row is counted once");
}

#[test]
fn without_python_the_seed_rows_are_skipped_with_the_reason() {
    let missing = std::ffi::OsString::from("/no/such/python3");
    let err = pools::seed_python::run(&missing).unwrap_err();
    assert!(matches!(
        err,
        pools::seed_python::SeedPythonError::NoPython(_)
    ));
    assert_eq!(
        err.to_string(),
        "/no/such/python3 not found: the seed's Python rows are skipped"
    );
    assert!(
        pools::seed_python::script().is_file(),
        "the script ships with the lesson"
    );
}
