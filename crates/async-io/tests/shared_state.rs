//! Each tool of the shared-state chapter gives its right answer.

use std::time::Duration;

use async_io::shared_state::{
    bounded_by_semaphore, broadcast_shutdown, demo, interleaved, pipeline, std_mutex_counts,
    tokio_mutex_log,
};

const LIMIT: Duration = Duration::from_secs(30);

fn on_runtime<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    testkit::deadline(LIMIT, move || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(work)
    })
}

#[test]
fn the_demo_is_correct_throughout() {
    let report = testkit::deadline(LIMIT, || demo().unwrap());
    assert!(report.all_correct(), "{report}");
    assert_eq!(report.broadcast_received, report.broadcast_subscribers);
}

#[test]
fn a_std_mutex_for_short_updates_loses_nothing() {
    assert_eq!(on_runtime(std_mutex_counts(8, 500)).unwrap(), 4_000);
}

#[test]
fn a_tokio_mutex_keeps_each_tasks_lines_together() {
    let log = on_runtime(tokio_mutex_log(5, 4)).unwrap();
    assert_eq!(log.len(), 20);
    assert!(!interleaved(&log), "{log:?}");
}

#[test]
fn interleaving_is_detected() {
    let lines = |tasks: &[u32]| -> Vec<String> {
        tasks.iter().map(|t| format!("task {t} line x")).collect()
    };
    assert!(interleaved(&lines(&[0, 1, 0])));
    assert!(!interleaved(&lines(&[0, 0, 1, 1, 2])));
}

#[test]
fn a_semaphore_bounds_the_tasks_in_flight() {
    let peak = on_runtime(bounded_by_semaphore(12, 3)).unwrap();
    assert!((1..=3).contains(&peak), "peak {peak}");
}

#[test]
fn the_pipeline_and_the_broadcast_deliver_everything() {
    assert_eq!(on_runtime(pipeline(100)).unwrap(), 338_350);
    assert_eq!(on_runtime(broadcast_shutdown(4)).unwrap(), 4);
}
