//! A small course of its own for the runner's tests: one lesson, `mini`, with two exercises, in
//! a scratch git checkout.

#![allow(dead_code)] // each test file uses its part

use std::path::Path;
use std::process::Command;

/// The runner under test.
pub const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

pub const STUBS: &str = r#"//! The mini lesson's exercises.

/// **Exercise 1: double a number.** Return `2 * x`.
pub fn double(x: u64) -> u64 {
    let _ = x;
    todo!()
}

/// **Exercise 2: a sum on threads.** Return the sum of `xs`, computed on two threads.
pub fn sum_on_threads(xs: &[u64]) -> u64 {
    let _ = xs;
    todo!()
}
"#;

pub const SOLUTIONS: &str = r#"//! The mini lesson's exercises, solved.

/// Exercise 1.
pub fn double(x: u64) -> u64 {
    2 * x
}

/// Exercise 2.
pub fn sum_on_threads(xs: &[u64]) -> u64 {
    let (a, b) = xs.split_at(xs.len() / 2);
    std::thread::scope(|s| {
        let left = s.spawn(|| a.iter().sum::<u64>());
        b.iter().sum::<u64>() + left.join().unwrap()
    })
}
"#;

pub const GRADE_RS: &str = r#"//! The mini lesson's graded tests.
testkit::grading_harness!();

#[test]
fn double_doubles() {
    let _pass = harness::start();
    assert_eq!(mini::exercises::double(21), 42);
}

#[test]
fn sum_on_threads_adds_up() {
    let _pass = harness::start();
    assert_eq!(mini::exercises::sum_on_threads(&[1, 2, 3, 4]), 10);
}
"#;

/// A course of one lesson, `mini`, committed in a fresh git repository.
pub fn course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let testkit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("testkit");
    let files: [(&str, String); 8] = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"3\"\n".into(),
        ),
        (
            "lessons.toml",
            "[[lesson]]\nname = \"mini\"\nnumber = 1\ntitle = \"A mini lesson\"\nbound = \"cpu\"\n\
             unit = \"items\"\nparameter = \"workers\"\n"
                .into(),
        ),
        (
            "grading.toml",
            "default_timeout = 10\n\n\
             [[exercise]]\nlesson = \"mini\"\nitem = \"double\"\n\
             hints = [\"Think of multiplication.\", \"The `*` operator.\"]\n\
             tests = [{ name = \"double_doubles\", points = 1 }]\n\n\
             [[exercise]]\nlesson = \"mini\"\nitem = \"sum_on_threads\"\n\
             hints = [\"Start both halves before you wait for either.\", \"std::thread::scope.\"]\n\
             tests = [{ name = \"sum_on_threads_adds_up\", points = 2, timeout = 3 }]\n"
                .into(),
        ),
        (
            "crates/mini/Cargo.toml",
            format!(
                "[package]\nname = \"mini\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
                 [features]\ndefault = [\"exercises\"]\nexercises = []\n\
                 solutions = [\"exercises\"]\ngrading = [\"exercises\"]\n\n\
                 [[test]]\nname = \"grade\"\nrequired-features = [\"grading\"]\n\n\
                 [dev-dependencies]\ntestkit = {{ path = {:?} }}\n",
                testkit.display().to_string()
            ),
        ),
        (
            "crates/mini/src/lib.rs",
            "//! A mini lesson.\n#[cfg(feature = \"exercises\")]\n\
             #[cfg_attr(feature = \"solutions\", path = \"../solutions/exercises.rs\")]\n\
             pub mod exercises;\n"
                .into(),
        ),
        ("crates/mini/src/exercises.rs", STUBS.into()),
        ("crates/mini/solutions/exercises.rs", SOLUTIONS.into()),
        ("crates/mini/tests/grade.rs", GRADE_RS.into()),
    ];
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "the course"]);
    dir
}

/// `source` with the body of the exercise whose argument is `arg` (`x` for `double`, `xs` for
/// `sum_on_threads`) in place of its `todo!()`.
pub fn answer(source: &str, arg: &str, body: &str) -> String {
    source.replace(
        &format!("    let _ = {arg};\n    todo!()\n"),
        &format!("    {body}\n"),
    )
}

/// Runs `git` with a throwaway identity in `dir`.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}
