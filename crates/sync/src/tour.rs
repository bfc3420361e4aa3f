//! The whole lesson, briefly: what `sync` with no subcommand shows.

use std::fmt::Display;
use std::time::{Duration, Instant};

use crate::philosophers::{self, Config, PhilosophersError, Strategy};
use crate::{bank, join_deadlock, primitives, queues, races};

/// Runs every demo at a small size, in teaching order, handing each report to `show` as soon as
/// it is ready; returns how long they all took.
pub fn run(mut show: impl FnMut(&dyn Display)) -> Result<Duration, PhilosophersError> {
    let started = Instant::now();
    show(&races::demo(2, 200_000));
    show(&bank::demo(100));
    let dinner = Config {
        duration: Duration::from_millis(1500),
        ..Config::default()
    };
    show(&philosophers::demo(&Strategy::ALL, &dinner)?);
    show(&primitives::demo(2, 6));
    show(&queues::demo(12, 3, 3));
    show(&join_deadlock::demo(Duration::from_millis(500)));
    Ok(started.elapsed())
}
