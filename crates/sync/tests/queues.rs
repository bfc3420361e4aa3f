//! Tests of `sync::queues` and `sync::join_deadlock`.

use std::time::Duration;

use sync::join_deadlock::{self, CycleOutcome};
use sync::narration::Log;
use sync::queues::{self, Drain};
use testkit::{assert_says, deadline};

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
fn draining_a_closed_channel_takes_everything_and_strands_nobody() {
    let r = deadline(LIMIT, || queues::drain(30, 5, 3, Drain::Closed));
    assert_eq!((r.taken, r.stranded), (150, 0));
}

#[test]
fn empty_then_get_takes_everything_and_strands_at_most_every_consumer() {
    // Whether two consumers race for the last item depends on timing: only the bounds are certain.
    let r = deadline(LIMIT, || queues::drain(30, 5, 3, Drain::EmptyThenGet));
    assert_eq!(
        r.taken, 150,
        "the items left after a stranded get are taken by the others"
    );
    assert!(r.stranded <= 30 * 3, "{r:?}");
}

/// Runs a cycle of two waiting threads and returns whether something broke it.
fn deadlocked(cycle: fn(Duration, Log) -> CycleOutcome) -> bool {
    let outcome = deadline(LIMIT, move || cycle(Duration::from_millis(300), &quiet));
    let CycleOutcome::Deadlocked { waits, broken } = outcome else {
        panic!("expected a deadlock, got {outcome:?}");
    };
    assert_eq!(waits.len(), 2);
    broken
}

#[test]
fn join_cycle_is_detected_and_nothing_breaks_it() {
    assert!(!deadlocked(join_deadlock::join_cycle));
}

#[test]
fn channel_cycle_is_detected_and_broken() {
    assert!(
        deadlocked(join_deadlock::channel_cycle),
        "after the main thread's message both threads finish"
    );
}

#[test]
fn the_queues_demo_tells_who_took_what_and_when_join_returned() {
    let transcript = deadline(LIMIT, || queues::demo(6, 2, 2));
    let lines = transcript.lines();
    assert_eq!(lines[0], "== queues: 6 items, capacity 2, 2 consumers");
    assert!(
        lines.iter().any(|l| l.starts_with("  consumer-1 took [")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  for item in closed channel         took   600 of   600, stranded on an empty queue    0 times")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"-- task_done / join with a WaitGroup".to_string()),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("  at join: 6 of 6 processed, 2 workers alive")
    );
}

#[test]
fn the_join_deadlock_demo_explains_both_cycles() {
    let transcript = deadline(LIMIT, || join_deadlock::demo(Duration::from_millis(200)));
    let text = transcript.to_string();
    assert_eq!(
        text.matches("DEADLOCK: neither finished within 0.2 s")
            .count(),
        2,
        "{text}"
    );
    assert_says(
        &text,
        &[
            "    thread-1 waits for thread-2 (join)",
            "nothing can wake a join",
            "the main thread broke the cycle from outside",
        ],
    );
}
