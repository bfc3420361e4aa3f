//! Work inside a task stops its worker; work on the blocking pool or rayon leaves it free.
//!
//! Nothing here is timed: inline work sees no tick at all (one worker cannot run two tasks), and
//! offloaded work *waits for ticks* before it returns, which it could never get if the worker
//! were blocked.

use std::time::Duration;

use async_io::blocking::{Offload, Ticks, beside_ticker, demo};

const LIMIT: Duration = Duration::from_secs(30);
const PERIOD: Duration = Duration::from_millis(2);

#[test]
fn blocking_inside_a_task_stops_the_ticker() {
    let stall = testkit::deadline(LIMIT, || {
        beside_ticker(Offload::Inline, PERIOD, |_: &Ticks| {
            std::thread::sleep(Duration::from_millis(60));
        })
        .unwrap()
    });
    assert_eq!(stall.ticks_during_work, 0);
}

#[test]
fn offloaded_work_leaves_the_worker_free_to_tick() {
    for offload in [Offload::SpawnBlocking, Offload::Rayon] {
        let stall = testkit::deadline(LIMIT, move || {
            beside_ticker(offload, PERIOD, |ticks: &Ticks| {
                ticks.wait_for(3, Duration::from_secs(10))
            })
            .unwrap()
        });
        assert!(
            stall.output,
            "{offload:?}: the ticker never ticked while the work waited"
        );
        assert!(stall.ticks_during_work >= 3, "{offload:?}");
    }
}

#[test]
fn waiting_for_ticks_inside_the_task_never_sees_one() {
    let stall = testkit::deadline(LIMIT, || {
        beside_ticker(Offload::Inline, PERIOD, |ticks: &Ticks| {
            ticks.wait_for(1, Duration::from_millis(100))
        })
        .unwrap()
    });
    assert!(!stall.output);
}

#[test]
fn the_three_renders_draw_the_same_picture() {
    let report = testkit::deadline(LIMIT, || demo(60, 40, 50, PERIOD).unwrap());
    assert!(report.same_picture && report.all_correct());
    assert_eq!(report.runs.len(), 3);
    assert_eq!(
        report.runs[0].ticks_during_work, 0,
        "inline never lets the ticker run"
    );
}
