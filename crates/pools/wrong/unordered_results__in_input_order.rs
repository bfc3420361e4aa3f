//! Holds back each result until every earlier one is out: input order (`imap`), not completion order.

use std::collections::BTreeMap;

/// Exercise 4 (wrong: input order).
pub fn unordered_results<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let finished = solutions_unordered(workers, f, items);
    let (in_order_tx, in_order_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut early = BTreeMap::new();
        let mut next = 0;
        for (index, result) in finished {
            early.insert(index, result);
            while let Some(result) = early.remove(&next) {
                if in_order_tx.send((next, result)).is_err() {
                    return;
                }
                next += 1;
            }
        }
    });
    in_order_rx
}

/// The reference answer, whose results this one reorders.
fn solutions_unordered<T, R, F>(workers: usize, f: F, items: Vec<T>) -> Receiver<(usize, R)>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (job_tx, job_rx) = mpsc::channel();
    for indexed in items.into_iter().enumerate() {
        job_tx.send(indexed).expect("the receiver is alive");
    }
    drop(job_tx);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let f = Arc::new(f);
    let (result_tx, result_rx) = mpsc::channel();
    for _ in 0..workers.max(1) {
        let (job_rx, result_tx, f) = (Arc::clone(&job_rx), result_tx.clone(), Arc::clone(&f));
        thread::spawn(move || {
            loop {
                let next = job_rx.lock().expect("no job runs under the lock").recv();
                let Ok((index, item)) = next else { break };
                if result_tx.send((index, f(item))).is_err() {
                    break;
                }
            }
        });
    }
    result_rx
}
