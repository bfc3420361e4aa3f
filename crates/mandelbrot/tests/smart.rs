//! `smart` skips iterations, never changes a count: bit-identical to `simd-rayon` on views with
//! and without symmetry, bulbs or the cusp, and it accounts for what it skipped.

use std::time::Duration;

use mandelbrot::smart;
use mandelbrot::strategies::{self, Rendering};
use mandelbrot::{Params, Strategy, View};

fn smart_and_reference(params: &Params) -> (Rendering, Rendering) {
    (
        strategies::render(params, Strategy::Smart, 2),
        strategies::render(params, Strategy::SimdRayon, 2),
    )
}

#[test]
fn identical_counts_on_symmetric_and_asymmetric_views() {
    testkit::deadline(Duration::from_secs(60), || {
        let views = [
            // The seeds' view: symmetric, the whole cardioid and bulb.
            View::seeds(160, 90),
            // Symmetric with exact binary rows: every row but two has its mirror.
            View::new(-2.0, 1.0, -1.0, 1.0).unwrap(),
            // Shifted off the axis: the cardioid and bulb, no mirror rows.
            View::new(-2.1, 0.7, -0.83, 1.29).unwrap(),
            // The cusp and the edge of the cardioid, where the margin matters.
            View::new(0.2, 0.3, -0.05, 0.05).unwrap(),
            View::new(-0.8, -0.7, 0.0, 0.1).unwrap(),
            // Where the cardioid meets the period-2 bulb.
            View::centered(-0.75, 0.0, 40.0, 16, 9).unwrap(),
            // A deep zoom off the axis: nothing to skip.
            View::centered(-0.743_643_887, 0.131_825_904, 5000.0, 16, 9).unwrap(),
        ];
        for view in views {
            for (w, h) in [(61, 29), (64, 64), (1, 7)] {
                for max_iter in [1, 17, 300] {
                    let params = Params::new(view, w, h, max_iter).unwrap();
                    let (smart, reference) = smart_and_reference(&params);
                    assert_eq!(smart.counts, reference.counts, "{params:?}");
                    assert_eq!(
                        smart.computed_iterations() + smart.skipped_iterations,
                        reference.counts.total_iterations()
                    );
                }
            }
        }
    });
}

#[test]
fn the_seeds_view_is_mostly_skipped_and_a_deep_zoom_not_at_all() {
    testkit::deadline(Duration::from_secs(60), || {
        let seeds = Params::seeds(384, 216, 1000).unwrap();
        let (smart, reference) = smart_and_reference(&seeds);
        assert_eq!(smart.counts, reference.counts);
        // Most of the work is the set's interior, most of which the cardioid and bulb cover.
        assert!(
            smart.skipped_iterations > 5 * smart.computed_iterations(),
            "skipped {} of {}",
            smart.skipped_iterations,
            reference.counts.total_iterations()
        );
        let deep = Params::new(
            View::centered(-0.743_643_887, 0.131_825_904, 5000.0, 64, 36).unwrap(),
            64,
            36,
            500,
        )
        .unwrap();
        let (smart, reference) = smart_and_reference(&deep);
        assert_eq!(smart.counts, reference.counts);
        assert_eq!(smart.skipped_iterations, 0);
    });
}

#[test]
fn mirrored_rows_are_counted_as_skipped() {
    // y = -1, -0.75, ..., 0.75 are exact in binary: rows 5, 6, 7 mirror rows 3, 2, 1. The view
    // is left of the set (x < -2), so the cardioid and bulb skip nothing.
    let params = Params::new(View::new(-4.0, -3.0, -1.0, 1.0).unwrap(), 3, 8, 50).unwrap();
    let mut counts = vec![0; params.pixels()];
    let skipped = smart::render(&params, &mut counts);
    assert_eq!(skipped.mirrored_rows, [5, 6, 7]);
    assert_eq!(skipped.pixels_in_bulbs, 0);
    let mirrored: u64 = counts[5 * 3..].iter().map(|&c| u64::from(c)).sum();
    assert_eq!(skipped.iterations(3, &counts), mirrored);
}

#[test]
fn skipped_points_never_escape_even_at_the_largest_cap() {
    // Points on the edge of the skipped region (|λ| just under the margin) stay bounded for the
    // largest `max_iter` the lesson accepts, in the floating-point loop every strategy runs.
    testkit::deadline(Duration::from_secs(60), || {
        let max_iter = mandelbrot::params::MAX_ITER_LIMIT;
        let lambda = smart::ATTRACTION * (1.0 - 1e-9);
        for k in 0..64 {
            let angle = std::f64::consts::TAU * k as f64 / 64.0;
            let l = num_complex::Complex64::from_polar(lambda, angle);
            let cardioid = l / 2.0 - l * l / 4.0; // the point whose fixed point has multiplier l
            let bulb = l / 4.0 - 1.0; // the point whose 2-cycle has multiplier l
            for c in [cardioid, bulb] {
                assert!(smart::in_main_bulbs(c.re, c.im), "{c} is skipped");
                assert_eq!(
                    mandelbrot::escape::escape_count(c.re, c.im, max_iter),
                    max_iter,
                    "{c}"
                );
            }
        }
    });
}
