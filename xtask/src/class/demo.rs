//! `cargo xtask demo-class`: a class of made-up students to try `grade --class` on before a real
//! one, and to measure it. Each student is a fork of this checkout (a local git clone) whose
//! lessons each hold one of: the untouched stubs, the reference solutions, the solutions with one
//! of the lesson's known-wrong answers in place, or an answer that does not compile. The choices
//! come from the student's number, so the same command makes the same class.

use crate::grade::manifest::Manifest;
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Options of `cargo xtask demo-class`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// How many students.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=500))]
    students: u32,
    /// Folder for the forks and `roster.csv` (emptied first).
    #[arg(long, default_value = "target/demo-class")]
    out: PathBuf,
}

/// What a made-up student wrote for one lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Stubs,
    Solutions,
    /// The solutions with this known-wrong answer (a file of `wrong/`) spliced in.
    Wrong(PathBuf),
    /// The solutions plus a function that does not compile.
    Broken,
}

/// Makes the class: the forks and their roster.
pub fn run(args: &DemoArgs) -> anyhow::Result<std::process::ExitCode> {
    let root = crate::workspace::root();
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        root.join(&args.out)
    };
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("emptying {}", out.display()))?;
    }
    std::fs::create_dir_all(out.join("forks"))?;
    let manifest = Manifest::load(&root.join("grading.toml"))?;
    let lessons: Vec<&str> = crate::lessons::names()?
        .into_iter()
        .filter(|l| manifest.tests_of(l).next().is_some())
        .collect();
    let mut roster = String::from("student,fork,ref\n");
    for n in 0..args.students {
        let name = format!("student-{n:03}");
        let fork = out.join("forks").join(&name);
        clone(&root, &fork)?;
        for lesson in &lessons {
            let answer = choose(n, lesson, &root.join("crates").join(lesson).join("wrong"));
            let text = answer_text(&root, lesson, &answer)?;
            std::fs::write(
                fork.join("crates").join(lesson).join("src/exercises.rs"),
                text,
            )?;
        }
        git(
            &fork,
            &[
                "commit",
                "--quiet",
                "--all",
                "--allow-empty",
                "-m",
                "my answers",
            ],
        )?;
        let _ = writeln!(roster, "{name},{},main", fork.display());
    }
    std::fs::write(out.join("roster.csv"), roster)?;
    println!(
        "{} students in {}; grade them with\n  cargo xtask grade --class {}",
        args.students,
        out.join("forks").display(),
        out.join("roster.csv").display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// Student `n`'s answer to `lesson`: stubs 2 in 10, solutions 4 in 10, a wrong answer 3 in 10,
/// a compile error 1 in 10 (a wrong answer only where the lesson has some).
fn choose(n: u32, lesson: &str, wrong_dir: &Path) -> Answer {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in lesson.bytes().chain(n.to_le_bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut wrong: Vec<PathBuf> = std::fs::read_dir(wrong_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    wrong.sort();
    match hash % 10 {
        0 | 1 => Answer::Stubs,
        2..=5 => Answer::Solutions,
        9 => Answer::Broken,
        _ if wrong.is_empty() => Answer::Solutions,
        _ => Answer::Wrong(wrong[(hash / 10) as usize % wrong.len()].clone()),
    }
}

fn answer_text(root: &Path, lesson: &str, answer: &Answer) -> anyhow::Result<String> {
    let dir = root.join("crates").join(lesson);
    let read = |rel: &str| {
        std::fs::read_to_string(dir.join(rel)).with_context(|| format!("reading {lesson}/{rel}"))
    };
    Ok(match answer {
        Answer::Stubs => read("src/exercises.rs")?,
        Answer::Solutions => read("solutions/exercises.rs")?,
        Answer::Wrong(path) => crate::grade::splice::splice(
            &read("solutions/exercises.rs")?,
            &std::fs::read_to_string(path)?,
        )?,
        Answer::Broken => {
            read("solutions/exercises.rs")?
                + "\n/// Does not compile.\npub fn broken() -> u32 {\n    \"four\"\n}\n"
        }
    })
}

/// A local clone of the checkout's committed `HEAD` on a branch `main` (hard-linked objects:
/// cheap).
fn clone(root: &Path, dest: &Path) -> anyhow::Result<()> {
    let ok = Command::new("git")
        .args(["clone", "--quiet", "--local"])
        .arg(root)
        .arg(dest)
        .status()
        .context("running git clone")?
        .success();
    if !ok {
        bail!("could not clone {} into {}", root.display(), dest.display());
    }
    git(dest, &["switch", "--quiet", "-C", "main"])
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let ok = Command::new("git")
        .args(["-c", "user.name=demo", "-c", "user.email=demo@example.org"])
        .arg("-C")
        .arg(dir)
        .args(args)
        .status()
        .context("running git")?
        .success();
    if !ok {
        bail!("git {} failed in {}", args.join(" "), dir.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_mix_every_kind_and_are_repeatable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x__a.rs"), "").unwrap();
        let answers: Vec<Answer> = (0..200).map(|n| choose(n, "sync", dir.path())).collect();
        for kind in [Answer::Stubs, Answer::Solutions, Answer::Broken] {
            assert!(answers.contains(&kind), "{kind:?}");
        }
        assert!(answers.iter().any(|a| matches!(a, Answer::Wrong(_))));
        assert_eq!(choose(7, "sync", dir.path()), answers[7]);
    }
}
