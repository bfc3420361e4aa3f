//! Where the workspace is and which lessons it has.

use std::path::{Path, PathBuf};

/// The lessons, in the order they are taught. Each is a crate under `crates/`.
pub const LESSONS: [&str; 6] = [
    "threads-basics",
    "sync",
    "ipc",
    "pools",
    "mandelbrot",
    "downloader",
];

/// The workspace root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Checks that every name is a lesson; with no names, all lessons.
pub fn select_lessons(names: &[String]) -> anyhow::Result<Vec<String>> {
    if names.is_empty() {
        return Ok(LESSONS.iter().map(|l| l.to_string()).collect());
    }
    for name in names {
        if !LESSONS.contains(&name.as_str()) {
            anyhow::bail!(
                "unknown lesson `{name}`; the lessons are: {}",
                LESSONS.join(", ")
            );
        }
    }
    Ok(names.to_vec())
}

/// The `cargo` that runs us (cargo sets `$CARGO` for the programs it runs).
pub fn cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(root());
    cmd
}
