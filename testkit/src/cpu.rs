//! How much CPU time a thread has used: a thread that waits should sleep, not spin.

use std::time::Duration;

/// The CPU time the calling thread has used since it started.
///
/// A thread blocked on a `Condvar` (or a lock, or a channel) uses none while it waits; one that
/// polls in a loop burns CPU for the whole wait. Comparing the two tells a sleeping wait from a
/// busy one without timing anything.
pub fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec, and CLOCK_THREAD_CPUTIME_ID is a clock every
    // POSIX system provides; the call only writes `now`.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Runs `f` on the calling thread; returns what it returned and the CPU time it used.
pub fn cpu_time_of<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let before = thread_cpu_time();
    let value = f();
    (value, thread_cpu_time().saturating_sub(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeping_uses_no_cpu_and_spinning_does() {
        let ((), slept) = cpu_time_of(|| std::thread::sleep(Duration::from_millis(50)));
        let ((), spun) = cpu_time_of(|| {
            let start = thread_cpu_time();
            while thread_cpu_time() - start < Duration::from_millis(20) {
                std::hint::spin_loop();
            }
        });
        assert!(slept < Duration::from_millis(10), "{slept:?}");
        assert!(spun >= Duration::from_millis(20), "{spun:?}");
    }
}
