//! `stop` wakes the thread and returns the count at once, without joining: a tick may still be running, and more may follow.

use std::sync::atomic::AtomicU64;

/// **Exercise 6: a repeating timer that stops on request.** (Wrong: stop does not wait for the thread.)
#[derive(Debug)]
pub struct Ticker {
    stop: Arc<(Mutex<bool>, Condvar)>,
    ticks: Arc<AtomicU64>,
}

impl Ticker {
    /// Starts ticking every `interval`; returns at once.
    pub fn start<F>(interval: Duration, mut on_tick: F) -> Ticker
    where
        F: FnMut(u64) + Send + 'static,
    {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let ticks = Arc::new(AtomicU64::new(0));
        let (theirs, count) = (Arc::clone(&stop), Arc::clone(&ticks));
        thread::spawn(move || {
            let (stopped, wake) = &*theirs;
            loop {
                let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
                let (guard, _) = wake
                    .wait_timeout_while(guard, interval, |s| !*s)
                    .unwrap_or_else(PoisonError::into_inner);
                if *guard {
                    return;
                }
                drop(guard);
                on_tick(count.load(Ordering::Relaxed) + 1);
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ticker { stop, ticks }
    }

    /// Stops the ticker, waits for its thread, and returns how many ticks happened.
    pub fn stop(self) -> u64 {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        self.ticks.load(Ordering::Relaxed)
    }
}
