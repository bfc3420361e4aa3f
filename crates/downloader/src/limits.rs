//! Deadlines: how long one URL may take, and how slow it may get.
//!
//! A read timeout alone does not bound a download. A server that sends one byte every two
//! seconds answers every read in time, so a 30-second read timeout never fires, and the download
//! runs for as long as the server likes. Two rules close that gap:
//!
//! - [`Deadline`] (`--max-time`): the whole download of one URL, retries and their waits
//!   included, ends by a fixed instant. Each request gets what is left of it as its global
//!   timeout, which ureq enforces while it waits for the answer *and* while we read the body.
//! - [`StallRule`] (`--min-speed`, `--stall-window`): a download that receives fewer than
//!   `min_bytes` in a window of `window` is aborted as stalled. A stall is transient (the next
//!   try may find a better route or a less busy server), so it is retried; a deadline is not.

use std::time::{Duration, Instant};

use crate::error::DownloadError;

/// The instant by which one URL must be done, if there is a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    limit: Option<(Duration, Instant)>,
}

impl Deadline {
    /// A deadline `limit` from now (`None`: no deadline).
    pub fn after(limit: Option<Duration>) -> Deadline {
        Deadline {
            limit: limit.map(|limit| (limit, Instant::now() + limit)),
        }
    }

    /// No deadline at all.
    pub fn none() -> Deadline {
        Deadline { limit: None }
    }

    /// The time left (`None`: unlimited). Zero once the deadline has passed.
    pub fn remaining(&self) -> Option<Duration> {
        self.limit
            .map(|(_, end)| end.saturating_duration_since(Instant::now()))
    }

    /// True if waiting `wait` from now would pass the deadline.
    pub fn would_pass(&self, wait: Duration) -> bool {
        self.remaining().is_some_and(|left| wait >= left)
    }

    /// The error of a download that ran out of time; `last` is the failure of the last try, if
    /// the deadline ended the retries rather than a try.
    pub fn exceeded(&self, last: Option<DownloadError>) -> DownloadError {
        DownloadError::MaxTime {
            limit: self.limit.map_or(Duration::ZERO, |(limit, _)| limit),
            last: last.map(Box::new),
        }
    }
}

/// The stall rule: at least `min_bytes` in every `window` (`min_bytes == 0` turns it off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallRule {
    /// The fewest bytes a download must receive in each window.
    pub min_bytes: u64,
    /// The length of a window.
    pub window: Duration,
}

impl Default for StallRule {
    /// 1024 bytes in 30 s: only a connection that is all but dead (34 bytes/s) is stalled.
    fn default() -> Self {
        StallRule {
            min_bytes: 1024,
            window: Duration::from_secs(30),
        }
    }
}

impl StallRule {
    /// No stall rule.
    pub fn off() -> StallRule {
        StallRule {
            min_bytes: 0,
            ..StallRule::default()
        }
    }

    /// Whether the rule applies at all.
    pub fn is_on(&self) -> bool {
        self.min_bytes > 0 && !self.window.is_zero()
    }

    /// The longest a single read may wait, given the read timeout: a read that waits a whole
    /// window receives nothing in it, which is a stall already.
    pub fn per_read_timeout(&self, read_timeout: Duration) -> Duration {
        if self.is_on() {
            read_timeout.min(self.window)
        } else {
            read_timeout
        }
    }

    /// True when a read that timed out after `per_read` (see [`StallRule::per_read_timeout`])
    /// was cut short by this rule rather than by the read timeout.
    pub fn governs(&self, read_timeout: Duration) -> bool {
        self.is_on() && self.window <= read_timeout
    }

    /// The error of a download that received `received` bytes in its last window.
    pub fn stalled(&self, received: u64) -> DownloadError {
        DownloadError::Stalled {
            received,
            min_bytes: self.min_bytes,
            window: self.window,
        }
    }

    /// A meter for one transfer that starts now.
    pub fn meter(&self) -> StallMeter {
        StallMeter {
            rule: *self,
            window_start: Instant::now(),
            in_window: 0,
        }
    }
}

/// Counts the bytes of one transfer, window after window, against a [`StallRule`].
#[derive(Debug, Clone)]
pub struct StallMeter {
    rule: StallRule,
    window_start: Instant,
    in_window: u64,
}

impl StallMeter {
    /// Records `bytes` received at `now`; fails once a whole window has passed with fewer bytes
    /// than the rule asks for.
    pub fn record(&mut self, bytes: u64, now: Instant) -> Result<(), DownloadError> {
        self.in_window += bytes;
        if !self.rule.is_on() || now.duration_since(self.window_start) < self.rule.window {
            return Ok(());
        }
        if self.in_window < self.rule.min_bytes {
            return Err(self.rule.stalled(self.in_window));
        }
        self.window_start = now;
        self.in_window = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_judges_each_window_once_it_is_over() {
        let rule = StallRule {
            min_bytes: 100,
            window: Duration::from_secs(10),
        };
        let mut meter = rule.meter();
        let start = meter.window_start;
        let at = |secs| start + Duration::from_secs(secs);
        // 60 bytes before the window is over: too early to judge.
        assert!(meter.record(60, at(5)).is_ok());
        // 60 + 50 in the first window: enough; a new window starts.
        assert!(meter.record(50, at(10)).is_ok());
        assert!(meter.record(99, at(15)).is_ok());
        // 99 bytes in the second window: stalled.
        let error = meter.record(0, at(20)).unwrap_err();
        assert!(
            matches!(error, DownloadError::Stalled { received: 99, .. }),
            "{error}"
        );
    }

    #[test]
    fn an_empty_rule_never_stalls() {
        let mut meter = StallRule::off().meter();
        let later = meter.window_start + Duration::from_secs(3600);
        assert!(meter.record(0, later).is_ok());
    }

    #[test]
    fn the_stall_window_shortens_the_read_timeout() {
        let rule = StallRule {
            min_bytes: 1,
            window: Duration::from_secs(5),
        };
        assert_eq!(
            rule.per_read_timeout(Duration::from_secs(30)),
            Duration::from_secs(5)
        );
        assert!(rule.governs(Duration::from_secs(30)));
        assert!(!rule.governs(Duration::from_secs(2)));
        assert_eq!(
            StallRule::off().per_read_timeout(Duration::from_secs(30)),
            Duration::from_secs(30)
        );
    }
}
