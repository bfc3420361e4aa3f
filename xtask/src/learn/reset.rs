//! `cargo xtask reset EXERCISE`: one exercise back to its original stub, the student's other
//! answers untouched.
//!
//! The original is the newest committed version of `src/exercises.rs` in which the item is still
//! a stub (a `todo!()` body): in a fork that is the course's own version, whether or not the
//! student has committed answers since, and it follows the course when the course updates an
//! exercise. Its item (and the methods of its `impl` blocks) replace the student's.

use super::course::Exercise;
use crate::grade::manifest;
use anyhow::{Context, bail};
use std::path::Path;
use std::process::Command;
use syn::spanned::Spanned as _;

/// The student's file with `exercise` put back to its newest committed stub; `None` if the item
/// is already exactly that stub.
pub fn reset_source(
    repo: &Path,
    exercise: &Exercise,
    current: &str,
) -> anyhow::Result<Option<String>> {
    let stub_file = committed_stub(repo, exercise)?;
    let stub_items = item_text(&stub_file, &exercise.item)
        .with_context(|| format!("the stub of `{}` could not be read", exercise.item))?;
    if item_text(current, &exercise.item).as_deref() == Some(stub_items.as_str()) {
        return Ok(None);
    }
    let reset = crate::grade::splice::splice(current, &stub_items)
        .with_context(|| format!("putting the stub of `{}` back", exercise.item))?;
    Ok(Some(reset))
}

/// The newest committed version of the exercise's file in which its item is a stub.
fn committed_stub(repo: &Path, exercise: &Exercise) -> anyhow::Result<String> {
    let file = exercise.file.to_string_lossy().to_string();
    let log = git(repo)
        .args(["log", "--format=%H", "--", &file])
        .output()
        .context("running git log")?;
    if !log.status.success() {
        bail!(
            "reset needs the course's git history, and {} is not a git checkout ({})",
            repo.display(),
            String::from_utf8_lossy(&log.stderr).trim()
        );
    }
    for commit in String::from_utf8_lossy(&log.stdout).lines() {
        let show = git(repo)
            .args(["show", &format!("{commit}:{file}")])
            .output()
            .context("running git show")?;
        let text = String::from_utf8_lossy(&show.stdout);
        if show.status.success() && manifest::is_stub(&text, &exercise.item) == Some(true) {
            return Ok(text.into_owned());
        }
    }
    bail!(
        "no commit of {file} has `{}` as a stub: nothing to reset it to",
        exercise.item
    )
}

/// The text of item `name` in `source`: the function, or the type and its inherent `impl`
/// blocks, one after another.
fn item_text(source: &str, name: &str) -> Option<String> {
    let file = syn::parse_file(source).ok()?;
    let parts: Vec<&str> = file
        .items
        .iter()
        .filter(|item| match item {
            syn::Item::Fn(f) => f.sig.ident == name,
            syn::Item::Struct(s) => s.ident == name,
            syn::Item::Enum(e) => e.ident == name,
            syn::Item::Impl(imp) => {
                imp.trait_.is_none() && manifest::self_type_is(&imp.self_ty, name)
            }
            _ => false,
        })
        .map(|item| &source[item.span().byte_range()])
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn git(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(repo);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "/// One.\npub fn one() -> u32 {\n    todo!()\n}\n\n/// A type.\npub struct Two {\n    _todo: (),\n}\n\nimpl Two {\n    /// Makes one.\n    pub fn new() -> Two {\n        todo!()\n    }\n}\n";

    #[test]
    fn a_type_comes_back_with_its_methods_and_the_rest_stays() {
        let answered = STUB
            .replace(
                "pub fn one() -> u32 {\n    todo!()",
                "pub fn one() -> u32 {\n    1",
            )
            .replace("_todo: (),", "n: u32,")
            .replace(
                "pub fn new() -> Two {\n        todo!()",
                "pub fn new() -> Two {\n        Two { n: 2 }",
            );
        let two = item_text(STUB, "Two").unwrap();
        let reset = crate::grade::splice::splice(&answered, &two).unwrap();
        assert!(
            reset.contains("_todo: ()") && reset.contains("todo!()"),
            "{reset}"
        );
        assert!(
            reset.contains("pub fn one() -> u32 {\n    1"),
            "one() keeps its answer: {reset}"
        );
        assert_eq!(item_text(&reset, "Two"), Some(two));
    }
}
