//! The bank account: a check-then-act race on real money, and a type that hides its lock.
//!
//! The seeds: a balance of 100, husband and wife each withdraw 90 at the same moment. Both check
//! `balance >= 90`, both see 100, both withdraw: the balance ends at -80.
//!
//! In Rust the unlocked version does not compile (see [`crate::races`]), so the racy version here is
//! the one that *does* compile and still goes wrong: every access is locked, but the check and the
//! withdrawal are two separate critical sections ([`Mode::LockEachAccess`]). A barrier starts both
//! threads together and a short sleep inside the window (the seeds' `time.sleep(0.001)`) makes the
//! race show up in most trials. [`Mode::LockWholeWithdrawal`] holds one guard across the check and
//! the act and never overdraws.
//!
//! [`BankAccount`] then hides its lock entirely (the seeds' "cleaner example"), and adds
//! [`BankAccount::transfer`], which needs two locks and takes them in a fixed order so that two
//! opposite transfers cannot deadlock: [`opposite_transfers`] puts that to the test.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// How the two withdrawals of a trial are synchronized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Lock to check, unlock, lock again to withdraw: each access is safe, the sequence is not.
    LockEachAccess,
    /// One lock held across the check and the withdrawal (the seeds' `with account_lock:`).
    LockWholeWithdrawal,
}

/// What happened in one husband-and-wife trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrialOutcome {
    /// Whether the husband's and the wife's withdrawals went through.
    pub succeeded: [bool; 2],
    /// The balance at the end (negative: the bank was robbed).
    pub final_balance: i64,
}

/// The names of the two threads, as in the seeds.
pub const NAMES: [&str; 2] = ["Husband", "Wife"];

/// One trial: balance 100, two threads each withdraw 90; `window` is slept between check and act.
pub fn husband_and_wife(mode: Mode, window: Duration) -> TrialOutcome {
    let balance = Mutex::new(100i64);
    let start = Barrier::new(2);
    let succeeded = thread::scope(|s| {
        let handles = NAMES.map(|_| s.spawn(|| withdraw(&balance, 90, mode, window, &start)));
        handles.map(|h| h.join().expect("withdrawal threads do not panic"))
    });
    TrialOutcome {
        succeeded,
        final_balance: balance.into_inner().unwrap_or_else(PoisonError::into_inner),
    }
}

fn withdraw(
    balance: &Mutex<i64>,
    amount: i64,
    mode: Mode,
    window: Duration,
    start: &Barrier,
) -> bool {
    let lock = || balance.lock().unwrap_or_else(PoisonError::into_inner);
    start.wait();
    match mode {
        Mode::LockEachAccess => {
            let enough = *lock() >= amount; // guard dropped at the end of this statement
            if enough {
                thread::sleep(window); // "processing": the other thread checks meanwhile
                *lock() -= amount;
            }
            enough
        }
        Mode::LockWholeWithdrawal => {
            let mut b = lock();
            if *b >= amount {
                thread::sleep(window);
                *b -= amount;
                true
            } else {
                false
            }
        }
    }
}

/// Counts over many trials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdrawReport {
    /// Trials run.
    pub trials: u32,
    /// Trials that ended with a negative balance.
    pub overdrawn: u32,
}

/// Runs `trials` trials of [`husband_and_wife`] and counts the overdrafts.
pub fn count_overdrafts(mode: Mode, window: Duration, trials: u32) -> OverdrawReport {
    let overdrawn = (0..trials)
        .filter(|_| husband_and_wife(mode, window).final_balance < 0)
        .count() as u32;
    OverdrawReport { trials, overdrawn }
}

/// Why an operation on a [`BankAccount`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    /// The balance does not cover the amount.
    #[error("insufficient funds: requested {requested}, available {available}")]
    InsufficientFunds {
        /// The amount asked for.
        requested: u64,
        /// The balance at the time.
        available: u64,
    },
    /// The deposit would overflow the balance.
    #[error("deposit of {0} would overflow the balance")]
    Overflow(u64),
    /// A transfer from an account to itself.
    #[error("cannot transfer from an account to itself")]
    SameAccount,
}

/// A bank account that hides its lock: callers see `withdraw`, `deposit` and `balance`, never the
/// `Mutex`. Balances are unsigned, so "below zero" is not even representable.
#[derive(Debug)]
pub struct BankAccount {
    /// A unique number, used to order the locks of a transfer.
    id: u64,
    balance: Mutex<u64>,
}

/// Hands out account ids; every account gets a distinct one, in creation order.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl BankAccount {
    /// Opens an account with `initial` in it.
    pub fn new(initial: u64) -> Self {
        BankAccount {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            balance: Mutex::new(initial),
        }
    }

    /// The account's unique id.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        // The balance is a plain number updated in one step: never half-written, so a poisoned
        // lock still guards a valid value.
        self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The balance now.
    pub fn balance(&self) -> u64 {
        *self.lock()
    }

    /// Adds `amount`; returns the new balance.
    pub fn deposit(&self, amount: u64) -> Result<u64, BankError> {
        let mut b = self.lock();
        *b = b.checked_add(amount).ok_or(BankError::Overflow(amount))?;
        Ok(*b)
    }

    /// Takes `amount` out if the balance covers it; returns the new balance.
    ///
    /// Withdrawing the whole balance is allowed. (The seeds' cleaner example refuses when
    /// `request_amount >= self._amount`, which wrongly refuses exactly the balance: the test is
    /// `amount > balance`.)
    ///
    /// ```
    /// use sync::bank::BankAccount;
    /// let account = BankAccount::new(100);
    /// assert_eq!(account.withdraw(100), Ok(0));
    /// assert!(account.withdraw(1).is_err());
    /// ```
    pub fn withdraw(&self, amount: u64) -> Result<u64, BankError> {
        let mut b = self.lock();
        Self::take(&mut b, amount)?;
        Ok(*b)
    }

    fn take(balance: &mut u64, amount: u64) -> Result<(), BankError> {
        if amount > *balance {
            return Err(BankError::InsufficientFunds {
                requested: amount,
                available: *balance,
            });
        }
        *balance -= amount;
        Ok(())
    }

    /// Moves `amount` from `from` to `to`, atomically: no one ever sees the money in neither or
    /// both accounts.
    ///
    /// Both locks must be held at once. Taking them as "from, then to" deadlocks when one thread
    /// transfers a→b while another transfers b→a: each holds one lock and waits for the other.
    /// Taking them in a global order (lowest id first), whatever the direction, makes a cycle of
    /// waits impossible: the thread holding the lower lock can always get the higher one.
    pub fn transfer(from: &BankAccount, to: &BankAccount, amount: u64) -> Result<(), BankError> {
        if from.id == to.id {
            // Locking the same std Mutex twice would deadlock (it is not re-entrant).
            return Err(BankError::SameAccount);
        }
        let (mut from_balance, mut to_balance) = if from.id < to.id {
            let f = from.lock();
            (f, to.lock())
        } else {
            let t = to.lock();
            (from.lock(), t)
        };
        let credited = to_balance
            .checked_add(amount)
            .ok_or(BankError::Overflow(amount))?;
        Self::take(&mut from_balance, amount)?;
        *to_balance = credited;
        Ok(())
    }
}

/// What the lock-ordering experiment left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfers {
    /// Transfers tried in each direction.
    pub each_way: u32,
    /// The two balances afterwards.
    pub balances: [u64; 2],
    /// The two balances added up before: what they must still add up to.
    pub total_before: u64,
}

/// The lock-ordering experiment: one thread moves 1 from `a` to `b`, another from `b` to `a`,
/// `each_way` times each, at the same time. Each transfer holds both locks; taken as "from, then
/// to" they would deadlock, taken in [`BankAccount::transfer`]'s order they cannot. A transfer
/// that finds too little money is refused and counts as tried.
pub fn opposite_transfers(a: &BankAccount, b: &BankAccount, each_way: u32) -> Transfers {
    let total_before = a.balance() + b.balance();
    thread::scope(|s| {
        for (from, to) in [(a, b), (b, a)] {
            s.spawn(move || {
                for _ in 0..each_way {
                    // A refusal (too little money) is part of the experiment, not a failure.
                    let _ = BankAccount::transfer(from, to, 1);
                }
            });
        }
    });
    Transfers {
        each_way,
        balances: [a.balance(), b.balance()],
        total_before,
    }
}

/// One way of synchronizing the withdrawals, run once and then `trials` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeRun {
    /// How the demo names it.
    pub name: &'static str,
    /// One trial, told withdrawal by withdrawal.
    pub once: TrialOutcome,
    /// The overdrafts over many trials.
    pub many: OverdrawReport,
}

/// What `sync bank` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankReport {
    /// The racy and the locked withdrawals.
    pub modes: Vec<ModeRun>,
    /// A [`BankAccount`] of 100: withdrawing all of it.
    pub withdraw_all: Result<u64, BankError>,
    /// Then withdrawing 1 more.
    pub withdraw_more: Result<u64, BankError>,
    /// Then, with 50 deposited, 1000 transfers each way to an empty account and back.
    pub transfers: Transfers,
}

/// The husband and wife with both modes (`trials` trials each), then a [`BankAccount`]: its
/// boundary, and [`opposite_transfers`] with another account.
pub fn demo(trials: u32) -> BankReport {
    let window = Duration::from_millis(1);
    let modes = [
        ("lock each access (racy)", Mode::LockEachAccess),
        ("lock the whole withdrawal", Mode::LockWholeWithdrawal),
    ]
    .into_iter()
    .map(|(name, mode)| ModeRun {
        name,
        once: husband_and_wife(mode, window),
        many: count_overdrafts(mode, window, trials),
    })
    .collect();
    let (account, other) = (BankAccount::new(100), BankAccount::new(0));
    let withdraw_all = account.withdraw(100);
    let withdraw_more = account.withdraw(1);
    // Cannot fail: 50 on an empty account.
    let _ = account.deposit(50);
    BankReport {
        modes,
        withdraw_all,
        withdraw_more,
        transfers: opposite_transfers(&account, &other, 1000),
    }
}

impl fmt::Display for BankReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "== bank: husband and wife each withdraw 90 from 100")?;
        for run in &self.modes {
            writeln!(f, "  {}:", run.name)?;
            for (who, ok) in NAMES.iter().zip(run.once.succeeded) {
                let what = if ok {
                    "withdrew 90"
                } else {
                    "was refused: insufficient funds"
                };
                writeln!(f, "    {who} {what}")?;
            }
            writeln!(f, "    final balance: {}", run.once.final_balance)?;
            writeln!(
                f,
                "    overdrawn in {} of {} trials",
                run.many.overdrawn, run.many.trials
            )?;
        }
        writeln!(f, "  BankAccount (lock hidden inside):")?;
        writeln!(
            f,
            "    withdraw 100 of 100 -> {:?} (the seeds' `>=` wrongly refused this)",
            self.withdraw_all
        )?;
        let more = self
            .withdraw_more
            .as_ref()
            .map_or_else(ToString::to_string, ToString::to_string);
        writeln!(f, "    withdraw 1 more     -> {more}")?;
        let t = &self.transfers;
        writeln!(
            f,
            "    {} opposite transfers, no deadlock; balances {} + {} = {} (was {})",
            2 * t.each_way,
            t.balances[0],
            t.balances[1],
            t.balances[0] + t.balances[1],
            t.total_before
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_balance_may_be_withdrawn() {
        let a = BankAccount::new(100);
        assert_eq!(a.withdraw(100), Ok(0));
        assert_eq!(
            a.withdraw(1),
            Err(BankError::InsufficientFunds {
                requested: 1,
                available: 0
            })
        );
    }

    #[test]
    fn transfer_to_self_is_refused() {
        let a = BankAccount::new(10);
        assert_eq!(
            BankAccount::transfer(&a, &a, 1),
            Err(BankError::SameAccount)
        );
        assert_eq!(a.balance(), 10);
    }
}
