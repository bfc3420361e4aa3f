//! The sum of square roots over chunks, and wait vs computing.

use std::time::Duration;

use testkit::{assert_says, deadline};
use threads_basics::cpu_bound::{self, chunk_ranges};
use threads_basics::{Pace, ThreadsError};

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn chunks_cover_every_number_once() {
    for (n, parts) in [(10, 3), (5_000_000, 12), (3, 5), (0, 2), (7, 1)] {
        let ranges = chunk_ranges(n, parts).unwrap();
        assert_eq!(ranges.len(), parts);
        let mut next = 0;
        for r in &ranges {
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, n);
        let lens: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
        assert!(
            lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1,
            "{lens:?}"
        );
    }
}

#[test]
fn zero_threads_is_an_error() {
    assert!(matches!(
        chunk_ranges(10, 0),
        Err(ThreadsError::ZeroThreads)
    ));
    assert!(matches!(
        cpu_bound::sqrt_sum_threads(10, 0),
        Err(ThreadsError::ZeroThreads)
    ));
}

#[test]
fn the_sequential_sum_is_right_on_perfect_squares() {
    // sqrt(0) + sqrt(1) + sqrt(4) + sqrt(9) is 6 exactly.
    let total: f64 = [0, 1, 4, 9]
        .iter()
        .map(|&i| cpu_bound::sqrt_sum_range(i..i + 1))
        .sum();
    assert_eq!(total, 6.0);
    assert_eq!(cpu_bound::sqrt_sum_sequential(0), 0.0);
}

#[test]
fn threaded_sums_match_the_sequential_one() {
    deadline(LIMIT, || {
        let n = 200_000;
        let expected = cpu_bound::sqrt_sum_sequential(n);
        for threads in [1, 2, 3, 8, 12] {
            let got = cpu_bound::sqrt_sum_threads(n, threads).unwrap();
            // Only the order of the additions differs: equal to ~1e-12 relative.
            assert!(
                (got - expected).abs() / expected < 1e-10,
                "{threads} threads: {got} vs {expected}"
            );
        }
        assert_eq!(cpu_bound::sqrt_sum_threads(n, 1).unwrap(), expected);
    });
}

#[test]
fn more_threads_than_numbers_still_works() {
    deadline(LIMIT, || {
        assert_eq!(
            cpu_bound::sqrt_sum_threads(3, 8).unwrap(),
            cpu_bound::sqrt_sum_sequential(3)
        );
    });
}

#[test]
fn computing_is_deterministic_and_threads_return_in_order() {
    deadline(LIMIT, || {
        let serial = cpu_bound::run_serial(3, || cpu_bound::computing(10_000));
        let threaded = cpu_bound::run_threads(3, || cpu_bound::computing(10_000)).unwrap();
        assert_eq!(serial, threaded);
        // cos iterated converges to the Dottie number.
        assert!((cpu_bound::computing(10_000) - 0.739_085_133_2).abs() < 1e-9);
        let names =
            cpu_bound::run_threads(4, || std::thread::current().name().unwrap().to_string())
                .unwrap();
        assert_eq!(names, ["task-0", "task-1", "task-2", "task-3"]);
    });
}

#[test]
fn wait_waits() {
    deadline(LIMIT, || {
        let start = std::time::Instant::now();
        cpu_bound::run_threads(3, || cpu_bound::wait(Duration::from_millis(20))).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
    });
}

#[test]
fn wait_vs_computing_times_both_tasks_both_ways() {
    deadline(LIMIT, || {
        let pace = Pace::with_factor(0.002); // 2 ms sleeps, 20,000 cos iterations
        let report = cpu_bound::wait_vs_computing(pace, 3).unwrap();
        assert_eq!((report.calls, report.iterations), (3, 20_000));
        assert_eq!(report.sleep, Duration::from_millis(2));
        // Three sleeps one after another cannot take less than the three sleeps.
        assert!(report.wait.serial >= report.sleep * 3, "{report:?}");
        assert_says(&report, &["3 calls each", "computing: serial"]);
    });
}

#[test]
fn the_cpu_demo_sums_on_the_threads_asked_for_and_agrees() {
    deadline(LIMIT, || {
        let pace = Pace::with_factor(0.001);
        let report = cpu_bound::demo(pace, Some(3), 10_000, 2).unwrap();
        assert_eq!(report.numbers, 10_000);
        let [(3, run)] = &report.threaded[..] else {
            panic!("only the count asked for: {report:?}");
        };
        assert!((run.value - report.sequential.value).abs() / run.value < 1e-10);
        assert_says(&report, &["  3 threads", "GIL"]);
    });
}

#[test]
fn by_default_the_cpu_demo_also_tries_the_seeds_twelve_threads() {
    deadline(LIMIT, || {
        let report = cpu_bound::demo(Pace::with_factor(0.001), None, 1_000, 1).unwrap();
        let counts: Vec<usize> = report.threaded.iter().map(|(t, _)| *t).collect();
        let logical = report.cores.logical;
        if logical == cpu_bound::SEED_THREADS {
            assert_eq!(counts, [logical]);
        } else {
            assert_eq!(counts, [logical, cpu_bound::SEED_THREADS]);
        }
    });
}
