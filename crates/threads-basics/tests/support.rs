//! The log the demos write and the pace of their sleeps.

use std::time::Duration;

use threads_basics::{Log, Pace};

#[test]
fn a_log_keeps_lines_in_order_across_clones_and_mute() {
    let log = Log::quiet();
    let clone = log.clone();
    log.say("one");
    clone.say("two");
    clone.mute();
    log.say("three");
    assert_eq!(log.lines(), ["one", "two", "three"]);
    assert_eq!(log.position("two"), Some(1));
    assert_eq!(log.position("four"), None);
}

#[test]
fn pace_scales_the_seeds_durations() {
    assert_eq!(Pace::seeds().secs(2.0), Duration::from_secs(2));
    assert_eq!(Pace::brief().secs(2.0), Duration::from_millis(100));
    assert_eq!(Pace::default(), Pace::brief());
    assert_eq!(
        Pace::with_factor(0.5).secs(5.0),
        Duration::from_millis(2500)
    );
}

#[test]
#[should_panic(expected = "finite and above zero")]
fn a_zero_pace_is_refused() {
    let _ = Pace::with_factor(0.0);
}
