//! Keep computing while another thread waits for the user.
//!
//! The seeds' example: a thread calls `input()` while the main thread squares numbers in a loop
//! until that thread is done, then prints how far it got "while you typed". Reading input is
//! waiting, so it belongs on a thread of its own; the main thread stays free.
//!
//! Here the reading thread reads one line from any reader (stdin in the demo, a pipe or a byte
//! buffer in the tests) and ends on the line or on end of input (EOF: a closed or empty stdin, as
//! in `echo hi | threads-basics squares` or the tour), so the demo never waits for input that
//! cannot come. The main loop watches [`std::thread::JoinHandle::is_finished`], the Rust
//! counterpart of `thread.is_alive()`, and can give up after a limit: a thread blocked in a read
//! cannot be interrupted, so in that case it is left behind (it ends with the process).

use std::fmt;
use std::io::BufRead;
use std::time::{Duration, Instant};

use crate::error::ThreadsError;
use crate::spawning::{join_named, spawn_named};

/// What the reading thread got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// A line (without its line ending).
    Line(String),
    /// End of input before any line.
    Eof,
    /// The read failed (for example, input that is not UTF-8).
    Error(String),
    /// The main thread stopped waiting before the user finished typing.
    GaveUp,
}

/// How far the main thread got while the other one waited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Squares {
    /// The last number squared.
    pub count: u64,
    /// Its square (`u128`: a fast loop reaches numbers whose square overflows `u64` in seconds).
    pub result: u128,
    /// What was typed.
    pub typed: Typed,
}

/// Reads one line from `input`, trimming the line ending.
pub fn read_one_line(mut input: impl BufRead) -> Typed {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => Typed::Eof,
        Ok(_) => Typed::Line(line.trim_end_matches(['\r', '\n']).to_string()),
        Err(err) => Typed::Error(err.to_string()),
    }
}

/// Reads a line from `input` on a thread named `reader` while squaring numbers here, until the
/// reader is done or `give_up_after` has passed.
pub fn squares_while_reading<R>(
    input: R,
    give_up_after: Option<Duration>,
) -> Result<Squares, ThreadsError>
where
    R: BufRead + Send + 'static,
{
    let reader = spawn_named("reader", move || read_one_line(input))?;
    let start = Instant::now();
    let (mut count, mut result) = (1_u64, 1_u128);
    while !reader.is_finished() {
        // Look at the clock only now and then: reading it costs more than a square.
        if count % 4096 == 0 && give_up_after.is_some_and(|limit| start.elapsed() >= limit) {
            return Ok(Squares {
                count,
                result,
                typed: Typed::GaveUp,
            });
        }
        result = u128::from(count) * u128::from(count);
        count += 1;
    }
    let typed = join_named(reader)?;
    Ok(Squares {
        count,
        result,
        typed,
    })
}

impl fmt::Display for Squares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let typed = match &self.typed {
            Typed::Line(text) => format!("while you typed {text:?}"),
            Typed::Eof => "before stdin reached end of input".to_string(),
            Typed::Error(err) => format!("until reading failed ({err})"),
            Typed::GaveUp => "before giving up waiting for you".to_string(),
        };
        writeln!(
            f,
            "calculated squares up to {} * {} = {} {typed}",
            self.count, self.count, self.result
        )
    }
}
