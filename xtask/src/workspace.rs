//! Where the workspace is, and the `cargo` that builds it. Its lessons are in [`crate::lessons`].

use std::path::{Path, PathBuf};

/// The environment variable that points the runner at another course workspace (its own tests
/// use it to work on a small course of their own).
pub const ROOT_VAR: &str = "XTASK_WORKSPACE";

/// The workspace root: `$XTASK_WORKSPACE` if set, else the parent of this crate's manifest
/// directory.
pub fn root() -> PathBuf {
    if let Some(root) = std::env::var_os(ROOT_VAR).filter(|r| !r.is_empty()) {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The `cargo` that runs us (cargo sets `$CARGO` for the programs it runs).
pub fn cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(root());
    cmd
}
