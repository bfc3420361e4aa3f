//! The student's loop through the exercises: `learn` (watch mode), `next`, `list`, `hint` and
//! `reset`. It grades with the grader's own runner (one process per test, under its time limit),
//! one exercise at a time, and derives where the student stands from those results.

mod course;
mod progress;
mod reset;
mod screen;
mod session;

use crate::grade::manifest::Manifest;
use crate::grade::runner::TestResult;
use crate::grade::sandbox::{self, Sandbox};
use crate::workspace;
use anyhow::{Context, bail};
use course::Exercise;
use progress::{Book, Standing};
pub use session::give_back_terminal;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `cargo xtask learn`.
#[derive(clap::Args)]
pub struct LearnArgs {
    /// Start at this exercise instead of the first unsolved one.
    #[arg(value_name = "EXERCISE")]
    start: Option<String>,
}

/// Options of `cargo xtask next`.
#[derive(clap::Args)]
pub struct NextArgs {}

/// Options of `cargo xtask list`.
#[derive(clap::Args)]
pub struct ListArgs {}

/// Options of `cargo xtask hint`.
#[derive(clap::Args)]
pub struct HintArgs {
    /// The exercise: its item (`parallel_sum`), or `lesson/item`.
    exercise: String,
    /// 1 says where to look or what goes wrong; 2 names the tool to use.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    level: u8,
}

/// Options of `cargo xtask reset`.
#[derive(clap::Args)]
pub struct ResetArgs {
    /// The exercise: its item (`parallel_sum`), or `lesson/item`.
    exercise: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

/// The course as the loop sees it: where its files are, its manifest and its exercises.
pub struct Course {
    /// The workspace root (where cargo runs and `target/` is).
    pub root: PathBuf,
    /// The grading manifest.
    pub manifest: Manifest,
    /// Every exercise, in teaching order.
    pub exercises: Vec<Exercise>,
    /// What confines each graded test: as `cargo xtask grade` does, every layer the machine
    /// allows, so that an exercise passes here exactly when it passes in the grade.
    pub sandbox: Arc<Sandbox>,
}

impl Course {
    fn load() -> anyhow::Result<Course> {
        let root = workspace::root();
        let manifest = Manifest::load(&root.join("grading.toml"))?;
        let exercises = course::exercises(&root, &manifest)?;
        let target = root.join("target");
        let sandbox = Sandbox::new(
            sandbox::Mode::Auto,
            &[&root, &target],
            &target.join("grade/sandbox"),
        )?;
        Ok(Course {
            root,
            manifest,
            exercises,
            sandbox: Arc::new(sandbox),
        })
    }

    /// The exercise a student names, or an error listing the closest names.
    fn find(&self, name: &str) -> anyhow::Result<&Exercise> {
        course::find(&self.exercises, name).map_err(anyhow::Error::msg)
    }

    /// Grades the exercises `items` of `lesson`: one build, then only their tests.
    fn grade(&self, lesson: &str, items: &[&str]) -> anyhow::Result<Vec<TestResult>> {
        println!("Checking {lesson}: {} …", items.join(", "));
        crate::grade::grade_exercises(&self.root, &self.manifest, lesson, items, 1, &self.sandbox)
    }

    /// Where the student stands, grading what is not cached; see [`Standing::compute`].
    fn standing(&self, until_unsolved: bool) -> anyhow::Result<Standing> {
        let mut book = Book::load(&self.root.join("target"));
        let standing = Standing::compute(
            &self.root,
            &mut book,
            self.exercises.clone(),
            until_unsolved,
            &mut |lesson, items| self.grade(lesson, items),
        )?;
        book.save();
        Ok(standing)
    }
}

/// `cargo xtask learn`: the interactive loop; without a terminal, the current exercise once.
pub fn learn(args: &LearnArgs) -> anyhow::Result<ExitCode> {
    let course = Course::load()?;
    let start = match &args.start {
        Some(name) => {
            let id = course.find(name)?.id();
            course.exercises.iter().position(|e| e.id() == id)
        }
        None => None,
    };
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        let standing = course.standing(true)?;
        let at = start.or(standing.next_unsolved());
        print!("{}", screen::plain(&standing, at));
        return Ok(ExitCode::SUCCESS);
    }
    session::run(&course, start)
}

/// `cargo xtask next`: the next unsolved exercise with its place and first hint.
pub fn next(_args: &NextArgs) -> anyhow::Result<ExitCode> {
    let course = Course::load()?;
    let standing = course.standing(true)?;
    print!("{}", screen::plain(&standing, standing.next_unsolved()));
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask list`: every exercise with its state and points, and the totals.
pub fn list(_args: &ListArgs) -> anyhow::Result<ExitCode> {
    let course = Course::load()?;
    let standing = course.standing(false)?;
    print!("{}", screen::list(&standing));
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask hint EXERCISE [--level 2]`.
pub fn hint(args: &HintArgs) -> anyhow::Result<ExitCode> {
    let course = Course::load()?;
    let exercise = course.find(&args.exercise)?;
    let spec = course
        .manifest
        .exercises_of(&exercise.lesson)
        .find(|e| e.item == exercise.item)
        .context("the exercise's entry in grading.toml")?;
    println!("{} — {}", exercise.id(), exercise.title);
    for (level, hint) in spec.hints.iter().enumerate().take(usize::from(args.level)) {
        println!("hint {}: {hint}", level + 1);
    }
    if args.level == 1 {
        println!("(the second hint, which names the tool: --level 2)");
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask reset EXERCISE [--yes]`.
pub fn reset(args: &ResetArgs) -> anyhow::Result<ExitCode> {
    let course = Course::load()?;
    let exercise = course.find(&args.exercise)?;
    let path = course.root.join(&exercise.file);
    let current =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let Some(reset) = reset::reset_source(&course.root, exercise, &current)? else {
        println!(
            "`{}` is already its original stub: nothing to reset.",
            exercise.id()
        );
        return Ok(ExitCode::SUCCESS);
    };
    if !args.yes && !confirm(exercise)? {
        println!("Nothing changed.");
        return Ok(ExitCode::SUCCESS);
    }
    let tmp = path.with_extension("rs.tmp");
    std::fs::write(&tmp, reset).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "`{}` is back to its original stub in {}; your other answers are untouched.",
        exercise.id(),
        exercise.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Asks the student whether to throw their answer away.
fn confirm(exercise: &Exercise) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "reset would throw away your answer to `{}`: run it in a terminal to confirm, or \
             pass --yes",
            exercise.id()
        );
    }
    print!(
        "Reset `{}` in {} to its original stub? Your answer to it will be lost. [y/N] ",
        exercise.id(),
        exercise.file.display()
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
