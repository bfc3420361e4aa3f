//! Sleeps a whole interval between looks at the stop flag: with an hour-long interval, `stop` takes an hour.

/// **Exercise 6: a repeating timer that stops on request.** (Wrong: an uninterruptible sleep.)
#[derive(Debug)]
pub struct Ticker {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<u64>,
}

impl Ticker {
    /// Starts ticking every `interval`; returns at once.
    pub fn start<F>(interval: Duration, mut on_tick: F) -> Ticker
    where
        F: FnMut(u64) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let mut ticks = 0;
            loop {
                thread::sleep(interval);
                if flag.load(Ordering::Relaxed) {
                    return ticks;
                }
                ticks += 1;
                on_tick(ticks);
            }
        });
        Ticker { stop, handle }
    }

    /// Stops the ticker, waits for its thread, and returns how many ticks happened.
    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().expect("the ticker's on_tick panicked")
    }
}
