//! Tests of `sync::philosophers`. The naive dinner deadlocks on purpose: its threads are left
//! blocked, which is fine because the test process still exits.

use std::time::Duration;

use sync::philosophers::{
    self, Config, Detector, Dinner, Outcome, PhilosophersError, Strategy, Wait,
};
use testkit::{assert_says, deadline};

fn config(philosophers: usize) -> Config {
    Config {
        philosophers,
        duration: Duration::from_millis(600),
        eat: Duration::from_millis(2),
        stall: Duration::from_secs(3),
    }
}

#[test]
fn naive_deadlocks_and_is_detected() {
    let outcome = deadline(Duration::from_secs(20), || {
        philosophers::dine(
            Strategy::Naive,
            &Config {
                duration: Duration::from_secs(15),
                ..config(5)
            },
        )
    })
    .expect("5 philosophers is valid");
    let Outcome::Deadlock { waits, .. } = outcome else {
        panic!("the naive dinner should deadlock, got {outcome:?}");
    };
    assert_eq!(waits.len(), 5);
    let cycle = philosophers::cycle(&waits).expect("the waits form a cycle");
    assert_eq!(cycle, vec![0, 1, 2, 3, 4, 0]);
}

#[test]
fn ordered_and_arbitrator_finish_and_everyone_eats() {
    for strategy in [Strategy::Ordered, Strategy::Arbitrator] {
        for n in [2, 5] {
            let outcome = deadline(Duration::from_secs(20), move || {
                philosophers::dine(strategy, &config(n))
            })
            .expect("valid");
            let Outcome::Finished { meals } = outcome else {
                panic!("{strategy:?} with {n} deadlocked: {outcome:?}");
            };
            assert_eq!(meals.len(), n);
            assert!(meals.iter().sum::<u64>() > 0, "{strategy:?}: nobody ate");
            assert!(philosophers::spread(&meals) <= *meals.iter().max().unwrap());
        }
    }
}

#[test]
fn fewer_than_two_philosophers_is_an_error() {
    for n in [0, 1] {
        assert_eq!(
            philosophers::dine(Strategy::Ordered, &config(n)),
            Err(PhilosophersError::TooFew(n))
        );
    }
}

#[test]
fn spread_is_max_minus_min() {
    assert_eq!(philosophers::spread(&[3, 9, 5]), 6);
    assert_eq!(philosophers::spread(&[]), 0);
}

#[test]
fn the_demo_runs_one_dinner_per_strategy() {
    let report = deadline(Duration::from_secs(20), || {
        let brief = Config {
            duration: Duration::from_millis(300),
            ..config(3)
        };
        philosophers::demo(&[Strategy::Ordered, Strategy::Arbitrator], &brief)
    })
    .expect("valid");
    let strategies: Vec<Strategy> = report.dinners.iter().map(|d| d.strategy).collect();
    assert_eq!(strategies, [Strategy::Ordered, Strategy::Arbitrator]);
    let text = report.to_string();
    assert!(
        text.starts_with(
            "== philosophers: ordered strategy, 3 philosophers, up to 0.3 s\n  no deadlock."
        ),
        "{text}"
    );
    assert_eq!(text.matches("== philosophers:").count(), 2, "{text}");
}

#[test]
fn a_deadlock_is_told_fork_by_fork_with_its_cycle() {
    let waits: Vec<Wait> = (0..2)
        .map(|p| Wait {
            philosopher: p,
            holds: Some(p),
            wants: Some((p + 1) % 2),
            wanted_is_held_by: Some((p + 1) % 2),
        })
        .collect();
    let dinner = Dinner {
        strategy: Strategy::Naive,
        philosophers: 2,
        duration: Duration::from_secs(2),
        outcome: Outcome::Deadlock {
            detected_by: Detector::ParkingLot,
            meals: vec![3, 1],
            waits,
            threads_in_cycle: 2,
        },
    };
    assert_says(
        &dinner,
        &[
            "  DEADLOCK detected by parking_lot's deadlock detector: 2 threads in a cycle",
            "    philosopher 0 holds fork 0 and waits for fork 1, held by philosopher 1",
            "  wait cycle: 0 → 1 → 0",
            "  meals before the deadlock: [3, 1]",
        ],
    );
}
