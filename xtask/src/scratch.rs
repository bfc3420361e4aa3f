//! Scratch copies of the workspace that build in the workspace's own target folder.
//!
//! The grader builds code that is not this checkout's: a fork's exercises, a class of forks, the
//! known-wrong answers. Building each copy in a target folder of its own would compile every
//! dependency again (minutes on two cores); sharing this checkout's target folder reuses them.
//! But cargo names and judges a workspace crate's artifacts by its path *relative to its
//! workspace root* (see ../shared/CRATES.md): two copies with the same layout would overwrite each
//! other's builds, and each would take the other's for up to date. So each copy puts its crates
//! under a folder of its own, `<scratch>/<prefix>/`, with a root manifest at `<scratch>/` that
//! names the members there: a relative path, and so artifacts, no other copy has.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// A scratch workspace: its root manifest at `root`, its members under `root/<prefix>/`.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// The scratch workspace's root (where cargo runs).
    pub root: PathBuf,
    /// The folder under `root` that holds the copied members.
    pub prefix: String,
}

impl Scratch {
    /// Where the copied workspace files go (`crates/`, `testkit/`, ... are below it).
    pub fn tree(&self) -> PathBuf {
        self.root.join(&self.prefix)
    }

    /// A lesson crate's folder in the copy.
    pub fn crate_dir(&self, lesson: &str) -> PathBuf {
        self.tree().join("crates").join(lesson)
    }

    /// Writes the root manifest (`Cargo.toml` of `original_root`, with every member and path
    /// dependency moved under the prefix), the lock file and the cargo configuration. The copied
    /// tree itself is the caller's to fill.
    pub fn write_root(&self, original_root: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.root)?;
        let manifest = std::fs::read_to_string(original_root.join("Cargo.toml"))
            .context("reading the workspace's Cargo.toml")?;
        let moved = relocate_manifest(&manifest, &self.prefix)?;
        write_if_changed(&self.root.join("Cargo.toml"), moved.as_bytes(), None)?;
        for file in ["Cargo.lock", ".cargo/config.toml"] {
            let from = original_root.join(file);
            if from.is_file() {
                let modified = from.metadata()?.modified().ok();
                write_if_changed(&self.root.join(file), &std::fs::read(&from)?, modified)?;
            }
        }
        Ok(())
    }
}

impl Scratch {
    /// Fills the scratch with the committed `HEAD` of the checkout at `repo` (its files as of that
    /// commit, with the commit's time: unchanged files stay fresh for cargo from one export to the
    /// next), the members under the prefix and the root manifest at the root.
    pub fn export_head(&self, repo: &Path) -> anyhow::Result<()> {
        let tree = self.tree();
        std::fs::create_dir_all(&tree)?;
        let mut archive = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["archive", "--format=tar", "HEAD"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .context("running git archive")?;
        let tar_ok = std::process::Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&tree)
            .stdin(archive.stdout.take().context("git archive's output")?)
            .status()
            .context("running tar")?
            .success();
        if !archive.wait()?.success() || !tar_ok {
            bail!(
                "could not export HEAD of {} into {}",
                repo.display(),
                tree.display()
            );
        }
        // The exported root manifest becomes the scratch's, with the members moved under the
        // prefix; none may stay in the tree, or cargo would find two workspace roots.
        self.write_root(&tree)?;
        for file in ["Cargo.toml", "Cargo.lock"] {
            let _ = std::fs::remove_file(tree.join(file));
        }
        let _ = std::fs::remove_dir_all(tree.join(".cargo"));
        Ok(())
    }
}

/// The workspace manifest `text` with its members, default members, exclusions and workspace
/// path dependencies moved under `prefix/`.
pub fn relocate_manifest(text: &str, prefix: &str) -> anyhow::Result<String> {
    let mut doc: toml::Table = toml::from_str(text).context("parsing the workspace manifest")?;
    let Some(toml::Value::Table(workspace)) = doc.get_mut("workspace") else {
        bail!("the root Cargo.toml has no [workspace]");
    };
    for key in ["members", "default-members", "exclude"] {
        if let Some(toml::Value::Array(list)) = workspace.get_mut(key) {
            for entry in list.iter_mut() {
                if let toml::Value::String(path) = entry {
                    *path = format!("{prefix}/{path}");
                }
            }
        }
    }
    if let Some(toml::Value::Table(deps)) = workspace.get_mut("dependencies") {
        for (_, dep) in deps.iter_mut() {
            if let toml::Value::Table(spec) = dep
                && let Some(toml::Value::String(path)) = spec.get_mut("path")
            {
                *path = format!("{prefix}/{path}");
            }
        }
    }
    Ok(toml::to_string(&doc)?)
}

/// Copies what cargo needs to build the workspace at `root` (every member's sources, no
/// `target` or `.git`) into `dest`, except the files in `skip` (relative paths), keeping each
/// copy's modification time and writing only files whose content changed, so that cargo rebuilds
/// only what changed since the last copy.
pub fn copy_members(
    root: &Path,
    dest: &Path,
    skip: &std::collections::HashSet<PathBuf>,
) -> anyhow::Result<()> {
    const TOP: [&str; 4] = ["crates", "testkit", "xtask", "benches"];
    let mut stack = vec![PathBuf::new()];
    while let Some(dir) = stack.pop() {
        let from = root.join(&dir);
        for entry in
            std::fs::read_dir(&from).with_context(|| format!("reading {}", from.display()))?
        {
            let entry = entry?;
            let name = entry.file_name();
            let rel = dir.join(&name);
            let wanted = if dir.as_os_str().is_empty() {
                TOP.iter().any(|t| name == *t)
            } else {
                name != "target" && name != ".git"
            };
            if !wanted || skip.contains(&rel) {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(rel);
            } else if kind.is_file() {
                let bytes = std::fs::read(entry.path())?;
                let modified = entry.metadata()?.modified().ok();
                write_if_changed(&dest.join(&rel), &bytes, modified)?;
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` unless it already holds them; a copy gets its original's `modified`
/// time (a generated file keeps the time it was written).
pub fn write_if_changed(
    path: &Path,
    bytes: &[u8],
    modified: Option<std::time::SystemTime>,
) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    if let Some(time) = modified {
        std::fs::File::options()
            .write(true)
            .open(path)?
            .set_modified(time)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_path_dependencies_move_under_the_prefix() {
        let manifest = r#"
[workspace]
members = ["crates/*", "xtask"]
default-members = ["crates/*"]

[workspace.dependencies]
testkit = { path = "testkit" }
rayon = "1.11"

[profile.release]
lto = "thin"
"#;
        let moved: toml::Table =
            toml::from_str(&relocate_manifest(manifest, "p").unwrap()).unwrap();
        let ws = &moved["workspace"];
        assert_eq!(ws["members"][0].as_str(), Some("p/crates/*"));
        assert_eq!(ws["members"][1].as_str(), Some("p/xtask"));
        assert_eq!(ws["default-members"][0].as_str(), Some("p/crates/*"));
        assert_eq!(
            ws["dependencies"]["testkit"]["path"].as_str(),
            Some("p/testkit")
        );
        assert_eq!(ws["dependencies"]["rayon"].as_str(), Some("1.11"));
        assert_eq!(moved["profile"]["release"]["lto"].as_str(), Some("thin"));
    }

    #[test]
    fn unchanged_copies_keep_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let (src, dest) = (dir.path().join("src"), dir.path().join("dest"));
        std::fs::create_dir_all(src.join("crates/a/target")).unwrap();
        std::fs::write(src.join("crates/a/lib.rs"), "x").unwrap();
        std::fs::write(src.join("crates/a/target/junk"), "x").unwrap();
        std::fs::write(src.join("README.md"), "x").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(src.join("crates/a/lib.rs"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        copy_members(&src, &dest, &Default::default()).unwrap();
        let copied = dest.join("crates/a/lib.rs");
        assert_eq!(copied.metadata().unwrap().modified().unwrap(), old);
        assert!(!dest.join("crates/a/target").exists(), "no targets");
        assert!(!dest.join("README.md").exists(), "only the members");
    }
}
