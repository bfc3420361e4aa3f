//! Starts a new thread for every job instead of handing it to a worker: as many threads as jobs.

/// A pool in name only (wrong: a thread per job).
#[derive(Debug)]
pub struct MiniPool {
    running: Mutex<Vec<JoinHandle<()>>>,
}

impl MiniPool {
    /// Starts nothing (wrong: the threads come with the jobs).
    pub fn new(workers: usize) -> MiniPool {
        let _ = workers;
        MiniPool {
            running: Mutex::new(Vec::new()),
        }
    }

    /// Starts a thread for `job` (wrong: no worker takes it).
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        let handle = thread::spawn(job);
        self.running
            .lock()
            .expect("no one panics here")
            .push(handle);
    }

    /// Joins every job's thread.
    pub fn join(self) {
        let running = self.running.into_inner().expect("no one panics here");
        for handle in running {
            handle.join().expect("a job panicked");
        }
    }
}
