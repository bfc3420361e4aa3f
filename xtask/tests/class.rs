//! `cargo xtask grade --class`, end to end, on the small course of `common`: a roster of forks
//! (a git repository at a ref, a folder with a broken answer, a git URL, a path that is not
//! there) into one gradebook; a rerun that reuses every result; the same class in two shards,
//! merged; and rosters that are refused.

mod common;

use common::{SOLUTIONS, STUBS, XTASK, answer, course, git};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn grade_class(course: &Path, roster: &Path, extra: &[&str]) -> Output {
    Command::new(XTASK)
        .args(["grade", "--class"])
        .arg(roster)
        .args(extra)
        .env("XTASK_WORKSPACE", course)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

fn gradebook(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("gradebook.json")).unwrap()).unwrap()
}

fn student<'a>(book: &'a Value, name: &str) -> &'a Value {
    book["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == name)
        .unwrap_or_else(|| panic!("{name} is not in {book:#}"))
}

/// A fork of the course in its own git repository, with `exercises` committed on `main`.
fn fork(course: &Path, exercises: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("git")
        .args(["clone", "-q"])
        .arg(course)
        .arg(dir.path())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    std::fs::write(dir.path().join("crates/mini/src/exercises.rs"), exercises).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "my answers"]);
    dir
}

#[test]
fn a_class_into_one_gradebook_then_cached_then_sharded() {
    let course = course();
    let solved = fork(course.path(), SOLUTIONS);
    // A folder outside git whose first answer does not compile.
    let broken = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(broken.path().join("crates/mini/src")).unwrap();
    std::fs::write(
        broken.path().join("crates/mini/src/exercises.rs"),
        answer(STUBS, "x", "\"not a number\""),
    )
    .unwrap();
    let roster = course.path().join("roster.csv");
    std::fs::write(
        &roster,
        format!(
            "student,fork,ref\n\
             Ada Lovelace,{solved},main\n\
             bob,{broken},\n\
             ../cy,/no/such/fork,\n\
             dee,file://{solved},main\n",
            solved = solved.path().display(),
            broken = broken.path().display(),
        ),
    )
    .unwrap();
    let out_dir = course.path().join("target/grade/class");

    let out = grade_class(course.path(), &roster, &["--students", "2"]);
    assert!(out.status.success(), "{out:?}");
    let book = gradebook(&out_dir);
    let ada = student(&book, "Ada Lovelace");
    assert_eq!(
        (ada["total"].as_u64(), ada["max"].as_u64()),
        (Some(3), Some(3)),
        "{ada:#}"
    );
    assert_eq!(ada["status"], "graded");
    assert_eq!(ada["folder"], "Ada_Lovelace");
    let sandbox = ada["sandbox"].as_str().unwrap_or_default();
    assert!(
        sandbox == "full" || sandbox.starts_with("partial: "),
        "the sandbox column says what confined the code: {sandbox:?}"
    );
    let bob = student(&book, "bob");
    assert_eq!(bob["status"], "build_failed", "{bob:#}");
    assert_eq!(bob["total"], 0);
    let cy = student(&book, "../cy");
    assert_eq!(cy["status"], "unreachable", "{cy:#}");
    assert!(
        cy["reason"].as_str().unwrap().contains("not a folder"),
        "{cy:#}"
    );
    let dee = student(&book, "dee");
    assert_eq!(dee["total"], 3, "{dee:#}");
    assert_eq!(
        dee["commit"], ada["commit"],
        "the same commit, read over git"
    );
    let report = out_dir.join("students/Ada_Lovelace/report.json");
    assert!(report.is_file() && out_dir.join("students/___cy/report.md").is_file());
    let md = std::fs::read_to_string(out_dir.join("gradebook.md")).unwrap();
    assert!(md.contains("Exercises the class struggles with"), "{md}");
    let csv = std::fs::read_to_string(out_dir.join("gradebook.csv")).unwrap();
    assert!(
        csv.starts_with("student,fork,commit,total,max,mini,status"),
        "{csv}"
    );

    // Nothing changed: every fork that could be read is reused, none is built again.
    let out = grade_class(course.path(), &roster, &["--students", "2"]);
    assert!(out.status.success(), "{out:?}");
    let again = gradebook(&out_dir);
    for name in ["Ada Lovelace", "bob", "dee"] {
        assert_eq!(student(&again, name)["cached"], true, "{name}");
        assert_eq!(
            student(&again, name)["total"],
            student(&book, name)["total"]
        );
    }

    // The same class in two shards, merged in either order, is the same class.
    let parts: Vec<_> = (1..=2)
        .map(|i| {
            let dir = course.path().join(format!("part-{i}"));
            let shard = format!("{i}/2");
            let out = grade_class(
                course.path(),
                &roster,
                &["--shard", &shard, "--out", dir.to_str().unwrap()],
            );
            assert!(out.status.success(), "{out:?}");
            dir
        })
        .collect();
    let names = |book: &Value| {
        let mut names: Vec<String> = book["students"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["student"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let (first, second) = (gradebook(&parts[0]), gradebook(&parts[1]));
    assert_eq!(
        names(&first).len() + names(&second).len(),
        4,
        "no student twice"
    );
    for (order, merged) in [
        (&parts[..], "merged-a"),
        (&[parts[1].clone(), parts[0].clone()][..], "merged-b"),
    ] {
        let out = Command::new(XTASK)
            .args(["gradebook", "merge"])
            .args(order)
            .args(["--out", course.path().join(merged).to_str().unwrap()])
            .env("XTASK_WORKSPACE", course.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let (a, b) = (
        gradebook(&course.path().join("merged-a")),
        gradebook(&course.path().join("merged-b")),
    );
    assert_eq!(a, b, "merging does not depend on the order of the parts");
    assert_eq!(names(&a), names(&book));
    assert!(
        course
            .path()
            .join("merged-a/students/Ada_Lovelace/report.json")
            .is_file()
    );
}

#[test]
fn bad_rosters_are_refused_with_their_line() {
    let course = course();
    let roster = course.path().join("roster.csv");
    for (text, expected) in [
        ("name,repo\nada,x\n", "line 1"),
        ("student,fork\n", "no student"),
        (
            "student,fork\nada,/x\nada,/y\n",
            "line 3: `ada` is already on line 2",
        ),
    ] {
        std::fs::write(&roster, text).unwrap();
        let out = grade_class(course.path(), &roster, &[]);
        assert_eq!(out.status.code(), Some(2), "{text}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{text}: {err}");
    }
    let out = grade_class(course.path(), &course.path().join("missing.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
}
