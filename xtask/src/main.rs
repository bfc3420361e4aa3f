//! `cargo xtask`: the workspace's runner.
//!
//! - `check`: every check CI runs (format, lints, tests, docs, loom models, the grader's self-test);
//! - `tour`: every lesson's demo, briefly, offline, with the files they write in one folder;
//! - `grade`: scores the exercises, hang-proof and tamper-proof;
//! - `bench-all`: every criterion bench, summarised with speedups and a chart.

mod bench_all;
mod check;
mod grade;
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
    about = "The course's runner: check, tour, grade, bench-all"
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
    Grade(grade::Args),
    /// Run every lesson's criterion benches and write one report: tables, JSON and a chart.
    BenchAll(bench_all::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Tour(args) => tour::run(&args),
        Command::Grade(args) => grade::run(&args),
        Command::BenchAll(args) => bench_all::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
