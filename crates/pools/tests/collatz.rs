//! The race's checksum, 116673 for `1..=50_000`, proven by a computation that shares nothing with
//! `worker_task`: the seeds print no checksum, so the figure needs a witness of its own.

use pools::collatz::{STEPS, checksum, inputs, sequential, worker_task};

/// Steps from `n` down to 1 (the Collatz "total stopping time").
fn steps_to_one(mut n: u64) -> u32 {
    let mut steps = 0;
    while n != 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    steps
}

/// Where `STEPS` steps from `n` end: once at 1, the walk cycles 1 → 4 → 2 → 1, so only the steps
/// left over after reaching 1 matter, modulo 3.
fn after_all_steps(n: u64) -> u64 {
    let to_one = steps_to_one(n);
    assert!(to_one <= STEPS, "{n} needs {to_one} steps to reach 1");
    [1, 4, 2][((STEPS - to_one) % 3) as usize]
}

#[test]
fn every_input_ends_in_the_four_two_one_cycle() {
    for n in inputs() {
        assert_eq!(worker_task(n), after_all_steps(n), "worker_task({n})");
    }
}

#[test]
fn the_checksum_is_116673() {
    let independent: u64 = inputs().map(after_all_steps).sum();
    assert_eq!(independent, 116_673);
    assert_eq!(checksum(&sequential(inputs())), independent);
}
