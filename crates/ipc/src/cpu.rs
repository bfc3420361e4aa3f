//! Computing work on processes: the seeds' process rows beside lesson 1's threads.
//!
//! In CPython, threads do not speed up computing (the GIL), so the seeds move the work to
//! processes: `sqrt` over 5,000,000 numbers in 12 chunks, one `Process` each (seed 000); a sum
//! split over 2 processes whose results come back through a queue (seed 001, "No GIL effect on
//! processes"); the computing task of "wait vs computing" once per CPU on processes (seed 003);
//! `cpu_count()` copies of `MuchCPU(Process)`, each squaring 20,000,000 numbers (seed 004).
//!
//! One piece of code serves them all: [`on_processes`] starts one child per [`Work`] (this binary
//! again, `ipc child cpu <work> <a> <b>`), and each child prints its one result on stdout, which is
//! the queue it answers through. Rust threads have no GIL, so here processes are not faster than
//! threads: they only add the cost of starting a process ([`crate::cost`]). The rows show both.
//!
//! `MuchCPU(Process)` overrides `run`; `Process(target=…)` passes a function. Rust has neither
//! form: a child is a program run with arguments, and [`Work`] is what those arguments say.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use threads_basics::cpu_bound::{
    chunk_ranges, computing, run_threads, sqrt_sum_range, sqrt_sum_threads,
};
use threads_basics::timing::{Timed, best_of, fastest_of, millis, speedup, timed};

use crate::child::ChildGuard;

/// The hidden subcommand of a computing child: `child cpu <work> <a> <b>`.
pub const CHILD_ROLE: &str = "cpu";

/// How long a child may compute before it is killed and the demo fails.
const CHILD_LIMIT: Duration = Duration::from_secs(120);

/// One child's work; every result is an `f64` (exact for the integer sums, which stay below 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// The sum of `sqrt(i)` for `i` in `start..end` (seed 000).
    Sqrt {
        /// First number.
        start: u64,
        /// One past the last.
        end: u64,
    },
    /// The sum of `i` for `i` in `start..end` (seed 001's `res += i`).
    Sum {
        /// First number.
        start: u64,
        /// One past the last.
        end: u64,
    },
    /// `result = i * i` for `i` in `0..count` (seed 004's `MuchCPU.run`); the answer is the
    /// last square.
    Squares {
        /// How many squares.
        count: u64,
    },
    /// Seed 003's computing task: `iterations` steps of `y = cos(y)`.
    Cos {
        /// Steps.
        iterations: u64,
    },
    /// Seed 003's waiting task: sleep, then answer 0.
    Sleep {
        /// Milliseconds.
        ms: u64,
    },
}

impl Work {
    /// Does the work in this process.
    pub fn run(self) -> f64 {
        match self {
            Work::Sqrt { start, end } => sqrt_sum_range(start..end),
            // black_box keeps the loop: LLVM would otherwise replace it by n(n-1)/2.
            Work::Sum { start, end } => (start..end).map(std::hint::black_box).sum::<u64>() as f64,
            Work::Squares { count } => {
                // Every square is computed (black_box), the last one kept, as in the seed.
                (0..count).fold(0, |_, i| std::hint::black_box(i.wrapping_mul(i))) as f64
            }
            Work::Cos { iterations } => computing(iterations),
            Work::Sleep { ms } => {
                thread::sleep(Duration::from_millis(ms));
                0.0
            }
        }
    }

    /// The child's arguments after `child cpu`.
    pub fn to_args(self) -> [String; 3] {
        let (name, a, b) = match self {
            Work::Sqrt { start, end } => ("sqrt", start, end),
            Work::Sum { start, end } => ("sum", start, end),
            Work::Squares { count } => ("squares", count, 0),
            Work::Cos { iterations } => ("cos", iterations, 0),
            Work::Sleep { ms } => ("sleep", ms, 0),
        };
        [name.to_string(), a.to_string(), b.to_string()]
    }

    /// The inverse of [`Work::to_args`].
    pub fn from_args(name: &str, a: u64, b: u64) -> Option<Self> {
        Some(match name {
            "sqrt" => Work::Sqrt { start: a, end: b },
            "sum" => Work::Sum { start: a, end: b },
            "squares" => Work::Squares { count: a },
            "cos" => Work::Cos { iterations: a },
            "sleep" => Work::Sleep { ms: a },
            _ => return None,
        })
    }
}

/// `child cpu <work> <a> <b>`: does the work and prints the result (Display of an `f64` reads
/// back to the same bits).
pub fn child_main(work: Work) {
    println!("{}", work.run());
}

/// Starts one child per work, all at once, and collects their results in the order given.
pub fn on_processes(exe: &Path, works: &[Work]) -> io::Result<Vec<f64>> {
    let mut children = works
        .iter()
        .map(|work| {
            ChildGuard::spawn(
                Command::new(exe)
                    .arg("child")
                    .arg(CHILD_ROLE)
                    .args(work.to_args())
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped()),
            )
        })
        .collect::<io::Result<Vec<_>>>()?;
    children
        .iter_mut()
        .map(|child| {
            // Wait first, read after: the answer is one short line, which the pipe holds while
            // the child exits, and a child that never ends is killed at the limit instead of
            // leaving us blocked in a read.
            let status = child.finish_within(CHILD_LIMIT)?;
            if !status.success() {
                return Err(io::Error::other(format!(
                    "a computing child failed: {status}"
                )));
            }
            let mut answer = String::new();
            if let Some(mut out) = child.stdout.take() {
                out.read_to_string(&mut answer)?;
            }
            answer
                .trim()
                .parse::<f64>()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{answer:?}: {e}")))
        })
        .collect()
}

/// The sum of `sqrt(i)` for `i` in `0..n`, one child per chunk (the chunks of lesson 1's
/// threads), partial sums added in chunk order.
pub fn sqrt_sum_processes(exe: &Path, n: u64, processes: usize) -> io::Result<f64> {
    let works: Vec<Work> = chunk_ranges(n, processes)
        .map_err(io::Error::other)?
        .into_iter()
        .map(|r| Work::Sqrt {
            start: r.start,
            end: r.end,
        })
        .collect();
    Ok(on_processes(exe, &works)?.into_iter().sum())
}

/// One row of a table: how it ran, how long it took, what it computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// How it ran ("sequential", "12 threads", "12 processes").
    pub how: String,
    /// Its run.
    pub run: Timed<f64>,
}

/// One seed's comparison: a baseline row first, then the rows it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The seed and what it computes.
    pub title: String,
    /// The rows; the first is the baseline of the speedups.
    pub rows: Vec<Row>,
}

/// What `ipc cpu` measured.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuReport {
    /// One table per seed demo.
    pub tables: Vec<Table>,
}

/// The errors of [`demo`].
#[derive(Debug, thiserror::Error)]
pub enum CpuError {
    /// Starting or hearing from a child failed.
    #[error("computing on processes: {0}")]
    Io(#[from] io::Error),
    /// A thread of lesson 1 failed.
    #[error("computing on threads: {0}")]
    Threads(#[from] threads_basics::ThreadsError),
    /// Two ways of computing the same thing disagreed.
    #[error("{table}: {how} computed {got}, the baseline {expected}")]
    Disagree {
        /// The table.
        table: String,
        /// The row.
        how: String,
        /// Its result.
        got: f64,
        /// The baseline's.
        expected: f64,
    },
}

/// A row timed as the fastest of `repeat` runs of `f`.
fn row(how: impl Into<String>, repeat: u32, f: impl FnMut() -> f64) -> Row {
    Row {
        how: how.into(),
        run: best_of(repeat, f),
    }
}

/// [`row`] for work that can fail; the first error ends it.
fn try_row<E>(
    how: impl Into<String>,
    repeat: u32,
    mut f: impl FnMut() -> Result<f64, E>,
) -> Result<Row, E> {
    Ok(Row {
        how: how.into(),
        run: fastest_of(repeat, || timed(&mut f).transpose(), |t| t.elapsed)?,
    })
}

/// The seeds' process rows at `numbers / 5,000,000` of their size (the seeds' sizes at the
/// default): seed 000's sqrt on `processes` children beside as many threads, seed 001's sum split
/// over 2, seed 004's `cores` × `MuchCPU`, and seed 003's wait and computing once per core.
/// Every row is the fastest of `repeat` runs, and must compute what its table's first row computed.
pub fn demo(
    exe: &Path,
    numbers: u64,
    processes: usize,
    cores: usize,
    repeat: u32,
) -> Result<CpuReport, CpuError> {
    // The seeds' sizes, as multiples of seed 000's 5,000,000.
    let (sum_to, squares, iterations) = (20 * numbers, 4 * numbers, 2 * numbers);
    let half = sum_to / 2;
    let sqrt = Table {
        title: format!("seed 000: sum of sqrt(i) for i < {numbers}"),
        rows: vec![
            row("sequential", repeat, || sqrt_sum_range(0..numbers)),
            try_row(format!("{processes} threads"), repeat, || {
                sqrt_sum_threads(numbers, processes)
            })?,
            try_row(format!("{processes} processes"), repeat, || {
                sqrt_sum_processes(exe, numbers, processes)
            })?,
        ],
    };
    let halves = [
        Work::Sum {
            start: 0,
            end: half,
        },
        Work::Sum {
            start: half,
            end: sum_to,
        },
    ];
    let sum = Table {
        title: format!("seed 001: sum of i for i < {sum_to}, in two halves"),
        rows: vec![
            row("sequential", repeat, || {
                halves.iter().map(|w| w.run()).sum()
            }),
            row("2 threads", repeat, || {
                thread::scope(|s| {
                    let handles = halves.map(|w| s.spawn(move || w.run()));
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("a sum cannot panic"))
                        .sum()
                })
            }),
            try_row("2 processes", repeat, || {
                Ok::<_, io::Error>(on_processes(exe, &halves)?.into_iter().sum())
            })?,
        ],
    };
    let much = copies_table(
        exe,
        format!("seed 004: MuchCPU, i * i for i < {squares}"),
        Work::Squares { count: squares },
        cores,
        repeat,
    )?;
    let computing = copies_table(
        exe,
        format!("seed 003: computing ({iterations} cos steps)"),
        Work::Cos { iterations },
        cores,
        repeat,
    )?;
    let wait = copies_table(
        exe,
        "seed 003: wait (sleep 0.050 s)".into(),
        Work::Sleep { ms: 50 },
        cores,
        repeat,
    )?;
    let report = CpuReport {
        tables: vec![sqrt, sum, much, computing, wait],
    };
    report.check()?;
    Ok(report)
}

/// `copies` runs of the same work (one per core, as the seeds' `for _ in range(cpu_count())`):
/// serial, on as many threads, on as many processes; the result is the sum of the copies'.
fn copies_table(
    exe: &Path,
    title: String,
    work: Work,
    copies: usize,
    repeat: u32,
) -> Result<Table, CpuError> {
    Ok(Table {
        title: format!("{title}, {copies} copies"),
        rows: vec![
            row("serial", repeat, || (0..copies).map(|_| work.run()).sum()),
            try_row(format!("{copies} threads"), repeat, || {
                run_threads(copies, move || work.run()).map(|r| r.into_iter().sum())
            })?,
            try_row(format!("{copies} processes"), repeat, || {
                Ok::<_, io::Error>(on_processes(exe, &vec![work; copies])?.into_iter().sum())
            })?,
        ],
    })
}

impl CpuReport {
    /// Every row computed what its table's first row did; the sqrt rows may differ from the
    /// sequential sum in the last bits (chunked addition), so they compare with a tolerance.
    fn check(&self) -> Result<(), CpuError> {
        for table in &self.tables {
            let expected = table.rows[0].run.value;
            for r in &table.rows[1..] {
                let got = r.run.value;
                if (got - expected).abs() > expected.abs() * 1e-12 {
                    return Err(CpuError::Disagree {
                        table: table.title.clone(),
                        how: r.how.clone(),
                        got,
                        expected,
                    });
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for CpuReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== Computing on processes (lesson 1's threads beside them) =="
        )?;
        for table in &self.tables {
            writeln!(f, "{}", table.title)?;
            let base = table.rows[0].run.elapsed;
            for r in &table.rows {
                writeln!(
                    f,
                    "  {:<18} {:9.2} ms   result {:<22} speedup {:.2}x",
                    r.how,
                    millis(r.run.elapsed),
                    r.run.value,
                    speedup(base, r.run.elapsed)
                )?;
            }
        }
        writeln!(
            f,
            "No GIL: Rust's threads already use every core, so processes add only their start-up cost."
        )
    }
}
