//! `cargo xtask tour`: every lesson's demo, briefly, offline; the files they write kept in one
//! folder.

use crate::process::{self, Ending, Output};
use crate::workspace;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

/// Options of `cargo xtask tour`.
#[derive(clap::Args)]
pub struct Args {
    /// Lessons to run (default: all, in teaching order).
    lessons: Vec<String>,
    /// Folder for the files the demos write (one subfolder per lesson).
    #[arg(long, default_value = "target/tour")]
    out: PathBuf,
    /// Seconds a lesson may run before it is stopped and reported as failed.
    #[arg(long, default_value_t = 180)]
    timeout: u64,
}

/// Builds the lessons in release mode and runs each one's demo with no arguments.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let lessons = crate::lessons::select(&args.lessons)?;
    let root = workspace::root();
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        root.join(&args.out)
    };

    let mut build = workspace::cargo();
    build.args(["build", "--release"]);
    for lesson in &lessons {
        build.args(["-p", lesson]);
    }
    crate::check::announce_and_run("building the lessons (release)", &mut build)?;

    let mut failed = Vec::new();
    for lesson in &lessons {
        let entry = crate::lessons::get(lesson)?;
        println!(
            "\n{rule}\n  Lesson {}: {}   (cargo run --release -p {lesson})\n{rule}",
            entry.number,
            entry.title,
            rule = "=".repeat(72),
        );
        let dir = out.join(lesson);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let exe = root.join("target/release").join(lesson);
        let outcome = process::run(
            Command::new(&exe).current_dir(&dir),
            Duration::from_secs(args.timeout),
            Output::Show,
        )
        .with_context(|| format!("starting {}", exe.display()))?;
        let verdict = match outcome.ending {
            Ending::Exited(0) => None,
            Ending::Exited(code) => Some(format!("exited with code {code}")),
            Ending::Signaled(sig) => Some(format!("was killed by signal {sig}")),
            Ending::TimedOut => Some(format!("did not finish within {} s", args.timeout)),
        };
        match verdict {
            None => println!("--> {lesson}: ok in {:.1?}", outcome.elapsed),
            Some(why) => {
                println!("--> {lesson}: FAILED: it {why}");
                failed.push(lesson.clone());
            }
        }
    }

    println!("\nFiles written by the demos, in {}:", out.display());
    let files: Vec<PathBuf> = lessons
        .iter()
        .flat_map(|l| list_files(&out.join(l)))
        .collect();
    if files.is_empty() {
        println!("  (none)");
    }
    for line in summarize(&files, &out) {
        println!("  {line}");
    }
    if failed.is_empty() {
        println!("\nTour complete: {} lesson(s) ran.", lessons.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("\nTour finished with failures: {}", failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

/// Every file under `dir`, sorted.
fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files.sort();
    files
}

/// One line per file, except that a folder of many files (a download folder) is one line.
fn summarize(files: &[PathBuf], base: &Path) -> Vec<String> {
    const MANY: usize = 5;
    let mut lines = Vec::new();
    for group in files.chunk_by(|a, b| a.parent() == b.parent()) {
        let rel = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
        match group {
            [first, .., last] if group.len() >= MANY => {
                let dir = first.parent().map(rel).unwrap_or_default();
                let name = |p: &Path| p.file_name().unwrap_or_default().display().to_string();
                lines.push(format!(
                    "{dir}/ ({} files: {} … {})",
                    group.len(),
                    name(first),
                    name(last)
                ));
            }
            _ => lines.extend(group.iter().map(|f| rel(f))),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_files_in_one_folder_make_one_line() {
        let base = Path::new("/t");
        let mut files = vec![PathBuf::from("/t/m/a.png"), PathBuf::from("/t/m/b.png")];
        files.extend((0..6).map(|i| PathBuf::from(format!("/t/d/x/{i}.png"))));
        assert_eq!(
            summarize(&files, base),
            ["m/a.png", "m/b.png", "d/x/ (6 files: 0.png … 5.png)"]
        );
    }
}
