//! `cargo xtask bench-all`: every lesson's criterion benches, one report.
//!
//! For each lesson with a bench file (`benches/benches/<lesson>.rs`) it runs
//! `cargo bench -p benches --bench <lesson> --profile <profile> -- --noplot [--quick ...]`, then
//! reads the estimates criterion wrote for that run and writes, in the output folder:
//! - `summary.md`: per criterion group, strategy × workers with the median time, the throughput
//!   in the lesson's unit, the speedup against the group's `sequential` bench and the parallel
//!   efficiency (speedup / ideal speedup, see [`report::ideal_speedup`]);
//! - `summary.json`: the same figures (schema in [`report::Summary`]);
//! - `speedup.svg`: speedup vs workers, one panel per lesson, the ideal dashed.
//!
//! Criterion keeps its files in `<target>/bench-all/criterion/<profile>/` (`CRITERION_HOME`), so
//! quick smoke runs and dev-profile runs never disturb the numbers of `cargo bench` itself.

mod baseline;
mod chart;
mod criterion;
mod machine;
mod markdown;
mod python;
mod report;

use crate::workspace;
use anyhow::{Context, bail};
use report::{LessonReport, LessonStatus, Mode, PythonStatus, Summary};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

/// Options of `cargo xtask bench-all`.
#[derive(clap::Args)]
pub struct Args {
    /// Lessons to benchmark (default: every lesson that has a bench file).
    #[arg(value_name = "LESSON")]
    lessons: Vec<String>,
    /// Smoke run: criterion's quick mode, at most about a second per benchmark.
    #[arg(long)]
    quick: bool,
    /// Folder for summary.md, summary.json and speedup.svg [default: target/bench-all/report].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Cargo profile to build the benches with (`dev` is quick to build but measures debug code).
    #[arg(long, value_name = "NAME", default_value = "bench")]
    profile: String,
    /// Save this run as a named baseline (target/bench-all/baselines/NAME.json).
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Compare this run with a saved baseline, flagging changes beyond noise.
    #[arg(long, value_name = "NAME")]
    compare: Option<String>,
    /// Relative change (percent) below which `--compare` calls a change noise.
    #[arg(long, value_name = "PERCENT", default_value_t = 5.0, value_parser = percent)]
    noise: f64,
    /// Also time the Python ports of the seeds (python/), with this interpreter if given
    /// (`--python=/path/to/python3`); needs numpy and numba, skipped without them.
    #[arg(long, value_name = "PYTHON", num_args = 0..=1, require_equals = true,
          default_missing_value = "python3")]
    python: Option<String>,
}

fn percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage between 0 and 100")),
    }
}

/// Runs the benches, writes the report; fails (exit 1) if a lesson's benches failed.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let lessons = crate::lessons::select(&args.lessons)?;
    let target = target_dir();
    let baselines = target.join("bench-all").join("baselines");
    // Bad names and missing baselines are input errors: report them before the long run.
    if let Some(name) = &args.baseline {
        baseline::path(&baselines, name)?;
    }
    let compare_with = match &args.compare {
        Some(name) => Some((name, baseline::load(&baselines, name)?)),
        None => None,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target.join("bench-all").join("report"));
    let home = target
        .join("bench-all")
        .join("criterion")
        .join(&args.profile);
    let mode = if args.quick {
        Mode::Quick
    } else {
        Mode::Thorough
    };

    let machine = machine::Machine::detect();
    println!(
        "xtask bench-all: {} run on {}",
        if args.quick { "quick" } else { "thorough" },
        machine.one_line()
    );
    let runnable: Vec<&String> = lessons.iter().filter(|l| has_bench(l)).collect();
    if runnable.is_empty() {
        bail!(
            "none of {} has a bench file in benches/benches/ yet",
            lessons.join(", ")
        );
    }
    build_all(&runnable, &args.profile);
    let mut reports = Vec::new();
    for lesson in &lessons {
        let report = if has_bench(lesson) {
            run_lesson(lesson, args, &home, machine.logical_cores)
        } else {
            let message = format!(
                "no bench yet: benches/benches/{lesson}.rs (with its [[bench]] entry) is missing"
            );
            println!("\nxtask bench-all: {lesson}: {message}; skipped");
            report::lesson_not_run(lesson, LessonStatus::NoBench, message)
        };
        reports.push(report);
    }
    let python = match &args.python {
        Some(interpreter) => python::run(interpreter, &mut reports, args.quick, &args.profile),
        None => PythonStatus {
            status: "not_requested".into(),
            message: Some("run with --python".into()),
        },
    };
    let mut summary = Summary {
        schema_version: report::SCHEMA_VERSION,
        mode,
        profile: args.profile.clone(),
        machine,
        lessons: reports,
        python,
        compare: None,
    };
    if let Some((name, before)) = &compare_with {
        baseline::compare(&mut summary, before, name, args.noise / 100.0);
    }
    write_report(&summary, &out)?;
    if let Some(name) = &args.baseline {
        let json = serde_json::to_string_pretty(&summary)?;
        let saved = baseline::save(&baselines, name, &json)?;
        println!(
            "xtask bench-all: saved baseline `{name}` ({})",
            saved.display()
        );
    }
    Ok(verdict(&summary))
}

/// Prints one line per lesson; exit 1 if any lesson failed.
fn verdict(summary: &Summary) -> ExitCode {
    let mut failed = false;
    for lesson in &summary.lessons {
        let benches: usize = lesson.groups.iter().map(|g| g.rows.len()).sum();
        let what = match lesson.status {
            LessonStatus::Ran => {
                format!(
                    "{benches} benchmarks in {:.0} s",
                    lesson.elapsed_s.unwrap_or(0.0)
                )
            }
            LessonStatus::NoBench => "no bench".to_string(),
            LessonStatus::Failed => {
                failed = true;
                "FAILED".to_string()
            }
        };
        println!("    {:<16} {what}", lesson.lesson);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Builds every bench at once, so cargo compiles them in parallel and the timed runs that follow
/// do not wait on each other's builds. A failure here is not fatal: each lesson's own run then
/// builds (or fails) on its own, and only that lesson is marked failed.
fn build_all(lessons: &[&String], profile: &str) {
    let mut cmd = workspace::cargo();
    cmd.args(["bench", "-p", "benches", "--no-run", "--profile", profile]);
    for lesson in lessons {
        cmd.args(["--bench", lesson]);
    }
    if let Err(err) = crate::check::announce_and_run("bench-all: build the benches", &mut cmd) {
        println!("xtask bench-all: {err:#}; building lesson by lesson instead");
    }
}

/// Runs one lesson's benches and reads what they measured.
fn run_lesson(lesson: &str, args: &Args, home: &Path, cores: usize) -> LessonReport {
    let start = std::time::Instant::now();
    let mut report = measure_lesson(lesson, args, home, cores);
    report.elapsed_s = Some(start.elapsed().as_secs_f64());
    report
}

fn measure_lesson(lesson: &str, args: &Args, home: &Path, cores: usize) -> LessonReport {
    let since = SystemTime::now();
    let mut cmd = workspace::cargo();
    cmd.args([
        "bench",
        "-p",
        "benches",
        "--bench",
        lesson,
        "--profile",
        &args.profile,
    ])
    .args(["--", "--noplot"])
    .env("CRITERION_HOME", home);
    if args.quick {
        // Quick mode skips the warm-up and stops a bench once two samples agree; capping the
        // measurement at one second bounds the slow ones (a group's own setting still wins).
        cmd.args(["--quick", "--measurement-time", "1"]);
    }
    let title = format!("bench-all: {lesson}");
    if let Err(err) = crate::check::announce_and_run(&title, &mut cmd) {
        return report::lesson_not_run(lesson, LessonStatus::Failed, format!("{err:#}"));
    }
    match criterion::read_fresh(home, since) {
        Ok(found) if found.is_empty() => report::lesson_not_run(
            lesson,
            LessonStatus::Failed,
            "the bench ran but criterion wrote no results".into(),
        ),
        Ok(found) => report::lesson_report(lesson, &found, cores),
        Err(err) => report::lesson_not_run(lesson, LessonStatus::Failed, format!("{err:#}")),
    }
}

/// Whether a lesson has a bench file and its `[[bench]]` entry in benches/Cargo.toml.
fn has_bench(lesson: &str) -> bool {
    let benches = workspace::root().join("benches");
    let registered = std::fs::read_to_string(benches.join("Cargo.toml"))
        .is_ok_and(|manifest| manifest_has_bench(&manifest, lesson));
    registered
        && benches
            .join("benches")
            .join(format!("{lesson}.rs"))
            .is_file()
}

fn manifest_has_bench(manifest: &str, lesson: &str) -> bool {
    let Ok(value) = manifest.parse::<toml::Table>() else {
        return false;
    };
    value
        .get("bench")
        .and_then(|b| b.as_array())
        .is_some_and(|benches| {
            benches
                .iter()
                .any(|b| b.get("name").and_then(|n| n.as_str()) == Some(lesson))
        })
}

/// Cargo's target folder: `$CARGO_TARGET_DIR`, or `target/` in the workspace.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace::root().join(dir),
        None => workspace::root().join("target"),
    }
}

/// Writes summary.md, summary.json and speedup.svg into `out`.
fn write_report(summary: &Summary, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = serde_json::to_string_pretty(summary)?;
    write_atomically(&out.join("summary.json"), json.as_bytes())?;
    write_atomically(
        &out.join("summary.md"),
        markdown::render(summary).as_bytes(),
    )?;
    write_atomically(&out.join("speedup.svg"), chart::render(summary)?.as_bytes())?;
    println!("\nxtask bench-all: report in {}", out.display());
    for name in ["summary.md", "summary.json", "speedup.svg"] {
        println!("    {}", out.join(name).display());
    }
    Ok(())
}

/// Writes a file whole or not at all: to a temporary name, then renamed into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("out")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} into place", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bench_entries_in_the_manifest() {
        let manifest =
            "[package]\nname = \"benches\"\n\n[[bench]]\nname = \"sync\"\nharness = false\n";
        assert!(manifest_has_bench(manifest, "sync"));
        assert!(!manifest_has_bench(manifest, "ipc"));
        assert!(!manifest_has_bench("not toml [", "sync"));
    }

    #[test]
    fn percentages_are_validated() {
        assert_eq!(percent("5"), Ok(5.0));
        assert!(percent("-1").is_err() && percent("abc").is_err() && percent("100").is_err());
    }
}
