//! Cooperative cancellation: one flag that every worker of a batch looks at.
//!
//! Rust cannot kill a thread, and should not: a thread stopped at an arbitrary point would leave
//! a half-written file, a lock held, a connection in an unknown state. So cancellation is
//! *cooperative*: someone (a Ctrl-C handler, a GUI button, a test) calls
//! [`CancelToken::cancel`], and every worker checks [`CancelToken::is_cancelled`] at the points
//! where stopping is safe, then cleans up on its way out like after any other error.
//!
//! Checking a flag is not enough on its own: a worker blocked in `read()` on a silent server does
//! not run any code that could check it. Whatever blocks needs a way to be woken, and the token
//! offers two:
//! - [`CancelToken::sleep`] waits like `thread::sleep`, but returns as soon as the token is
//!   cancelled (the retry backoff uses it);
//! - [`CancelToken::on_cancel`] registers a hook that runs once, at the moment of cancellation,
//!   on the cancelling thread. The [`crate::Downloader`] registers `ureq::Agent::shutdown`, which
//!   closes every connection of the agent and so turns each blocked read into an error at once.
//!
//! A clone of the token is the same token (an `Arc` inside): hand one to every worker and one to
//! whoever may cancel.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::lock::lock;

/// A hook run once when the token is cancelled.
type Hook = Box<dyn FnOnce() + Send>;

/// A cancellation flag shared by clones; cancelling it is final.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Read without the lock, so checking it in a hot loop costs one atomic load.
    cancelled: AtomicBool,
    /// The hooks not run yet; also the mutex that [`Inner::wake`] waits with.
    hooks: Mutex<Vec<Hook>>,
    /// Wakes the threads in [`CancelToken::sleep`].
    wake: Condvar,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels: sets the flag, wakes every sleeper, then runs the hooks on this thread. Returns
    /// `false` if the token was already cancelled (nothing happens then).
    pub fn cancel(&self) -> bool {
        let hooks = {
            let mut hooks = lock(&self.inner.hooks);
            if self.inner.cancelled.swap(true, Ordering::SeqCst) {
                return false;
            }
            std::mem::take(&mut *hooks)
        };
        self.inner.wake.notify_all();
        // Outside the lock: a hook may take its time (closing connections) or look at the token.
        for hook in hooks {
            hook();
        }
        true
    }

    /// True once [`CancelToken::cancel`] has been called on this token or a clone.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Runs `hook` when the token is cancelled (at once, here, if it already is).
    pub fn on_cancel(&self, hook: impl FnOnce() + Send + 'static) {
        let mut hooks = lock(&self.inner.hooks);
        if self.is_cancelled() {
            drop(hooks);
            hook();
        } else {
            hooks.push(Box::new(hook));
        }
    }

    /// Waits `duration`, or less if the token is cancelled meanwhile. Returns `true` if the whole
    /// duration passed, `false` if cancellation cut it short.
    pub fn sleep(&self, duration: Duration) -> bool {
        let hooks = lock(&self.inner.hooks);
        let (_hooks, wait) = self
            .inner
            .wake
            .wait_timeout_while(hooks, duration, |_| !self.is_cancelled())
            .unwrap_or_else(|poison| poison.into_inner());
        wait.timed_out()
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}
