//! Grading tests of this lesson: each checks one exercise of `src/exercises.rs`.

use std::time::Duration;

use mandelbrot::exercises;
use mandelbrot::{Params, View, escape};

// The grader counts a test as passed only on the proof this harness writes when the test
// returns normally: every test starts with `let _pass = harness::start();`.
testkit::grading_harness!();

/// A spread of points inside, outside and on the edge of the set.
fn points() -> impl Iterator<Item = (f64, f64)> {
    (0..400).map(|k| {
        let k = k as f64;
        (
            -2.3 + 3.0 * (k * 0.618_033_988_75).fract(),
            -1.5 + 3.0 * (k * 0.414_213_562_37).fract(),
        )
    })
}

fn views() -> Vec<Params> {
    vec![
        Params::seeds(23, 17, 120).unwrap(),
        Params::new(
            View::centered(-0.7436, 0.1318, 300.0, 9, 7).unwrap(),
            9,
            7,
            300,
        )
        .unwrap(),
        Params::seeds(1, 1, 5).unwrap(),
        Params::seeds(7, 3, 1).unwrap(),
    ]
}

fn reference(params: &Params) -> Vec<u32> {
    let mut counts = vec![0; params.pixels()];
    escape::render_rows(params, 0, &mut counts);
    counts
}

#[test]
fn escape_count_of_known_points() {
    let _pass = harness::start();
    assert_eq!(
        exercises::escape_count(0.0, 0.0, 100),
        100,
        "0 is in the set: it never escapes"
    );
    assert_eq!(
        exercises::escape_count(2.0, 2.0, 100),
        1,
        "2+2i escapes after one step"
    );
    assert_eq!(
        exercises::escape_count(1.0, 0.0, 100),
        3,
        "1: z = 0, 1, 2, 5"
    );
    assert_eq!(
        exercises::escape_count(-1.0, 0.0, 7),
        7,
        "-1 cycles 0, -1, 0: capped at max_iter"
    );
    assert_eq!(exercises::escape_count(0.0, 0.0, 1), 1);
}

#[test]
fn escape_count_matches_the_lesson_bit_for_bit() {
    let _pass = harness::start();
    for (cx, cy) in points() {
        assert_eq!(
            exercises::escape_count(cx, cy, 250),
            escape::escape_count(cx, cy, 250),
            "at {cx} + {cy}i"
        );
    }
}

#[test]
fn render_band_fills_its_rows() {
    let _pass = harness::start();
    for params in views() {
        let all = reference(&params);
        let w = params.width();
        for first in 0..params.height() {
            for rows in 1..=params.height() - first {
                let mut band = vec![u32::MAX; rows * w];
                exercises::render_band(&params, first, &mut band);
                assert_eq!(
                    band[..],
                    all[first * w..(first + rows) * w],
                    "rows {first}..{} of {params:?}",
                    first + rows
                );
            }
        }
    }
}

#[test]
fn parallel_render_equals_sequential() {
    let _pass = harness::start();
    testkit::deadline(Duration::from_secs(20), || {
        for params in views() {
            let expected = reference(&params);
            for threads in [1, 2, 3, 4, 8, 40] {
                let got = exercises::render_parallel(&params, threads);
                assert_eq!(got, expected, "{threads} threads on {params:?}");
            }
        }
    });
}

#[test]
fn rows_are_dealt_round_robin() {
    let _pass = harness::start();
    assert_eq!(exercises::deal_rows(5, 2), vec![vec![0, 2, 4], vec![1, 3]]);
    assert_eq!(exercises::deal_rows(1, 3), vec![vec![0], vec![], vec![]]);
    assert_eq!(
        exercises::deal_rows(0, 2),
        vec![Vec::<usize>::new(), vec![]]
    );
    assert_eq!(exercises::deal_rows(4, 1), vec![vec![0, 1, 2, 3]]);
    for (height, workers) in [(720, 7), (17, 4), (3, 16)] {
        let hands = exercises::deal_rows(height, workers);
        assert_eq!(hands.len(), workers);
        let mut all: Vec<usize> = hands.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..height).collect::<Vec<_>>(),
            "every row exactly once"
        );
        for (w, rows) in hands.iter().enumerate() {
            assert!(
                rows.iter().all(|r| r % workers == w),
                "worker {w} got a row of another"
            );
            assert!(
                rows.windows(2).all(|p| p[0] < p[1]),
                "rows in increasing order"
            );
        }
    }
}

#[test]
fn supersampling_averages_blocks() {
    let _pass = harness::start();
    let img = [[0, 0, 0], [10, 20, 30], [1, 1, 1], [2, 2, 2]];
    assert_eq!(exercises::downsample(&img, 2, 2, 2), vec![[3, 6, 8]]);
    assert_eq!(
        exercises::downsample(&img, 2, 2, 1),
        img.to_vec(),
        "factor 1 changes nothing"
    );
    // An odd 7×5 image at factor 3: 2×1 output, the last column and rows dropped.
    let big: Vec<[u8; 3]> = (0..35u8).map(|k| [k * 7, 255 - k * 7, k]).collect();
    let expected = mandelbrot::zoom::downsample(&big, 7, 5, 3);
    assert_eq!(expected.len(), 2);
    assert_eq!(exercises::downsample(&big, 7, 5, 3), expected);
    // Halves round up.
    assert_eq!(
        exercises::downsample(&[[1, 0, 0], [0, 0, 0]], 2, 1, 1),
        vec![[1, 0, 0], [0, 0, 0]]
    );
    assert_eq!(
        exercises::downsample(&[[1, 0, 255], [0, 0, 255], [0, 0, 0], [1, 2, 0]], 2, 2, 2),
        vec![[1, 1, 128]]
    );
}
