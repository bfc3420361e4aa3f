//! Every strategy gives bit-identical counts, on several views and awkward sizes.

use std::path::Path;
use std::time::Duration;

use mandelbrot::compare;
use mandelbrot::escape::{escape_count, escape_count_complex};
use mandelbrot::run::{self, RenderReport, RunError};
use mandelbrot::simd::{self, Kernel};
use mandelbrot::strategies::{self, Counts, Scheduling};
use mandelbrot::{Params, Strategy, View};
use num_complex::Complex64;

fn views() -> Vec<View> {
    vec![
        View::seeds(4, 3),
        // The seahorse valley, deep enough for long escape counts.
        View::centered(-0.743653884279361, 0.131822903750375, 2000.0, 4, 3).unwrap(),
        // Near the cusp and the real axis: many points right at the border.
        View::new(0.2, 0.3, -0.05, 0.05).unwrap(),
        // Mostly outside, including points far away (|c| > 2).
        View::new(-10.0, 10.0, -3.0, 7.0).unwrap(),
    ]
}

fn all_strategies_agree(params: &Params) {
    let reference = strategies::render(params, Strategy::Sequential, 1).counts;
    for strategy in Strategy::IN_PROCESS {
        for threads in [1, 2, 3, 5] {
            let got = strategies::render(params, strategy, threads).counts;
            assert_eq!(
                got, reference,
                "{strategy} with {threads} threads on {params:?}"
            );
        }
    }
    for kernel in Kernel::available() {
        let mut row = vec![0; params.width()];
        for i in 0..params.height() {
            simd::render_row_with(kernel, params, i, &mut row);
            assert_eq!(
                row[..],
                reference.data[i * params.width()..(i + 1) * params.width()],
                "{kernel:?} row {i}"
            );
        }
    }
}

#[test]
fn identical_counts_on_several_views_and_odd_sizes() {
    testkit::deadline(Duration::from_secs(60), || {
        for (w, h) in [(1, 1), (7, 3), (33, 17), (61, 29)] {
            for view in views() {
                all_strategies_agree(&Params::new(view, w, h, 200).unwrap());
            }
        }
    });
}

#[test]
fn identical_counts_with_one_iteration_and_many() {
    testkit::deadline(Duration::from_secs(60), || {
        for max_iter in [1, 2, 5, 1000] {
            all_strategies_agree(&Params::seeds(23, 11, max_iter).unwrap());
        }
    });
}

#[test]
fn known_points() {
    for max_iter in [1, 10, 250] {
        assert_eq!(
            escape_count(0.0, 0.0, max_iter),
            max_iter,
            "0 never escapes"
        );
        assert_eq!(
            escape_count_complex(Complex64::new(0.0, 0.0), max_iter),
            max_iter
        );
        assert_eq!(
            escape_count(2.0, 2.0, max_iter),
            1,
            "2+2i escapes after one step"
        );
        assert_eq!(escape_count_complex(Complex64::new(2.0, 2.0), max_iter), 1);
    }
    // A 1×1 image at the origin renders the pixel at (x_min, y_min): centre it on 0 exactly.
    let params = Params::new(View::new(0.0, 1.0, 0.0, 1.0).unwrap(), 1, 1, 77).unwrap();
    for strategy in Strategy::IN_PROCESS {
        assert_eq!(
            strategies::render(&params, strategy, 2).counts.data,
            vec![77],
            "{strategy}"
        );
    }
}

#[test]
fn pixels_follow_the_seeds_mapping() {
    let params = Params::seeds(8, 4, 50).unwrap();
    let counts = strategies::render(&params, Strategy::Sequential, 1).counts;
    let dx = 3.5 / 8.0;
    let y_min = -3.5 * 4.0 / 8.0 / 2.0;
    let dy = -2.0 * y_min / 4.0;
    for i in 0..4 {
        for j in 0..8 {
            let (x, y) = (-2.5 + j as f64 * dx, y_min + i as f64 * dy);
            assert_eq!(counts.get(i, j), escape_count(x, y, 50), "pixel ({i}, {j})");
        }
    }
}

#[test]
fn threaded_strategies_report_each_thread() {
    let params = Params::seeds(16, 10, 50).unwrap();
    assert_eq!(
        strategies::render(&params, Strategy::Threads, 3)
            .per_worker
            .len(),
        3
    );
    assert_eq!(
        strategies::render(&params, Strategy::ThreadsInterleaved, 4)
            .per_worker
            .len(),
        4
    );
    // More threads than rows: one row each, no empty threads.
    assert_eq!(
        strategies::render(&params, Strategy::ThreadsInterleaved, 64)
            .per_worker
            .len(),
        10
    );
}

#[test]
fn bands_balance_worse_than_interleaved_rows() {
    let params = Params::seeds(64, 64, 250).unwrap();
    let counts: Counts = strategies::render(&params, Strategy::Simd, 1).counts;
    let bands = strategies::work_per_worker(&counts, 8, Scheduling::Bands);
    let rows = strategies::work_per_worker(&counts, 8, Scheduling::Interleaved);
    assert_eq!(bands.iter().sum::<u64>(), counts.total_iterations());
    assert_eq!(rows.iter().sum::<u64>(), counts.total_iterations());
    assert!(strategies::imbalance(&bands) > 1.5 * strategies::imbalance(&rows));
}

#[test]
fn strategy_names_round_trip() {
    for s in Strategy::ALL {
        assert_eq!(s.name().parse::<Strategy>().unwrap(), s);
    }
    assert!("fast".parse::<Strategy>().is_err());
}

#[test]
fn worker_processes_give_the_same_counts() {
    use mandelbrot::processes::{self, BandPool};
    testkit::deadline(Duration::from_secs(60), || {
        let mut pool = BandPool::new(3, env!("CARGO_BIN_EXE_mandelbrot")).unwrap();
        for (w, h) in [(1, 1), (7, 3), (33, 17)] {
            for view in views() {
                let params = Params::new(view, w, h, 150).unwrap();
                let expected = strategies::render(&params, Strategy::Sequential, 1).counts;
                let got = processes::render(&params, &mut pool).unwrap();
                assert_eq!(got.counts, expected, "{params:?}");
                assert_eq!(
                    got.per_worker.len(),
                    processes::band_tasks(&params, 3).len()
                );
            }
        }
    });
}

#[test]
fn band_tasks_cover_every_row_once() {
    use mandelbrot::processes::band_tasks;
    for (h, parts) in [(1, 4), (7, 3), (720, 7), (10, 10)] {
        let params = Params::seeds(5, h, 10).unwrap();
        let tasks = band_tasks(&params, parts);
        assert!(tasks.len() <= parts && tasks.iter().all(|t| t.rows > 0));
        let mut next = 0;
        for t in &tasks {
            assert_eq!(t.first_row, next);
            next += t.rows;
        }
        assert_eq!(next, h);
    }
}

const EXE: &str = env!("CARGO_BIN_EXE_mandelbrot");

#[test]
fn a_render_report_counts_what_was_computed() {
    testkit::deadline(Duration::from_secs(60), || {
        let params = Params::new(View::seeds(40, 30), 40, 30, 100).unwrap();
        let exe = Path::new(EXE);
        let reference = run::render(&params, Strategy::Sequential, 2, exe).unwrap();
        for strategy in [Strategy::Smart, Strategy::Processes] {
            let rendering = run::render(&params, strategy, 2, exe).unwrap();
            assert_eq!(rendering.counts, reference.counts, "{strategy}");
            let report = RenderReport::new(strategy, &params, 2, &rendering);
            assert_eq!(report.total_iterations, reference.counts.total_iterations());
            assert_eq!(
                report.computed_iterations + report.skipped_iterations,
                report.total_iterations
            );
            let json = serde_json::to_value(&report).unwrap();
            assert_eq!(json["strategy"], strategy.name());
            assert_eq!(json["width"], 40);
            assert!(
                json.get("per_worker").is_none(),
                "busy times are for people"
            );
            let text = report.to_string();
            assert!(
                text.starts_with(&format!("{strategy} 40×30, max_iter 100: ")),
                "{text}"
            );
            assert_eq!(
                text.contains("busy time per worker"),
                strategy == Strategy::Processes
            );
        }
    });
}

#[test]
fn processes_that_cannot_start_are_an_error() {
    let params = Params::new(View::seeds(8, 8), 8, 8, 10).unwrap();
    let missing = Path::new("/nonexistent/mandelbrot");
    let err = run::render(&params, Strategy::Processes, 2, missing).unwrap_err();
    assert!(matches!(err, RunError::Start(_)), "{err}");
}

#[test]
fn the_comparison_checks_every_strategy_against_sequential() {
    testkit::deadline(Duration::from_secs(60), || {
        let params = Params::new(View::seeds(48, 32), 48, 32, 200).unwrap();
        let comparison = compare::compare(&params, 2, 2, Path::new(EXE));
        let strategies: Vec<Strategy> = comparison.rows.iter().map(|r| r.strategy).collect();
        assert_eq!(strategies, Strategy::ALL);
        for row in &comparison.rows {
            let timing = row.outcome.as_ref().unwrap();
            assert!(timing.identical, "{}", row.strategy);
        }
        comparison.verdict().unwrap();
        let text = comparison.to_string();
        testkit::assert_says(
            &text,
            &["48×32 pixels", "threads-interleaved", "work balance"],
        );
        assert!(!text.contains("NO"), "{text}");

        // A strategy whose counts differ is a bug the verdict reports.
        let mut broken = comparison.clone();
        broken.rows[3].outcome.as_mut().unwrap().identical = false;
        let err = broken.verdict().unwrap_err();
        assert_eq!(
            err.to_string(),
            "rayon gave different counts from sequential: a bug"
        );
        assert!(broken.to_string().contains(" NO "));
    });
}

#[test]
fn the_comparison_explains_why_bands_balance_badly() {
    let params = Params::new(View::seeds(64, 64), 64, 64, 100).unwrap();
    let comparison = compare::compare(&params, 1, 1, Path::new("/nonexistent/mandelbrot"));
    let skipped = comparison.rows.last().unwrap();
    assert_eq!(skipped.strategy, Strategy::Processes);
    assert!(
        skipped.outcome.is_err(),
        "no worker binary: the row says why"
    );
    comparison.verdict().unwrap();
    let balance = comparison.balance();
    assert_eq!(
        balance.iter().map(|b| b.workers).collect::<Vec<_>>(),
        compare::BALANCE_WORKERS
    );
    for b in &balance {
        assert!(b.bands >= b.interleaved, "{b}");
    }
    assert!(
        balance[1].bands > 1.5,
        "the set is in the middle rows: {}",
        balance[1]
    );
}
