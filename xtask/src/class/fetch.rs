//! Reading a student's fork: which commit it is at, and its `src/exercises.rs` files — nothing
//! else of it is ever read or run.
//!
//! A fork is a local folder or a git URL. A URL's commit is asked of the server first
//! (`git ls-remote`), so that a fork graded before at that commit costs one round trip; its files
//! are then fetched (`git fetch --depth 1`) into a bare repository and read as blobs, never
//! checked out. A local folder is read as it is on disk, or at `ref` if the roster names one.

use std::collections::{BTreeMap, hash_map::DefaultHasher};
use std::hash::{Hash as _, Hasher as _};
use std::io::Read as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt as _;

/// How long one git command may take (a clone of a large fork over a slow link included).
const GIT_TIMEOUT: Duration = Duration::from_secs(120);

/// The largest `src/exercises.rs` read from a fork.
const MAX_FILE: usize = 4 << 20;

/// Where a fork is.
#[derive(Debug, Clone)]
pub struct Fork {
    /// The roster's `fork`: a path or a git URL.
    pub location: String,
    /// The roster's `ref`.
    pub reference: Option<String>,
}

impl Fork {
    fn is_url(&self) -> bool {
        self.location.contains("://") || self.location.starts_with("git@")
    }

    /// The commit the fork is at (for a folder outside git, or without a `ref`, a hash of its
    /// exercise files, prefixed `files-`). `Err` says, in words, why the fork cannot be read.
    pub fn commit(&self, lessons: &[&str]) -> Result<String, String> {
        if self.is_url() {
            let wanted = self.reference.as_deref().unwrap_or("HEAD");
            if is_commit_id(wanted) {
                return Ok(wanted.to_string());
            }
            let out = git(None, &["ls-remote", "--", &self.location, wanted])?;
            let text = String::from_utf8_lossy(&out);
            return text
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .next()
                .map(str::to_string)
                .ok_or_else(|| format!("{} has no ref `{wanted}`", self.location));
        }
        let path = Path::new(&self.location);
        if !path.is_dir() {
            return Err(format!("{} is not a folder", self.location));
        }
        match &self.reference {
            Some(reference) => {
                let out = git(
                    Some(path),
                    &[
                        "rev-parse",
                        "--verify",
                        "--quiet",
                        &format!("{reference}^{{commit}}"),
                    ],
                )
                .map_err(|_| format!("{} has no ref `{reference}`", self.location))?;
                Ok(String::from_utf8_lossy(&out).trim().to_string())
            }
            None => {
                let files = self.read_folder(lessons)?;
                let mut hasher = DefaultHasher::new();
                files.hash(&mut hasher);
                Ok(format!("files-{:016x}", hasher.finish()))
            }
        }
    }

    /// The fork's `src/exercises.rs` of each lesson it has, at `commit` (see [`Fork::commit`]).
    /// `cache` is a folder for the bare repository a URL is fetched into.
    pub fn exercise_files(
        &self,
        commit: &str,
        lessons: &[&str],
        cache: &Path,
    ) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let repo: PathBuf = if self.is_url() {
            if !cache.join("HEAD").exists() {
                std::fs::create_dir_all(cache).map_err(|e| e.to_string())?;
                git(Some(cache), &["init", "--quiet", "--bare"])?;
            }
            git(
                Some(cache),
                &[
                    "fetch",
                    "--quiet",
                    "--depth",
                    "1",
                    "--",
                    &self.location,
                    commit,
                ],
            )
            .map_err(|why| format!("could not fetch {} at {commit}: {why}", self.location))?;
            cache.to_path_buf()
        } else if self.reference.is_some() {
            PathBuf::from(&self.location)
        } else {
            return self.read_folder(lessons);
        };
        if git(
            Some(&repo),
            &["cat-file", "-e", &format!("{commit}:crates")],
        )
        .is_err()
        {
            return Err(format!(
                "{} at {commit} is not a checkout of this course (no crates/ folder)",
                self.location
            ));
        }
        let mut files = BTreeMap::new();
        for lesson in lessons {
            let spec = format!("{commit}:crates/{lesson}/src/exercises.rs");
            if let Ok(bytes) = git(Some(&repo), &["cat-file", "blob", &spec]) {
                files.insert(lesson.to_string(), bytes);
            }
        }
        Ok(files)
    }

    /// The exercise files of a folder, as they are on disk.
    fn read_folder(&self, lessons: &[&str]) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let root = Path::new(&self.location);
        if !root.join("crates").is_dir() {
            return Err(format!(
                "{} is not a checkout of this course (no crates/ folder)",
                self.location
            ));
        }
        let mut files = BTreeMap::new();
        for lesson in lessons {
            let path = root.join("crates").join(lesson).join("src/exercises.rs");
            match std::fs::metadata(&path) {
                Ok(meta) if meta.len() > MAX_FILE as u64 => {
                    return Err(format!("{} is larger than 4 MiB", path.display()));
                }
                Ok(_) => {
                    let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
                    files.insert(lesson.to_string(), bytes);
                }
                Err(_) => {}
            }
        }
        Ok(files)
    }
}

/// Whether `text` is a full commit id.
fn is_commit_id(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs git (in `dir`, if given) without a terminal to prompt on, under [`GIT_TIMEOUT`], and
/// returns its standard output (at most [`MAX_FILE`] bytes), or its error in a line.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("git");
    if let Some(dir) = dir {
        cmd.arg("-C").arg(dir);
    }
    cmd.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().map_err(|e| format!("could not run git: {e}"))?;
    let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = stdout.as_mut() {
            let _ = pipe.take(MAX_FILE as u64 + 1).read_to_end(&mut bytes);
        }
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.take(64 << 10).read_to_string(&mut text);
        }
        text
    });
    let status = match child.wait_timeout(GIT_TIMEOUT) {
        Ok(Some(status)) => status,
        _ => {
            // SAFETY: killpg only sends a signal to the group git leads.
            unsafe {
                libc::killpg(child.id() as i32, libc::SIGKILL);
            }
            let _ = child.wait();
            return Err(format!("git {} took longer than {GIT_TIMEOUT:?}", args[0]));
        }
    };
    let bytes = out.join().unwrap_or_default();
    let text = err.join().unwrap_or_default();
    if !status.success() {
        let why = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("failed");
        return Err(why.trim().to_string());
    }
    if bytes.len() > MAX_FILE {
        return Err("a file of the fork is larger than 4 MiB".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, script: &str) {
        let ok = Command::new("sh")
            .args(["-c", script])
            .current_dir(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "{script}");
    }

    /// A fork with two commits: the first answers `sync`, the second changes its answer.
    fn fork() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        sh(
            dir.path(),
            "git init -q -b main . && git config user.email t@t && git config user.name t && \
             mkdir -p crates/sync/src && echo one > crates/sync/src/exercises.rs && \
             git add -A && git commit -q -m one && git tag first && \
             echo two > crates/sync/src/exercises.rs && git commit -q -am two",
        );
        dir
    }

    #[test]
    fn a_folder_a_ref_and_a_url() {
        let repo = fork();
        let path = repo.path().to_str().unwrap().to_string();
        let lessons = ["sync", "pools"];
        let cache = tempfile::tempdir().unwrap();

        let folder = Fork {
            location: path.clone(),
            reference: None,
        };
        let commit = folder.commit(&lessons).unwrap();
        assert!(commit.starts_with("files-"), "{commit}");
        let files = folder
            .exercise_files(&commit, &lessons, cache.path())
            .unwrap();
        assert_eq!(files["sync"], b"two\n");
        assert!(
            !files.contains_key("pools"),
            "a lesson the fork lacks is left out"
        );

        let tagged = Fork {
            location: path.clone(),
            reference: Some("first".into()),
        };
        let commit = tagged.commit(&lessons).unwrap();
        assert!(is_commit_id(&commit), "{commit}");
        assert_eq!(
            tagged
                .exercise_files(&commit, &lessons, cache.path())
                .unwrap()["sync"],
            b"one\n"
        );

        let url = Fork {
            location: format!("file://{path}"),
            reference: Some("main".into()),
        };
        let commit = url.commit(&lessons).unwrap();
        let files = url
            .exercise_files(&commit, &lessons, &cache.path().join("bare"))
            .unwrap();
        assert_eq!(files["sync"], b"two\n");
    }

    #[test]
    fn unreadable_forks_say_why() {
        let repo = fork();
        let path = repo.path().to_str().unwrap().to_string();
        let lessons = ["sync"];
        let missing = Fork {
            location: "/no/such/fork".into(),
            reference: None,
        };
        assert!(
            missing
                .commit(&lessons)
                .unwrap_err()
                .contains("not a folder")
        );
        let bad_ref = Fork {
            location: path.clone(),
            reference: Some("nope".into()),
        };
        assert!(
            bad_ref
                .commit(&lessons)
                .unwrap_err()
                .contains("no ref `nope`")
        );
        let bad_url = Fork {
            location: format!("file://{path}/nothing"),
            reference: None,
        };
        assert!(bad_url.commit(&lessons).is_err());
        let empty = tempfile::tempdir().unwrap();
        let not_course = Fork {
            location: empty.path().to_str().unwrap().into(),
            reference: None,
        };
        assert!(
            not_course
                .commit(&lessons)
                .unwrap_err()
                .contains("no crates/")
        );
    }
}
