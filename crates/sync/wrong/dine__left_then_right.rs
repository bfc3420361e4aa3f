//! Every philosopher takes the left fork, then the right: when all hold their left fork at once, each waits for a neighbour forever.

/// Exercise 3: the naive order.
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
                    for _ in 0..meals {
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
