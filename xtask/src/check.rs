//! `cargo xtask check`: every check CI runs, in order, stopping at the first failure.

use crate::workspace;
use anyhow::{Context, bail};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Options of `cargo xtask check`.
#[derive(clap::Args)]
pub struct Args {
    /// Skip a step by name (repeatable): lessons, fmt, clippy, test, doc, loom, grader.
    #[arg(long, value_name = "STEP")]
    skip: Vec<String>,
}

/// The steps, in the order they run.
const STEPS: [&str; 7] = ["lessons", "fmt", "clippy", "test", "doc", "loom", "grader"];

/// Runs every step not skipped; the first failing step stops the check.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    for name in &args.skip {
        if !STEPS.contains(&name.as_str()) {
            bail!("unknown step `{name}`; the steps are: {}", STEPS.join(", "));
        }
    }
    let start = Instant::now();
    for step in STEPS
        .into_iter()
        .filter(|s| !args.skip.iter().any(|k| k == s))
    {
        let step_start = Instant::now();
        let result = match step {
            "lessons" => lesson_table(),
            "fmt" => fmt(),
            "clippy" => clippy(),
            "test" => cargo_step(&["test", "--workspace"]),
            "doc" => doc(),
            "loom" => loom(),
            _ => grader(),
        };
        if let Err(err) = result {
            eprintln!("\nxtask check: step `{step}` failed: {err:#}");
            return Ok(ExitCode::FAILURE);
        }
        // Each step's time, so a slow CI run says where its minutes went.
        println!(
            "xtask check: step `{step}` took {:.0?}",
            step_start.elapsed()
        );
    }
    println!("\nxtask check: all steps passed in {:.0?}", start.elapsed());
    Ok(ExitCode::SUCCESS)
}

/// Prints a step's header and the command, runs it, and fails if it fails.
pub fn announce_and_run(title: &str, cmd: &mut Command) -> anyhow::Result<()> {
    println!("\n==> {title}");
    println!("    $ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !status.success() {
        bail!("`{}` exited with {status}", describe(cmd));
    }
    Ok(())
}

fn describe(cmd: &Command) -> String {
    let envs: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let program = if cmd.get_program() == std::env::var_os("CARGO").unwrap_or_default() {
        "cargo".to_string()
    } else {
        cmd.get_program().to_string_lossy().into_owned()
    };
    [envs, vec![program], args].concat().join(" ")
}

fn cargo_step(args: &[&str]) -> anyhow::Result<()> {
    announce_and_run(&format!("cargo {}", args[0]), workspace::cargo().args(args))
}

/// Formatting of the workspace, and of the known-wrong answers (`crates/*/wrong/*.rs`), which no
/// crate includes and so `cargo fmt` does not see.
fn fmt() -> anyhow::Result<()> {
    cargo_step(&["fmt", "--all", "--check"])?;
    let root = workspace::root();
    let mut wrong: Vec<std::path::PathBuf> = crate::lessons::names()?
        .into_iter()
        .flat_map(|lesson| std::fs::read_dir(root.join("crates").join(lesson).join("wrong")))
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    wrong.sort();
    announce_and_run(
        "rustfmt (known-wrong answers)",
        Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(&wrong),
    )
}

/// Lints twice: the students' stubs (default features) and the reference solutions with the
/// graded tests (all features).
fn clippy() -> anyhow::Result<()> {
    let lints = ["--", "-D", "warnings"];
    announce_and_run(
        "clippy (stubs)",
        workspace::cargo()
            .args(["clippy", "--workspace", "--all-targets"])
            .args(lints),
    )?;
    announce_and_run(
        "clippy (solutions and graded tests)",
        workspace::cargo()
            .args(["clippy", "--workspace", "--all-targets", "--all-features"])
            .args(lints),
    )
}

fn doc() -> anyhow::Result<()> {
    announce_and_run(
        "cargo doc",
        workspace::cargo()
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

/// Model-checks the hand-made primitives with loom, in a target directory of its own so the
/// `--cfg loom` build does not invalidate the main one.
fn loom() -> anyhow::Result<()> {
    let root = workspace::root();
    let lessons: Vec<&str> = crate::lessons::names()?
        .into_iter()
        .filter(|l| root.join("crates").join(l).join("tests/loom.rs").exists())
        .collect();
    if lessons.is_empty() {
        println!("\n==> loom: no lesson has tests/loom.rs");
        return Ok(());
    }
    let mut cmd = workspace::cargo();
    cmd.args(["test", "--release"]);
    for lesson in &lessons {
        cmd.args(["-p", lesson]);
    }
    cmd.args(["--test", "loom", "--target-dir"])
        .arg(root.join("target/loom"))
        .env("RUSTFLAGS", "--cfg loom");
    announce_and_run("loom models", &mut cmd)
}

/// The lesson table and the crates on disk agree.
fn lesson_table() -> anyhow::Result<()> {
    println!("\n==> lessons.toml against crates/");
    let lessons = crate::lessons::all()?;
    let problems = crate::lessons::check_against_disk(lessons, &workspace::root());
    if !problems.is_empty() {
        bail!("{}", problems.join("\n  "));
    }
    println!("    {} lessons, each with its crate", lessons.len());
    Ok(())
}

fn grader() -> anyhow::Result<()> {
    println!("\n==> grader self-test");
    crate::grade::self_test()
}
