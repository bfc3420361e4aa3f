//! `cargo xtask grade`: scores the exercises, and the grader's self-test run by `cargo xtask check`.
//!
//! Each graded test runs alone in a process of its own (`--exact`), in a new process group that is
//! killed at its time limit, so a student's deadlock, endless loop, panic, abort or stack overflow
//! only costs that test. Before any test runs, the exercises file is audited: an exercise whose
//! answer uses a path grading.toml forbids fails its tests without running them (`audit`), and
//! constructs a teacher should look at are listed with the score (`flags`). See `report` for the
//! JSON schema.

mod audit;
mod flags;
pub mod manifest;
mod names;
mod proof;
pub mod report;
pub mod runner;
pub mod sandbox;
mod sources;
pub mod splice;
mod wrong;

use crate::scratch::Scratch;
use crate::workspace;
use anyhow::{Context, bail};
use manifest::{Exercise, Manifest, TestSpec};
use names::ExercisesFile;
use report::{LessonReport, Report};
use runner::{Status, TestResult, Variant};
use sandbox::Sandbox;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `cargo xtask grade`.
#[derive(clap::Args)]
pub struct Args {
    /// Lessons to grade (default: every lesson with graded tests).
    pub(crate) lessons: Vec<String>,
    /// Grade the reference solutions instead of src/exercises.rs.
    #[arg(long, conflicts_with = "fork")]
    pub(crate) solutions: bool,
    /// Exit with a non-zero code if the total is below this many points.
    #[arg(long, value_name = "POINTS")]
    min_score: Option<u32>,
    /// First restore the grading files (manifest, tests/grade.rs, build files) from this git ref.
    #[arg(long, value_name = "REF")]
    tests_from: Option<String>,
    /// Teacher's mode: grade a scratch copy of this checkout with only the students'
    /// src/exercises.rs files taken from this fork (a path or a git URL).
    #[arg(long, value_name = "PATH_OR_GIT_URL")]
    pub(crate) fork: Option<String>,
    /// Folder for report.json and report.md.
    #[arg(long, default_value = "target/grade")]
    pub(crate) out: PathBuf,
    /// Tests run at once (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Hint levels shown for a test that did not pass: 1 says where to look, 2 also names the tool.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub(crate) hints: u8,
    /// How graded tests are confined: every layer this machine allows (auto), all of them or
    /// no grading (require), or none but the time limit (off, for debugging).
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) sandbox: sandbox::Mode,
}

/// Where a workspace is graded: where cargo runs, where its files are, where it builds.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Where cargo runs (the root manifest's folder).
    pub build_root: PathBuf,
    /// Where the workspace's files are (`crates/`, `grading.toml`): the same folder, except in a
    /// scratch copy whose crates are under a prefix (see `crate::scratch`).
    pub tree: PathBuf,
    /// The target folder.
    pub target: PathBuf,
}

/// How a lesson is graded.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Which exercises file to build.
    pub variant: Variant,
    /// Tests run at once.
    pub jobs: usize,
    /// Hint levels shown for a test that did not pass.
    pub hint_level: usize,
    /// What confines each test process.
    pub sandbox: &'a Sandbox,
    /// How long the lesson's build may take.
    pub build_limit: std::time::Duration,
}

/// Grades every exercise of `lesson`: the audit of its exercises file, one build, then each
/// graded test alone under its limit (except those of an answer the audit refused).
pub fn grade_lesson(
    ws: &Workspace,
    manifest: &Manifest,
    lesson: &str,
    options: &Options,
) -> anyhow::Result<LessonReport> {
    let tests: Vec<&TestSpec> = manifest.tests_of(lesson).collect();
    let crate_dir = ws.tree.join("crates").join(lesson);
    let exercises = read_exercises(&crate_dir, lesson, options.variant)?;
    let results = match runner::build(
        &ws.build_root,
        &ws.target,
        lesson,
        options.variant,
        options.build_limit,
    )? {
        Ok(exe) => grade_built(
            &exe,
            &crate_dir,
            manifest,
            &tests,
            exercises.as_ref(),
            options,
        ),
        Err(message) => runner::compile_failed(manifest, &tests, &message, options.hint_level),
    };
    let mut report = LessonReport::new(lesson, results);
    if let Some(file) = &exercises {
        report.flags = flags::review(file, manifest.allowed(lesson));
    }
    Ok(report)
}

/// Grades and reports.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = workspace::root();
    if let Some(reference) = &args.tests_from {
        let changed = sources::restore_grading_files(&root, reference)?;
        if changed.is_empty() {
            println!("Grading files match {reference}.");
        } else {
            println!("Grading files restored from {reference} (this checkout had changed them):");
            changed.iter().for_each(|f| println!("  {f}"));
        }
    }
    // Where cargo builds (`build_root`) and where the graded files are (`tree`): the same folder,
    // except for a fork, whose scratch copy keeps its crates under a prefix (see crate::scratch).
    let (build_root, tree, mode, source) = match &args.fork {
        Some(location) => {
            let (scratch, taken) = sources::fork_workspace(&root, location)?;
            println!(
                "Grading {location}: took {} exercise file(s) into {}",
                taken.len(),
                scratch.tree().display()
            );
            (
                scratch.root.clone(),
                scratch.tree(),
                "fork",
                location.clone(),
            )
        }
        None if args.solutions => (
            root.clone(),
            root.clone(),
            "solutions",
            root.display().to_string(),
        ),
        None => (
            root.clone(),
            root.clone(),
            "student",
            root.display().to_string(),
        ),
    };
    let variant = if args.solutions {
        Variant::Solutions
    } else {
        Variant::Student
    };
    let manifest = Manifest::load(&tree.join("grading.toml"))?;
    let lessons = graded_lessons(&manifest, &args.lessons)?;
    let sandbox = new_sandbox(args.sandbox, &root, &build_root)?;
    let workspace = Workspace {
        build_root,
        tree,
        target: root.join("target"),
    };
    let options = Options {
        variant,
        jobs: args.jobs.unwrap_or_else(cores),
        hint_level: usize::from(args.hints),
        sandbox: &sandbox,
        build_limit: runner::BUILD_LIMIT,
    };
    let mut reports = Vec::new();
    for lesson in &lessons {
        println!("Grading {lesson} ...");
        reports.push(grade_lesson(&workspace, &manifest, lesson, &options)?);
    }
    let report = Report::new(mode, source, sandbox.report().clone(), reports);
    print!("{}", report.to_text());
    write_reports(&report, &root.join(&args.out))?;

    match args.min_score {
        Some(min) if report.points < min => {
            println!("Score {} is below the minimum of {min}.", report.points);
            Ok(ExitCode::FAILURE)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Grades the exercises `items` of `lesson` in the workspace at `root` as `grade` grades a
/// student's answers (its `src/exercises.rs`): one build, then only those exercises' tests, each
/// alone under its time limit, confined by `sandbox` (those of an answer that uses a forbidden
/// path are refused unrun). A lesson that does not compile gives every test a compile error.
pub fn grade_exercises(
    root: &Path,
    manifest: &Manifest,
    lesson: &str,
    items: &[&str],
    hint_level: usize,
    sandbox: &Sandbox,
) -> anyhow::Result<Vec<runner::TestResult>> {
    let tests: Vec<&TestSpec> = manifest
        .tests_of(lesson)
        .filter(|t| items.contains(&t.exercise.as_str()))
        .collect();
    Ok(
        match runner::build(
            root,
            &root.join("target"),
            lesson,
            Variant::Student,
            runner::BUILD_LIMIT,
        )? {
            Ok(exe) => {
                let crate_dir = root.join("crates").join(lesson);
                let exercises = read_exercises(&crate_dir, lesson, Variant::Student)?;
                let options = Options {
                    variant: Variant::Student,
                    jobs: cores(),
                    hint_level,
                    sandbox,
                    build_limit: runner::BUILD_LIMIT,
                };
                grade_built(
                    &exe,
                    &crate_dir,
                    manifest,
                    &tests,
                    exercises.as_ref(),
                    &options,
                )
            }
            Err(message) => runner::compile_failed(manifest, &tests, &message, hint_level),
        },
    )
}

/// The exercises file `variant` compiles, read for the audit; `None` if it is missing or does
/// not parse (the build then reports why).
fn read_exercises(
    crate_dir: &Path,
    lesson: &str,
    variant: Variant,
) -> anyhow::Result<Option<ExercisesFile>> {
    let path = crate_dir.join(match variant {
        Variant::Student => "src/exercises.rs",
        Variant::Solutions => "solutions/exercises.rs",
    });
    if !path.is_file() {
        return Ok(None);
    }
    ExercisesFile::load(&crate_dir.join("src"), lesson, &["exercises"], &path)
}

/// Runs the graded tests of a built lesson, except those of an exercise whose answer in
/// `exercises` uses a path its `forbid` list names: they fail without running.
fn grade_built(
    exe: &Path,
    crate_dir: &Path,
    manifest: &Manifest,
    tests: &[&TestSpec],
    exercises: Option<&ExercisesFile>,
    options: &Options,
) -> Vec<TestResult> {
    let hint_level = options.hint_level;
    // Every exercise of the lesson is audited, even when only some are graded: a shortcut is
    // charged to the exercise it belongs to (see `audit`).
    let refused = match (exercises, tests.first()) {
        (Some(file), Some(test)) => audit::refusals(file, manifest.exercises_of(&test.lesson)),
        _ => BTreeMap::new(),
    };
    let to_run: Vec<&TestSpec> = tests
        .iter()
        .copied()
        .filter(|t| !refused.contains_key(&t.exercise))
        .collect();
    let mut ran = runner::run_all(
        exe,
        crate_dir,
        manifest,
        &to_run,
        options.sandbox,
        options.jobs,
        hint_level,
    )
    .into_iter();
    tests
        .iter()
        .filter_map(|t| match refused.get(&t.exercise) {
            Some(refusal) => Some(audit::refused_result(manifest, t, refusal, hint_level)),
            None => ran.next(),
        })
        .collect()
}

/// The sandbox of a run that builds in `build_root` (this checkout, or a fork's scratch copy
/// inside its target folder): its tests may read both. Says which layers are in force.
pub(crate) fn new_sandbox(
    mode: sandbox::Mode,
    root: &Path,
    build_root: &Path,
) -> anyhow::Result<Sandbox> {
    let target = root.join("target");
    let confinement = Sandbox::new(
        mode,
        &[root, build_root, &target],
        &target.join("grade/sandbox"),
    )?;
    let report = confinement.report();
    let in_force = report.layers.len() - report.gaps().count();
    println!(
        "Sandbox ({}): {in_force} of {} layers in force",
        report.mode_label(),
        report.layers.len()
    );
    if mode != sandbox::Mode::Off {
        report
            .gap_lines()
            .iter()
            .for_each(|gap| println!("  {gap}"));
    }
    Ok(confinement)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The lessons to grade: those named (each must have graded tests), else all that have some.
fn graded_lessons(manifest: &Manifest, names: &[String]) -> anyhow::Result<Vec<String>> {
    let lessons = crate::lessons::select(names)?;
    let with_tests: Vec<String> = lessons
        .into_iter()
        .filter(|l| manifest.tests_of(l).next().is_some())
        .collect();
    if let Some(missing) = names.iter().find(|n| !with_tests.contains(n)) {
        bail!("lesson `{missing}` has no graded tests in grading.toml");
    }
    Ok(with_tests)
}

fn write_reports(report: &Report, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = serde_json::to_string_pretty(report)?;
    write_atomically(&out.join("report.json"), json.as_bytes())?;
    let markdown = report.to_markdown();
    write_atomically(&out.join("report.md"), markdown.as_bytes())?;
    println!(
        "Reports: {} and report.md",
        out.join("report.json").display()
    );
    // GitHub Actions shows this file as the job's summary.
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(summary)?;
        file.write_all(markdown.as_bytes())?;
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The grader's self-test: every graded test passes on the solutions and fails on the stubs, and
/// the manifest and the test files agree. In a student's fork, exercises already answered in
/// src/exercises.rs have no stub left to test; they are skipped, and said so.
pub fn self_test() -> anyhow::Result<()> {
    let root = workspace::root();
    let manifest = Manifest::load(&root.join("grading.toml"))?;
    let sandbox = new_sandbox(sandbox::Mode::Auto, &root, &root)?;
    let mut problems = Vec::new();
    for lesson in graded_lessons(&manifest, &[])? {
        let tests: Vec<&TestSpec> = manifest.tests_of(&lesson).collect();
        problems.extend(self_test_lesson(
            &root, &manifest, &sandbox, &lesson, &tests,
        )?);
    }
    for lesson in crate::lessons::names()? {
        if manifest.tests_of(lesson).next().is_none() {
            println!("  {lesson}: no graded tests yet");
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "the grader's self-test found {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        )
    }
}

fn self_test_lesson(
    root: &Path,
    manifest: &Manifest,
    sandbox: &Sandbox,
    lesson: &str,
    tests: &[&TestSpec],
) -> anyhow::Result<Vec<String>> {
    let crate_dir = root.join("crates").join(lesson);
    let read = |rel: &str| {
        std::fs::read_to_string(crate_dir.join(rel))
            .with_context(|| format!("reading {lesson}/{rel}"))
    };
    let (stubs, solutions) = (read("src/exercises.rs")?, read("solutions/exercises.rs")?);
    let target = root.join("target");
    let mut problems = audit_problems(&crate_dir, manifest, lesson)?;

    // The solutions: every graded test exists, is in the manifest, and passes.
    let exe = match runner::build(
        root,
        &target,
        lesson,
        Variant::Solutions,
        runner::BUILD_LIMIT,
    )? {
        Ok(exe) => exe,
        Err(message) => {
            return Ok(vec![format!(
                "{lesson}: the solutions do not compile:\n{message}"
            )]);
        }
    };
    let listed = runner::list_tests(&exe)?;
    for name in listed
        .iter()
        .filter(|n| !tests.iter().any(|t| &t.name == *n))
    {
        problems.push(format!(
            "{lesson}: tests/grade.rs has `{name}`, which grading.toml does not list"
        ));
    }
    for t in tests {
        if !listed.contains(&t.name) {
            problems.push(format!(
                "{lesson}: grading.toml lists `{}`, which tests/grade.rs lacks",
                t.name
            ));
        }
        if manifest::is_stub(&solutions, &t.exercise).is_none() {
            problems.push(format!(
                "{lesson}: exercise `{}` is not in solutions/exercises.rs",
                t.exercise
            ));
        }
    }
    for r in runner::run_all(&exe, &crate_dir, manifest, tests, sandbox, cores(), 1) {
        if r.status != Status::Passed {
            problems.push(format!(
                "{lesson}: `{}` fails on the solution: {} {}",
                r.name,
                r.status.label(),
                r.detail
            ));
        }
    }

    // The stubs: every graded test of an untouched exercise fails.
    let (stubbed, answered): (Vec<&TestSpec>, Vec<&TestSpec>) = tests
        .iter()
        .partition(|t| manifest::is_stub(&stubs, &t.exercise) == Some(true));
    let exe = match runner::build(root, &target, lesson, Variant::Student, runner::BUILD_LIMIT)? {
        Ok(exe) => exe,
        Err(message) => {
            return Ok([
                problems,
                vec![format!(
                    "{lesson}: src/exercises.rs does not compile:\n{message}"
                )],
            ]
            .concat());
        }
    };
    for r in runner::run_all(&exe, &crate_dir, manifest, &stubbed, sandbox, cores(), 1) {
        if r.status == Status::Passed {
            problems.push(format!(
                "{lesson}: `{}` passes on the stub: it cannot fail",
                r.name
            ));
        }
    }
    print!(
        "  {lesson}: {} graded test(s) pass on the solutions; {} fail on the stubs",
        tests.len(),
        stubbed.len()
    );
    if answered.is_empty() {
        println!();
    } else {
        let names: Vec<&str> = answered.iter().map(|t| t.exercise.as_str()).collect();
        println!(
            "\n    ({} skipped on the stub side: src/exercises.rs answers {} — a student's fork; upstream checks them)",
            answered.len(),
            names.join(", ")
        );
    }
    problems.extend(self_test_wrong_answers(root, manifest, sandbox, lesson)?);
    Ok(problems)
}

/// The known-wrong answers of a lesson: every exercise has one, and each loses points. Prints
/// the table of which test catches which wrong answer.
fn self_test_wrong_answers(
    root: &Path,
    manifest: &Manifest,
    sandbox: &Sandbox,
    lesson: &str,
) -> anyhow::Result<Vec<String>> {
    let crate_dir = root.join("crates").join(lesson);
    let (answers, mut problems) = wrong::discover(&crate_dir, manifest, lesson)?;
    for item in wrong::uncovered(manifest, lesson, &answers) {
        problems.push(format!(
            "{lesson}: exercise `{item}` has no known-wrong answer in crates/{lesson}/wrong/"
        ));
    }
    if answers.is_empty() {
        return Ok(problems);
    }
    let scratch = Scratch {
        root: root.join("target/grade/wrong").join(lesson),
        prefix: format!("wrong-{lesson}"),
    };
    wrong::scratch_workspace(root, &scratch, lesson, &answers)?;
    let scratch_crate = scratch.crate_dir(lesson);
    let exe = match runner::build(
        &scratch.root,
        &root.join("target"),
        lesson,
        Variant::Solutions,
        runner::BUILD_LIMIT,
    )? {
        Ok(exe) => exe,
        Err(message) => {
            problems.push(format!(
                "{lesson}: the known-wrong answers do not compile:\n{message}"
            ));
            return Ok(problems);
        }
    };
    let caught = wrong::run(
        &exe,
        &scratch_crate,
        manifest,
        lesson,
        &answers,
        sandbox,
        cores(),
    );
    print!("{}", wrong::table(lesson, &caught));
    for c in caught.iter().filter(|c| c.by.is_none()) {
        problems.push(format!(
            "{lesson}: the known-wrong answer {} earns full points: its exercise's tests must \
             catch what it gets wrong ({})",
            c.answer.path.display(),
            c.answer.what
        ));
    }
    Ok(problems)
}

/// The audit's part of the self-test: every forbidden path names something the lesson defines,
/// no solution and no stub uses one, and neither file raises a review flag the lesson does not
/// allow (the stubs' flags are checked while every exercise is still a stub: upstream).
fn audit_problems(
    crate_dir: &Path,
    manifest: &Manifest,
    lesson: &str,
) -> anyhow::Result<Vec<String>> {
    let exercises: Vec<&Exercise> = manifest.exercises_of(lesson).collect();
    let allowed = manifest.allowed(lesson);
    let mut problems = Vec::new();
    let Some(solutions) = read_exercises(crate_dir, lesson, Variant::Solutions)? else {
        return Ok(vec![format!(
            "{lesson}: solutions/exercises.rs does not parse"
        )]);
    };
    for e in &exercises {
        for path in audit::unknown_paths(&solutions, &e.forbid) {
            problems.push(format!(
                "grading.toml: `{}` of `{lesson}` forbids `{path}`, which the lesson does not define",
                e.item
            ));
        }
    }
    let Some(stubs) = read_exercises(crate_dir, lesson, Variant::Student)? else {
        return Ok([
            problems,
            vec![format!("{lesson}: src/exercises.rs does not parse")],
        ]
        .concat());
    };
    let stubbed: Vec<&Exercise> = exercises
        .iter()
        .copied()
        .filter(|e| manifest::is_stub(&stubs.text, &e.item) == Some(true))
        .collect();
    let sides = [
        ("solutions/exercises.rs", &solutions, &exercises, true),
        (
            "src/exercises.rs",
            &stubs,
            &stubbed,
            stubbed.len() == exercises.len(),
        ),
    ];
    for (name, file, checked, with_flags) in sides {
        for refusal in audit::refusals(file, checked.iter().copied()).values() {
            problems.push(format!("{lesson}: {name}: {refusal}"));
        }
        for flag in flags::review(file, allowed).iter().filter(|_| with_flags) {
            problems.push(format!(
                "{lesson}: {name} raises the review flag `{}` at line {} (`{}`): change it, or \
                 allow `{}` for {lesson} in grading.toml's [allow]",
                flag.kind.name(),
                flag.line,
                flag.item,
                flag.kind.name()
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::manifest::TestSpec;
    use super::runner::{self, Status, Variant};
    use super::*;
    use std::time::{Duration, Instant};

    fn spec(name: &str, timeout: u64) -> TestSpec {
        TestSpec {
            lesson: "fixture".into(),
            name: name.into(),
            exercise: "answer".into(),
            points: 1,
            timeout: Some(timeout),
        }
    }

    /// The grader's fixture crate, its graded tests built (the stub side), and a sandbox for it.
    fn fixture(mode: sandbox::Mode) -> (PathBuf, PathBuf, Sandbox) {
        let (fixture, target, built) = build_fixture(Variant::Student);
        let exe = built.expect("the fixture's stub side compiles");
        let sandbox = Sandbox::new(
            mode,
            &[&workspace::root(), &target],
            &target.join("sandbox"),
        );
        (fixture, exe, sandbox.unwrap())
    }

    /// The grader's fixture crate, its target folder, and the build of its `variant`.
    fn build_fixture(variant: Variant) -> (PathBuf, PathBuf, Result<PathBuf, String>) {
        let root = workspace::root();
        let fixture = root.join("xtask/fixtures/grader");
        let target = root.join("target/grader-fixture");
        let built = runner::build(&fixture, &target, "fixture", variant, runner::BUILD_LIMIT);
        (fixture, target, built.unwrap())
    }

    /// Runs the fixture's tests `names`, 4 at a time, each with a time limit of 2 s.
    fn run_fixtures(mode: sandbox::Mode, names: &[&str]) -> (Vec<runner::TestResult>, Sandbox) {
        let (fixture, exe, sandbox) = fixture(mode);
        let specs: Vec<TestSpec> = names.iter().map(|name| spec(name, 2)).collect();
        let refs: Vec<&TestSpec> = specs.iter().collect();
        let manifest = Manifest {
            default_timeout: 2,
            allow: Default::default(),
            exercises: Vec::new(),
        };
        let start = Instant::now();
        let results = runner::run_all(&exe, &fixture, &manifest, &refs, &sandbox, 4, 1);
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the grader must finish promptly"
        );
        (results, sandbox)
    }

    /// Every way a graded test can misbehave gets its own status, and the grader finishes.
    #[test]
    fn misbehaving_tests_get_the_right_status() {
        let expected = [
            ("passes", Status::Passed),
            ("fails", Status::Failed),
            ("not_attempted", Status::NotAttempted),
            ("deadlocks", Status::TimedOut),
            ("loops_forever", Status::TimedOut),
            ("aborts", Status::Crashed),
            ("overflows_the_stack", Status::Crashed),
            ("leaves_a_child_running", Status::Failed),
            ("prints_megabytes", Status::Passed),
            ("exits_early", Status::Failed),
            ("no_such_test", Status::Failed),
            // Forgeries: none of them may pass.
            ("prints_success_and_exits", Status::Failed),
            ("writes_proofs_everywhere_and_exits", Status::Failed),
            ("leaves_a_forger_behind", Status::Failed),
            ("exits_from_another_thread", Status::Failed),
            ("passes_without_the_harness", Status::Failed),
        ];
        let names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
        let (results, _) = run_fixtures(sandbox::Mode::Auto, &names);
        for ((name, status), result) in expected.iter().zip(&results) {
            assert_eq!(&result.name, name);
            assert_eq!(result.status, *status, "{name}: {}", result.detail);
            assert_eq!(
                result.points,
                u32::from(*status == Status::Passed),
                "{name}"
            );
        }
        assert!(
            results[1].detail.contains("off by one"),
            "{}",
            results[1].detail
        );
        assert!(
            results[6].detail.contains("stack overflow"),
            "{}",
            results[6].detail
        );
        assert!(
            results[11].detail.contains("never confirmed"),
            "a forged pass is named as such: {}",
            results[11].detail
        );
    }

    /// A forbidden call through the real grading path: the fixture crate is built and audited,
    /// the shortcut's test is refused (it passes when run unaudited), the rest runs as usual, and
    /// the fixture's flagged constructs are reported.
    #[test]
    fn a_shortcut_is_refused_and_the_rest_is_graded() {
        let (fixture, exe, sandbox) = fixture(sandbox::Mode::Off);
        let options = Options {
            variant: Variant::Student,
            jobs: 2,
            hint_level: 1,
            sandbox: &sandbox,
            build_limit: runner::BUILD_LIMIT,
        };
        let manifest = Manifest::from_toml(
            "default_timeout = 10\n\
             [[exercise]]\nlesson = \"fixture\"\nitem = \"answer\"\n\
             hints = [\"a\", \"b\"]\ntests = [{ name = \"passes\", points = 1 }]\n\
             [[exercise]]\nlesson = \"fixture\"\nitem = \"shortcut\"\n\
             forbid = [\"crate::reference\"]\nhints = [\"write your own\", \"b\"]\n\
             tests = [{ name = \"takes_a_shortcut\", points = 2 }]\n",
        )
        .unwrap();
        let tests: Vec<&TestSpec> = manifest.tests_of("fixture").collect();
        let lib = fixture.join("src/lib.rs");
        let file = ExercisesFile::load(&fixture.join("src"), "fixture", &[], &lib)
            .unwrap()
            .unwrap();
        let line_of = |code: &str| 1 + file.text.lines().position(|l| l.trim() == code).unwrap();

        let unaudited = grade_built(&exe, &fixture, &manifest, &tests, None, &options);
        assert_eq!(unaudited[1].status, Status::Passed, "the shortcut works");
        let results = grade_built(&exe, &fixture, &manifest, &tests, Some(&file), &options);
        assert_eq!(results[0].status, Status::Passed, "{}", results[0].detail);
        let refused = &results[1];
        assert_eq!(
            (refused.status, refused.points, refused.seconds),
            (Status::Forbidden, 0, 0.0)
        );
        assert_eq!(refused.hint, "write your own");
        let (import, call) = (
            line_of("use crate::reference::forty_two as mine;"),
            line_of("mine()"),
        );
        let lines = [
            format!(
                "`shortcut` uses the lesson's own `crate::reference::forty_two` (line {import})"
            ),
            format!("`crate::reference::forty_two` (written `mine`, line {call})"),
        ];
        for line in lines {
            assert!(refused.detail.contains(&line), "{line}\n{}", refused.detail);
        }
        assert!(refused.detail.contains("forbids `crate::reference`"));

        let flagged: std::collections::BTreeSet<flags::FlagKind> =
            flags::review(&file, &[]).iter().map(|f| f.kind).collect();
        use flags::FlagKind::*;
        for kind in [Unsafe, Extern, Symbol, Exit, Env, Fd, Process] {
            assert!(flagged.contains(&kind), "{kind:?} in {flagged:?}");
        }
    }

    /// The audit's part of the self-test, without building anything: the forbidden paths of
    /// grading.toml exist, and the solutions and the stubs pass the audit.
    #[test]
    fn the_lessons_pass_their_own_audit() {
        let root = workspace::root();
        let manifest = Manifest::load(&root.join("grading.toml")).unwrap();
        for lesson in crate::lessons::names().unwrap() {
            let problems =
                audit_problems(&root.join("crates").join(lesson), &manifest, lesson).unwrap();
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    }

    /// `--sandbox off` runs tests as before: the time limit and the process group still hold.
    #[test]
    fn without_the_sandbox_only_the_time_limit_holds() {
        let (results, sandbox) = run_fixtures(
            sandbox::Mode::Off,
            &["passes", "leaves_a_child_running", "loops_forever"],
        );
        let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Passed, Status::Failed, Status::TimedOut]);
        assert!(
            sandbox
                .report()
                .layers
                .iter()
                .all(|l| (l.status == sandbox::Status::Off) == (l.name != "time limit")),
            "{:?}",
            sandbox.report()
        );
    }

    /// Each escape from the sandbox scores nothing, says which limit stopped it, and leaves no
    /// file and no process on the host. An escape whose layer this machine lacks is skipped,
    /// and said so.
    #[test]
    fn sandbox_escapes_score_nothing_and_leave_nothing_behind() {
        // The fixture's ESCAPE_FILE, and the marker of its fork bomb's processes.
        let escape_file = "grader-fixture-escape";
        let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set"));
        let planted = [home.join(escape_file), Path::new("/tmp").join(escape_file)];
        for file in &planted {
            let _ = std::fs::remove_file(file);
        }
        // (test, the layer that stops it, its status, words of its detail)
        let escapes = [
            (
                "writes_to_home",
                "Landlock",
                Status::Failed,
                "Permission denied",
            ),
            (
                "writes_to_the_hosts_tmp",
                "Landlock",
                Status::Failed,
                "Permission denied",
            ),
            (
                "reads_the_teachers_home",
                "Landlock",
                Status::Failed,
                "Permission denied",
            ),
            (
                "connects_beyond_loopback",
                "network namespace",
                Status::Failed,
                "Network is unreachable",
            ),
            (
                "forks_a_bomb",
                "PID namespace",
                Status::Failed,
                "Resource temporarily unavailable",
            ),
            (
                "reserves_50_gib",
                "resource limits",
                Status::Crashed,
                "an abort",
            ),
        ];
        let names: Vec<&str> = escapes.iter().map(|e| e.0).collect();
        let (results, sandbox) = run_fixtures(sandbox::Mode::Auto, &names);
        for ((name, layer, status, words), result) in escapes.iter().zip(&results) {
            let in_force = sandbox
                .report()
                .layers
                .iter()
                .any(|l| l.name == *layer && l.status == sandbox::Status::InForce);
            if !in_force {
                eprintln!("{name}: skipped, this machine lacks the {layer} layer");
                continue;
            }
            assert_eq!(result.status, *status, "{name}: {}", result.detail);
            assert_eq!(result.points, 0, "{name}");
            assert!(
                result.detail.contains(words) && result.detail.contains("(the sandbox: "),
                "{name}: {}",
                result.detail
            );
        }
        for file in &planted {
            assert!(!file.exists(), "{} was written", file.display());
        }
        let marker = format!(
            "grader-fixture-fork-bomb {}",
            workspace::root().join("xtask/fixtures/grader").display()
        );
        let survivors: Vec<String> = std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
            .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
            .filter(|cmdline| cmdline.contains(&marker))
            .collect();
        assert!(survivors.is_empty(), "left running: {survivors:?}");
    }

    #[test]
    fn a_compile_error_is_reported_with_the_compiler_message() {
        let (_, _, built) = build_fixture(Variant::Solutions);
        let message = built.expect_err("the fixture's solutions do not compile");
        assert!(message.contains("mismatched types"), "{message}");
        let specs = [spec("passes", 2)];
        let manifest = Manifest {
            default_timeout: 2,
            allow: Default::default(),
            exercises: Vec::new(),
        };
        let results =
            runner::compile_failed(&manifest, &specs.iter().collect::<Vec<_>>(), &message, 1);
        assert_eq!(results[0].status, Status::CompileError);
    }
}
