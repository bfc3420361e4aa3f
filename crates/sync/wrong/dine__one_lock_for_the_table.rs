//! Takes one lock for the whole table before the forks: no deadlock, but only one philosopher ever eats at a time.

/// Exercise 3: a lock around the whole table.
pub fn dine(
    philosophers: usize,
    meals: usize,
    eat: &(dyn Fn(usize, usize, usize) + Sync),
) -> Vec<usize> {
    let table = Mutex::new(());
    let forks: Vec<Mutex<()>> = (0..philosophers).map(|_| Mutex::new(())).collect();
    thread::scope(|s| {
        let handles: Vec<_> = (0..philosophers)
            .map(|i| {
                let (table, forks) = (&table, &forks);
                s.spawn(move || {
                    let (left, right) = (i, (i + 1) % philosophers);
                    for _ in 0..meals {
                        let _table = lock(table);
                        let _left = lock(&forks[left]);
                        let _right = lock(&forks[right]);
                        eat(i, left, right);
                    }
                    meals
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a philosopher panicked"))
            .collect()
    })
}
