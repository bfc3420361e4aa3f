//! Race conditions: the ones Rust refuses to compile, and the ones it still allows.
//!
//! ## What does not compile
//!
//! The seeds' first race is a global counter that two threads update with `x = x + 1`. Python runs
//! it and silently loses updates. Rust refuses the program. A plain global is immutable:
//!
//! ```compile_fail
//! static COUNTER: u64 = 0;
//!
//! fn main() {
//!     let t = std::thread::spawn(|| {
//!         for _ in 0..1000 {
//!             COUNTER += 1; // error[E0594]: cannot assign to immutable static item `COUNTER`
//!         }
//!     });
//!     t.join().unwrap();
//! }
//! ```
//!
//! and a local counter cannot be borrowed mutably by two threads at once:
//!
//! ```compile_fail
//! let mut counter = 0u64;
//! std::thread::scope(|s| {
//!     s.spawn(|| counter += 1); // first mutable borrow
//!     s.spawn(|| counter += 1); // error[E0499]: cannot borrow `counter` as mutable more than once
//! });
//! ```
//!
//! A *data race* (two threads touching the same memory, at least one writing, without
//! synchronization) is undefined behaviour, and safe Rust rules it out at compile time: shared
//! mutable state must go through a type that synchronizes, an atomic or a lock.
//!
//! ## What still compiles
//!
//! Atomics make each single access safe, not a *sequence* of accesses. A *race condition*, a result
//! that depends on timing, is still possible:
//!
//! - [`lost_update`]: `load`, add, `store` on an atomic. Two threads load the same value, both
//!   store value + 1, one increment is lost (the seeds' `_ref_count` table, sequence #2).
//! - [`check_then_act`]: "if the balance is enough, subtract": both threads pass the check before
//!   either subtracts, and the balance goes below zero.
//! - [`write_then_reread`] with [`Reread::Racy`]: seed 003's `x = v; if x != x`. Each thread
//!   stores its own value, then reads `x` twice; the other thread's store can land between the two
//!   reads, and `x != x` is true.
//!
//! The fixes make the read-modify-write one indivisible step: [`fetch_add_count`] and
//! [`checked_withdraw_cas`] with a single atomic instruction, [`mutex_count`] and
//! [`checked_withdraw_locked`] by holding a lock across the whole step; [`Reread::Locked`] holds
//! the lock across the write and both reads (the seed's `with lock:`).

use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;

/// What a counting run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountReport {
    /// threads × increments: what the counter should read.
    pub expected: u64,
    /// What it does read.
    pub actual: u64,
}

impl CountReport {
    /// How many increments were lost.
    pub fn lost(&self) -> u64 {
        self.expected - self.actual
    }
}

/// Runs `threads` threads that each call `step` `increments` times, started together by a barrier.
fn run_counter(threads: usize, increments: u64, step: impl Fn() + Sync) -> u64 {
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait(); // all start at once, so they really overlap
                for _ in 0..increments {
                    step();
                }
            });
        }
    });
    increments * threads as u64
}

/// The lost update: each thread does `load`, `+ 1`, `store` on a shared atomic. Compiles, runs, and
/// (with two or more threads running in parallel) loses increments.
pub fn lost_update(threads: usize, increments: u64) -> CountReport {
    let counter = AtomicU64::new(0);
    let expected = run_counter(threads, increments, || {
        // Two separate atomic steps: another thread can store between them.
        let seen = counter.load(Ordering::Relaxed);
        counter.store(seen + 1, Ordering::Relaxed);
    });
    CountReport {
        expected,
        actual: counter.into_inner(),
    }
}

/// Fix 1: `fetch_add` does the load, add and store as one indivisible instruction.
pub fn fetch_add_count(threads: usize, increments: u64) -> CountReport {
    let counter = AtomicU64::new(0);
    let expected = run_counter(threads, increments, || {
        // Relaxed is enough: we need each increment to be atomic, not to order other memory.
        counter.fetch_add(1, Ordering::Relaxed);
    });
    CountReport {
        expected,
        actual: counter.into_inner(),
    }
}

/// Fix 2: a `Mutex` makes the whole read-modify-write a critical section (the `with lock:` fix).
pub fn mutex_count(threads: usize, increments: u64) -> CountReport {
    let counter = Mutex::new(0u64);
    let expected = run_counter(threads, increments, || {
        *counter.lock().expect("no thread panics while holding it") += 1;
    });
    CountReport {
        expected,
        actual: counter.into_inner().expect("not poisoned"),
    }
}

/// How a withdrawal is made in [`check_then_act`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// `if balance.load() >= amount { balance.fetch_sub(amount) }`: check, then act. Racy.
    CheckThenAct,
    /// [`checked_withdraw_cas`]: a compare-and-swap loop, check and act in one atomic step.
    CompareAndSwap,
    /// [`checked_withdraw_locked`]: check and act under one lock.
    Locked,
}

/// Over `trials` trials, two threads each withdraw 90 from a balance of 100 at the same instant;
/// returns in how many trials the balance ended below zero.
pub fn check_then_act(trials: u32, how: Withdrawal) -> u32 {
    (0..trials)
        .filter(|_| one_withdrawal_trial(how) < 0)
        .count() as u32
}

/// One trial of [`check_then_act`]; returns the final balance.
fn one_withdrawal_trial(how: Withdrawal) -> i64 {
    let atomic = AtomicI64::new(100);
    let locked = Mutex::new(100i64);
    let start = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                start.wait();
                match how {
                    Withdrawal::CheckThenAct => {
                        if atomic.load(Ordering::SeqCst) >= 90 {
                            // The window: the other thread may pass the same check right now.
                            thread::yield_now();
                            atomic.fetch_sub(90, Ordering::SeqCst);
                        }
                    }
                    Withdrawal::CompareAndSwap => {
                        checked_withdraw_cas(&atomic, 90);
                    }
                    Withdrawal::Locked => {
                        checked_withdraw_locked(&locked, 90);
                    }
                }
            });
        }
    });
    match how {
        Withdrawal::Locked => locked.into_inner().expect("not poisoned"),
        _ => atomic.into_inner(),
    }
}

/// Withdraws `amount` if the balance covers it, in one atomic step; returns whether it did.
///
/// `fetch_update` loads, computes, and stores only if nobody changed the value in between
/// (compare-and-swap), retrying otherwise. The check and the act can no longer be separated.
pub fn checked_withdraw_cas(balance: &AtomicI64, amount: i64) -> bool {
    balance
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
            (b >= amount).then_some(b - amount)
        })
        .is_ok()
}

/// Withdraws `amount` if the balance covers it, holding the lock for the check and the act.
pub fn checked_withdraw_locked(balance: &Mutex<i64>, amount: i64) -> bool {
    let mut b = balance.lock().expect("no thread panics while holding it");
    if *b >= amount {
        *b -= amount;
        true
    } else {
        false
    }
}

/// How each thread writes and re-reads `x` in [`write_then_reread`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// `x.store(v)`, then `x.load() != x.load()` on a shared atomic: the other thread may store
    /// between the two loads. The seed's unlocked loop.
    Racy,
    /// The store and both reads under one `Mutex` (the seed's `with lock:`): nobody can store in
    /// between, so the two reads always agree.
    Locked,
}

/// Seed 003's `x = v; if x != x`: two threads (`v` = 1 and 2) each run `iterations` times; returns
/// how many times a thread saw `x != x`.
///
/// The seed shares a plain global, which safe Rust refuses (see the module docs); an atomic read
/// twice is the nearest honest analogue: every access is well defined, and the two reads can
/// still disagree.
pub fn write_then_reread(iterations: u64, how: Reread) -> u64 {
    let atomic = AtomicU64::new(0);
    let locked = Mutex::new(0u64);
    let seen = AtomicU64::new(0);
    let start = Barrier::new(2);
    thread::scope(|s| {
        for v in 1..=2u64 {
            let (atomic, locked, seen, start) = (&atomic, &locked, &seen, &start);
            s.spawn(move || {
                start.wait();
                let mut mine = 0;
                for _ in 0..iterations {
                    let differ = match how {
                        Reread::Racy => {
                            atomic.store(v, Ordering::Relaxed);
                            atomic.load(Ordering::Relaxed) != atomic.load(Ordering::Relaxed)
                        }
                        Reread::Locked => {
                            let mut x = locked.lock().expect("no thread panics while holding it");
                            *x = v;
                            // While we hold the guard no thread can store, so the compiler may
                            // (and does) fold these two reads into one: that is the guarantee.
                            let (first, second) = (*x, *x);
                            first != second
                        }
                    };
                    mine += u64::from(differ);
                }
                seen.fetch_add(mine, Ordering::Relaxed);
            });
        }
    });
    seen.into_inner()
}

/// What `sync races` shows: the lost update and its fixes, then check-then-act and its fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RacesReport {
    /// Threads of the counting runs.
    pub threads: usize,
    /// Increments per thread.
    pub increments: u64,
    /// Each way of counting, with what it counted.
    pub counts: Vec<(&'static str, CountReport)>,
    /// Trials of each withdrawal.
    pub trials: u32,
    /// Each way of withdrawing, with the trials that overdrew.
    pub overdrafts: Vec<(&'static str, u32)>,
    /// Iterations per thread of the `x = v; if x != x` loop (`increments`, as for the counts).
    pub rereads: u64,
    /// Each way of re-reading, with how often `x != x` was seen.
    pub mismatches: Vec<(&'static str, u64)>,
}

/// The trials of each withdrawal in [`demo`].
pub const DEMO_TRIALS: u32 = 300;

/// Counts with `threads` threads of `increments` each, racily and both fixed ways, then runs
/// [`DEMO_TRIALS`] trials of each withdrawal, then two threads × `increments` of `x = v; if x != x`,
/// unlocked and locked.
pub fn demo(threads: usize, increments: u64) -> RacesReport {
    RacesReport {
        threads,
        increments,
        counts: vec![
            ("load + store (racy)", lost_update(threads, increments)),
            ("fetch_add", fetch_add_count(threads, increments)),
            ("Mutex", mutex_count(threads, increments)),
        ],
        trials: DEMO_TRIALS,
        overdrafts: [
            ("check, then act (racy)", Withdrawal::CheckThenAct),
            ("compare-and-swap", Withdrawal::CompareAndSwap),
            ("Mutex", Withdrawal::Locked),
        ]
        .into_iter()
        .map(|(name, how)| (name, check_then_act(DEMO_TRIALS, how)))
        .collect(),
        rereads: increments,
        mismatches: vec![
            (
                "x = v; x != x (racy)",
                write_then_reread(increments, Reread::Racy),
            ),
            ("with lock", write_then_reread(increments, Reread::Locked)),
        ],
    }
}

impl fmt::Display for RacesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== races: {} threads × {} increments",
            self.threads, self.increments
        )?;
        writeln!(
            f,
            "(the unsynchronized `global counter` does not compile in Rust: see the README)"
        )?;
        for (name, r) in &self.counts {
            writeln!(
                f,
                "  {name:<28} expected {:>10}, got {:>10}, lost {:>9}",
                r.expected,
                r.actual,
                r.lost()
            )?;
        }
        writeln!(
            f,
            "  check-then-act, two threads withdraw 90 from 100, {} trials:",
            self.trials
        )?;
        for (name, overdrawn) in &self.overdrafts {
            writeln!(f, "  {name:<28} overdrawn in {overdrawn:>4} trials")?;
        }
        writeln!(
            f,
            "  x = v, then x != x, 2 threads × {} times:",
            self.rereads
        )?;
        for (name, seen) in &self.mismatches {
            writeln!(f, "  {name:<28} x != x seen {seen:>9} times")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixes_are_exact() {
        assert_eq!(fetch_add_count(4, 10_000).lost(), 0);
        assert_eq!(mutex_count(4, 10_000).lost(), 0);
    }

    #[test]
    fn the_race_never_gains() {
        let r = lost_update(2, 10_000);
        assert_eq!(r.expected, 20_000);
        assert!(r.actual <= r.expected);
    }

    #[test]
    fn fixed_withdrawals_never_overdraw() {
        assert_eq!(check_then_act(50, Withdrawal::CompareAndSwap), 0);
        assert_eq!(check_then_act(50, Withdrawal::Locked), 0);
    }

    #[test]
    fn single_withdrawals_respect_the_boundary() {
        let b = AtomicI64::new(90);
        assert!(checked_withdraw_cas(&b, 90));
        assert!(!checked_withdraw_cas(&b, 1));
        let m = Mutex::new(90);
        assert!(checked_withdraw_locked(&m, 90));
        assert!(!checked_withdraw_locked(&m, 1));
    }
}
