//! # Threads basics
//!
//! The first lesson of the course: plain operating-system threads from `std::thread`, ported from
//! the Python seminars on `threading` and then taken further where Rust allows it.
//!
//! Each module is one topic, in the order the lesson teaches them:
//!
//! 1. [`spawning`]: start threads, give them names with [`std::thread::Builder`], wait with
//!    `join`, and get values back through `join`.
//! 2. [`never_ending`]: a thread that never ends, why `join` would wait forever, a join with a
//!    deadline, and a stop flag that ends the thread cooperatively.
//! 3. [`io_bound`]: waiting work (simulated I/O) done one after another or one thread per task.
//! 4. [`cpu_bound`]: computing work (the sum of square roots over 5,000,000 numbers) done on one
//!    thread or split over N threads: real parallel speedup, because Rust has no GIL.
//! 5. [`scoped`]: `std::thread::scope` borrows local data; `move` + `Arc` for `'static` threads.
//! 6. [`daemon`]: what happens to threads nobody joined when `main` returns.
//! 7. [`squares`]: keep computing while another thread waits for the user to type.
//! 8. [`timers`]: a cancellable one-shot timer and a stoppable repeating timer.
//! 9. [`cores`]: how many logical and physical cores this machine has.
//!
//! Each topic's `demo` function runs what `threads-basics <topic>` shows and returns its report.
//! Around them: [`timing`] (how the lessons measure: the fastest of a few runs, speedup), [`log`]
//! (what the demos print, recorded for the tests), [`pace`] (how long the demos sleep) and
//! [`error`].

pub mod error;
pub mod log;
pub mod pace;
pub mod timing;

pub mod cores;
pub mod cpu_bound;
pub mod daemon;
pub mod io_bound;
pub mod never_ending;
pub mod scoped;
pub mod spawning;
pub mod squares;
pub mod timers;

pub use error::ThreadsError;
pub use log::Log;
pub use pace::Pace;

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
