//! Tests of `sync::races`.

use std::time::Duration;

use sync::races::{self, Reread, Withdrawal};
use testkit::deadline;

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn lost_update_never_counts_more_than_expected() {
    let r = deadline(LIMIT, || races::lost_update(4, 20_000));
    assert_eq!(r.expected, 80_000);
    // Every store writes a loaded value + 1, so the count is at least 1 and never above expected.
    assert!(r.actual <= r.expected && r.actual >= 1, "{r:?}");
    assert_eq!(r.lost(), r.expected - r.actual);
}

#[test]
fn fetch_add_and_mutex_are_exact() {
    let (a, m) = deadline(LIMIT, || {
        (
            races::fetch_add_count(4, 20_000),
            races::mutex_count(4, 20_000),
        )
    });
    assert_eq!((a.actual, a.lost()), (80_000, 0));
    assert_eq!((m.actual, m.lost()), (80_000, 0));
}

#[test]
fn atomic_and_locked_withdrawals_never_overdraw() {
    let (cas, locked) = deadline(LIMIT, || {
        (
            races::check_then_act(100, Withdrawal::CompareAndSwap),
            races::check_then_act(100, Withdrawal::Locked),
        )
    });
    assert_eq!((cas, locked), (0, 0));
}

#[test]
fn racy_check_then_act_is_counted_within_bounds() {
    let overdrawn = deadline(LIMIT, || {
        races::check_then_act(50, Withdrawal::CheckThenAct)
    });
    assert!(overdrawn <= 50);
}

#[test]
fn rereading_under_the_lock_always_agrees() {
    let seen = deadline(LIMIT, || races::write_then_reread(100_000, Reread::Locked));
    assert_eq!(seen, 0);
}

#[test]
fn racy_rereads_are_counted_within_bounds() {
    // Whether the other thread's store lands between the two reads depends on timing (and never
    // happens on one core), so only the bound is certain: at most one mismatch per iteration.
    let seen = deadline(LIMIT, || races::write_then_reread(100_000, Reread::Racy));
    assert!(seen <= 2 * 100_000, "{seen}");
}

#[test]
fn the_demo_counts_three_ways_and_withdraws_three_ways() {
    let report = deadline(LIMIT, || races::demo(2, 10_000));
    let names: Vec<&str> = report.counts.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["load + store (racy)", "fetch_add", "Mutex"]);
    assert_eq!(report.counts[1].1.lost(), 0);
    assert_eq!(report.counts[2].1.lost(), 0);
    assert_eq!(report.trials, races::DEMO_TRIALS);
    assert_eq!(
        report.overdrafts[1].1, 0,
        "compare-and-swap never overdraws"
    );
    assert_eq!(report.overdrafts[2].1, 0, "the Mutex never overdraws");
    let text = report.to_string();
    assert!(
        text.starts_with("== races: 2 threads × 10000 increments\n"),
        "{text}"
    );
    assert_eq!(report.rereads, 10_000);
    assert_eq!(report.mismatches[1], ("with lock", 0));
    assert!(
        text.contains("  x = v, then x != x, 2 threads × 10000 times:\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 12, "{text}");
}
