//! Where the workspace is, and the `cargo` that builds it. Its lessons are in [`crate::lessons`].

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
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
