//! The gauge counts overlapping lifetimes of threads and tasks alike.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use async_io::gauge::Gauge;

#[test]
fn threads_that_overlap_are_all_counted() {
    testkit::deadline(Duration::from_secs(20), || {
        let gauge = Gauge::default();
        let together = Barrier::new(4);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let _in = gauge.enter();
                    // All four are inside before any leaves.
                    together.wait();
                });
            }
        });
        assert_eq!((gauge.now(), gauge.peak(), gauge.entered()), (0, 4, 4));
        gauge.reset();
        assert_eq!((gauge.peak(), gauge.entered()), (0, 0));
    });
}

#[test]
fn tasks_one_after_the_other_peak_at_one() {
    let gauge = Arc::new(Gauge::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        for _ in 0..5 {
            let gauge = Arc::clone(&gauge);
            tokio::spawn(async move {
                let _in = gauge.enter();
                tokio::task::yield_now().await;
            })
            .await
            .unwrap();
        }
    });
    assert_eq!((gauge.peak(), gauge.entered()), (1, 5));
}
