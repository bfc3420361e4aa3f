//! Tests of `sync::bank`.

use std::thread;
use std::time::Duration;

use sync::bank::{self, BankAccount, BankError, Mode};
use testkit::{assert_says, deadline};

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn locked_withdrawal_never_overdraws() {
    let report = deadline(LIMIT, || {
        bank::count_overdrafts(Mode::LockWholeWithdrawal, Duration::from_micros(200), 50)
    });
    assert_eq!(report.overdrawn, 0);
    let one = deadline(LIMIT, || {
        bank::husband_and_wife(Mode::LockWholeWithdrawal, Duration::ZERO)
    });
    assert_eq!(one.final_balance, 10);
    assert_eq!(
        one.succeeded.iter().filter(|&&ok| ok).count(),
        1,
        "exactly one withdrawal goes through"
    );
}

#[test]
fn racy_withdrawal_ends_at_10_or_minus_80() {
    // With the sleep in the window the race usually happens; either way only these two endings exist.
    let one = deadline(LIMIT, || {
        bank::husband_and_wife(Mode::LockEachAccess, Duration::from_millis(2))
    });
    match one.final_balance {
        10 => assert_eq!(one.succeeded.iter().filter(|&&ok| ok).count(), 1),
        -80 => assert_eq!(one.succeeded, [true, true]),
        other => panic!("impossible balance {other}"),
    }
}

#[test]
fn withdrawing_exactly_the_balance_is_allowed() {
    let a = BankAccount::new(100);
    assert_eq!(a.withdraw(100), Ok(0));
    assert_eq!(a.balance(), 0);
    let b = BankAccount::new(100);
    assert_eq!(
        b.withdraw(101),
        Err(BankError::InsufficientFunds {
            requested: 101,
            available: 100
        })
    );
    assert_eq!(b.balance(), 100, "a refused withdrawal changes nothing");
}

#[test]
fn deposit_checks_overflow() {
    let a = BankAccount::new(u64::MAX - 1);
    assert_eq!(a.deposit(1), Ok(u64::MAX));
    assert_eq!(a.deposit(1), Err(BankError::Overflow(1)));
}

#[test]
fn refused_transfer_changes_nothing() {
    let (a, b) = (BankAccount::new(5), BankAccount::new(0));
    assert!(BankAccount::transfer(&a, &b, 6).is_err());
    assert_eq!((a.balance(), b.balance()), (5, 0));
    assert_eq!(BankAccount::transfer(&a, &b, 5), Ok(()));
    assert_eq!((a.balance(), b.balance()), (0, 5));
}

#[test]
fn opposite_transfers_do_not_deadlock_and_conserve_money() {
    let (a, b) = deadline(LIMIT, || {
        let (a, b) = (BankAccount::new(1000), BankAccount::new(1000));
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..5_000 {
                        let _ = BankAccount::transfer(&a, &b, 3);
                    }
                });
                s.spawn(|| {
                    for _ in 0..5_000 {
                        let _ = BankAccount::transfer(&b, &a, 3);
                    }
                });
            }
        });
        (a.balance(), b.balance())
    });
    assert_eq!(a + b, 2000);
}

#[test]
fn opposite_transfers_take_their_locks_in_order_and_lose_nothing() {
    let (a, b) = (BankAccount::new(500), BankAccount::new(500));
    let t = deadline(LIMIT, move || bank::opposite_transfers(&a, &b, 5_000));
    assert_eq!(t.each_way, 5_000);
    assert_eq!(t.total_before, 1_000);
    assert_eq!(t.balances[0] + t.balances[1], 1_000, "{t:?}");
}

#[test]
fn opposite_transfers_from_an_empty_account_are_refused_not_stuck() {
    let (a, b) = (BankAccount::new(0), BankAccount::new(0));
    let t = deadline(LIMIT, move || bank::opposite_transfers(&a, &b, 100));
    assert_eq!(t.balances, [0, 0]);
}

#[test]
fn the_demo_shows_both_modes_the_boundary_and_the_transfers() {
    let report = deadline(LIMIT, || bank::demo(5));
    assert_eq!(report.modes.len(), 2);
    assert_eq!(
        report.modes[1].many.overdrawn, 0,
        "the locked mode never overdraws"
    );
    assert_eq!(report.withdraw_all, Ok(0));
    assert!(report.withdraw_more.is_err());
    assert!(report.to_string().starts_with("== bank: "), "{report}");
    assert_says(
        &report,
        &[
            "2000 opposite transfers, no deadlock; balances ",
            "= 50 (was 50)",
        ],
    );
}
