//! `cargo xtask grade --class ROSTER`: a whole class graded into one gradebook, and
//! `cargo xtask gradebook merge` for a class graded in parts on several machines.
//!
//! Each student is graded as `grade --fork` grades one fork (teacher mode: only their
//! `src/exercises.rs` files are taken, graded against this checkout's committed grading files),
//! several students at a time, each within a wall-clock budget. What makes a class fast:
//! - every student is built in the same target folder, in one of a few reused scratch
//!   workspaces (see [`crate::scratch`]): dependencies are compiled once for the class, and a
//!   lesson rebuilds incrementally from one student to the next;
//! - a lesson whose `src/exercises.rs` is byte-identical to one already graded (an untouched stub,
//!   a shared answer) is not built or run again: results are kept by the file's content;
//! - a student whose fork is at a commit already graded is not read again: rerunning after a
//!   deadline grades only the new pushes (`--force` regrades everyone).

pub mod demo;
mod fetch;
mod gradebook;
mod roster;

use crate::grade::manifest::Manifest;
use crate::grade::report::{LessonReport, Report};
use crate::grade::runner::Status;
use crate::grade::sandbox::{Sandbox, SandboxReport};
use crate::grade::{self, Workspace};
use crate::scratch::Scratch;
use crate::workspace;
use anyhow::{Context, bail};
use gradebook::{Gradebook, LessonColumn, Row, StudentStatus};
use roster::{Shard, Student};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Options of `cargo xtask grade --class`.
#[derive(clap::Args, Debug, Clone)]
pub struct ClassArgs {
    /// Grade a whole class: a CSV roster with the header `student,fork[,ref]`.
    #[arg(long, value_name = "ROSTER")]
    pub class: Option<PathBuf>,
    /// With --class: students graded at once.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "class")]
    pub students: usize,
    /// With --class: each student's budget for their build and tests (e.g. 900, 15m, 1h).
    #[arg(long, value_name = "TIME", default_value = "15m", value_parser = duration, requires = "class")]
    pub student_timeout: Duration,
    /// With --class: regrade every student, even those whose fork has not changed.
    #[arg(long, requires = "class")]
    pub force: bool,
    /// With --class: grade only part i of n of the roster (for a matrix of machines).
    #[arg(long, value_name = "i/n", requires = "class")]
    pub shard: Option<Shard>,
}

/// Options of `cargo xtask gradebook`.
#[derive(clap::Args)]
pub struct GradebookArgs {
    #[command(subcommand)]
    command: GradebookCommand,
}

#[derive(clap::Subcommand)]
enum GradebookCommand {
    /// Merge the gradebooks of a class graded in parts (`grade --class --shard i/n`) into one.
    Merge {
        /// The parts: their gradebook.json files, or the folders holding them.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Folder for the merged gradebook (and the students' reports found beside the parts).
        #[arg(long, default_value = "target/grade/class")]
        out: PathBuf,
    },
}

/// Parses a duration: plain seconds, or a number with `s`, `m` or `h`.
fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.trim().find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.trim().split_at(at),
        None => (text.trim(), "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write 900, 900s, 15m or 1h"))?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => {
            return Err(format!(
                "`{text}` is not a duration: write 900, 900s, 15m or 1h"
            ));
        }
    };
    match seconds {
        0 => Err("the budget must be more than zero".into()),
        s => Ok(Duration::from_secs(s)),
    }
}

/// What every student of this run is graded against: the grading files' commit, the compiler and
/// the sandbox's layers (a result graded with fewer layers in force is not reused).
#[derive(Debug, Clone)]
struct Grading {
    commit: String,
    toolchain: String,
    sandbox: SandboxReport,
}

impl Grading {
    fn detect(root: &Path, sandbox: &Sandbox) -> anyhow::Result<Grading> {
        let head = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "HEAD"])
            .output()
            .context("running git rev-parse")?;
        if !head.status.success() {
            bail!(
                "--class grades against this checkout's committed grading files: {} is not a git \
                 checkout with a commit",
                root.display()
            );
        }
        let rustc = std::process::Command::new(std::env::var_os("RUSTC").unwrap_or("rustc".into()))
            .arg("-V")
            .output()
            .context("running rustc -V")?;
        Ok(Grading {
            commit: String::from_utf8_lossy(&head.stdout).trim().to_string(),
            toolchain: String::from_utf8_lossy(&rustc.stdout).trim().to_string(),
            sandbox: sandbox.report().clone(),
        })
    }

    /// A cache key of `parts` graded against this grading.
    fn key(&self, parts: &[&[u8]]) -> String {
        let mut hasher = DefaultHasher::new();
        (&self.commit, &self.toolchain, &self.sandbox).hash(&mut hasher);
        parts.hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }
}

/// A student's graded result, as cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Graded {
    row: Row,
    report: Report,
}

/// `cargo xtask grade --class ROSTER`: grades the class of `roster` (see the module's doc) with
/// `grade`'s options (`--out`, `--hints`, `--sandbox`).
pub fn run(roster: &Path, args: &ClassArgs, grade: &grade::Args) -> anyhow::Result<ExitCode> {
    if grade.fork.is_some() || grade.solutions || !grade.lessons.is_empty() {
        bail!(
            "--class grades every lesson of every fork of the roster: it takes no lessons, --fork or --solutions"
        );
    }
    let root = workspace::root();
    let out = if grade.out == Path::new("target/grade") {
        root.join("target/grade/class")
    } else {
        root.join(&grade.out)
    };
    let (out, hint_level) = (out.as_path(), usize::from(grade.hints));
    let sandbox = &grade::new_sandbox(grade.sandbox, &root, &root)?;
    let all = roster::read(roster)?;
    let students = match args.shard {
        Some(shard) => shard.select(&all),
        None => all,
    };
    let grading = Grading::detect(&root, sandbox)?;
    let base = root.join("target/grade/class");
    let manifest = Manifest::load(&root.join("grading.toml"))?;
    let lessons: Vec<String> = crate::lessons::names()?
        .into_iter()
        .filter(|l| manifest.tests_of(l).next().is_some())
        .map(str::to_string)
        .collect();
    println!(
        "Grading {} student(s) of {} against {} ({}), {} at a time, {:?} each",
        students.len(),
        roster.display(),
        &grading.commit[..grading.commit.len().min(12)],
        grading.toolchain,
        args.students,
        args.student_timeout
    );

    let slots = args.students.clamp(1, students.len().max(1));
    let scratches: Vec<Scratch> = (0..slots)
        .map(|k| Scratch {
            root: base.join("work").join(format!("slot-{k}")),
            prefix: format!("slot-{k}"),
        })
        .collect();
    for scratch in &scratches {
        scratch.export_head(&root)?;
    }

    let bar = indicatif::ProgressBar::new(students.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "[{elapsed_precise}] {bar:30} {pos}/{len} students · ETA {eta} · {msg}",
        )?
        .progress_chars("#>-"),
    );
    let current: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let queue = Mutex::new(students.iter());
    let rows = Mutex::new(Vec::new());
    let jobs = (std::thread::available_parallelism().map_or(1, |n| n.get()) / slots).max(1);
    let lesson_refs: Vec<&str> = lessons.iter().map(String::as_str).collect();
    let ctx = ClassContext {
        root: &root,
        base: &base,
        out,
        grading: &grading,
        manifest: &manifest,
        lessons: &lesson_refs,
        args,
        jobs,
        hint_level,
        sandbox,
    };
    std::thread::scope(|s| {
        for scratch in &scratches {
            let (ctx, bar, current, queue, rows) = (&ctx, &bar, &current, &queue, &rows);
            s.spawn(move || {
                loop {
                    let Some(student) = queue.lock().unwrap_or_else(|e| e.into_inner()).next()
                    else {
                        break;
                    };
                    let show = |names: &mut Vec<String>| bar.set_message(names.join(", "));
                    {
                        let mut names = current.lock().unwrap_or_else(|e| e.into_inner());
                        names.push(student.name.clone());
                        show(&mut names);
                    }
                    let graded = ctx.grade_student(student, scratch);
                    say(
                        bar,
                        format!(
                            "  {:24} {:>4}/{:<4} {}{}",
                            student.name,
                            graded.row.total,
                            graded.row.max,
                            graded.row.status.label(),
                            if graded.row.cached {
                                " (unchanged: cached)"
                            } else {
                                ""
                            }
                        ),
                    );
                    rows.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(graded.row);
                    let mut names = current.lock().unwrap_or_else(|e| e.into_inner());
                    names.retain(|n| n != &student.name);
                    show(&mut names);
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();

    let columns = lessons
        .iter()
        .map(|l| LessonColumn {
            lesson: l.clone(),
            max_points: manifest.tests_of(l).map(|t| t.points).sum(),
        })
        .collect();
    let book = Gradebook::new(
        columns,
        rows.into_inner().unwrap_or_else(|e| e.into_inner()),
    );
    book.write(out)?;
    print_summary(&book);
    println!(
        "Gradebook: {} (and gradebook.csv, gradebook.md; each student's report in students/)",
        out.join("gradebook.json").display()
    );
    append_step_summary(&book)?;
    Ok(ExitCode::SUCCESS)
}

/// What every student's grading shares.
struct ClassContext<'a> {
    root: &'a Path,
    base: &'a Path,
    out: &'a Path,
    grading: &'a Grading,
    manifest: &'a Manifest,
    lessons: &'a [&'a str],
    args: &'a ClassArgs,
    jobs: usize,
    hint_level: usize,
    sandbox: &'a Sandbox,
}

impl ClassContext<'_> {
    /// Grades one student in `scratch`, from the caches where it can, and writes their reports.
    fn grade_student(&self, student: &Student, scratch: &Scratch) -> Graded {
        let started = Instant::now();
        let fork = fetch::Fork {
            location: self.fork_location(&student.fork),
            reference: student.reference.clone(),
        };
        let graded = match fork.commit(self.lessons) {
            Err(why) => self.unreachable(student, None, why),
            Ok(commit) => {
                let key = self.grading.key(&[b"student", commit.as_bytes()]);
                let cache = self.base.join("cache/students").join(format!("{key}.json"));
                match read_json::<Graded>(&cache).filter(|_| !self.args.force) {
                    Some(mut graded) => {
                        graded.row.cached = true;
                        graded.row.student = student.name.clone();
                        graded.row.folder = student.folder.clone();
                        graded.row.line = student.line;
                        graded
                    }
                    None => {
                        let graded = self.grade_commit(student, &fork, &commit, scratch, started);
                        if graded.row.status != StudentStatus::TimedOut {
                            write_json(&cache, &graded);
                        }
                        graded
                    }
                }
            }
        };
        let folder = self.out.join("students").join(&student.folder);
        if std::fs::create_dir_all(&folder).is_ok() {
            write_json(&folder.join("report.json"), &graded.report);
            let _ = std::fs::write(folder.join("report.md"), graded.report.to_markdown());
        }
        graded
    }

    /// A relative fork path is relative to where the teacher runs the command.
    fn fork_location(&self, location: &str) -> String {
        let path = Path::new(location);
        if location.contains("://") || location.starts_with("git@") || path.is_absolute() {
            return location.to_string();
        }
        std::env::current_dir()
            .map(|d| d.join(path).display().to_string())
            .unwrap_or_else(|_| location.to_string())
    }

    fn grade_commit(
        &self,
        student: &Student,
        fork: &fetch::Fork,
        commit: &str,
        scratch: &Scratch,
        started: Instant,
    ) -> Graded {
        let forks = self.base.join("forks").join(&student.folder);
        let files = match fork.exercise_files(commit, self.lessons, &forks) {
            Ok(files) => files,
            Err(why) => return self.unreachable(student, Some(commit), why),
        };
        let workspace = Workspace {
            build_root: scratch.root.clone(),
            tree: scratch.tree(),
            target: self.root.join("target"),
        };
        let mut reports = Vec::new();
        let mut timed_out = false;
        for lesson in self.lessons {
            let upstream = self
                .root
                .join("crates")
                .join(lesson)
                .join("src/exercises.rs");
            let bytes = match files.get(*lesson) {
                Some(bytes) => bytes.clone(),
                // A fork from before the lesson existed: the lesson's stubs stand for it.
                None => std::fs::read(&upstream).unwrap_or_default(),
            };
            let key = self.grading.key(&[lesson.as_bytes(), &bytes]);
            let cache = self.base.join("cache/lessons").join(format!("{key}.json"));
            if let Some(report) = read_json::<LessonReport>(&cache).filter(|_| !self.args.force) {
                reports.push(report);
                continue;
            }
            let remaining = self.args.student_timeout.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                timed_out = true;
                break;
            }
            let file = scratch.crate_dir(lesson).join("src/exercises.rs");
            if let Err(err) = crate::scratch::write_if_changed(&file, &bytes, None) {
                return self.unreachable(student, Some(commit), format!("{err:#}"));
            }
            let options = grade::Options {
                variant: grade::runner::Variant::Student,
                jobs: self.jobs,
                hint_level: self.hint_level,
                sandbox: self.sandbox,
                build_limit: remaining,
            };
            match grade::grade_lesson(&workspace, self.manifest, lesson, &options) {
                Ok(report) if stopped_building(&report) => {
                    // Out of budget: the lesson scores what it scored (nothing), uncached.
                    reports.push(report);
                    timed_out = true;
                    break;
                }
                Ok(report) => {
                    write_json(&cache, &report);
                    reports.push(report);
                }
                Err(err) => {
                    return self.unreachable(
                        student,
                        Some(commit),
                        format!("grading {lesson}: {err:#}"),
                    );
                }
            }
        }
        let report = Report::new(
            "class",
            format!("{}@{commit}", fork.location),
            self.sandbox.report().clone(),
            reports,
        );
        let mut row = self.row(student, Some(commit), &report);
        if timed_out {
            row.status = StudentStatus::TimedOut;
            row.reason = format!(
                "ran past the budget of {:?}; the lessons graded before count",
                self.args.student_timeout
            );
        }
        Graded { row, report }
    }

    fn unreachable(&self, student: &Student, commit: Option<&str>, why: String) -> Graded {
        let report = Report::new(
            "class",
            student.fork.clone(),
            self.sandbox.report().clone(),
            Vec::new(),
        );
        let mut row = self.row(student, commit, &report);
        row.status = StudentStatus::Unreachable;
        row.reason = why;
        Graded { row, report }
    }

    /// A student's row from their report.
    fn row(&self, student: &Student, commit: Option<&str>, report: &Report) -> Row {
        let mut exercises = BTreeMap::new();
        for lesson in &report.lessons {
            for test in &lesson.tests {
                let key = format!("{}/{}", lesson.lesson, test.exercise);
                let passed = test.status == Status::Passed;
                exercises
                    .entry(key)
                    .and_modify(|all: &mut bool| *all &= passed)
                    .or_insert(passed);
            }
        }
        let not_built: Vec<&str> = report
            .lessons
            .iter()
            .filter(|l| l.tests.iter().any(|t| t.status == Status::CompileError))
            .map(|l| l.lesson.as_str())
            .collect();
        let build_failed = !not_built.is_empty();
        let max = self
            .lessons
            .iter()
            .map(|l| self.manifest.tests_of(l).map(|t| t.points).sum::<u32>())
            .sum();
        Row {
            student: student.name.clone(),
            folder: student.folder.clone(),
            line: student.line,
            fork: student.fork.clone(),
            reference: student.reference.clone(),
            commit: commit.map(str::to_string),
            status: if build_failed {
                StudentStatus::BuildFailed
            } else {
                StudentStatus::Graded
            },
            reason: if build_failed {
                format!(
                    "{} did not compile: its tests score 0",
                    not_built.join(", ")
                )
            } else {
                String::new()
            },
            total: report.points,
            max,
            points: report
                .lessons
                .iter()
                .map(|l| (l.lesson.clone(), l.points))
                .collect(),
            sandbox: report
                .sandbox
                .as_ref()
                .map(SandboxReport::summary)
                .unwrap_or_default(),
            review_flags: report.review_flags(),
            exercises,
            grading_commit: self.grading.commit.clone(),
            toolchain: self.grading.toolchain.clone(),
            graded_at: crate::dates::now(),
            cached: false,
        }
    }
}

/// Prints a line above the progress bar, or plainly when the bar is hidden (not a terminal: a CI
/// log must still list every student).
fn say(bar: &indicatif::ProgressBar, line: String) {
    if bar.is_hidden() {
        println!("{line}");
    } else {
        bar.println(line);
    }
}

/// Whether a lesson's build was stopped at its limit (the student's budget ran out).
fn stopped_building(report: &LessonReport) -> bool {
    report.tests.iter().any(|t| {
        t.status == Status::CompileError && t.detail.starts_with(grade::runner::BUILD_TIMED_OUT)
    })
}

/// `cargo xtask gradebook merge PARTS… --out DIR`.
pub fn gradebook(args: &GradebookArgs) -> anyhow::Result<ExitCode> {
    let GradebookCommand::Merge { parts, out } = &args.command;
    let root = workspace::root();
    let out = if out.is_absolute() {
        out.clone()
    } else {
        root.join(out)
    };
    let books: Vec<Gradebook> = parts
        .iter()
        .map(|p| Gradebook::read(p))
        .collect::<anyhow::Result<_>>()?;
    let merged = gradebook::merge(&books);
    // The students' reports travel beside each part's gradebook.
    for part in parts {
        let dir = if part.is_dir() {
            part.clone()
        } else {
            part.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        copy_reports(&dir.join("students"), &out.join("students"), &merged)?;
    }
    merged.write(&out)?;
    print_summary(&merged);
    println!(
        "Merged {} part(s): {} student(s) in {}",
        parts.len(),
        merged.students.len(),
        out.join("gradebook.json").display()
    );
    append_step_summary(&merged)?;
    Ok(ExitCode::SUCCESS)
}

/// Copies the report folders of the gradebook's students from `from` into `to`.
fn copy_reports(from: &Path, to: &Path, book: &Gradebook) -> anyhow::Result<()> {
    for row in &book.students {
        let dir = from.join(&row.folder);
        for name in ["report.json", "report.md"] {
            let file = dir.join(name);
            if file.is_file() {
                std::fs::create_dir_all(to.join(&row.folder))?;
                let target = to.join(&row.folder).join(name);
                if file != target {
                    std::fs::copy(&file, &target)?;
                }
            }
        }
    }
    Ok(())
}

fn print_summary(book: &Gradebook) {
    let width = book
        .students
        .iter()
        .map(|r| r.student.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    println!("\n{:width$}  {:>9}  status", "student", "points");
    for row in &book.students {
        println!(
            "{:width$}  {:>9}  {}{}",
            row.student,
            format!("{}/{}", row.total, row.max),
            row.status.label(),
            if row.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", row.reason)
            }
        );
    }
    let rates = book.pass_rates();
    if !rates.is_empty() {
        println!("\nHardest exercises (share of students passing):");
        for (exercise, passed, of) in rates.iter().take(5) {
            println!("  {exercise:40} {passed}/{of}");
        }
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Writes a cache or report file; a failure to cache only costs time, so it is not an error.
fn write_json<T: Serialize>(path: &Path, value: &T) {
    if let (Some(dir), Ok(json)) = (path.parent(), serde_json::to_string_pretty(value))
        && std::fs::create_dir_all(dir).is_ok()
    {
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}

/// On GitHub Actions, appends the gradebook to the job's summary page.
fn append_step_summary(book: &Gradebook) -> std::io::Result<()> {
    let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(summary)?
        .write_all(book.to_markdown().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_like_a_teacher_writes_them() {
        assert_eq!(duration("900"), Ok(Duration::from_secs(900)));
        assert_eq!(duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(duration("0").is_err());
        assert!(duration("fast").is_err());
        assert!(duration("5d").is_err());
    }
}
