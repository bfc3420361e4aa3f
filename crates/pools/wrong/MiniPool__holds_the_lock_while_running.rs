//! Keeps the receiver's lock while the job runs (`while let` holds the guard for the whole loop body): the workers run one at a time.

impl MiniPool {
    /// Starts `workers` threads (wrong: the lock is held while each job runs).
    pub fn new(workers: usize) -> MiniPool {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers.max(1))
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || {
                    while let Ok(job) = receiver.lock().expect("no job panics").recv() {
                        job();
                    }
                })
            })
            .collect();
        MiniPool {
            workers,
            sender: Some(sender),
        }
    }
}
