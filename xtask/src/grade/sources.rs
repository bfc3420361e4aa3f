//! Where the graded code and the grading files come from: `--tests-from REF` restores the grading
//! files from git; `--fork` grades a scratch copy of this checkout with only the students'
//! `src/exercises.rs` files taken from the fork.

use crate::scratch::Scratch;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files that decide a grade, other than the students' exercises: the manifest, the graded tests,
/// what they link against and how everything is built. Students never need to change these.
const GRADING_FILES: [&str; 10] = [
    "grading.toml",
    "Cargo.toml",
    ".cargo",
    "testkit",
    "xtask",
    "crates/*/Cargo.toml",
    "crates/*/build.rs",
    "crates/*/src/lib.rs",
    "crates/*/tests/grade.rs",
    "build.rs",
];

/// Restores every grading file from git ref `reference` in the checkout at `root`, and returns the
/// files the checkout had changed (added files are removed).
pub fn restore_grading_files(root: &Path, reference: &str) -> anyhow::Result<Vec<String>> {
    let verify = git(root)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{reference}^{{commit}}"))
        .output()?;
    if !verify.status.success() {
        bail!("--tests-from: `{reference}` is not a commit in this repository (fetch it first)");
    }
    let diff = git(root)
        .args(["diff", "--no-renames", "--name-status", reference, "--"])
        .args(GRADING_FILES)
        .output()
        .context("running git diff")?;
    if !diff.status.success() {
        bail!("git diff failed: {}", String::from_utf8_lossy(&diff.stderr));
    }
    let mut changed = Vec::new();
    for line in String::from_utf8_lossy(&diff.stdout).lines() {
        let Some((status, path)) = line.split_once('\t') else {
            continue;
        };
        if status == "A" {
            std::fs::remove_file(root.join(path)).with_context(|| format!("removing {path}"))?;
        } else {
            let ok = git(root)
                .args(["checkout", reference, "--", path])
                .status()?
                .success();
            if !ok {
                bail!("could not restore {path} from {reference}");
            }
        }
        changed.push(format!(
            "{path} ({})",
            if status == "A" {
                "added by the fork: removed"
            } else {
                "restored"
            }
        ));
    }
    Ok(changed)
}

/// Builds a scratch copy of the committed upstream checkout at `root`, with each lesson's
/// `src/exercises.rs` taken from the fork at `location` (a path or a git URL). Returns the scratch
/// workspace and the exercise files taken.
pub fn fork_workspace(root: &Path, location: &str) -> anyhow::Result<(Scratch, Vec<String>)> {
    let base = root.join("target/grade/fork");
    let scratch = Scratch {
        root: base.join("workspace"),
        prefix: "fork".into(),
    };
    if scratch.root.exists() {
        std::fs::remove_dir_all(&scratch.root).context("clearing the scratch workspace")?;
    }
    scratch.export_head(root)?;
    let tree = scratch.tree();

    let fork = if is_url(location) {
        let clone = base.join("source");
        if clone.exists() {
            std::fs::remove_dir_all(&clone)?;
        }
        let ok = Command::new("git")
            .args(["clone", "--quiet", "--depth", "1", location])
            .arg(&clone)
            .status()
            .context("running git clone")?
            .success();
        if !ok {
            bail!("--fork: could not clone {location}");
        }
        clone
    } else {
        let path = PathBuf::from(location);
        if !path.join("crates").is_dir() {
            bail!("--fork: {location} is not a checkout of this course (no crates/ folder)");
        }
        path
    };

    let mut taken = Vec::new();
    for lesson in crate::lessons::names()? {
        let rel = format!("crates/{lesson}/src/exercises.rs");
        let from = fork.join(&rel);
        if from.is_file() {
            std::fs::copy(&from, tree.join(&rel)).with_context(|| format!("copying {rel}"))?;
            taken.push(rel);
        }
    }
    Ok((scratch, taken))
}

fn is_url(location: &str) -> bool {
    location.contains("://") || location.starts_with("git@")
}

fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, script: &str) {
        let ok = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "{script}");
    }

    /// An upstream with one lesson, committed.
    fn upstream() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        sh(
            dir.path(),
            "git init -q -b main . && git config user.email t@t && git config user.name t && \
             mkdir -p crates/sync/src crates/sync/tests && \
             printf '[workspace]\\nmembers = [\"crates/*\"]\\n' > Cargo.toml && \
             echo 'default_timeout = 10' > grading.toml && \
             echo 'fn real_test() {}' > crates/sync/tests/grade.rs && \
             echo 'pub fn stub() -> u32 { 0 }' > crates/sync/src/exercises.rs && \
             git add -A && git commit -q -m upstream",
        );
        dir
    }

    #[test]
    fn tests_from_restores_what_a_fork_changed() {
        let repo = upstream();
        let root = repo.path();
        sh(
            root,
            "git tag upstream && \
             echo 'fn always_passes() {}' > crates/sync/tests/grade.rs && \
             echo 'fn main() {}' > crates/sync/build.rs && \
             echo 'pub fn stub() {}' > crates/sync/src/exercises.rs && \
             git add -A && git commit -q -m fork",
        );
        let changed = restore_grading_files(root, "upstream").unwrap();
        assert_eq!(changed.len(), 2, "{changed:?}");
        let grade = std::fs::read_to_string(root.join("crates/sync/tests/grade.rs")).unwrap();
        assert!(grade.contains("real_test"));
        assert!(!root.join("crates/sync/build.rs").exists());
        let answer = std::fs::read_to_string(root.join("crates/sync/src/exercises.rs")).unwrap();
        assert_eq!(
            answer.trim(),
            "pub fn stub() {}",
            "the student's answer is kept"
        );
        assert!(restore_grading_files(root, "no-such-ref").is_err());
    }

    #[test]
    fn fork_mode_takes_only_the_exercises() {
        let repo = upstream();
        let fork = tempfile::tempdir().unwrap();
        sh(
            fork.path(),
            "mkdir -p crates/sync/src crates/sync/tests && \
             echo 'fn always_passes() {}' > crates/sync/tests/grade.rs && \
             echo 'pub fn stub() {}' > crates/sync/src/exercises.rs",
        );
        let (scratch, taken) = fork_workspace(repo.path(), fork.path().to_str().unwrap()).unwrap();
        assert_eq!(taken, ["crates/sync/src/exercises.rs"]);
        let read = |rel: &str| std::fs::read_to_string(scratch.tree().join(rel)).unwrap();
        assert_eq!(
            read("crates/sync/src/exercises.rs").trim(),
            "pub fn stub() {}"
        );
        assert!(read("crates/sync/tests/grade.rs").contains("real_test"));
        assert!(read("grading.toml").contains("default_timeout"));
        let manifest = std::fs::read_to_string(scratch.root.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("\"fork/crates/*\""), "{manifest}");
        assert!(!scratch.tree().join("Cargo.toml").exists());
        assert!(fork_workspace(repo.path(), "/no/such/fork").is_err());
    }
}
