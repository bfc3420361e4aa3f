//! How the lessons measure: timed runs, the fastest of several, speedup.

use std::time::Duration;

use threads_basics::timing::{Timed, best_of, fastest_of, millis, speedup, timed};

#[test]
fn timed_returns_the_value_and_a_time() {
    let run = timed(|| {
        std::thread::sleep(Duration::from_millis(2));
        5
    });
    assert_eq!(run.value, 5);
    assert!(run.elapsed >= Duration::from_millis(2));
}

#[test]
fn fastest_of_keeps_the_smallest_time_and_runs_at_least_once() {
    let times = [30, 10, 20].map(Duration::from_millis);
    let mut runs = times.iter().copied().enumerate();
    let best = fastest_of(3, || Ok::<_, ()>(runs.next().unwrap()), |run| run.1);
    assert_eq!(best, Ok((1, Duration::from_millis(10))));

    let mut calls = 0;
    let once = fastest_of(
        0,
        || {
            calls += 1;
            Ok::<_, ()>(calls)
        },
        |_| Duration::ZERO,
    );
    assert_eq!(once, Ok(1));
}

#[test]
fn the_first_error_ends_the_runs() {
    let mut calls = 0;
    let result = fastest_of(
        5,
        || {
            calls += 1;
            if calls == 2 { Err("broke") } else { Ok(calls) }
        },
        |_| Duration::ZERO,
    );
    assert_eq!(result, Err("broke"));
    assert_eq!(calls, 2);
}

#[test]
fn best_of_runs_repeat_times() {
    let mut calls = 0;
    let best = best_of(4, || {
        calls += 1;
        calls
    });
    assert_eq!(calls, 4);
    assert!((1..=4).contains(&best.value));
}

#[test]
fn a_timed_result_turns_inside_out() {
    let ok: Timed<Result<u8, &str>> = Timed {
        value: Ok(7),
        elapsed: Duration::from_secs(1),
    };
    assert_eq!(
        ok.transpose(),
        Ok(Timed {
            value: 7,
            elapsed: Duration::from_secs(1)
        })
    );
    let failed: Timed<Result<u8, &str>> = Timed {
        value: Err("no"),
        elapsed: Duration::ZERO,
    };
    assert_eq!(failed.transpose(), Err("no"));
}

#[test]
fn speedup_divides_and_millis_scales() {
    let s = speedup(Duration::from_secs(4), Duration::from_secs(1));
    assert!((s - 4.0).abs() < 1e-12);
    assert!(speedup(Duration::from_secs(1), Duration::ZERO).is_finite());
    assert_eq!(millis(Duration::from_micros(2500)), 2.5);
}
