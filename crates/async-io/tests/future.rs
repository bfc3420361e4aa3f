//! A future does nothing until polled; the hand-written state machine and the `async fn` agree.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use async_io::future::{AddLater, PollCount, Timer, add_later, block_on, demo};

const LIMIT: Duration = Duration::from_secs(20);
const WAIT: Duration = Duration::from_millis(5);

#[test]
fn a_timer_starts_at_its_first_poll_only() {
    let mut timer = Timer::after(WAIT);
    assert!(
        !timer.started(),
        "creating a future must not start anything"
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert!(std::pin::Pin::new(&mut timer).poll(&mut cx).is_pending());
    assert!(timer.started());
}

#[test]
fn both_futures_give_the_sum_after_three_polls_on_either_executor() {
    testkit::deadline(LIMIT, || {
        let hand = PollCount::new(AddLater::new(20, 22, WAIT));
        let hand_polls = hand.counter();
        assert_eq!(block_on(hand), 42);
        let generated = PollCount::new(Box::pin(add_later(20, 22, WAIT)));
        let generated_polls = generated.counter();
        assert_eq!(block_on(generated), 42);
        // Start, after the first wait, after the second: one poll per wake-up, no busy polling.
        assert_eq!(hand_polls.load(Ordering::SeqCst), 3);
        assert_eq!(generated_polls.load(Ordering::SeqCst), 3);

        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(AddLater::new(1, 2, WAIT)), 3);
        assert_eq!(runtime.block_on(add_later(1, 2, WAIT)), 3);
    });
}

#[test]
fn the_demo_reports_no_polls_before_an_await() {
    let report = testkit::deadline(LIMIT, || demo(WAIT).unwrap());
    assert_eq!(report.polls_unawaited, 0);
    assert!(!report.timer_started_unpolled);
    assert_eq!(report.runs.len(), 4);
    for run in &report.runs {
        assert_eq!((run.output, run.polls), (42, 3), "{}", run.label);
    }
    assert!(report.async_fn_bytes > 0 && report.hand_written_bytes > 0);
    assert!(report.to_string().contains("polled 0 times"));
    assert!(report.all_correct());
    let mut wrong = report.clone();
    wrong.runs[2].output = 41;
    assert!(!wrong.all_correct(), "a wrong sum fails the check");
}

#[test]
fn a_finished_future_may_not_be_polled_again() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = AddLater::new(1, 1, Duration::ZERO);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Poll until done (the zero timers finish on their own threads), then once more.
        let deadline = std::time::Instant::now() + LIMIT;
        while std::pin::Pin::new(&mut future).poll(&mut cx) == Poll::Pending {
            assert!(
                std::time::Instant::now() < deadline,
                "the zero waits never ended"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = std::pin::Pin::new(&mut future).poll(&mut cx);
    }));
    assert!(result.is_err(), "polling after Ready must panic");
}
