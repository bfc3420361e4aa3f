//! Exercises of the sync lesson, in the order the lesson teaches their topics, easiest first.
//! Replace each `todo!()` with your answer; you may change the private fields of the types (the
//! `_todo` placeholders are there only so the file compiles). Run your score with
//! `cargo xtask grade sync`.
//!
//! 1. [`ExactCounter`]: a counter that stays exact under many threads.
//! 2. [`Bank`]: concurrent transfers that conserve money and never deadlock.
//! 3. [`dine`]: philosophers who each eat M times, without deadlock.
//! 4. [`BoundedSection`]: a section that admits at most K threads at once.
//! 5. [`BlockingQueue`]: a bounded blocking queue from `Mutex` + `Condvar`, with `close`.

use std::marker::PhantomData;

/// Exercise 1: a counter shared by reference (`&ExactCounter`) between threads, that never loses
/// an increment, however many threads increment it at the same time.
///
/// ```no_run
/// # use sync::exercises::ExactCounter;
/// let counter = ExactCounter::new();
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| for _ in 0..1000 { counter.increment() });
///     }
/// });
/// assert_eq!(counter.get(), 4000);
/// ```
#[derive(Debug, Default)]
pub struct ExactCounter {
    _todo: (),
}

impl ExactCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        todo!()
    }

    /// Adds one. Takes `&self`: many threads call it at once.
    pub fn increment(&self) {
        todo!()
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        todo!()
    }
}

/// Exercise 2: a bank of accounts, numbered `0..n`, shared by many threads that transfer money
/// between random pairs of accounts at the same time.
///
/// - `transfer(from, to, amount)` moves `amount` atomically and returns `true`, or returns `false`
///   and changes nothing if `from` has less than `amount` or `from == to`. Withdrawing the whole
///   balance is allowed.
/// - `transfer_with_receipt` does the same and, when the money moved, calls `receipt` with the
///   two new balances (`from`'s, then `to`'s) while it still holds both accounts, so that no other
///   transfer can change them before the receipt is written.
/// - Each account has a lock of its own: transfers between different accounts run at the same
///   time (one lock for the whole bank would make every transfer wait for every other).
/// - No money is created or lost, and no set of concurrent transfers may deadlock (think of
///   a→b and b→a at the same moment).
/// - `total()` returns the sum of all balances as of one instant (no transfer half-counted).
///
/// ```no_run
/// # use sync::exercises::Bank;
/// let bank = Bank::new(vec![100, 50]);
/// assert!(bank.transfer(0, 1, 100));
/// assert!(!bank.transfer(0, 1, 1));
/// assert!(bank.transfer_with_receipt(1, 0, 30, |from, to| println!("left {from}, now {to}")));
/// assert_eq!(bank.balance(1), 120);
/// assert_eq!(bank.total(), 150);
/// ```
#[derive(Debug)]
pub struct Bank {
    _todo: (),
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: Vec<u64>) -> Self {
        let _ = balances;
        todo!()
    }

    /// Moves `amount` from account `from` to account `to`; see the type's docs.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        let _ = (from, to, amount);
        todo!()
    }

    /// Like [`Bank::transfer`]; when the money moved, calls `receipt(from_balance, to_balance)`
    /// with both new balances while both accounts are still locked.
    pub fn transfer_with_receipt(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        receipt: impl FnOnce(u64, u64),
    ) -> bool {
        let _ = (from, to, amount, receipt);
        todo!()
    }

    /// Account `i`'s balance.
    pub fn balance(&self, i: usize) -> u64 {
        let _ = i;
        todo!()
    }

    /// The sum of all balances, taken consistently.
    pub fn total(&self) -> u64 {
        todo!()
    }
}

/// Exercise 3: `philosophers` philosophers (at least 2) sit at a round table with one fork between
/// each pair: philosopher `i` needs fork `i` (left) and fork `(i + 1) % philosophers` (right).
/// Run one thread per philosopher; each eats exactly `meals` times, by calling
/// `eat(i, left, right)` while holding both its forks. Returns the number of meals each ate.
///
/// It must never deadlock, and philosophers who share no fork must be able to eat at the same
/// time (do not serialize the whole table).
///
/// ```no_run
/// # use sync::exercises::dine;
/// let meals = dine(5, 3, &|_, _, _| std::thread::sleep(std::time::Duration::from_millis(1)));
/// assert_eq!(meals, vec![3; 5]);
/// ```
pub fn dine(
    philosophers: usize,
    meals: usize,
    eat: &(dyn Fn(usize, usize, usize) + Sync),
) -> Vec<usize> {
    let _ = (philosophers, meals, eat);
    todo!()
}

/// Exercise 4: a section of code that at most `k` threads may be inside at once (the seeds'
/// `with threading.Semaphore(k):`). [`BoundedSection::enter`] waits until there is room and returns
/// a guard; dropping the guard leaves the section and lets a waiting thread in. Up to `k` threads
/// are let in together.
///
/// Build it from `Mutex` + `Condvar` (do not use `crate::semaphore`): a thread that waits for room
/// sleeps on the `Condvar` (no spinning), and one that wakes up checks again whether there is room
/// (another thread may have taken it first).
///
/// ```no_run
/// # use sync::exercises::BoundedSection;
/// let section = BoundedSection::new(2);
/// let a = section.enter();
/// let b = section.enter();
/// // a third `enter()` would wait here until `a` or `b` is dropped
/// drop(a);
/// let c = section.enter();
/// ```
#[derive(Debug)]
pub struct BoundedSection {
    _todo: (),
}

/// Proof of being inside a [`BoundedSection`]; leaves the section when dropped.
#[derive(Debug)]
pub struct SectionGuard<'a> {
    _section: &'a BoundedSection,
}

impl BoundedSection {
    /// A section admitting at most `k` threads (`k >= 1`).
    pub fn new(k: usize) -> Self {
        let _ = k;
        todo!()
    }

    /// Waits until fewer than `k` threads are inside, then enters.
    pub fn enter(&self) -> SectionGuard<'_> {
        todo!()
    }
}

impl Drop for SectionGuard<'_> {
    fn drop(&mut self) {
        // Leave the section here (your guard may need other fields).
    }
}

/// Exercise 5: a bounded blocking FIFO queue built from `Mutex` + `Condvar` (no channels), for
/// many producers and many consumers at once.
///
/// - `push` waits while the queue holds `capacity` items; it returns `Err(item)` if the queue is
///   (or becomes, while waiting) closed.
/// - `pop` takes the oldest item, waiting while the queue is empty and open; it returns `None`
///   only once the queue is closed *and* empty (items pushed before `close` are still delivered).
/// - `close` wakes every waiting `push` and `pop`, however many there are.
/// - A `push` wakes a waiting `pop`, and a `pop` wakes a waiting `push`: a wake-up that reaches a
///   thread of the other kind, which cannot go on, is lost.
/// - A waiting thread sleeps on a `Condvar` (no spinning), and one that wakes up checks again
///   (another thread may have taken the item, or the room, first).
///
/// ```no_run
/// # use sync::exercises::BlockingQueue;
/// let q = BlockingQueue::new(2);
/// q.push(1).unwrap();
/// q.close();
/// assert_eq!(q.push(2), Err(2));
/// assert_eq!(q.pop(), Some(1));
/// assert_eq!(q.pop(), None);
/// ```
#[derive(Debug)]
pub struct BlockingQueue<T> {
    _todo: PhantomData<T>,
}

impl<T> BlockingQueue<T> {
    /// An empty, open queue holding at most `capacity` items (`capacity >= 1`).
    pub fn new(capacity: usize) -> Self {
        let _ = capacity;
        todo!()
    }

    /// Appends `item`, waiting for room; `Err(item)` if the queue is closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        let _ = item;
        todo!()
    }

    /// Takes the oldest item, waiting for one; `None` when closed and empty.
    pub fn pop(&self) -> Option<T> {
        todo!()
    }

    /// Closes the queue and wakes every waiter.
    pub fn close(&self) {
        todo!()
    }

    /// How many items are queued right now.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether no item is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
