//! Tests of `sync::queues` and `sync::join_deadlock`.

use std::time::Duration;

use sync::join_deadlock::{self, CycleOutcome};
use sync::queues;
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(20);

fn quiet(_: String) {}

#[test]
fn every_item_is_taken_exactly_once_and_consumers_stop_on_close() {
    let taken = deadline(LIMIT, || queues::producer_consumer(50, 2, 3, &quiet));
    let mut items: Vec<u64> = taken.iter().map(|t| t.item).collect();
    items.sort_unstable();
    assert_eq!(items, (0..50).collect::<Vec<_>>());
    assert!(taken.iter().all(|t| t.worker < 3));
}

#[test]
fn a_single_consumer_takes_items_in_order() {
    let taken = deadline(LIMIT, || queues::producer_consumer(20, 1, 1, &quiet));
    let items: Vec<u64> = taken.iter().map(|t| t.item).collect();
    assert_eq!(items, (0..20).collect::<Vec<_>>());
}

#[test]
fn join_returns_when_every_task_is_done() {
    let r = deadline(LIMIT, || queues::task_done_join(30, 3, &quiet));
    assert_eq!(r.processed_at_join, 30);
    assert_eq!(r.workers_alive_at_join, 3);
}

#[test]
fn join_cycle_is_detected() {
    let outcome = deadline(LIMIT, || {
        join_deadlock::join_cycle(Duration::from_secs(1), &quiet)
    });
    let CycleOutcome::Deadlocked { waits, broken } = outcome else {
        panic!("expected a deadlock, got {outcome:?}");
    };
    assert_eq!(waits.len(), 2);
    assert!(!broken);
}

#[test]
fn channel_cycle_is_detected_and_broken() {
    let outcome = deadline(LIMIT, || {
        join_deadlock::channel_cycle(Duration::from_secs(1), &quiet)
    });
    let CycleOutcome::Deadlocked { waits, broken } = outcome else {
        panic!("expected a deadlock, got {outcome:?}");
    };
    assert_eq!(waits.len(), 2);
    assert!(
        broken,
        "after the main thread's message both threads finish"
    );
}
