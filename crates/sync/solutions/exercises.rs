//! Reference solutions of the sync lesson's exercises (compiled with `--features solutions`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Exercise 1: a counter that never loses an increment.
#[derive(Debug, Default)]
pub struct ExactCounter {
    count: AtomicU64,
}

impl ExactCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        ExactCounter {
            count: AtomicU64::new(0),
        }
    }

    /// Adds one: a single atomic read-modify-write, so no update can be lost.
    pub fn increment(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// Exercise 2: transfers that conserve money and cannot deadlock.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: Vec<u64>) -> Self {
        Bank {
            accounts: balances.into_iter().map(Mutex::new).collect(),
        }
    }

    /// Moves `amount` from `from` to `to`; see the type's docs.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        self.transfer_with_receipt(from, to, amount, |_, _| ())
    }

    /// Moves `amount` from `from` to `to` and writes the receipt, locking the lower-numbered
    /// account first so that no two transfers can wait for each other in a cycle.
    pub fn transfer_with_receipt(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        receipt: impl FnOnce(u64, u64),
    ) -> bool {
        if from == to {
            return false;
        }
        let (low, high) = (from.min(to), from.max(to));
        let mut low_guard = lock(&self.accounts[low]);
        let mut high_guard = lock(&self.accounts[high]);
        let (src, dst) = if from == low {
            (&mut *low_guard, &mut *high_guard)
        } else {
            (&mut *high_guard, &mut *low_guard)
        };
        if *src < amount {
            return false;
        }
        *src -= amount;
        *dst += amount;
        // Both guards are still alive: no other transfer can touch these balances yet.
        receipt(*src, *dst);
        true
    }

    /// Account `i`'s balance.
    pub fn balance(&self, i: usize) -> u64 {
        *lock(&self.accounts[i])
    }

    /// The sum of all balances: every lock taken, in index order (the same global order as
    /// `transfer`), so the sum is of one instant and cannot deadlock.
    pub fn total(&self) -> u64 {
        let guards: Vec<_> = self.accounts.iter().map(lock).collect();
        guards.iter().map(|g| **g).sum()
    }
}

/// Exercise 3: ordered forks: lower-numbered fork first, so the waits never form a cycle.
pub fn dine(
    philosophers: usize,
    meals: usize,
    eat: &(dyn Fn(usize, usize, usize) + Sync),
) -> Vec<usize> {
    let forks: Vec<Mutex<()>> = (0..philosophers).map(|_| Mutex::new(())).collect();
    thread::scope(|s| {
        let handles: Vec<_> = (0..philosophers)
            .map(|i| {
                let forks = &forks;
                s.spawn(move || {
                    let (left, right) = (i, (i + 1) % philosophers);
                    let mut eaten = 0;
                    for _ in 0..meals {
                        let _first = lock(&forks[left.min(right)]);
                        let _second = lock(&forks[left.max(right)]);
                        eat(i, left, right);
                        eaten += 1;
                    }
                    eaten
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a philosopher panicked"))
            .collect()
    })
}

/// Exercise 4: at most `k` threads inside at once.
#[derive(Debug)]
pub struct BoundedSection {
    inside: Mutex<usize>,
    left: Condvar,
    k: usize,
}

/// Proof of being inside a [`BoundedSection`]; leaves the section when dropped.
#[derive(Debug)]
pub struct SectionGuard<'a> {
    section: &'a BoundedSection,
}

impl BoundedSection {
    /// A section admitting at most `k` threads (`k >= 1`).
    pub fn new(k: usize) -> Self {
        BoundedSection {
            inside: Mutex::new(0),
            left: Condvar::new(),
            k,
        }
    }

    /// Waits until fewer than `k` threads are inside, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        let mut inside = lock(&self.inside);
        while *inside >= self.k {
            inside = self
                .left
                .wait(inside)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *inside += 1;
        SectionGuard { section: self }
    }
}

impl Drop for SectionGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.section.inside) -= 1;
        self.section.left.notify_one();
    }
}

/// Exercise 5: a bounded blocking queue.
#[derive(Debug)]
pub struct BlockingQueue<T> {
    state: Mutex<QueueState<T>>,
    not_full: Condvar,
    not_empty: Condvar,
    capacity: usize,
}

#[derive(Debug)]
struct QueueState<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> BlockingQueue<T> {
    /// An empty, open queue holding at most `capacity` items (`capacity >= 1`).
    pub fn new(capacity: usize) -> Self {
        BlockingQueue {
            state: Mutex::new(QueueState {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
            capacity,
        }
    }

    /// Appends `item`, waiting for room; `Err(item)` if the queue is closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        let mut state = lock(&self.state);
        while state.items.len() >= self.capacity && !state.closed {
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.closed {
            return Err(item);
        }
        state.items.push_back(item);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the oldest item, waiting for one; `None` when closed and empty.
    pub fn pop(&self) -> Option<T> {
        let mut state = lock(&self.state);
        loop {
            if let Some(item) = state.items.pop_front() {
                drop(state);
                self.not_full.notify_one();
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Closes the queue and wakes every waiter.
    pub fn close(&self) {
        lock(&self.state).closed = true;
        self.not_full.notify_all();
        self.not_empty.notify_all();
    }

    /// How many items are queued right now.
    pub fn len(&self) -> usize {
        lock(&self.state).items.len()
    }

    /// Whether no item is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
