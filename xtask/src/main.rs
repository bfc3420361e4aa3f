//! `cargo xtask`: the workspace's runner.
//!
//! - `check`: every check CI runs (format, lints, tests, docs, loom models, the grader's self-test);
//! - `tour`: every lesson's demo, briefly, offline, with the files they write in one folder;
//! - `grade`: scores the exercises, hang-proof and tamper-proof;
//! - `bench-all`: every criterion bench, summarised with speedups and a chart;
//! - `learn`, `next`, `list`, `hint`, `reset`: the student's loop through the exercises.

mod bench_all;
mod check;
mod class;
mod dates;
mod grade;
mod learn;
mod lessons;
mod process;
mod scratch;
mod tour;
mod workspace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "The course's runner: check, tour, grade, bench-all, and the student's loop (learn, next, list, hint, reset)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every check CI runs: fmt, clippy, tests, docs, loom models, the grader's self-test.
    Check(check::Args),
    /// Run every lesson's demo briefly (release build), keeping the files they write.
    Tour(tour::Args),
    /// Score the exercises: each graded test alone, under a time limit.
    Grade(GradeArgs),
    /// Run every lesson's criterion benches and write one report: tables, JSON and a chart.
    BenchAll(bench_all::Args),
    /// Merge the gradebooks of a class graded in parts.
    Gradebook(class::GradebookArgs),
    /// Make a class of made-up students (forks of this checkout) to try `grade --class` on.
    DemoClass(class::demo::DemoArgs),
    /// Work through the exercises one at a time: re-checked on every save, hints on request.
    Learn(learn::LearnArgs),
    /// Show the next unsolved exercise, where it is and its first hint.
    Next(learn::NextArgs),
    /// List every exercise with its state and points.
    List(learn::ListArgs),
    /// Show an exercise's hint (`--level 2` for the second).
    Hint(learn::HintArgs),
    /// Put one exercise back to its original stub, keeping your other answers.
    Reset(learn::ResetArgs),
}

/// Options of `cargo xtask grade`: a checkout's or a fork's exercises, or a whole class's.
#[derive(clap::Args)]
struct GradeArgs {
    #[command(flatten)]
    grade: grade::Args,
    /// A whole class (see `cargo xtask grade --help`).
    #[command(flatten)]
    class: class::ClassArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop_children_on_signals();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Tour(args) => tour::run(&args),
        Command::Grade(args) => match &args.class.class {
            Some(roster) => class::run(roster, &args.class, &args.grade),
            None => grade::run(&args.grade),
        },
        Command::BenchAll(args) => bench_all::run(&args),
        Command::Gradebook(args) => class::gradebook(&args),
        Command::DemoClass(args) => class::demo::run(&args),
        Command::Learn(args) => learn::learn(&args),
        Command::Next(args) => learn::next(&args),
        Command::List(args) => learn::list(&args),
        Command::Hint(args) => learn::hint(&args),
        Command::Reset(args) => learn::reset(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// On Ctrl-C or SIGTERM, the runner stops its supervised children (tests, builds, demos: each in
/// a process group of its own, which the terminal's Ctrl-C does not reach), gives the terminal
/// back if `learn` had taken it, and exits with 130 or 143. No child outlives the runner.
fn stop_children_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            process::cancel_all();
            learn::give_back_terminal();
            eprintln!("xtask: stopped by signal {signal}; its child processes were killed");
            std::process::exit(128 + signal);
        }
    });
}
